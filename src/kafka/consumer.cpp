#include "kafka/consumer.hpp"

#include <optional>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

namespace tributary::kafka {
namespace {

// Partition- or client-level errors after which the consumer's position can no
// longer be trusted; everything else (connection trouble) librdkafka recovers
// from by itself.
bool IsFatalForConsumer(rd_kafka_resp_err_t err) {
  switch (err) {
    case RD_KAFKA_RESP_ERR__FATAL:
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
      return true;
    default:
      return false;
  }
}

bool IsTopicMissing(rd_kafka_resp_err_t err) {
  return err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC || err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION ||
         err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
}

}  // namespace

std::string DefaultGroupId(std::string_view stream_name) {
  return "tributary-" + std::string(stream_name);
}

std::string ThrowawayGroupId(std::string_view stream_name) {
  return DefaultGroupId(stream_name) + "-test-" + UniqueSuffix();
}

std::string_view BrokerStateName(BrokerState state) {
  switch (state) {
    case BrokerState::kConnecting:
      return "connecting";
    case BrokerState::kUp:
      return "up";
    case BrokerState::kNotAvailable:
      return "broker not available";
  }
  return "unknown";
}

Consumer::Consumer(ConsumerOptions options) : options_(std::move(options)) {}

Result<std::unique_ptr<Consumer>, KafkaError> Consumer::Create(ConsumerOptions options) {
  if (options.brokers.empty() || options.topic.empty() || options.group_id.empty()) {
    return MakeError(KafkaError{KafkaErrorKind::kInvalidArgument,
                                "a Kafka consumer needs brokers, a topic and a group id"});
  }
  std::unique_ptr<Consumer> consumer(new Consumer(std::move(options)));
  const ConsumerOptions& o = consumer->options_;
  ConfigSettings settings = {
      {"bootstrap.servers", o.brokers},
      {"group.id", o.group_id},
      {"client.id", o.group_id},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"enable.partition.eof", "false"},
      // Only reached when a stored offset is no longer retained by the broker.
      {"auto.offset.reset", "earliest"},
      {"allow.auto.create.topics", "false"},
      // Reconnect at least every second so ingestion resumes soon after an outage.
      {"reconnect.backoff.max.ms", "1000"},
      // There is no group membership (assign(), not subscribe()); the session
      // timeout only bounds how long an offset commit may stay in flight, and
      // so how long destroying the consumer can block while the broker is down
      // (librdkafka's default is 45 s).
      {"session.timeout.ms", "3000"},
      {"heartbeat.interval.ms", "1000"},
      {"statistics.interval.ms", std::to_string(o.status_interval_ms)},
      // librdkafka 2.0.2 counts this limit over the whole consumer queue (all
      // partitions) and, once it is exceeded, pauses fetching for a fixed 1 s.
      // A consumer slower than the fetcher then drains the queue and sits idle
      // for the rest of that second. Keep it above one second of ingestion at
      // the rates we target (queued.max.messages.kbytes still caps memory).
      {"queued.min.messages", "500000"},
  };
  settings.insert(settings.end(), o.extra_config.begin(), o.extra_config.end());
  auto conf = MakeConf(settings);
  if (!conf) return MakeError(conf.Error());
  rd_kafka_conf_set_opaque(conf->get(), consumer.get());
  rd_kafka_conf_set_error_cb(conf->get(), &Consumer::OnError);
  rd_kafka_conf_set_stats_cb(conf->get(), &Consumer::OnStats);
  rd_kafka_conf_set_offset_commit_cb(conf->get(), &Consumer::OnCommit);
  auto rk = NewClient(RD_KAFKA_CONSUMER, std::move(*conf));
  if (!rk) return MakeError(rk.Error());
  consumer->rk_ = std::move(*rk);
  // Route the main queue (errors, statistics, commit results) to the consumer
  // queue so that PollBatch serves them.
  rd_kafka_poll_set_consumer(consumer->rk_.get());
  consumer->queue_.reset(rd_kafka_queue_get_consumer(consumer->rk_.get()));
  return consumer;
}

