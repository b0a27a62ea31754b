#pragma once
// What the in-process stream tests share: the process's Python interpreter, a
// development Kafka broker, and a Database (storage, optional durability, the
// query engine and a StreamManager) driven through openCypher text exactly as
// a client's statements are.

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cypher/errors.hpp"
#include "kafka/dev_broker.hpp"
#include "kafka/producer.hpp"
#include "python/python_runtime.hpp"
#include "query/engine.hpp"
#include "storage/durability/durability.hpp"
#include "storage/storage.hpp"
#include "streams/stream_manager.hpp"

namespace tributary::streams::testing {

/// The Python runtime and one dev broker for the whole test program (set up
/// and torn down on the main thread, as PythonRuntime requires).
class StreamsEnvironment : public ::testing::Environment {
 public:
  void SetUp() override;
  void TearDown() override;
  /// The shared broker and a producer connected to it.
  static kafka::DevBroker& Broker();
  static kafka::Producer& Producer();

 private:
  std::unique_ptr<python::PythonRuntime> runtime_;
};

/// Calls `done` every 20 ms until it returns true or `timeout` passes.
bool WaitFor(const std::function<bool()>& done,
             std::chrono::milliseconds timeout = std::chrono::seconds(20));

/// A fresh topic name, unique in this process.
std::string NewTopic(int partitions = 1);

/// Produces each value to `topic` (`partition` -1: any) and waits until delivered.
void Produce(const std::string& topic, const std::vector<std::string>& values,
             int32_t partition = 0);

/// A directory removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  /// Writes `text` to path()/name and returns the absolute path.
  std::string Write(const std::string& name, const std::string& text) const;

 private:
  std::string path_;
};

/// The transform of the Kafka integration guide (examples/transform.py).
std::string ExampleTransformPath();

/// Options suited to tests: short timeouts and back-offs.
StreamManagerOptions TestOptions();

/// Storage (with durability when `data_dir` is not empty), engine and streams.
class Database {
 public:
  explicit Database(StreamManagerOptions options = TestOptions(), std::string data_dir = "");
  /// Stops the streams, then durability (as `tributary serve` shuts down).
  ~Database();

  /// Runs one statement in its own auto-commit transaction and returns its
  /// rows. Throws what the engine throws. Rows must hold no graph values.
  query::ResultTable Run(const std::string& text);
  /// Runs a statement that must fail and returns the message a client sees.
  std::string Error(const std::string& text);
  /// The integer in the first column of the first row of `text`.
  int64_t Int(const std::string& text);
  /// SHOW STREAMS' status of `name` ("" if absent).
  std::string Status(const std::string& name);
  /// A stream's applied message and batch counts (0 if absent).
  uint64_t Messages(const std::string& name);
  uint64_t Batches(const std::string& name);
  /// The stream's last error ("" if none).
  std::string LastError(const std::string& name);

  storage::Storage& storage() { return storage_; }
  query::QueryEngine& engine() { return engine_; }
  StreamManager& streams() { return *manager_; }

 private:
  class Handler;
  storage::Storage storage_;
  std::unique_ptr<storage::durability::Durability> durability_;
  query::QueryEngine engine_;
  std::unique_ptr<StreamManager> manager_;
  std::unique_ptr<Handler> handler_;
};

/// "CREATE STREAM <name> AS LOAD DATA KAFKA '<broker>' WITH TOPIC '<topic>'
/// WITH TRANSFORM '<script>' <extra>".
std::string CreateStream(const std::string& name, const std::string& topic,
                         const std::string& script, const std::string& extra = "",
                         const std::string& broker = "");

}  // namespace tributary::streams::testing
