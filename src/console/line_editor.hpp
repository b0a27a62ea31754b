#pragma once
// Interactive line input with editing and history, on top of libedit's
// readline compatibility layer.

#include <optional>
#include <string>

namespace tributary::console {

/// Reads lines from the terminal with editing and history. One instance per
/// process (libedit's readline layer is global state); not thread-safe.
class LineEditor {
 public:
  /// Loads history from `history_file` unless it is empty.
  explicit LineEditor(std::string history_file);
  /// Saves the history.
  ~LineEditor();
  LineEditor(const LineEditor&) = delete;
  LineEditor& operator=(const LineEditor&) = delete;

  /// Shows `prompt` and returns the line entered; nullopt on end of input.
  std::optional<std::string> ReadLine(const std::string& prompt);

  /// Appends a non-blank entry to the history.
  void AddHistory(const std::string& entry);

 private:
  std::string history_file_;
};

/// Reads a line from the terminal without echoing it (for passwords);
/// nullopt on end of input.
std::optional<std::string> ReadSecret(const std::string& prompt);

}  // namespace tributary::console
