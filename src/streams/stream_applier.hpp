#pragma once
// The second half of a running stream: applies its transformed batches, in
// order, each in its own transaction (ApplyBatch), on a thread of its own. The
// worker meanwhile consumes and transforms the next batch, so Python (which
// holds the GIL) and the graph writes (which do not need it) overlap. At most
// one batch is being applied and one waits; the order of commits is the order
// of Submit() calls, so stored offsets only ever move forward.

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "kafka/consumer.hpp"
#include "query/engine.hpp"
#include "streams/batch_applier.hpp"
#include "streams/stream_state.hpp"

namespace tributary::streams {

/// Applies submitted batches in order on its own thread. Thread-safe.
class StreamApplier {
 public:
  /// One transformed batch, ready to be applied.
  struct Batch {
    std::vector<python::QueryWithParams> queries;
    std::vector<SystemKeyWrite> system_keys;  ///< Written in the batch's transaction.
    kafka::PartitionOffsets end_offsets;      ///< For the consumer group, once committed.
    size_t messages = 0;
  };

  /// Starts the thread. `name` is for the log; timings go to `state`.
  StreamApplier(std::string name, query::QueryEngine& engine, std::shared_ptr<StreamState> state,
                RetryPolicy conflict_retry);
  StreamApplier(const StreamApplier&) = delete;
  StreamApplier& operator=(const StreamApplier&) = delete;
  /// Stop()s.
  ~StreamApplier();

  /// Queues `batch` after those submitted before, waiting while another batch
  /// is already queued. Returns false (dropping the batch) once a batch has
  /// failed or Stop() was called.
  bool Submit(Batch batch);

  /// Waits until every submitted batch is committed, or one failed, or the
  /// applier stopped. Returns the failure of the first batch that failed.
  std::optional<std::string> Drain();

  /// Whether a batch failed (later batches are refused).
  bool Failed() const;

  /// The end offsets committed since the last call, merged per partition.
  kafka::PartitionOffsets TakeCommitted();

  /// Asks the thread to stop: the batch being applied still commits or rolls
  /// back (a conflict retry is abandoned), a queued batch is dropped, and
  /// Submit() refuses from now on. Does not wait. Idempotent.
  void RequestStop();

  /// RequestStop(), then waits for the thread. Idempotent.
  void Stop();

 private:
  void Run();

  const std::string name_;
  std::shared_ptr<StreamState> state_;
  const RetryPolicy conflict_retry_;
  query::Session session_;  // Used by the thread only.

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::optional<Batch> queued_;         // GUARDED_BY(mutex_)
  bool busy_ = false;                   // GUARDED_BY(mutex_)
  bool stop_ = false;                   // GUARDED_BY(mutex_)
  std::optional<std::string> failure_;  // GUARDED_BY(mutex_)
  kafka::PartitionOffsets committed_;   // GUARDED_BY(mutex_)
  std::thread thread_;
};

}  // namespace tributary::streams
