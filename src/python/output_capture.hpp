#pragma once
// Sends what Python code prints to the server log, tagged with the name of the
// transform running on the printing thread.

#include <string>

#include "common/result.hpp"

namespace tributary::python {

/// Replaces sys.stdout and sys.stderr with writers that log each complete
/// line through spdlog: stdout lines at info, stderr lines at warning, as
/// "transform <tag>: <line>" (tag "python" outside an OutputScope).
/// REQUIRES: the GIL is held. Called once by PythonRuntime::Start().
Result<void, std::string> InstallOutputCapture();

/// Tags output printed by the current thread with `tag` while it lives, and
/// logs a trailing partial line when it ends. Scopes do not nest.
/// REQUIRES: the GIL is held at construction and destruction.
class OutputScope {
 public:
  explicit OutputScope(const std::string& tag);
  ~OutputScope();
  OutputScope(const OutputScope&) = delete;
  OutputScope& operator=(const OutputScope&) = delete;
};

}  // namespace tributary::python
