#include "streams/system_keys.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

namespace tributary::streams {
namespace {

using Json = nlohmann::json;

// Parses `text` as a JSON object of a supported version.
Result<Json, std::string> ParseDocument(std::string_view text, std::string_view what) {
  Json doc = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return MakeError(fmt::format("stream {}: not a JSON object", what));
  }
  auto version = doc.find("version");
  if (version == doc.end() || !version->is_number_integer()) {
    return MakeError(fmt::format("stream {}: no version", what));
  }
  if (version->get<int64_t>() < 1 || version->get<int64_t>() > kStreamFormatVersion) {
    return MakeError(fmt::format("stream {}: version {} is not supported (newest {})", what,
                                 version->get<int64_t>(), kStreamFormatVersion));
  }
  return doc;
}

// Reads doc[field] as T, or fails naming the field.
template <typename T>
Result<T, std::string> Field(const Json& doc, const char* field, std::string_view what) {
  auto it = doc.find(field);
  if (it == doc.end()) return MakeError(fmt::format("stream {}: field '{}' missing", what, field));
  try {
    return it->get<T>();
  } catch (const Json::exception&) {
    return MakeError(fmt::format("stream {}: field '{}' has the wrong type", what, field));
  }
}

std::string_view DesiredName(DesiredState state) {
  switch (state) {
    case DesiredState::kStopped:
      return "stopped";
    case DesiredState::kRunning:
      return "running";
    case DesiredState::kFailed:
      return "failed";
  }
  return "stopped";
}

}  // namespace

std::string DefinitionKey(std::string_view name) {
  return std::string(kDefinitionPrefix) + std::string(name);
}
std::string ControlKey(std::string_view name) {
  return std::string(kControlPrefix) + std::string(name);
}
std::string ProgressKey(std::string_view name) {
  return std::string(kProgressPrefix) + std::string(name);
}

Result<std::string, std::string> EncodeDefinition(const StreamDefinition& d) {
  Json doc = {{"version", kStreamFormatVersion},  {"name", d.name},
              {"kafka_uri", d.kafka_uri},         {"topic", d.topic},
              {"transform_uri", d.transform_uri}, {"batch_interval_ms", d.batch_interval_ms},
              {"batch_size", d.batch_size},       {"consumer_group", d.consumer_group},
              {"created_at_ms", d.created_at_ms}, {"script", d.script}};
  try {
    return doc.dump();
  } catch (const Json::type_error&) {
    return MakeError(std::string("the transform script is not valid UTF-8"));
  }
}

Result<StreamDefinition, std::string> DecodeDefinition(std::string_view text) {
  constexpr std::string_view kWhat = "definition";
  auto doc = ParseDocument(text, kWhat);
  if (!doc) return MakeError(doc.Error());
  StreamDefinition d;
  auto name = Field<std::string>(*doc, "name", kWhat);
  auto uri = Field<std::string>(*doc, "kafka_uri", kWhat);
  auto topic = Field<std::string>(*doc, "topic", kWhat);
  auto transform = Field<std::string>(*doc, "transform_uri", kWhat);
  auto interval = Field<int64_t>(*doc, "batch_interval_ms", kWhat);
  auto size = Field<int64_t>(*doc, "batch_size", kWhat);
  auto group = Field<std::string>(*doc, "consumer_group", kWhat);
  auto created = Field<int64_t>(*doc, "created_at_ms", kWhat);
  auto script = Field<std::string>(*doc, "script", kWhat);
  for (const auto* r : {&name, &uri, &topic, &transform, &group, &script}) {
    if (!*r) return MakeError(r->Error());
  }
  for (const auto* r : {&interval, &size, &created}) {
    if (!*r) return MakeError(r->Error());
  }
  if (*interval <= 0 || *size <= 0) {
    return MakeError(std::string("stream definition: batch interval and size must be positive"));
  }
  d.name = std::move(*name);
  d.kafka_uri = std::move(*uri);
  d.topic = std::move(*topic);
  d.transform_uri = std::move(*transform);
  d.batch_interval_ms = *interval;
  d.batch_size = *size;
  d.consumer_group = std::move(*group);
  d.created_at_ms = *created;
  d.script = std::move(*script);
  return d;
}

