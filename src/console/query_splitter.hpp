#pragma once
// Splits console input into queries: a query ends at a `;` that is outside
// quotes ('...', "...", `...`, with backslash escapes inside ' and ") and
// outside comments (// to end of line, /* ... */). Input arrives line by
// line, so a query may span several lines.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::console {

/// Accumulates input lines and yields complete queries. Not thread-safe.
class QuerySplitter {
 public:
  /// Adds one line (without its newline). Returns every query completed by
  /// it, trimmed and without the terminating `;`; queries made only of
  /// whitespace and comments are dropped.
  std::vector<std::string> AddLine(std::string_view line);

  /// True while a query has started but not ended (for the continuation
  /// prompt).
  bool InQuery() const;

  /// Returns and clears the unterminated rest (trimmed) unless it is only
  /// whitespace and comments.
  std::optional<std::string> TakeRest();

 private:
  enum class Mode { kCode, kSingle, kDouble, kBacktick, kLineComment, kBlockComment };

  std::string current_;
  Mode mode_ = Mode::kCode;
  bool escaped_ = false;
  bool has_code_ = false;  // the current query has something besides comments
};

/// Trims ASCII whitespace at both ends.
std::string Trim(std::string_view s);

}  // namespace tributary::console
