#pragma once
// The one embedded CPython interpreter of the process.
//
// CPython 3.11 (Debian's libpython3.11 and its standard library under /usr),
// initialised in isolated mode: environment variables such as PYTHONPATH and
// PYTHONHOME (e.g. from pyenv) and the user site directory are ignored, and
// Python installs no signal handlers. See docs/adr/001-transform-runtime.md.

#include <memory>
#include <string>

#include "common/result.hpp"

namespace tributary::python {

class Watchdog;

/// Starts the interpreter on construction and finalises it on destruction.
/// After Start() the GIL is released; any thread may then run Python through
/// Transform (which takes the GIL only while Python code runs).
class PythonRuntime {
 public:
  /// Initialises the interpreter, redirects sys.stdout/sys.stderr to the log
  /// (see output_capture.hpp) and starts the transform watchdog. Fails with a
  /// description if the interpreter cannot start or one is already running.
  static Result<std::unique_ptr<PythonRuntime>, std::string> Start();

  PythonRuntime(const PythonRuntime&) = delete;
  PythonRuntime& operator=(const PythonRuntime&) = delete;
  /// Stops the watchdog and finalises the interpreter.
  /// REQUIRES: called on the thread that called Start(); no Transform alive and
  /// no thread running Python.
  ~PythonRuntime();

  /// Whether a PythonRuntime currently exists in this process.
  static bool IsRunning();

  /// The runtime's watchdog (see watchdog.hpp). REQUIRES: IsRunning().
  static Watchdog& GetWatchdog();

 private:
  PythonRuntime();

  void* main_thread_state_ = nullptr;  // PyThreadState* saved after init.
  std::unique_ptr<Watchdog> watchdog_;
};

}  // namespace tributary::python
