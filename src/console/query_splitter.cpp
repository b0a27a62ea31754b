#include "console/query_splitter.hpp"

namespace tributary::console {

std::string Trim(std::string_view s) {
  const char* ws = " \t\r\n\f\v";
  const size_t begin = s.find_first_not_of(ws);
  if (begin == std::string_view::npos) return "";
  const size_t end = s.find_last_not_of(ws);
  return std::string(s.substr(begin, end - begin + 1));
}

std::vector<std::string> QuerySplitter::AddLine(std::string_view line) {
  std::vector<std::string> done;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    const char next = i + 1 < line.size() ? line[i + 1] : '\0';
    switch (mode_) {
      case Mode::kCode:
        if (c == ';') {
          std::string q = Trim(current_);
          current_.clear();
          if (has_code_) done.push_back(std::move(q));
          has_code_ = false;
          continue;
        }
        if (c == '\'') mode_ = Mode::kSingle;
        if (c == '"') mode_ = Mode::kDouble;
        if (c == '`') mode_ = Mode::kBacktick;
        if (c == '/' && next == '/') {
          mode_ = Mode::kLineComment;
          break;
        }
        if (c == '/' && next == '*') {
          mode_ = Mode::kBlockComment;
          current_.push_back(c);
          current_.push_back(next);
          ++i;  // so that "/*/" does not close the comment
          continue;
        }
        if (c != ' ' && c != '\t' && c != '\r' && c != '\f' && c != '\v') has_code_ = true;
        break;
      case Mode::kSingle:
      case Mode::kDouble:
        if (escaped_) {
          escaped_ = false;
        } else if (c == '\\') {
          escaped_ = true;
        } else if (c == (mode_ == Mode::kSingle ? '\'' : '"')) {
          mode_ = Mode::kCode;
        }
        break;
      case Mode::kBacktick:
        if (c == '`') mode_ = Mode::kCode;
        break;
      case Mode::kLineComment:
        break;
      case Mode::kBlockComment:
        if (c == '*' && next == '/') {
          current_.push_back(c);
          current_.push_back(next);
          ++i;
          mode_ = Mode::kCode;
          continue;
        }
        break;
    }
    current_.push_back(c);
  }
  if (mode_ == Mode::kLineComment) mode_ = Mode::kCode;
  if (!current_.empty()) current_.push_back('\n');
  return done;
}

bool QuerySplitter::InQuery() const { return has_code_ || mode_ != Mode::kCode; }

std::optional<std::string> QuerySplitter::TakeRest() {
  std::string q = Trim(current_);
  const bool has_code = has_code_;
  current_.clear();
  mode_ = Mode::kCode;
  escaped_ = false;
  has_code_ = false;
  if (!has_code) return std::nullopt;
  return q;
}

}  // namespace tributary::console
