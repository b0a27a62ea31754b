#pragma once
// The end of each partition of a topic, for lag reports (SHOW STREAM).
// Added by the streams module; not part of the consumer.

#include <string>

#include "common/result.hpp"
#include "kafka/consumer.hpp"
#include "kafka/kafka_error.hpp"

namespace tributary::kafka {

/// The high watermark (offset after the newest message) of every partition of
/// `topic` on `brokers`. Looks the topic up in the all-topics listing (never
/// auto-creating it). Errors as CheckTopic: kBrokerNotAvailable when no broker
/// answered within `timeout_ms`, kTopicNotFound, kFailed. Thread-safe; blocks.
Result<PartitionOffsets, KafkaError> QueryHighWatermarks(const std::string& brokers,
                                                         const std::string& topic, int timeout_ms);

}  // namespace tributary::kafka
