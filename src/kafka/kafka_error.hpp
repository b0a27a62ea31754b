#pragma once
// The error type every fallible operation of the Kafka layer returns.

#include <cstdint>
#include <string>
#include <string_view>

namespace tributary::kafka {

/// What went wrong; callers choose their user-facing wording from this.
enum class KafkaErrorKind : uint8_t {
  kBrokerNotAvailable,  ///< No broker answered within the timeout.
  kTopicNotFound,       ///< The brokers answered but do not list the topic.
  kInvalidArgument,     ///< Bad configuration or arguments (empty broker list, ...).
  kFailed,              ///< Any other failure; `message` says which.
  kCancelled,           ///< The caller asked to give up (a stream being stopped).
};

/// A Kafka-layer failure. `message` is complete enough to log or to show after
/// "Kafka stream <name>, " (e.g. "broker not available at localhost:9092",
/// "topic not found").
struct KafkaError {
  KafkaErrorKind kind = KafkaErrorKind::kFailed;
  std::string message;
};

}  // namespace tributary::kafka
