#pragma once
// A minimal Kafka producer for tests, benchmarks and the dev walkthrough.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "kafka/client.hpp"
#include "kafka/kafka_error.hpp"
#include "kafka/rdkafka_handles.hpp"

namespace tributary::kafka {

/// Lets librdkafka's partitioner choose the partition.
inline constexpr int32_t kAnyPartition = -1;

/// Produces values to topics. Produce() and Flush() may be called from several
/// threads (librdkafka's producer is thread-safe).
class Producer {
 public:
  /// Creates a producer for `brokers` (comma-separated host:port list); extra
  /// librdkafka properties override the defaults (linger.ms=5).
  static Result<std::unique_ptr<Producer>, KafkaError> Create(const std::string& brokers,
                                                              ConfigSettings extra_config = {});

  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;
  /// Waits up to 5 s for queued messages, then drops the rest.
  ~Producer();

  /// Queues `value` (copied) for `topic`/`partition`, waiting while the local
  /// queue is full. Delivery happens in the background; Flush() reports it.
  Result<void, KafkaError> Produce(std::string_view topic, int32_t partition,
                                   std::string_view value, std::string_view key = {});

  /// Waits until every queued message is delivered, or `timeout_ms` passes.
  /// Errors: kFailed if messages are still queued, or if any delivery failed
  /// since the last Flush() (the message names the first failure).
  Result<void, KafkaError> Flush(int timeout_ms);

 private:
  Producer() = default;
  static void OnDelivery(rd_kafka_t* rk, const rd_kafka_message_t* msg, void* opaque);

  KafkaHandle rk_;
  std::atomic<uint64_t> failed_{0};
  std::mutex first_failure_mutex_;
  std::string first_failure_;  // GUARDED_BY(first_failure_mutex_)
};

}  // namespace tributary::kafka
