#pragma once
// Applies one batch: every query the transform produced, in order, in ONE
// transaction, together with the stream's system keys (its progress), then
// commits. Either all of it becomes visible and durable, or none of it.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "python/transform.hpp"
#include "query/engine.hpp"
#include "streams/system_keys.hpp"

namespace tributary::streams {

/// Why a batch was not applied (it was rolled back in every case).
struct ApplyError {
  enum class Kind : uint8_t {
    kQuery,    ///< A query failed (syntax, semantics, run time, constraint).
    kCommit,   ///< The commit failed (e.g. the WAL could not be written).
    kStopped,  ///< Retrying a conflict was abandoned because keep_going() said so.
  };
  Kind kind = Kind::kQuery;
  std::string message;  ///< The error and, for kQuery, the query text.
};

/// How long a batch that hit a serialization conflict waits before it runs
/// again: `initial`, doubling up to `max`, until it commits.
struct RetryPolicy {
  std::chrono::milliseconds initial{5};
  std::chrono::milliseconds max{1000};
};

/// What a successful ApplyBatch measured.
struct ApplyTimings {
  double apply_ms = 0;   ///< The last attempt: queries and commit.
  double commit_ms = 0;  ///< The last attempt's commit alone.
  int attempts = 1;      ///< 1 + number of conflict retries.
};

/// Runs `queries` in order in one explicit transaction of `session`, writes
/// `system_keys` into the same transaction and commits. A serialization
/// conflict (a TransientError) rolls back and retries the whole batch with
/// back-off as long as `keep_going()`; any other error rolls back and is
/// returned. REQUIRES: no transaction is open in `session`; on return none is.
Result<ApplyTimings, ApplyError> ApplyBatch(query::Session& session,
                                            const std::vector<python::QueryWithParams>& queries,
                                            const std::vector<SystemKeyWrite>& system_keys,
                                            const RetryPolicy& retry,
                                            const std::function<bool()>& keep_going);

}  // namespace tributary::streams
