#include "kafka/watermarks.hpp"

#include <fmt/format.h>

#include "kafka/client.hpp"

namespace tributary::kafka {

Result<std::map<int32_t, PartitionWatermarks>, KafkaError> QueryWatermarks(
    const std::string& brokers, const std::string& topic, int timeout_ms) {
  if (brokers.empty() || topic.empty()) {
    return MakeError(KafkaError{KafkaErrorKind::kInvalidArgument, "empty broker list or topic"});
  }
  auto conf = MakeConf({{"bootstrap.servers", brokers},
                        {"client.id", "tributary-watermarks"},
                        {"allow.auto.create.topics", "false"},
                        {"reconnect.backoff.max.ms", "500"}});
  if (!conf) return MakeError(conf.Error());
  auto rk = NewClient(RD_KAFKA_PRODUCER, std::move(*conf));
  if (!rk) return MakeError(rk.Error());
  auto count = ListedPartitionCount(rk->get(), brokers, topic, timeout_ms);
  if (!count) return MakeError(count.Error());
  std::map<int32_t, PartitionWatermarks> marks;
  for (int32_t p = 0; p < *count; ++p) {
    int64_t low = 0;
    int64_t hi = 0;
    rd_kafka_resp_err_t err =
        rd_kafka_query_watermark_offsets(rk->get(), topic.c_str(), p, &low, &hi, timeout_ms);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return MakeError(
          KafkaError{err == RD_KAFKA_RESP_ERR__TIMED_OUT ? KafkaErrorKind::kBrokerNotAvailable
                                                         : KafkaErrorKind::kFailed,
                     fmt::format("watermarks of {} [{}]: {}", topic, p, rd_kafka_err2str(err))});
    }
    marks[p] = PartitionWatermarks{low, hi};
  }
  return marks;
}

}  // namespace tributary::kafka
