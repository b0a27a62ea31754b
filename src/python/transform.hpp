#pragma once
// A stream's transform: a Python script whose `stream(batch)` function turns a
// batch of Kafka message values into openCypher queries with parameters (the
// contract: docs/transform-contract.md in the shared docs). Knows nothing of
// the query engine; callers execute the returned queries.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/property_value.hpp"
#include "common/result.hpp"

namespace tributary::python {

/// The time limit of one transform call (and of loading a script) by default.
inline constexpr std::chrono::milliseconds kDefaultTransformTimeLimit{30'000};

/// One (query, params) pair produced by a transform.
struct QueryWithParams {
  std::string query;
  PropertyValue::Map params;

  friend bool operator==(const QueryWithParams&, const QueryWithParams&) = default;
};

/// Why a transform failed.
enum class TransformErrorKind : uint8_t {
  kLoad,       ///< Script does not compile, raised while loading, or has no callable `stream`.
  kException,  ///< `stream` raised an exception.
  kBadResult,  ///< `stream` returned something outside the contract.
  kTimeout,    ///< The time limit passed; the call was interrupted.
  kNoRuntime,  ///< No PythonRuntime is running.
};

/// A transform failure. `message` names the transform and the cause, e.g.
/// "Transform mystream: SyntaxError: invalid syntax (line 3)" or
/// "Transform mystream: ValueError: bad message"; `traceback` holds Python's
/// formatted traceback, for the log, when there is one.
struct TransformError {
  TransformErrorKind kind = TransformErrorKind::kException;
  std::string message;
  std::string traceback;
};

/// A loaded transform script: its own module, so module-level state persists
/// from one Call() to the next. Calls may come from any thread, one at a time.
/// The GIL is held only inside Load(), Call() and the destructor.
/// REQUIRES: a PythonRuntime outlives every Transform.
class Transform {
 public:
  /// Compiles `source` and executes it as a fresh module (its `print` output
  /// is tagged `name` in the log), then looks up a callable `stream`. The
  /// module-level code is subject to `time_limit` too (<= 0: no limit).
  static Result<std::unique_ptr<Transform>, TransformError> Load(
      std::string name, std::string_view source,
      std::chrono::milliseconds time_limit = kDefaultTransformTimeLimit);

  Transform(const Transform&) = delete;
  Transform& operator=(const Transform&) = delete;
  ~Transform();

  /// Calls `stream(batch)` with `messages` as a list of bytes (oldest first) and
  /// converts its result: a list of (query: str, params: dict) tuples (2-item
  /// lists accepted), params values None/bool/int/float/str/list/dict with str
  /// keys (tuples accepted as lists); ints must fit in 64 bits. A call running
  /// longer than `time_limit` (<= 0: no limit) is interrupted (kTimeout).
  Result<std::vector<QueryWithParams>, TransformError> Call(
      const std::vector<std::string_view>& messages,
      std::chrono::milliseconds time_limit = kDefaultTransformTimeLimit);

  /// The name given to Load().
  const std::string& Name() const;

 private:
  struct Impl;
  explicit Transform(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tributary::python
