#include "streams/stream_tester.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "streams/batch_collector.hpp"

namespace tributary::streams {

Result<std::vector<python::QueryWithParams>, std::string> RunTestStream(
    const StreamDefinition& definition, const kafka::PartitionOffsets& offsets, int64_t batches,
    const TestOptions& options) {
  const StreamDefinition& d = definition;
  auto transform = python::Transform::Load(d.name, d.script, options.transform_timeout);
  if (!transform) return MakeError(transform.Error().message);

  kafka::ConsumerOptions co;
  co.brokers = d.kafka_uri;
  co.topic = d.topic;
  co.group_id = kafka::ThrowawayGroupId(d.name);
  co.read_only = true;
  co.metadata_timeout_ms = static_cast<int>(options.metadata_timeout.count());
  co.extra_config = options.consumer_config;
  auto consumer = kafka::Consumer::Create(std::move(co));
  if (!consumer)
    return MakeError(fmt::format("Kafka stream {}, {}", d.name, consumer.Error().message));
  if (auto started = (*consumer)->Start(offsets); !started) {
    return MakeError(fmt::format("Kafka stream {}, {}", d.name, started.Error().message));
  }
  kafka::Consumer& c = **consumer;
  const PollFunction poll = [&c](size_t max_messages, int max_wait_ms) {
    return c.PollBatch(max_messages, max_wait_ms);
  };

  std::vector<python::QueryWithParams> out;
  for (int64_t i = 0; i < batches; ++i) {
    CollectOptions collect;
    collect.batch_size = static_cast<size_t>(d.batch_size);
    collect.interval = std::chrono::milliseconds(d.batch_interval_ms);
    collect.give_up_at = std::chrono::steady_clock::now() + options.wait_for_messages;
    Collected collected = CollectBatch(poll, collect, [] { return true; });
    if (!collected.batch.messages.empty()) {
      std::vector<std::string_view> values;
      values.reserve(collected.batch.messages.size());
      for (const auto& m : collected.batch.messages) values.emplace_back(m.value);
      auto queries = (*transform)->Call(values, options.transform_timeout);
      if (!queries) {
        if (!queries.Error().traceback.empty()) {
          spdlog::warn("TEST STREAM {}: {}", d.name, queries.Error().traceback);
        }
        return MakeError(queries.Error().message);
      }
      for (auto& q : *queries) out.push_back(std::move(q));
    }
    if (collected.error) {
      return MakeError(fmt::format("Kafka stream {}, {}", d.name, collected.error->message));
    }
    if (collected.batch.messages.empty()) break;  // Nothing more arrived in time.
  }
  return out;
}

}  // namespace tributary::streams
