#pragma once
// RAII for CPython references and the GIL. Internal to tributary_python:
// include only from .cpp files (Python.h must be the first header included).

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <string>

namespace tributary::python {

/// Owns one strong reference to a PyObject (or nothing). Copying is deleted.
/// REQUIRES: the GIL is held whenever a non-empty PyRef is destroyed or reset.
class PyRef {
 public:
  PyRef() = default;
  /// Takes ownership of a new reference (nullptr allowed).
  explicit PyRef(PyObject* owned) : p_(owned) {}
  /// Adds a reference to a borrowed object.
  static PyRef Borrow(PyObject* borrowed) {
    Py_XINCREF(borrowed);
    return PyRef(borrowed);
  }
  PyRef(PyRef&& other) noexcept : p_(other.p_) { other.p_ = nullptr; }
  PyRef& operator=(PyRef&& other) noexcept {
    if (this != &other) {
      Py_XDECREF(p_);
      p_ = other.p_;
      other.p_ = nullptr;
    }
    return *this;
  }
  PyRef(const PyRef&) = delete;
  PyRef& operator=(const PyRef&) = delete;
  ~PyRef() { Py_XDECREF(p_); }

  PyObject* get() const { return p_; }
  /// Gives up ownership without decrementing.
  PyObject* release() {
    PyObject* p = p_;
    p_ = nullptr;
    return p;
  }
  void reset() {
    Py_XDECREF(p_);
    p_ = nullptr;
  }
  explicit operator bool() const { return p_ != nullptr; }

 private:
  PyObject* p_ = nullptr;
};

/// Holds the GIL for its lifetime, from any thread (PyGILState_Ensure/Release).
/// REQUIRES: the interpreter is initialised.
class GilGuard {
 public:
  GilGuard() : state_(PyGILState_Ensure()) {}
  ~GilGuard() { PyGILState_Release(state_); }
  GilGuard(const GilGuard&) = delete;
  GilGuard& operator=(const GilGuard&) = delete;

 private:
  PyGILState_STATE state_;
};

/// The name of an object's type, e.g. "int", "set", "MyError". REQUIRES: GIL.
std::string TypeNameOf(PyObject* object);

/// The name of a type, e.g. "ValueError". REQUIRES: GIL.
std::string NameOfType(PyTypeObject* type);

/// "Type: message" for the exception currently set (or "Type" if its message
/// is empty; SyntaxError as "SyntaxError: <msg> (line N)"), and its formatted
/// traceback into `*traceback` if not null. Clears the exception.
/// REQUIRES: GIL held and PyErr_Occurred().
std::string FetchExceptionText(std::string* traceback);

}  // namespace tributary::python
