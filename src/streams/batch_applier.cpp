#include "streams/batch_applier.hpp"

#include <algorithm>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cypher/errors.hpp"

namespace tributary::streams {
namespace {

using Clock = std::chrono::steady_clock;

double MillisecondsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Sleeps `duration` in short steps; false if keep_going() turned false.
bool SleepWhile(std::chrono::milliseconds duration, const std::function<bool()>& keep_going) {
  const auto end = Clock::now() + duration;
  while (Clock::now() < end) {
    if (!keep_going()) return false;
    std::this_thread::sleep_for(
        std::min<Clock::duration>(end - Clock::now(), std::chrono::milliseconds(20)));
  }
  return keep_going();
}

}  // namespace

Result<ApplyTimings, ApplyError> ApplyBatch(query::Session& session,
                                            const std::vector<python::QueryWithParams>& queries,
                                            const std::vector<SystemKeyWrite>& system_keys,
                                            const RetryPolicy& retry,
                                            const std::function<bool()>& keep_going) {
  ApplyTimings timings;
  std::chrono::milliseconds backoff = retry.initial;
  while (true) {
    const auto start = Clock::now();
    size_t current = 0;  // Index of the running query; queries.size() while committing.
    try {
      session.Begin();
      for (; current < queries.size(); ++current) {
        // The transform's parameters are bound as they are (no Params map
        // per query); the session's memo finds the plan without hashing.
        session.RunWithPropertyValues(queries[current].query, queries[current].params)->Discard();
      }
      storage::Transaction* tx = session.transaction();
      for (const auto& [key, value] : system_keys) tx->PutSystemKey(key, value);
      const auto commit_start = Clock::now();
      session.Commit();
      timings.commit_ms = MillisecondsSince(commit_start);
      timings.apply_ms = MillisecondsSince(start);
      return timings;
    } catch (const cypher::CypherError& e) {
      session.Reset();
      if (e.Kind() == cypher::ErrorKind::kTransient) {
        spdlog::debug("stream batch conflicted (attempt {}), retrying in {} ms: {}",
                      timings.attempts, backoff.count(), e.what());
        if (!SleepWhile(backoff, keep_going)) {
          return MakeError(
              ApplyError{ApplyError::Kind::kStopped,
                         fmt::format("stopped while retrying a conflict: {}", e.what())});
        }
        backoff = std::min(backoff * 2, retry.max);
        ++timings.attempts;
        continue;
      }
      if (current < queries.size()) {
        return MakeError(ApplyError{
            ApplyError::Kind::kQuery,
            fmt::format("query failed: {} (query: {})", e.what(), queries[current].query)});
      }
      return MakeError(
          ApplyError{ApplyError::Kind::kCommit, fmt::format("commit failed: {}", e.what())});
    } catch (const std::exception& e) {
      session.Reset();
      return MakeError(ApplyError{
          current < queries.size() ? ApplyError::Kind::kQuery : ApplyError::Kind::kCommit,
          fmt::format("batch failed: {}", e.what())});
    }
  }
}

}  // namespace tributary::streams
