#pragma once
// A Kafka consumer for one stream: reads every partition of one topic from
// offsets the caller supplies, in batches. The caller (the stream manager)
// stores offsets in the database, which are the truth; the consumer group only
// mirrors them for lag tools.
//
// Start position: a partition without a stored offset starts at its EARLIEST
// retained message. (Memgraph leaves librdkafka's default, `latest`, so a new
// Memgraph stream only sees messages produced after it first starts; the guide
// Tributary implements shows TEST STREAM returning messages that were already
// on the topic, which needs `earliest`. See docs/adr/002-kafka-consumer-offsets.md.)

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "kafka/client.hpp"
#include "kafka/kafka_error.hpp"
#include "kafka/rdkafka_handles.hpp"

namespace tributary::kafka {

/// Next offset to read, per partition.
using PartitionOffsets = std::map<int32_t, int64_t>;

/// "tributary-<stream_name>": the consumer group of a stream by default.
std::string DefaultGroupId(std::string_view stream_name);

/// A fresh group id "tributary-<stream_name>-test-<unique>" for TEST STREAM, so
/// testing never touches the stream's own group.
std::string ThrowawayGroupId(std::string_view stream_name);

/// How to build a Consumer.
struct ConsumerOptions {
  std::string brokers;   ///< Comma-separated host:port list.
  std::string topic;     ///< The one topic to read, all of its partitions.
  std::string group_id;  ///< Usually DefaultGroupId(stream) or ThrowawayGroupId(stream).
  /// A read-only consumer never commits to its group (TEST STREAM).
  bool read_only = false;
  /// Timeout of the metadata lookup done by Start().
  int metadata_timeout_ms = 5000;
  /// How often the broker connection state (Status()) is refreshed.
  int status_interval_ms = 500;
  /// Extra librdkafka properties, applied after (and so overriding) ours.
  ConfigSettings extra_config;
};

/// One consumed message; the value is copied out of librdkafka's buffers.
struct Message {
  std::string value;
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp_ms = -1;  ///< Producer or broker timestamp; -1 if unknown.
};

/// What PollBatch returns: messages in arrival order, which is offset order
/// within each partition, and for every partition present in `messages` the
/// offset after its last message.
struct Batch {
  std::vector<Message> messages;
  PartitionOffsets end_offsets;
};

/// Whether the consumer can reach a broker.
enum class BrokerState : uint8_t {
  kConnecting,    ///< Started, no connection state known yet.
  kUp,            ///< Connected to at least one broker.
  kNotAvailable,  ///< No broker reachable; librdkafka keeps reconnecting.
};

/// "connecting", "up" or "broker not available".
std::string_view BrokerStateName(BrokerState state);

/// A snapshot of the consumer's health.
struct ConsumerStatus {
  BrokerState broker = BrokerState::kConnecting;
  /// The last error librdkafka reported (empty if none); kept after recovery so
  /// SHOW-style statements can show it with its time.
  std::string last_error;
  std::chrono::system_clock::time_point last_error_time{};
};

/// Reads all partitions of one topic by explicit assignment (never a group
/// subscription, so there is no rebalancing and the caller's offsets rule).
/// Auto-commit and auto offset store are off. Not thread-safe except Status(),
/// which may be called from any thread.
class Consumer {
 public:
  /// Creates the client; no network traffic until Start().
  static Result<std::unique_ptr<Consumer>, KafkaError> Create(ConsumerOptions options);

  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;
  /// How long the destructor waits for outstanding group commits.
  static constexpr std::chrono::milliseconds kCloseTimeout{1000};

  /// Closes the consumer: waits up to kCloseTimeout for outstanding group
  /// commits (not at all while the broker is known to be down), then stops
  /// librdkafka's threads. Blocks at most a few seconds, even during an outage.
  ~Consumer();

  /// Assigns every partition of the topic, each starting at `next_offsets[p]`
  /// or, if absent, at its earliest message. Calling it again re-positions the
  /// consumer (messages already fetched from the old positions are dropped).
  /// Errors: kBrokerNotAvailable, kTopicNotFound (from the all-topics listing,
  /// never auto-creating), kFailed, and kCancelled once `cancelled` (asked
  /// every kCancelCheckMs while no broker answers) returns true.
  Result<void, KafkaError> Start(const PartitionOffsets& next_offsets,
                                 const std::function<bool()>& cancelled = {});

  /// Same as Start(): restart reading from the given offsets.
  Result<void, KafkaError> Seek(const PartitionOffsets& next_offsets) {
    return Start(next_offsets);
  }

  /// Waits until `max_messages` messages have arrived or `max_wait_ms` have
  /// passed since the call, and returns what arrived (possibly nothing). A
  /// broker outage is not an error here: the batch is empty and Status() says
  /// so. Errors (kTopicNotFound if the topic disappeared, kFailed for fatal
  /// client errors) are returned only by a call that hands out no messages (an
  /// error met after some messages is returned by the next call), so every
  /// message before it is delivered once; after an error, call Start() again
  /// with the caller's stored offsets. REQUIRES: Start() succeeded.
  Result<Batch, KafkaError> PollBatch(size_t max_messages, int max_wait_ms);

  /// Commits `end_offsets` to the consumer group asynchronously (for lag tools;
  /// failures are logged, not returned). kInvalidArgument for read-only consumers.
  Result<void, KafkaError> CommitToGroup(const PartitionOffsets& end_offsets);

  /// Number of partitions assigned by the last Start() (0 before).
  int PartitionCount() const { return partition_count_; }

  /// The options this consumer was created with.
  const ConsumerOptions& Options() const { return options_; }

  /// Broker reachability and last error. Thread-safe. Refreshed while
  /// PollBatch() runs.
  ConsumerStatus Status() const;

 private:
  explicit Consumer(ConsumerOptions options);

  static void OnError(rd_kafka_t* rk, int err, const char* reason, void* opaque);
  static int OnStats(rd_kafka_t* rk, char* json, size_t json_len, void* opaque);
  static void OnCommit(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                       rd_kafka_topic_partition_list_t* offsets, void* opaque);
  void RecordError(std::string message, bool broker_down);
  void RecordBrokerState(bool any_broker_up);

  ConsumerOptions options_;
  KafkaHandle rk_;
  QueueHandle queue_;  // The consumer queue; destroyed before rk_.
  TopicHandle topic_;  // Keeps the topic known to librdkafka; destroyed before rk_.
  int partition_count_ = 0;
  std::vector<rd_kafka_message_t*> scratch_;  // Reused by PollBatch.
  std::optional<KafkaError> pending_error_;   // Returned by the next PollBatch.

  mutable std::mutex status_mutex_;
  ConsumerStatus status_;  // GUARDED_BY(status_mutex_)
};

}  // namespace tributary::kafka
