#include "python/value_conversion.hpp"

#include <fmt/format.h>

namespace tributary::python {
namespace {

constexpr int kMaxDepth = 100;

// A conversion failure: where (built while unwinding) and why.
struct Failure {
  std::string path;
  std::string reason;

  std::string Text() const { return path.empty() ? reason : path + ": " + reason; }
};

Result<std::string, std::string> Utf8Of(PyObject* str) {
  Py_ssize_t size = 0;
  const char* utf8 = PyUnicode_AsUTF8AndSize(str, &size);
  if (utf8 == nullptr) {
    PyErr_Clear();
    return MakeError(std::string("str cannot be encoded as UTF-8"));
  }
  return std::string(utf8, static_cast<size_t>(size));
}

Result<PropertyValue, Failure> Convert(PyObject* object, int depth);

Result<PropertyValue, Failure> ConvertSequence(PyObject* object, int depth) {
  const bool is_list = PyList_Check(object);
  const Py_ssize_t size = is_list ? PyList_GET_SIZE(object) : PyTuple_GET_SIZE(object);
  PropertyValue::List list;
  list.reserve(static_cast<size_t>(size));
  for (Py_ssize_t i = 0; i < size; ++i) {
    PyObject* item = is_list ? PyList_GET_ITEM(object, i) : PyTuple_GET_ITEM(object, i);
    auto value = Convert(item, depth + 1);
    if (!value) {
      Failure failure = value.Error();
      failure.path = fmt::format("[{}]", i) + failure.path;
      return MakeError(std::move(failure));
    }
    list.push_back(std::move(*value));
  }
  return PropertyValue(std::move(list));
}

Result<PropertyValue::Map, Failure> ConvertDict(PyObject* object, int depth) {
  PropertyValue::Map map;
  PyObject* key = nullptr;
  PyObject* item = nullptr;
  Py_ssize_t pos = 0;
  while (PyDict_Next(object, &pos, &key, &item)) {
    if (!PyUnicode_Check(key)) {
      return MakeError(
          Failure{"", fmt::format("key of type {} (keys must be str)", TypeNameOf(key))});
    }
    auto name = Utf8Of(key);
    if (!name) return MakeError(Failure{"", "key " + name.Error()});
    auto value = Convert(item, depth + 1);
    if (!value) {
      Failure failure = value.Error();
      failure.path = fmt::format("[\"{}\"]", *name) + failure.path;
      return MakeError(std::move(failure));
    }
    map.emplace(std::move(*name), std::move(*value));
  }
  return map;
}

Result<PropertyValue, Failure> Convert(PyObject* object, int depth) {
  if (depth > kMaxDepth) {
    return MakeError(Failure{"", fmt::format("value nested deeper than {} levels", kMaxDepth)});
  }
  if (object == Py_None) return PropertyValue();
  // bool before int: bool is a subclass of int.
  if (PyBool_Check(object)) return PropertyValue(object == Py_True);
  if (PyLong_Check(object)) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(object, &overflow);
    if (overflow != 0) return MakeError(Failure{"", "int does not fit in 64 bits"});
    if (v == -1 && PyErr_Occurred()) {
      return MakeError(Failure{"", "int conversion failed: " + FetchExceptionText(nullptr)});
    }
    return PropertyValue(static_cast<int64_t>(v));
  }
  if (PyFloat_Check(object)) return PropertyValue(PyFloat_AS_DOUBLE(object));
  if (PyUnicode_Check(object)) {
    auto text = Utf8Of(object);
    if (!text) return MakeError(Failure{"", text.Error()});
    return PropertyValue(std::move(*text));
  }
  if (PyBytes_Check(object)) {
    return PropertyValue(Bytes{
        std::string(PyBytes_AS_STRING(object), static_cast<size_t>(PyBytes_GET_SIZE(object)))});
  }
  if (PyByteArray_Check(object)) {
    return PropertyValue(Bytes{std::string(PyByteArray_AS_STRING(object),
                                           static_cast<size_t>(PyByteArray_GET_SIZE(object)))});
  }
  if (PyList_Check(object) || PyTuple_Check(object)) return ConvertSequence(object, depth);
  if (PyDict_Check(object)) {
    auto map = ConvertDict(object, depth);
    if (!map) return MakeError(map.Error());
    return PropertyValue(std::move(*map));
  }
  return MakeError(Failure{"", "unsupported value of type " + TypeNameOf(object)});
}

}  // namespace

Result<std::vector<QueryWithParams>, std::string> ToQueries(PyObject* result) {
  if (!PyList_Check(result)) {
    return MakeError(
        fmt::format("result must be a list of (query, params) tuples, got {}", TypeNameOf(result)));
  }
  const Py_ssize_t size = PyList_GET_SIZE(result);
  std::vector<QueryWithParams> queries;
  queries.reserve(static_cast<size_t>(size));
  for (Py_ssize_t i = 0; i < size; ++i) {
    PyObject* item = PyList_GET_ITEM(result, i);
    if (!PyTuple_Check(item) && !PyList_Check(item)) {
      return MakeError(fmt::format("result item {} must be a (query, params) tuple, got {}", i,
                                   TypeNameOf(item)));
    }
    const bool is_list = PyList_Check(item);
    const Py_ssize_t length = is_list ? PyList_GET_SIZE(item) : PyTuple_GET_SIZE(item);
    if (length != 2) {
      return MakeError(
          fmt::format("result item {} must be a (query, params) tuple, got a {} of {} items", i,
                      TypeNameOf(item), length));
    }
    PyObject* query = is_list ? PyList_GET_ITEM(item, 0) : PyTuple_GET_ITEM(item, 0);
    PyObject* params = is_list ? PyList_GET_ITEM(item, 1) : PyTuple_GET_ITEM(item, 1);
    if (!PyUnicode_Check(query)) {
      return MakeError(
          fmt::format("result item {}: query must be a str, got {}", i, TypeNameOf(query)));
    }
    if (!PyDict_Check(params)) {
      return MakeError(
          fmt::format("result item {}: params must be a dict, got {}", i, TypeNameOf(params)));
    }
    QueryWithParams& out = queries.emplace_back();
    auto text = Utf8Of(query);
    if (!text) return MakeError(fmt::format("result item {}: query {}", i, text.Error()));
    out.query = std::move(*text);
    auto map = ConvertDict(params, 0);
    if (!map) {
      return MakeError(
          fmt::format("result item {}: params{}", i,
                      map.Error().path.empty() ? " " + map.Error().reason : map.Error().Text()));
    }
    out.params = std::move(*map);
  }
  return queries;
}

}  // namespace tributary::python
