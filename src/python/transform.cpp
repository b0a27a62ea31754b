#include "python/py_object.hpp"
// Python.h first.
#include "python/transform.hpp"

#include <fmt/format.h>

#include "python/output_capture.hpp"
#include "python/python_runtime.hpp"
#include "python/value_conversion.hpp"
#include "python/watchdog.hpp"

namespace tributary::python {

struct Transform::Impl {
  std::string name;
  std::string module_key;  // Its key in sys.modules.
  PyRef module;
  PyRef stream;  // Borrowed from the module's dict, then owned here.
};

namespace {

TransformError MakeTransformError(TransformErrorKind kind, const std::string& name,
                                  const std::string& what, std::string traceback = {}) {
  return TransformError{kind, fmt::format("Transform {}: {}", name, what), std::move(traceback)};
}

// Runs `call` (which returns a new reference or nullptr with an exception set)
// under the watchdog. Returns the result and whether the deadline fired.
template <typename F>
std::pair<PyRef, bool> RunWithTimeLimit(std::chrono::milliseconds time_limit, F&& call) {
  if (time_limit.count() <= 0) return {PyRef(call()), false};
  Watchdog& watchdog = PythonRuntime::GetWatchdog();
  uint64_t token = watchdog.Arm(std::chrono::steady_clock::now() + time_limit);
  PyRef result(call());
  bool fired = watchdog.Disarm(token);
  return {std::move(result), fired};
}

// Removes sys.modules[key] if it is `module`.
void Unregister(const std::string& key, PyObject* module) {
  PyObject* modules = PyImport_GetModuleDict();
  PyObject* registered = PyDict_GetItemString(modules, key.c_str());
  if (registered == module && PyDict_DelItemString(modules, key.c_str()) != 0) PyErr_Clear();
}

}  // namespace

Transform::Transform(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Transform::~Transform() {
  if (impl_ == nullptr) return;
  GilGuard gil;
  Unregister(impl_->module_key, impl_->module.get());
  impl_->stream.reset();
  impl_->module.reset();
}

const std::string& Transform::Name() const { return impl_->name; }

Result<std::unique_ptr<Transform>, TransformError> Transform::Load(
    std::string name, std::string_view source, std::chrono::milliseconds time_limit) {
  if (!PythonRuntime::IsRunning()) {
    return MakeError(MakeTransformError(TransformErrorKind::kNoRuntime, name,
                                        "the Python runtime is not running"));
  }
  GilGuard gil;  // Declared first: every PyRef below is released while it is held.
  auto impl = std::make_unique<Impl>();
  impl->name = std::move(name);
  impl->module_key = "tributary_transform_" + impl->name;
  const std::string& script = impl->name;
  OutputScope output(script);
  const std::string text(source);  // Py_CompileString needs a terminating NUL.
  PyRef code(Py_CompileString(text.c_str(), script.c_str(), Py_file_input));
  if (!code) {
    return MakeError(
        MakeTransformError(TransformErrorKind::kLoad, script, FetchExceptionText(nullptr)));
  }
  impl->module = PyRef(PyModule_New(impl->module_key.c_str()));
  PyObject* globals = impl->module ? PyModule_GetDict(impl->module.get()) : nullptr;
  PyRef file(PyUnicode_FromString(script.c_str()));
  if (globals == nullptr || !file ||
      PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins()) != 0 ||
      PyDict_SetItemString(globals, "__file__", file.get()) != 0 ||
      // Registered like an imported module, so that code looking its module up
      // (dataclasses, pickle, typing) works.
      PyDict_SetItemString(PyImport_GetModuleDict(), impl->module_key.c_str(),
                           impl->module.get()) != 0) {
    return MakeError(
        MakeTransformError(TransformErrorKind::kLoad, script, FetchExceptionText(nullptr)));
  }

  auto [executed, fired] =
      RunWithTimeLimit(time_limit, [&] { return PyEval_EvalCode(code.get(), globals, globals); });
  if (!executed) {
    std::string traceback;
    std::string what = FetchExceptionText(&traceback);
    Unregister(impl->module_key, impl->module.get());
    if (fired) {
      return MakeError(MakeTransformError(
          TransformErrorKind::kTimeout, script,
          fmt::format("loading timed out after {} ms", time_limit.count()), std::move(traceback)));
    }
    return MakeError(
        MakeTransformError(TransformErrorKind::kLoad, script, what, std::move(traceback)));
  }
  PyObject* stream = PyDict_GetItemString(globals, "stream");
  if (stream == nullptr || !PyCallable_Check(stream)) {
    Unregister(impl->module_key, impl->module.get());
    return MakeError(MakeTransformError(TransformErrorKind::kLoad, script,
                                        "the script defines no callable 'stream'"));
  }
  impl->stream = PyRef::Borrow(stream);
  return std::unique_ptr<Transform>(new Transform(std::move(impl)));
}

Result<std::vector<QueryWithParams>, TransformError> Transform::Call(
    const std::vector<std::string_view>& messages, std::chrono::milliseconds time_limit) {
  const std::string& script = impl_->name;
  GilGuard gil;
  OutputScope output(script);
  PyRef batch(PyList_New(static_cast<Py_ssize_t>(messages.size())));
  if (!batch) {
    return MakeError(
        MakeTransformError(TransformErrorKind::kException, script, FetchExceptionText(nullptr)));
  }
  for (size_t i = 0; i < messages.size(); ++i) {
    PyObject* bytes =
        PyBytes_FromStringAndSize(messages[i].data(), static_cast<Py_ssize_t>(messages[i].size()));
    if (bytes == nullptr) {
      return MakeError(
          MakeTransformError(TransformErrorKind::kException, script, FetchExceptionText(nullptr)));
    }
    PyList_SET_ITEM(batch.get(), static_cast<Py_ssize_t>(i), bytes);  // Steals `bytes`.
  }

  auto [result, fired] = RunWithTimeLimit(
      time_limit, [&] { return PyObject_CallOneArg(impl_->stream.get(), batch.get()); });
  if (!result) {
    std::string traceback;
    std::string what = FetchExceptionText(&traceback);
    if (fired) {
      return MakeError(MakeTransformError(TransformErrorKind::kTimeout, script,
                                          fmt::format("timed out after {} ms", time_limit.count()),
                                          std::move(traceback)));
    }
    return MakeError(
        MakeTransformError(TransformErrorKind::kException, script, what, std::move(traceback)));
  }
  auto queries = ToQueries(result.get());
  if (!queries) {
    return MakeError(MakeTransformError(TransformErrorKind::kBadResult, script, queries.Error()));
  }
  return std::move(*queries);
}

}  // namespace tributary::python
