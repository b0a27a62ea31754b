#include "console/line_editor.hpp"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>

// libedit's readline compatibility header.
#include <editline/readline.h>

namespace tributary::console {

namespace {
constexpr int kHistorySize = 1000;

struct FreeDeleter {
  void operator()(char* p) const { std::free(p); }
};

// Restores the terminal's echo flag when it goes out of scope.
class EchoOff {
 public:
  EchoOff() {
    active_ = ::tcgetattr(STDIN_FILENO, &saved_) == 0;
    if (!active_) return;
    termios quiet = saved_;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  ~EchoOff() {
    if (active_) ::tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

 private:
  termios saved_{};
  bool active_ = false;
};
}  // namespace

LineEditor::LineEditor(std::string history_file) : history_file_(std::move(history_file)) {
  using_history();
  stifle_history(kHistorySize);
  if (!history_file_.empty()) read_history(history_file_.c_str());  // absent file is fine
}

LineEditor::~LineEditor() {
  if (!history_file_.empty()) write_history(history_file_.c_str());
}

std::optional<std::string> LineEditor::ReadLine(const std::string& prompt) {
  std::unique_ptr<char, FreeDeleter> line(readline(prompt.c_str()));
  if (!line) return std::nullopt;
  return std::string(line.get());
}

void LineEditor::AddHistory(const std::string& entry) {
  if (entry.find_first_not_of(" \t") == std::string::npos) return;
  add_history(entry.c_str());
}

std::optional<std::string> ReadSecret(const std::string& prompt) {
  std::cout << prompt << std::flush;
  std::string line;
  {
    EchoOff quiet;
    if (!std::getline(std::cin, line)) return std::nullopt;
  }
  std::cout << std::endl;
  return line;
}

}  // namespace tributary::console
