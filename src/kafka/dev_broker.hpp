#pragma once
// A Kafka broker for development and tests: librdkafka's mock cluster, which
// speaks the real Kafka protocol on a local TCP port. Not for production.
//
// Limits of librdkafka 2.0.2's mock, which users of `tributary dev-broker` see:
//  - it listens on 127.0.0.1 on a port the kernel picks; there is no way to ask
//    for a fixed port, so the address is read from dev-broker's output (or,
//    with --port, bootstrap connections go through a TcpForwarder);
//  - it keeps at most 100,000 messages / 5 MiB per partition and drops older
//    ones, so large tests and benchmarks spread messages over many partitions;
//  - it creates a topic whenever a client asks for that topic's metadata by
//    name (it ignores allow.auto.create.topics=false); the all-topics listing
//    creates nothing;
//  - its state lives in memory only and is gone when the process exits.

#include <librdkafka/rdkafka.h>
// rdkafka_mock.h must come after rdkafka.h.
#include <librdkafka/rdkafka_mock.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "kafka/kafka_error.hpp"
#include "kafka/rdkafka_handles.hpp"

namespace tributary::kafka {

/// The help text of `tributary dev-broker`.
inline constexpr const char* kDevBrokerHelp =
    "Run a Kafka broker for development and tests only (librdkafka's in-memory mock "
    "cluster; not for production). Listens on 127.0.0.1 on a port chosen by the kernel "
    "(with --port N, bootstrap connections to localhost:N are forwarded there) "
    "and prints its bootstrap address (host:port) as the first line of standard output. "
    "Keeps at most 100,000 messages / 5 MiB per partition (older ones are dropped) and "
    "nothing across restarts. Stops on Ctrl-C (SIGINT) or SIGTERM.";

/// Owns an rd_kafka_mock_cluster_t.
struct MockClusterDeleter {
  void operator()(rd_kafka_mock_cluster_t* p) const { rd_kafka_mock_cluster_destroy(p); }
};
using MockClusterHandle = std::unique_ptr<rd_kafka_mock_cluster_t, MockClusterDeleter>;

/// An in-process mock Kafka cluster, running until destroyed. Thread-safe.
class DevBroker {
 public:
  /// Starts a cluster of `broker_count` brokers (ids 1..broker_count).
  static Result<std::unique_ptr<DevBroker>, KafkaError> Start(int broker_count = 1);

  DevBroker(const DevBroker&) = delete;
  DevBroker& operator=(const DevBroker&) = delete;
  /// Stops the cluster; clients connected to it see their connections drop.
  ~DevBroker();

  /// The bootstrap address list, e.g. "127.0.0.1:40123".
  const std::string& Address() const { return address_; }

  /// Creates `topic` with `partitions` partitions (replication factor 1).
  Result<void, KafkaError> CreateTopic(const std::string& topic, int partitions);

  /// Disconnects every broker and refuses new connections until SetUp(); no
  /// leader change happens, so clients simply wait. Simulates an outage.
  Result<void, KafkaError> SetDown();

  /// Accepts connections again after SetDown().
  Result<void, KafkaError> SetUp();

 private:
  DevBroker() = default;

  KafkaHandle rk_;             // Required by librdkafka for the mock's bookkeeping.
  MockClusterHandle cluster_;  // Destroyed before rk_.
  std::string address_;
};

/// What `tributary dev-broker` runs.
struct DevBrokerOptions {
  std::vector<std::string> topics = {"test"};  ///< Created at start.
  int partitions = 1;                          ///< Partitions of each topic.
  /// 0: clients use the mock's own address (a port the kernel picks). Otherwise
  /// a TcpForwarder on 127.0.0.1:port (and [::1]:port) relays bootstrap
  /// connections to the mock (which cannot listen on a chosen port itself), and
  /// the printed address is 127.0.0.1:port.
  uint16_t port = 0;
  bool print_address = true;  ///< Print the address as stdout's first line.
  std::string address_file;   ///< If set, also write the address there (atomically).
};

/// Runs a DevBroker in the foreground until SIGINT or SIGTERM arrives. Prints
/// the bootstrap address (stdout, first line, flushed) and a short description
/// to stderr. Blocks SIGINT/SIGTERM in the calling thread while running.
/// REQUIRES: no other thread of the process handles those signals itself.
/// Errors: kInvalidArgument for bad partitions or topic names; kFailed when
/// the forwarder cannot listen on `port`.
Result<void, KafkaError> RunDevBroker(const DevBrokerOptions& options);

}  // namespace tributary::kafka
