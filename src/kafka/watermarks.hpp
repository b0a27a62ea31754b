#pragma once
// The end of each partition of a topic, for lag reports (SHOW STREAM).
// Added by the streams module; not part of the consumer.

#include <cstdint>
#include <map>
#include <string>

#include "common/result.hpp"
#include "kafka/kafka_error.hpp"

namespace tributary::kafka {

/// The offsets a partition currently holds: [low, high).
struct PartitionWatermarks {
  int64_t low = 0;   ///< Offset of the oldest retained message.
  int64_t high = 0;  ///< Offset after the newest message.
};

/// The watermarks of every partition of `topic` on `brokers`, by partition.
/// Looks the topic up in the all-topics listing (never auto-creating it). Errors as CheckTopic:
/// kBrokerNotAvailable when no broker answered within `timeout_ms`, kTopicNotFound, kFailed.
/// Thread-safe; blocks.
Result<std::map<int32_t, PartitionWatermarks>, KafkaError> QueryWatermarks(
    const std::string& brokers, const std::string& topic, int timeout_ms);

}  // namespace tributary::kafka