Consumer::~Consumer() {
  if (rk_ == nullptr) return;
  // rd_kafka_consumer_close() waits for outstanding commits without a time
  // limit, forever while the broker is down. Close asynchronously instead, give
  // up after kCloseTimeout (at once if no broker is reachable) and destroy
  // without another close; a lost group commit only delays lag tools. Commits
  // still in flight then hold up rd_kafka_destroy until they time out, which
  // session.timeout.ms bounds (see Create()).
  const bool broker_down = Status().broker == BrokerState::kNotAvailable;
  QueueHandle close_queue(rd_kafka_queue_new(rk_.get()));
  if (rd_kafka_error_t* error = rd_kafka_consumer_close_queue(rk_.get(), close_queue.get())) {
    rd_kafka_error_destroy(error);
  } else if (!broker_down) {
    const auto deadline = std::chrono::steady_clock::now() + kCloseTimeout;
    while (!rd_kafka_consumer_closed(rk_.get()) && std::chrono::steady_clock::now() < deadline) {
      if (rd_kafka_event_t* event = rd_kafka_queue_poll(close_queue.get(), 50)) {
        rd_kafka_event_destroy(event);
      }
    }
  }
  close_queue.reset();
  queue_.reset();
  topic_.reset();
  rd_kafka_destroy_flags(rk_.release(), RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
}

Result<void, KafkaError> Consumer::Start(const PartitionOffsets& next_offsets,
                                         const std::function<bool()>& cancelled) {
  auto count = ListedPartitionCount(rk_.get(), options_.brokers, options_.topic,
                                    options_.metadata_timeout_ms, cancelled);
  if (!count) {
    if (count.Error().kind == KafkaErrorKind::kBrokerNotAvailable) {
      RecordError(count.Error().message, /*broker_down=*/true);
    }
    return MakeError(count.Error());
  }
  if (topic_ == nullptr) {
    // A local topic handle makes librdkafka take the topic's leaders from the
    // metadata just fetched; without it the first fetch waits ~0.5 s for a
    // metadata refresh. The topic exists (checked above), so asking for it by
    // name creates nothing.
    topic_.reset(rd_kafka_topic_new(rk_.get(), options_.topic.c_str(), nullptr));
  }
  PartitionListHandle list(rd_kafka_topic_partition_list_new(*count));
  for (int32_t p = 0; p < *count; ++p) {
    auto it = next_offsets.find(p);
    rd_kafka_topic_partition_list_add(list.get(), options_.topic.c_str(), p)->offset =
        it != next_offsets.end() ? it->second : RD_KAFKA_OFFSET_BEGINNING;
  }
  for (const auto& [partition, offset] : next_offsets) {
    if (partition < 0 || partition >= *count) {
      spdlog::warn(
          "kafka consumer {}: offset {} stored for partition {}, but topic {} has {} "
          "partitions; ignored",
          options_.group_id, offset, partition, options_.topic, *count);
    }
  }
  // Dropping the old assignment first discards messages prefetched from it.
  // (Re-positioning takes librdkafka 2.0.2 about 0.5 s either way, by
  // re-assigning or by rd_kafka_seek_partitions.)
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
  if (partition_count_ != 0) err = rd_kafka_assign(rk_.get(), nullptr);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) err = rd_kafka_assign(rk_.get(), list.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return MakeError(KafkaError{
        KafkaErrorKind::kFailed,
        fmt::format("cannot assign partitions of {}: {}", options_.topic, rd_kafka_err2str(err))});
  }
  partition_count_ = *count;
  pending_error_.reset();
  return {};
}

