#pragma once
// Validation of a stream's source before it is created: is a broker there, and
// does it have the topic?

#include <string>

#include "common/result.hpp"
#include "kafka/kafka_error.hpp"

namespace tributary::kafka {

/// Connects to `brokers` (comma-separated host:port list) and returns the number
/// of partitions of `topic`. Looks the topic up in the all-topics metadata
/// listing, so it never auto-creates it. Errors:
///  - kBrokerNotAvailable, "broker not available at <brokers>": no broker
///    answered within `timeout_ms` (returns after about `timeout_ms`);
///  - kTopicNotFound, "topic not found";
///  - kInvalidArgument for an empty broker list or topic.
/// Thread-safe; blocks the calling thread.
Result<int, KafkaError> CheckTopic(const std::string& brokers, const std::string& topic,
                                   int timeout_ms);

}  // namespace tributary::kafka
