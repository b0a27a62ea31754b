#pragma once
// Conversion of a transform's Python result into C++ values. Internal to
// tributary_python (includes Python.h).

#include "python/py_object.hpp"

#include <string>
#include <vector>

#include "common/property_value.hpp"
#include "common/result.hpp"
#include "python/transform.hpp"

namespace tributary::python {

/// Converts the value returned by `stream(batch)` (see Transform::Call):
/// params values None/bool/int/float/str/bytes/bytearray/list/tuple/dict
/// (str keys) become PropertyValues (bytes and bytearray as Bytes). Errors name the offending item
/// and place, e.g. `result item 3: params["x"][2]: unsupported value of type set`. REQUIRES: GIL.
Result<std::vector<QueryWithParams>, std::string> ToQueries(PyObject* result);

}  // namespace tributary::python
