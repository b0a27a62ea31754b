#include "kafka/topic_check.hpp"

#include "kafka/client.hpp"

namespace tributary::kafka {

Result<int, KafkaError> CheckTopic(const std::string& brokers, const std::string& topic,
                                   int timeout_ms) {
  if (brokers.empty()) {
    return MakeError(KafkaError{KafkaErrorKind::kInvalidArgument, "empty Kafka broker list"});
  }
  if (topic.empty()) {
    return MakeError(KafkaError{KafkaErrorKind::kInvalidArgument, "empty Kafka topic name"});
  }
  auto conf = MakeConf({{"bootstrap.servers", brokers},
                        {"client.id", "tributary-check"},
                        {"allow.auto.create.topics", "false"},
                        // Without a cap, a dead broker is retried with up to 10 s
                        // pauses, which could outlast short timeouts.
                        {"reconnect.backoff.max.ms", "500"}});
  if (!conf) return MakeError(conf.Error());
  auto rk = NewClient(RD_KAFKA_PRODUCER, std::move(*conf));
  if (!rk) return MakeError(rk.Error());
  return ListedPartitionCount(rk->get(), brokers, topic, timeout_ms);
}

}  // namespace tributary::kafka
