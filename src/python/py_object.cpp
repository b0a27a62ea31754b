#include "python/py_object.hpp"

namespace tributary::python {
namespace {

// str(object) as UTF-8, or `fallback` if that fails (the error is cleared).
std::string StrOf(PyObject* object, const char* fallback) {
  PyRef text(PyObject_Str(object));
  if (!text) {
    PyErr_Clear();
    return fallback;
  }
  Py_ssize_t size = 0;
  const char* utf8 = PyUnicode_AsUTF8AndSize(text.get(), &size);
  if (utf8 == nullptr) {
    PyErr_Clear();
    return fallback;
  }
  return std::string(utf8, static_cast<size_t>(size));
}

std::string FormatTraceback(PyObject* type, PyObject* value, PyObject* traceback) {
  PyRef module(PyImport_ImportModule("traceback"));
  if (!module) {
    PyErr_Clear();
    return {};
  }
  PyRef lines(PyObject_CallMethod(module.get(), "format_exception", "OOO", type,
                                  value != nullptr ? value : Py_None,
                                  traceback != nullptr ? traceback : Py_None));
  if (!lines) {
    PyErr_Clear();
    return {};
  }
  PyRef empty(PyUnicode_FromString(""));
  PyRef joined(PyUnicode_Join(empty.get(), lines.get()));
  if (!joined) {
    PyErr_Clear();
    return {};
  }
  return StrOf(joined.get(), "");
}

}  // namespace

std::string NameOfType(PyTypeObject* type) {
  PyRef name(PyType_GetName(type));
  if (!name) {
    PyErr_Clear();
    return type->tp_name;
  }
  return StrOf(name.get(), type->tp_name);
}

std::string TypeNameOf(PyObject* object) { return NameOfType(Py_TYPE(object)); }

std::string FetchExceptionText(std::string* traceback) {
  PyObject* raw_type = nullptr;
  PyObject* raw_value = nullptr;
  PyObject* raw_traceback = nullptr;
  PyErr_Fetch(&raw_type, &raw_value, &raw_traceback);
  if (raw_type == nullptr) return "unknown error";
  PyErr_NormalizeException(&raw_type, &raw_value, &raw_traceback);
  PyRef type(raw_type);
  PyRef value(raw_value);
  PyRef trace(raw_traceback);
  if (value && trace) PyException_SetTraceback(value.get(), trace.get());
  if (traceback != nullptr) *traceback = FormatTraceback(type.get(), value.get(), trace.get());

  std::string name = PyType_Check(type.get())
                         ? NameOfType(reinterpret_cast<PyTypeObject*>(type.get()))
                         : std::string("exception");
  if (value && PyErr_GivenExceptionMatches(type.get(), PyExc_SyntaxError)) {
    // str(SyntaxError) names the file ("invalid syntax (<name>, line 3)"); the
    // caller names the script already.
    PyRef msg(PyObject_GetAttrString(value.get(), "msg"));
    PyRef line(PyObject_GetAttrString(value.get(), "lineno"));
    PyErr_Clear();
    std::string text = name + ": " + (msg ? StrOf(msg.get(), "?") : std::string("?"));
    if (line && PyLong_Check(line.get())) text += " (line " + StrOf(line.get(), "?") + ")";
    return text;
  }
  std::string message = value ? StrOf(value.get(), "<unprintable>") : std::string();
  return message.empty() ? name : name + ": " + message;
}

}  // namespace tributary::python
