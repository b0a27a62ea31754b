#include "python/py_object.hpp"
// Python.h first.
#include "python/output_capture.hpp"

#include <spdlog/spdlog.h>

#include <string_view>

namespace tributary::python {
namespace {

constexpr int kStdout = 0;
constexpr int kStderr = 1;

// Per thread, because the GIL makes the printing thread the one running the
// transform; partial lines wait here for their newline.
thread_local const std::string* current_tag = nullptr;
thread_local std::string pending[2];

void LogLine(int stream, std::string_view line) {
  std::string_view tag = current_tag != nullptr ? std::string_view(*current_tag) : "python";
  if (stream == kStderr) {
    spdlog::warn("transform {}: {}", tag, line);
  } else {
    spdlog::info("transform {}: {}", tag, line);
  }
}

void Write(int stream, std::string_view text) {
  std::string& buffer = pending[stream];
  buffer.append(text);
  size_t start = 0;
  for (size_t nl = buffer.find('\n'); nl != std::string::npos; nl = buffer.find('\n', start)) {
    LogLine(stream, std::string_view(buffer).substr(start, nl - start));
    start = nl + 1;
  }
  buffer.erase(0, start);
}

void FlushPending() {
  for (int stream : {kStdout, kStderr}) {
    if (!pending[stream].empty()) {
      LogLine(stream, pending[stream]);
      pending[stream].clear();
    }
  }
}

// _tributary_write(stream: int, text: str) -> None
PyObject* WriteToLog(PyObject* /*self*/, PyObject* const* args, Py_ssize_t nargs) {
  if (nargs != 2 || !PyLong_Check(args[0]) || !PyUnicode_Check(args[1])) {
    PyErr_SetString(PyExc_TypeError, "_tributary_write(stream: int, text: str)");
    return nullptr;
  }
  int stream = PyLong_AsLong(args[0]) == kStderr ? kStderr : kStdout;
  Py_ssize_t size = 0;
  const char* utf8 = PyUnicode_AsUTF8AndSize(args[1], &size);
  if (utf8 != nullptr) {
    Write(stream, std::string_view(utf8, static_cast<size_t>(size)));
  } else {
    // Lone surrogates cannot be UTF-8; log a replacement instead of failing print().
    PyErr_Clear();
    PyRef bytes(PyUnicode_AsEncodedString(args[1], "utf-8", "backslashreplace"));
    if (!bytes) return nullptr;
    Write(stream, std::string_view(PyBytes_AS_STRING(bytes.get()),
                                   static_cast<size_t>(PyBytes_GET_SIZE(bytes.get()))));
  }
  Py_RETURN_NONE;
}

PyMethodDef kWriteDef = {"_tributary_write",
                         reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&WriteToLog)),
                         METH_FASTCALL, "Log text printed by a transform."};

constexpr const char* kWriterSource = R"(
class TributaryLogWriter:
    """sys.stdout / sys.stderr replacement: each line goes to the server log."""
    encoding = "utf-8"
    errors = "backslashreplace"

    def __init__(self, stream):
        self._stream = stream

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError("write() argument must be str, not " + type(text).__name__)
        _tributary_write(self._stream, text)
        return len(text)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        pass

    def isatty(self):
        return False

    def readable(self):
        return False

    def writable(self):
        return True

import sys
sys.stdout = TributaryLogWriter(0)
sys.stderr = TributaryLogWriter(1)
sys.__stdout__ = sys.stdout
sys.__stderr__ = sys.stderr
)";

}  // namespace

Result<void, std::string> InstallOutputCapture() {
  PyRef globals(PyDict_New());
  PyRef write(PyCFunction_New(&kWriteDef, nullptr));
  PyRef name(PyUnicode_FromString("tributary_output"));
  if (!globals || !write || !name ||
      PyDict_SetItemString(globals.get(), "__builtins__", PyEval_GetBuiltins()) != 0 ||
      PyDict_SetItemString(globals.get(), "__name__", name.get()) != 0 ||
      PyDict_SetItemString(globals.get(), "_tributary_write", write.get()) != 0) {
    return MakeError(FetchExceptionText(nullptr));
  }
  PyRef result(PyRun_String(kWriterSource, Py_file_input, globals.get(), globals.get()));
  if (!result) return MakeError("cannot redirect Python output: " + FetchExceptionText(nullptr));
  return {};
}

OutputScope::OutputScope(const std::string& tag) {
  FlushPending();
  current_tag = &tag;
}

OutputScope::~OutputScope() {
  FlushPending();
  current_tag = nullptr;
}

}  // namespace tributary::python
