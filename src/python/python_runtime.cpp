#include "python/py_object.hpp"
// Python.h first.
#include "python/python_runtime.hpp"

#include <atomic>
#include <cassert>

#include "python/output_capture.hpp"
#include "python/watchdog.hpp"

#ifndef TRIBUTARY_PYTHON_HOME
#define TRIBUTARY_PYTHON_HOME "/usr"
#endif

namespace tributary::python {
namespace {

std::atomic<PythonRuntime*> g_runtime{nullptr};
Watchdog* g_watchdog = nullptr;  // Owned by *g_runtime.

std::string StatusText(const PyStatus& status) {
  std::string text = status.err_msg != nullptr ? status.err_msg : "unknown error";
  if (status.func != nullptr) text = std::string(status.func) + ": " + text;
  return "cannot start the Python interpreter: " + text;
}

// Isolated configuration: no PYTHON* environment variables (pyenv sets some),
// no user site directory, no signal handlers (the server owns SIGINT/SIGTERM),
// and the standard library of the distribution's Python under `home`.
Result<void, std::string> InitializeInterpreter() {
  PyConfig config;
  PyConfig_InitIsolatedConfig(&config);
  config.install_signal_handlers = 0;
  config.parse_argv = 0;
  config.site_import = 1;
  config.user_site_directory = 0;
  config.write_bytecode = 0;
  PyStatus status = PyConfig_SetBytesString(&config, &config.home, TRIBUTARY_PYTHON_HOME);
  if (!PyStatus_Exception(status)) {
    status = PyConfig_SetBytesString(&config, &config.program_name, "tributary");
  }
  if (!PyStatus_Exception(status)) status = Py_InitializeFromConfig(&config);
  PyConfig_Clear(&config);
  if (PyStatus_Exception(status)) return MakeError(StatusText(status));
  return {};
}

}  // namespace

PythonRuntime::PythonRuntime() = default;

Result<std::unique_ptr<PythonRuntime>, std::string> PythonRuntime::Start() {
  if (g_runtime.load() != nullptr || Py_IsInitialized()) {
    return MakeError(std::string("a Python interpreter is already running in this process"));
  }
  if (auto started = InitializeInterpreter(); !started) return MakeError(started.Error());
  // The GIL is held from here until PyEval_SaveThread.
  auto fail = [](std::string message) {
    Py_FinalizeEx();
    return MakeError(std::move(message));
  };
  if (auto captured = InstallOutputCapture(); !captured) return fail(captured.Error());
  PyRef timeout_type(PyErr_NewExceptionWithDoc(
      "tributary.TransformTimeout", "Raised inside a transform that exceeded its time limit.",
      PyExc_BaseException, nullptr));
  if (!timeout_type) return fail("cannot create TransformTimeout: " + FetchExceptionText(nullptr));

  std::unique_ptr<PythonRuntime> runtime(new PythonRuntime());
  runtime->watchdog_ = std::make_unique<Watchdog>(std::move(timeout_type));
  g_watchdog = runtime->watchdog_.get();
  runtime->main_thread_state_ = PyEval_SaveThread();
  g_runtime.store(runtime.get());
  return runtime;
}

PythonRuntime::~PythonRuntime() {
  g_runtime.store(nullptr);
  watchdog_->Stop();  // Before taking the GIL: the watchdog may be waiting for it.
  PyEval_RestoreThread(static_cast<PyThreadState*>(main_thread_state_));
  watchdog_.reset();
  g_watchdog = nullptr;
  Py_FinalizeEx();
}

bool PythonRuntime::IsRunning() { return g_runtime.load() != nullptr; }

Watchdog& PythonRuntime::GetWatchdog() {
  assert(g_watchdog != nullptr);
  return *g_watchdog;
}

}  // namespace tributary::python
