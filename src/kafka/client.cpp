#include "kafka/client.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <random>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace tributary::kafka {
namespace {

// librdkafka logs with syslog levels. Its errors (level <= 3) are mostly
// transient connection failures it recovers from by itself, which the layers
// above report through their own status, so they are warnings here.
void LogToSpdlog(const rd_kafka_t* rk, int level, const char* facility, const char* line) {
  spdlog::level::level_enum spd_level = spdlog::level::trace;
  if (level <= 4) {
    spd_level = spdlog::level::warn;
  } else if (level <= 6) {
    spd_level = spdlog::level::debug;
  }
  spdlog::log(spd_level, "kafka {} [{}]: {}", rk != nullptr ? rd_kafka_name(rk) : "-", facility,
              line);
}

}  // namespace

std::string BrokerNotAvailableMessage(const std::string& brokers) {
  return "broker not available at " + brokers;
}

std::string UniqueSuffix() {
  static std::atomic<uint64_t> counter{0};
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return fmt::format("{}-{}-{:08x}", ::getpid(), counter.fetch_add(1), rng() & 0xffffffffu);
}

Result<ConfHandle, KafkaError> MakeConf(const ConfigSettings& settings) {
  ConfHandle conf(rd_kafka_conf_new());
  rd_kafka_conf_set_log_cb(conf.get(), &LogToSpdlog);
  char errstr[512];
  ConfigSettings all = {{"log.connection.close", "false"}};
  all.insert(all.end(), settings.begin(), settings.end());
  for (const auto& [name, value] : all) {
    if (rd_kafka_conf_set(conf.get(), name.c_str(), value.c_str(), errstr, sizeof(errstr)) !=
        RD_KAFKA_CONF_OK) {
      return MakeError(
          KafkaError{KafkaErrorKind::kInvalidArgument,
                     fmt::format("invalid Kafka setting {}={}: {}", name, value, errstr)});
    }
  }
  return conf;
}

Result<KafkaHandle, KafkaError> NewClient(rd_kafka_type_t type, ConfHandle conf) {
  char errstr[512];
  KafkaHandle rk(rd_kafka_new(type, conf.get(), errstr, sizeof(errstr)));
  if (rk == nullptr) {
    return MakeError(KafkaError{KafkaErrorKind::kInvalidArgument,
                                fmt::format("cannot create Kafka client: {}", errstr)});
  }
  (void)conf.release();  // rd_kafka_new took ownership.
  return rk;
}

Result<int, KafkaError> ListedPartitionCount(rd_kafka_t* rk, const std::string& brokers,
                                             const std::string& topic, int timeout_ms,
                                             const std::function<bool()>& cancelled) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  const auto unavailable = [](rd_kafka_resp_err_t e) {
    return e == RD_KAFKA_RESP_ERR__TRANSPORT || e == RD_KAFKA_RESP_ERR__TIMED_OUT ||
           e == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN || e == RD_KAFKA_RESP_ERR__RESOLVE;
  };
  MetadataHandle metadata;
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR__TIMED_OUT;
  // Asks in slices of kCancelCheckMs when cancellable. A slice that fails
  // early (say, connection refused) ends the wait as one long call would; a
  // slice that runs out is retried until the deadline.
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    const int slice = static_cast<int>(
        std::max<int64_t>(1, cancelled ? std::min<int64_t>(left, kCancelCheckMs) : left));
    const auto slice_end = Clock::now() + std::chrono::milliseconds(slice);
    const rd_kafka_metadata_t* raw = nullptr;
    // all_topics=1: a by-name request would auto-create the topic on brokers
    // with auto.create.topics.enable (and always on librdkafka's mock cluster).
    err = rd_kafka_metadata(rk, 1, nullptr, &raw, slice);
    metadata.reset(raw);
    if (!unavailable(err) || Clock::now() >= deadline || Clock::now() < slice_end) break;
    if (cancelled && cancelled()) {
      return MakeError(KafkaError{KafkaErrorKind::kCancelled, "cancelled"});
    }
  }
  if (unavailable(err)) {
    return MakeError(
        KafkaError{KafkaErrorKind::kBrokerNotAvailable, BrokerNotAvailableMessage(brokers)});
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return MakeError(KafkaError{
        KafkaErrorKind::kFailed,
        fmt::format("metadata request to {} failed: {}", brokers, rd_kafka_err2str(err))});
  }
  for (int i = 0; i < metadata->topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& t = metadata->topics[i];
    if (topic != t.topic) continue;
    if (t.err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) break;
    if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return MakeError(
          KafkaError{KafkaErrorKind::kFailed,
                     fmt::format("topic {} is not usable: {}", topic, rd_kafka_err2str(t.err))});
    }
    return t.partition_cnt;
  }
  return MakeError(KafkaError{KafkaErrorKind::kTopicNotFound, "topic not found"});
}

}  // namespace tributary::kafka
