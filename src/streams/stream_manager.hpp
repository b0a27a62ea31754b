#pragma once
// The streams of one database: executes every stream statement (CREATE, DROP,
// SHOW, START, STOP, TEST), keeps definitions, control states and progress in
// the storage's system keys, runs a StreamWorker per started stream, and
// recreates everything after a restart. See docs/streams.md.
//
// Messages a client sees (exactly; the console prefixes them with
// "Client received exception: "):
//   Kafka stream <name> already exists.
//   Kafka stream <name> doesn't exist.
//   Kafka stream <name> is already running
//   Kafka stream <name> is already stopped
//   Couldn't get the transform script from <uri>
//   Kafka stream <name>, transform script <uri>: <Python error>
//   Kafka stream <name>, broker not available at <uri>
//   Kafka stream <name>, topic not found
//   Kafka stream <name>, invalid Kafka URI '<uri>': <problem>

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cypher/parser/ast.hpp"
#include "python/script_source.hpp"
#include "query/engine.hpp"
#include "streams/stream_definition.hpp"
#include "streams/stream_state.hpp"
#include "streams/stream_tester.hpp"
#include "streams/stream_worker.hpp"

namespace tributary::streams {

/// Settings of the stream manager (the server's flags).
struct StreamManagerOptions {
  /// How long CREATE STREAM waits for a broker to answer; also the consumers'
  /// metadata timeout.
  std::chrono::milliseconds kafka_timeout{5000};
  /// Limit of one transform call (and of loading a script).
  std::chrono::milliseconds transform_timeout = python::kDefaultTransformTimeLimit;
  /// Fetching the transform script at CREATE STREAM.
  std::chrono::milliseconds fetch_timeout{python::kDefaultFetchTimeoutMs};
  size_t max_script_bytes = python::kDefaultMaxScriptBytes;
  /// TEST STREAM returns what it has when no message arrives for this long.
  std::chrono::milliseconds test_wait{5000};
  /// Back-off of a stream that cannot load its transform or reach its broker.
  std::chrono::milliseconds retry_min{500};
  std::chrono::milliseconds retry_max{10000};
  /// Back-off of batches that hit serialization conflicts.
  RetryPolicy conflict_retry;
  /// How often consumers refresh broker reachability (ms).
  int consumer_status_interval_ms = 500;
  /// Extra librdkafka consumer properties (tests).
  kafka::ConfigSettings consumer_config;
};

/// A stream's live and stored state, for tests, benchmarks and SHOW STREAM.
struct StreamInfo {
  StreamDefinition definition;
  StreamState::Snapshot state;
  StreamProgress progress;
  StreamState::Timings timings;
};

/// Owns every stream of one database. Thread-safe: statements may arrive from
/// any number of connections at once; statements on the same stream run one
/// after the other.
class StreamManager {
 public:
  /// REQUIRES: `engine` (and its storage) outlives the manager, and a
  /// python::PythonRuntime is running for as long as the manager exists.
  StreamManager(query::QueryEngine& engine, StreamManagerOptions options);
  StreamManager(const StreamManager&) = delete;
  StreamManager& operator=(const StreamManager&) = delete;
  /// Shutdown()s.
  ~StreamManager();

  /// Recreates every stream stored in the storage (after durability's
  /// recovery) and starts again those that were running; returns how many
  /// streams exist. A stream whose stored definition cannot be decoded is
  /// logged and skipped (its keys stay). Never blocks on Kafka or Python:
  /// workers do that in the background. Call once, before serving.
  size_t Recover();

  /// Executes a stream statement; returns its result table (empty for
  /// statements without rows). Throws cypher::CypherError with the
  /// user-facing message.
  query::ResultTable Execute(const cypher::Statement& statement);

  /// Stops every worker without changing what is stored, so running streams
  /// start again at the next Recover(). Statements fail afterwards. Idempotent.
  void Shutdown();

  /// The named stream's state, or nullopt if it does not exist.
  std::optional<StreamInfo> Info(std::string_view name) const;

 private:
  struct Stream {
    std::shared_ptr<const StreamDefinition> definition;
    std::shared_ptr<StreamState> state;
    std::mutex control;                    // Serialises statements on this stream.
    std::unique_ptr<StreamWorker> worker;  // GUARDED_BY(control)
    bool dropped = false;                  // GUARDED_BY(control)
  };

  query::ResultTable Create(const cypher::CreateStreamStatement& statement);
  query::ResultTable Drop(const std::string& name);
  query::ResultTable ShowAll();
  query::ResultTable ShowOne(const std::string& name);
  query::ResultTable Start(const std::string& name, std::optional<int64_t> limit);
  query::ResultTable Stop(const std::string& name);
  query::ResultTable StartAll();
  query::ResultTable StopAll();
  query::ResultTable Test(const std::string& name, std::optional<int64_t> limit);

  // The stream, or throws "doesn't exist".
  std::shared_ptr<Stream> Find(const std::string& name) const;
  std::vector<std::shared_ptr<Stream>> All() const;
  // REQUIRES: stream.control held. Whether a worker is alive.
  static bool WorkerAlive(const Stream& stream);
  // REQUIRES: stream.control held and the stream not dropped.
  void StartLocked(Stream& stream, std::optional<int64_t> limit);
  // REQUIRES: stream.control held. Returns false if it was already stopped.
  bool StopLocked(Stream& stream);
  WorkerOptions MakeWorkerOptions() const;
  void StartWorker(Stream& stream, const StreamControl& control);

  query::QueryEngine& engine_;
  const StreamManagerOptions options_;

  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Stream>, std::less<>> streams_;  // GUARDED_BY(mutex_)
  std::set<std::string, std::less<>> creating_;                          // GUARDED_BY(mutex_)
  bool shut_down_ = false;                                               // GUARDED_BY(mutex_)
};

}  // namespace tributary::streams
