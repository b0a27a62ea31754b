#pragma once
// Shared plumbing for every librdkafka client this module creates: building
// configurations (with librdkafka's log routed to spdlog) and creating handles.

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "kafka/kafka_error.hpp"
#include "kafka/rdkafka_handles.hpp"

namespace tributary::kafka {

/// librdkafka configuration properties as (name, value) pairs, applied in order.
using ConfigSettings = std::vector<std::pair<std::string, std::string>>;

/// Builds a configuration from `settings`, with librdkafka's log lines sent to
/// spdlog (errors and warnings as warnings, the rest as debug) and connection
/// close messages silenced. Fails with kInvalidArgument naming the bad property.
Result<ConfHandle, KafkaError> MakeConf(const ConfigSettings& settings);

/// Creates a producer or consumer handle; takes ownership of `conf` on success
/// and on failure alike.
Result<KafkaHandle, KafkaError> NewClient(rd_kafka_type_t type, ConfHandle conf);

/// Number of partitions of `topic` as listed in the all-topics metadata of the
/// cluster `rk` is connected to (listing all topics never auto-creates one,
/// unlike asking for a topic by name). Errors: kBrokerNotAvailable ("broker not
/// available at <brokers>") when no broker answered within `timeout_ms`,
/// kTopicNotFound ("topic not found"), kFailed for anything else.
/// `cancelled`, if given, is asked about every kCancelCheckMs while waiting for
/// a broker; once it returns true the call gives up with kCancelled, so a
/// stream being stopped never waits out the whole timeout.
Result<int, KafkaError> ListedPartitionCount(rd_kafka_t* rk, const std::string& brokers,
                                             const std::string& topic, int timeout_ms,
                                             const std::function<bool()>& cancelled = {});

/// How often ListedPartitionCount asks its `cancelled` predicate.
inline constexpr int kCancelCheckMs = 200;

/// "broker not available at <brokers>".
std::string BrokerNotAvailableMessage(const std::string& brokers);

/// A process-unique, hard-to-guess suffix ("<pid>-<counter>-<random hex>") for
/// throwaway group and client ids.
std::string UniqueSuffix();

}  // namespace tributary::kafka