std::string EncodeControl(const StreamControl& c) {
  Json doc = {{"version", kStreamFormatVersion},
              {"desired", DesiredName(c.desired)},
              {"limit_batches", c.limit_batches ? Json(*c.limit_batches) : Json(nullptr)},
              {"limit_base", c.limit_base},
              // Error texts come from Python and Kafka; never let them break encoding.
              {"error", c.error},
              {"error_time_ms", c.error_time_ms}};
  return doc.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Result<StreamControl, std::string> DecodeControl(std::string_view text) {
  constexpr std::string_view kWhat = "control state";
  auto doc = ParseDocument(text, kWhat);
  if (!doc) return MakeError(doc.Error());
  auto desired = Field<std::string>(*doc, "desired", kWhat);
  auto base = Field<uint64_t>(*doc, "limit_base", kWhat);
  auto error = Field<std::string>(*doc, "error", kWhat);
  auto error_time = Field<int64_t>(*doc, "error_time_ms", kWhat);
  if (!desired) return MakeError(desired.Error());
  if (!base) return MakeError(base.Error());
  if (!error) return MakeError(error.Error());
  if (!error_time) return MakeError(error_time.Error());
  StreamControl c;
  if (*desired == "running") {
    c.desired = DesiredState::kRunning;
  } else if (*desired == "stopped") {
    c.desired = DesiredState::kStopped;
  } else if (*desired == "failed") {
    c.desired = DesiredState::kFailed;
  } else {
    return MakeError(fmt::format("stream control state: unknown desired state '{}'", *desired));
  }
  auto limit = doc->find("limit_batches");
  if (limit != doc->end() && !limit->is_null()) {
    if (!limit->is_number_integer() || limit->get<int64_t>() <= 0) {
      return MakeError(std::string("stream control state: limit_batches must be positive"));
    }
    c.limit_batches = limit->get<int64_t>();
  }
  c.limit_base = *base;
  c.error = std::move(*error);
  c.error_time_ms = *error_time;
  return c;
}

std::string EncodeProgress(const StreamProgress& p) {
  // Hand-written: this runs once per batch, and the shape is fixed.
  std::string out = fmt::format("{{\"version\":{},\"offsets\":{{", kStreamFormatVersion);
  bool first = true;
  for (const auto& [partition, offset] : p.offsets) {
    fmt::format_to(std::back_inserter(out), "{}\"{}\":{}", first ? "" : ",", partition, offset);
    first = false;
  }
  fmt::format_to(std::back_inserter(out), "}},\"messages\":{},\"batches\":{}}}", p.messages,
                 p.batches);
  return out;
}

Result<StreamProgress, std::string> DecodeProgress(std::string_view text) {
  constexpr std::string_view kWhat = "progress";
  auto doc = ParseDocument(text, kWhat);
  if (!doc) return MakeError(doc.Error());
  auto messages = Field<uint64_t>(*doc, "messages", kWhat);
  auto batches = Field<uint64_t>(*doc, "batches", kWhat);
  if (!messages) return MakeError(messages.Error());
  if (!batches) return MakeError(batches.Error());
  auto offsets = doc->find("offsets");
  if (offsets == doc->end() || !offsets->is_object()) {
    return MakeError(std::string("stream progress: field 'offsets' missing"));
  }
  StreamProgress p;
  p.messages = *messages;
  p.batches = *batches;
  for (const auto& [key, value] : offsets->items()) {
    int32_t partition = 0;
    try {
      size_t used = 0;
      partition = std::stoi(key, &used);
      if (used != key.size() || partition < 0) throw std::invalid_argument(key);
    } catch (const std::exception&) {
      return MakeError(fmt::format("stream progress: '{}' is not a partition number", key));
    }
    if (!value.is_number_integer() || value.get<int64_t>() < 0) {
      return MakeError(fmt::format("stream progress: bad offset for partition {}", partition));
    }
    p.offsets[partition] = value.get<int64_t>();
  }
  return p;
}

std::optional<std::string> ReadSystemKey(const storage::Storage& storage, const std::string& key) {
  for (auto& [k, v] : storage.SystemKeys(key)) {
    if (k == key) return std::move(v);
  }
  return std::nullopt;
}

StreamProgress ReadProgress(const storage::Storage& storage, const std::string& name) {
  auto text = ReadSystemKey(storage, ProgressKey(name));
  if (!text) return {};
  auto progress = DecodeProgress(*text);
  if (!progress) {
    spdlog::error("stream {}: stored progress is damaged ({}); starting from the earliest offsets",
                  name, progress.Error());
    return {};
  }
  return std::move(*progress);
}

Result<void, std::string> WriteSystemKeys(storage::Storage& storage,
                                          const std::vector<SystemKeyWrite>& puts,
                                          const std::vector<std::string>& deletes) {
  auto tx = storage.Begin();
  for (const auto& [key, value] : puts) tx->PutSystemKey(key, value);
  for (const auto& key : deletes) tx->DeleteSystemKey(key);
  auto committed = tx->Commit();
  if (!committed) return MakeError(committed.Error().message);
  return {};
}

}  // namespace tributary::streams
