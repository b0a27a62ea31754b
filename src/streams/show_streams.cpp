// SHOW STREAMS (the five columns of the guide) and SHOW STREAM name (every
// detail; columns documented in docs/streams.md).

#include <algorithm>

#include <fmt/format.h>

#include "cypher/errors.hpp"
#include "kafka/watermarks.hpp"
#include "streams/stream_manager.hpp"

namespace tributary::streams {
namespace {

// SHOW STREAM asks the broker for partition ends at most this long.
constexpr std::chrono::milliseconds kLagTimeout{2000};

}  // namespace

query::ResultTable StreamManager::ShowAll() {
  query::ResultTable table;
  table.columns = {"name", "uri", "topic", "transform", "status"};
  for (const auto& stream : All()) {
    const StreamDefinition& d = *stream->definition;
    table.rows.push_back({cypher::Value(d.name), cypher::Value(d.kafka_uri), cypher::Value(d.topic),
                          cypher::Value(d.transform_uri),
                          cypher::Value(std::string(StatusName(stream->state->Status())))});
  }
  return table;
}

query::ResultTable StreamManager::ShowOne(const std::string& name) {
  auto stream = Find(name);
  const StreamDefinition& d = *stream->definition;
  const StreamState::Snapshot state = stream->state->Get();
  const StreamProgress progress = ReadProgress(engine_.storage(), name);

  cypher::Value::Map offsets;
  for (const auto& [partition, offset] : progress.offsets) {
    offsets.emplace(std::to_string(partition), cypher::Value(offset));
  }
  cypher::Value lag;  // null when the broker cannot tell
  auto marks = kafka::QueryWatermarks(
      d.kafka_uri, d.topic,
      static_cast<int>(std::min(options_.kafka_timeout, kLagTimeout).count()));
  if (marks) {
    cypher::Value::Map per_partition;
    for (const auto& [partition, mark] : *marks) {
      auto stored = progress.offsets.find(partition);
      const int64_t position = stored != progress.offsets.end() ? stored->second : mark.low;
      per_partition.emplace(std::to_string(partition),
                            cypher::Value(std::max<int64_t>(0, mark.high - position)));
    }
    lag = cypher::Value(std::move(per_partition));
  }

  query::ResultTable table;
  table.columns = {"name",           "uri",        "topic",          "transform",      "status",
                   "batch_interval", "batch_size", "consumer_group", "messages",       "batches",
                   "offsets",        "lag",        "last_error",     "last_error_time"};
  table.rows.push_back({
      cypher::Value(d.name),
      cypher::Value(d.kafka_uri),
      cypher::Value(d.topic),
      cypher::Value(d.transform_uri),
      cypher::Value(std::string(StatusName(state.status))),
      cypher::Value(d.batch_interval_ms),
      cypher::Value(d.batch_size),
      cypher::Value(d.consumer_group),
      cypher::Value(static_cast<int64_t>(progress.messages)),
      cypher::Value(static_cast<int64_t>(progress.batches)),
      cypher::Value(std::move(offsets)),
      std::move(lag),
      state.last_error.empty() ? cypher::Value() : cypher::Value(state.last_error),
      state.last_error_ms == 0 ? cypher::Value() : cypher::Value(FormatUnixMs(state.last_error_ms)),
  });
  return table;
}

}  // namespace tributary::streams
