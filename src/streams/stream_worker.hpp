#pragma once
// The thread that runs one started stream: loads its transform, consumes its
// topic from the offsets stored in the database and transforms batch after
// batch, handing each to a StreamApplier, which applies it in one transaction
// that also stores the batch's end offsets (so consuming and transforming the
// next batch overlaps with writing this one).
//
// Failure handling (docs/streams.md):
//  - the transform cannot be loaded, or no broker answers, or the topic is
//    gone: status error with the reason; retried with back-off until it works
//    or the worker is stopped;
//  - the broker goes away while running: status error ("broker not available
//    at ..."), librdkafka keeps reconnecting, status running again once a
//    broker is up;
//  - the transform raises, times out or returns garbage, or a query fails:
//    the batch is rolled back, the stream is marked failed (durably, with the
//    reason) and the worker ends; START retries from the same batch;
//  - serialization conflicts: the batch is retried with back-off.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "kafka/client.hpp"
#include "kafka/consumer.hpp"
#include "python/transform.hpp"
#include "query/engine.hpp"
#include "streams/batch_applier.hpp"
#include "streams/stream_applier.hpp"
#include "streams/stream_definition.hpp"
#include "streams/stream_state.hpp"

namespace tributary::streams {

/// Settings every worker shares.
struct WorkerOptions {
  /// Limit of one transform call (and of loading the script).
  std::chrono::milliseconds transform_timeout = python::kDefaultTransformTimeLimit;
  /// How long the consumer waits for the topic's metadata when starting.
  std::chrono::milliseconds metadata_timeout{5000};
  /// Back-off between attempts to load the transform or reach the broker.
  std::chrono::milliseconds retry_min{500};
  std::chrono::milliseconds retry_max{10000};
  /// Back-off of batches that hit a serialization conflict.
  RetryPolicy conflict_retry;
  /// How often the consumer refreshes broker reachability.
  int consumer_status_interval_ms = 500;
  /// Extra librdkafka consumer properties (tests tune timeouts with them).
  kafka::ConfigSettings consumer_config;
};

/// Runs one stream on its own thread from construction until Stop() or until
/// it ends by itself (LIMIT reached, or a batch failed). Thread-safe.
class StreamWorker {
 public:
  /// Starts the thread. `control` is the stream's durable control state as the
  /// START that created this worker stored it (desired running, maybe a limit).
  StreamWorker(std::shared_ptr<const StreamDefinition> definition, query::QueryEngine& engine,
               std::shared_ptr<StreamState> state, WorkerOptions options, StreamControl control);
  StreamWorker(const StreamWorker&) = delete;
  StreamWorker& operator=(const StreamWorker&) = delete;
  /// Stop()s.
  ~StreamWorker();

  /// Asks the thread to stop (see Stop()) without waiting for it.
  void RequestStop();

  /// Asks the thread to stop after the current step (a batch being applied is
  /// committed or rolled back first) and waits for it. Does not change the
  /// stream's status or stored state. Idempotent.
  void Stop();

  /// Whether the thread has ended by itself or was stopped.
  bool Finished() const { return finished_.load(); }

 private:
  enum class Outcome : uint8_t { kSubmitted, kLastSubmitted, kFailed };

  void Run();
  // Loads the transform and starts the consumer at the stored offsets; false
  // (with the status set to error) on failure. REQUIRES: nothing in flight.
  bool Setup();
  // Consumes and submits batches until stopped, failed, the LIMIT's last
  // batch was submitted, or the consumer must restart (returns false then).
  bool Consume();
  // Transforms `batch` and submits it to the applier.
  Outcome ProcessBatch(const kafka::Batch& batch);
  // Marks the stream failed with `reason`, in memory and durably.
  void Fail(const std::string& reason);
  // Refreshes the status from the consumer's broker reachability.
  void TrackBroker();
  // Mirrors committed offsets to the consumer group (for lag tools).
  void CommitToGroup();
  // Waits for the current back-off (false if stopped meanwhile) and doubles it.
  bool WaitBackoff();
  bool Stopping() const { return stop_.load(); }

  std::shared_ptr<const StreamDefinition> definition_;
  query::QueryEngine& engine_;
  std::shared_ptr<StreamState> state_;
  const WorkerOptions options_;
  const StreamControl control_;

  const std::unique_ptr<StreamApplier> applier_;  // Thread-safe; lives as long as the worker.

  // Used by the worker thread only.
  std::unique_ptr<python::Transform> transform_;
  std::unique_ptr<kafka::Consumer> consumer_;
  StreamProgress submitted_;  // Progress after the last submitted batch.
  std::optional<std::string> transform_failure_;
  bool last_submitted_ = false;  // The LIMIT's last batch was submitted.
  std::chrono::milliseconds backoff_;
  bool broker_down_ = false;

  std::atomic<bool> stop_{false};
  std::atomic<bool> finished_{false};
  std::mutex wake_mutex_;
  std::condition_variable wake_;
  std::thread thread_;
};

/// Names the calling thread "<role>:<stream>" (cut to 15 characters) for
/// top -H, perf and debuggers.
void NameThisThread(std::string_view role, std::string_view stream);

}  // namespace tributary::streams
