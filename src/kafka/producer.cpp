#include "kafka/producer.hpp"

#include <fmt/format.h>

namespace tributary::kafka {

Result<std::unique_ptr<Producer>, KafkaError> Producer::Create(const std::string& brokers,
                                                               ConfigSettings extra_config) {
  if (brokers.empty()) {
    return MakeError(KafkaError{KafkaErrorKind::kInvalidArgument, "empty Kafka broker list"});
  }
  std::unique_ptr<Producer> producer(new Producer());
  ConfigSettings settings = {
      {"bootstrap.servers", brokers}, {"client.id", "tributary-producer"}, {"linger.ms", "5"}};
  settings.insert(settings.end(), extra_config.begin(), extra_config.end());
  auto conf = MakeConf(settings);
  if (!conf) return MakeError(conf.Error());
  rd_kafka_conf_set_opaque(conf->get(), producer.get());
  rd_kafka_conf_set_dr_msg_cb(conf->get(), &Producer::OnDelivery);
  auto rk = NewClient(RD_KAFKA_PRODUCER, std::move(*conf));
  if (!rk) return MakeError(rk.Error());
  producer->rk_ = std::move(*rk);
  return producer;
}

Producer::~Producer() {
  if (rk_ != nullptr) rd_kafka_flush(rk_.get(), 5000);
}

Result<void, KafkaError> Producer::Produce(std::string_view topic, int32_t partition,
                                           std::string_view value, std::string_view key) {
  const std::string topic_name(topic);
  while (true) {
    rd_kafka_resp_err_t err = rd_kafka_producev(
        rk_.get(), RD_KAFKA_V_TOPIC(topic_name.c_str()), RD_KAFKA_V_PARTITION(partition),
        RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
        RD_KAFKA_V_KEY(key.empty() ? nullptr : key.data(), key.size()),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      return MakeError(
          KafkaError{KafkaErrorKind::kFailed,
                     fmt::format("cannot produce to {}: {}", topic, rd_kafka_err2str(err))});
    }
    rd_kafka_poll(rk_.get(), 50);  // Serves delivery reports, freeing queue space.
  }
  rd_kafka_poll(rk_.get(), 0);
  return {};
}

Result<void, KafkaError> Producer::Flush(int timeout_ms) {
  rd_kafka_resp_err_t err = rd_kafka_flush(rk_.get(), timeout_ms);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return MakeError(
        KafkaError{KafkaErrorKind::kFailed, fmt::format("{} messages not delivered within {} ms",
                                                        rd_kafka_outq_len(rk_.get()), timeout_ms)});
  }
  uint64_t failed = failed_.exchange(0);
  if (failed > 0) {
    std::lock_guard lock(first_failure_mutex_);
    std::string first = std::move(first_failure_);
    first_failure_.clear();
    return MakeError(
        KafkaError{KafkaErrorKind::kFailed, fmt::format("{} messages failed: {}", failed, first)});
  }
  return {};
}

void Producer::OnDelivery(rd_kafka_t* rk, const rd_kafka_message_t* msg, void* opaque) {
  if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
  auto* self = static_cast<Producer*>(opaque);
  if (self->failed_.fetch_add(1) == 0) {
    std::lock_guard lock(self->first_failure_mutex_);
    self->first_failure_ = rd_kafka_err2str(msg->err);
  }
}

}  // namespace tributary::kafka