Result<Batch, KafkaError> Consumer::PollBatch(size_t max_messages, int max_wait_ms) {
  Batch batch;
  if (pending_error_) {
    KafkaError error = std::move(*pending_error_);
    pending_error_.reset();
    return MakeError(std::move(error));
  }
  if (max_messages == 0) return batch;
  if (scratch_.size() < max_messages) scratch_.resize(max_messages);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(max_wait_ms);
  std::optional<KafkaError> fatal;
  while (batch.messages.size() < max_messages && !fatal) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    int timeout_ms = static_cast<int>(std::max<int64_t>(0, left.count()));
    ssize_t n = rd_kafka_consume_batch_queue(queue_.get(), timeout_ms, scratch_.data(),
                                             max_messages - batch.messages.size());
    if (n < 0) {
      fatal = KafkaError{KafkaErrorKind::kFailed,
                         fmt::format("consuming from {} failed: {}", options_.topic,
                                     rd_kafka_err2str(rd_kafka_last_error()))};
      break;
    }
    for (ssize_t i = 0; i < n; ++i) {
      MessageHandle m(scratch_[i]);
      if (fatal) continue;  // Dropped; the caller restarts from stored offsets.
      if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        std::string what = rd_kafka_message_errstr(m.get());
        if (IsFatalForConsumer(m->err)) {
          fatal = KafkaError{
              IsTopicMissing(m->err) ? KafkaErrorKind::kTopicNotFound : KafkaErrorKind::kFailed,
              IsTopicMissing(m->err) ? std::string("topic not found") : what};
        }
        RecordError(what, m->err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN);
        continue;
      }
      Message& out = batch.messages.emplace_back();
      out.value.assign(static_cast<const char*>(m->payload), m->len);
      out.partition = m->partition;
      out.offset = m->offset;
      out.timestamp_ms = rd_kafka_message_timestamp(m.get(), nullptr);
      batch.end_offsets[m->partition] = m->offset + 1;
    }
    if (timeout_ms == 0) break;
  }
  if (fatal && batch.messages.empty()) return MakeError(std::move(*fatal));
  // With messages in hand, return them and report the error on the next call,
  // so that every message before the failure is handed out exactly once.
  if (fatal) pending_error_ = std::move(fatal);
  return batch;
}

Result<void, KafkaError> Consumer::CommitToGroup(const PartitionOffsets& end_offsets) {
  if (options_.read_only) {
    return MakeError(
        KafkaError{KafkaErrorKind::kInvalidArgument, "a read-only consumer never commits"});
  }
  if (end_offsets.empty()) return {};
  PartitionListHandle list(rd_kafka_topic_partition_list_new(static_cast<int>(end_offsets.size())));
  for (const auto& [partition, offset] : end_offsets) {
    rd_kafka_topic_partition_list_add(list.get(), options_.topic.c_str(), partition)->offset =
        offset;
  }
  rd_kafka_resp_err_t err = rd_kafka_commit(rk_.get(), list.get(), /*async=*/1);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return MakeError(KafkaError{
        KafkaErrorKind::kFailed,
        fmt::format("commit to group {} failed: {}", options_.group_id, rd_kafka_err2str(err))});
  }
  return {};
}

ConsumerStatus Consumer::Status() const {
  std::lock_guard lock(status_mutex_);
  return status_;
}

void Consumer::RecordError(std::string message, bool broker_down) {
  std::lock_guard lock(status_mutex_);
  status_.last_error = std::move(message);
  status_.last_error_time = std::chrono::system_clock::now();
  if (broker_down) status_.broker = BrokerState::kNotAvailable;
}

void Consumer::RecordBrokerState(bool any_broker_up) {
  std::lock_guard lock(status_mutex_);
  status_.broker = any_broker_up ? BrokerState::kUp : BrokerState::kNotAvailable;
}

void Consumer::OnError(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
  auto* self = static_cast<Consumer*>(opaque);
  auto code = static_cast<rd_kafka_resp_err_t>(err);
  bool down = code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN;
  spdlog::debug("kafka consumer {}: {} ({})", self->options_.group_id, reason,
                rd_kafka_err2name(code));
  self->RecordError(down ? BrokerNotAvailableMessage(self->options_.brokers) : std::string(reason),
                    down);
}

int Consumer::OnStats(rd_kafka_t* rk, char* json, size_t json_len, void* opaque) {
  auto* self = static_cast<Consumer*>(opaque);
  auto stats = nlohmann::json::parse(json, json + json_len, nullptr, /*allow_exceptions=*/false);
  if (stats.is_discarded() || !stats.contains("brokers")) return 0;
  bool any_up = false;
  for (const auto& [name, broker] : stats["brokers"].items()) {
    if (broker.value("state", "") == "UP") any_up = true;
  }
  self->RecordBrokerState(any_up);
  return 0;  // librdkafka frees `json`.
}

void Consumer::OnCommit(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                        rd_kafka_topic_partition_list_t* offsets, void* opaque) {
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR__NO_OFFSET) return;
  auto* self = static_cast<Consumer*>(opaque);
  spdlog::warn("kafka consumer {}: commit to group failed: {}", self->options_.group_id,
               rd_kafka_err2str(err));
}

}  // namespace tributary::kafka
