// CREATE STREAM: validation (script, broker, topic) before anything is stored,
// then the definition with the script's text, durably.

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cypher/errors.hpp"
#include "kafka/topic_check.hpp"
#include "python/script_source.hpp"
#include "python/transform.hpp"
#include "streams/stream_manager.hpp"
#include "streams/system_keys.hpp"

namespace tributary::streams {
namespace {

[[noreturn]] void Throw(const std::string& message) {
  throw cypher::CypherError(cypher::ErrorKind::kSemantic, "", message);
}

// "Transform <name>: SyntaxError: ..." -> "SyntaxError: ...".
std::string PythonError(const python::TransformError& error, const std::string& name) {
  const std::string prefix = "Transform " + name + ": ";
  if (error.message.rfind(prefix, 0) == 0) return error.message.substr(prefix.size());
  return error.message;
}

}  // namespace

query::ResultTable StreamManager::Create(const cypher::CreateStreamStatement& st) {
  const std::string& name = st.name;
  {
    std::lock_guard lock(mutex_);
    if (streams_.count(name) != 0 || creating_.count(name) != 0) {
      Throw(fmt::format("Kafka stream {} already exists.", name));
    }
    creating_.insert(name);
  }
  // Releases the name reservation however this function ends.
  struct Reservation {
    StreamManager* manager;
    const std::string& name;
    ~Reservation() {
      std::lock_guard lock(manager->mutex_);
      manager->creating_.erase(name);
    }
  } reservation{this, name};

  if (auto problem = ValidateKafkaUri(st.kafka_uri)) {
    Throw(fmt::format("Kafka stream {}, invalid Kafka URI '{}': {}", name, st.kafka_uri, *problem));
  }

  auto script =
      python::FetchScript(st.transform_uri, static_cast<int>(options_.fetch_timeout.count()),
                          options_.max_script_bytes);
  if (!script) {
    spdlog::warn("CREATE STREAM {}: {}", name, script.Error());
    Throw(python::FetchFailureMessage(st.transform_uri));
  }
  {
    // Compiles the script and runs its module-level code once, so a broken
    // script is refused now rather than when the stream starts.
    auto loaded = python::Transform::Load(name, *script, options_.transform_timeout);
    if (!loaded) {
      if (!loaded.Error().traceback.empty()) {
        spdlog::warn("CREATE STREAM {}: {}", name, loaded.Error().traceback);
      }
      Throw(fmt::format("Kafka stream {}, transform script {}: {}", name, st.transform_uri,
                        PythonError(loaded.Error(), name)));
    }
  }

  auto partitions =
      kafka::CheckTopic(st.kafka_uri, st.topic, static_cast<int>(options_.kafka_timeout.count()));
  if (!partitions) Throw(fmt::format("Kafka stream {}, {}", name, partitions.Error().message));

  StreamDefinition definition;
  definition.name = name;
  definition.kafka_uri = st.kafka_uri;
  definition.topic = st.topic;
  definition.transform_uri = st.transform_uri;
  definition.script = std::move(*script);
  definition.batch_interval_ms = st.batch_interval_ms.value_or(kDefaultBatchIntervalMs);
  definition.batch_size = st.batch_size.value_or(kDefaultBatchSize);
  definition.consumer_group = kafka::DefaultGroupId(name);
  definition.created_at_ms = NowUnixMs();
  auto encoded = EncodeDefinition(definition);
  if (!encoded) {
    Throw(fmt::format("Kafka stream {}, transform script {}: {}", name, st.transform_uri,
                      encoded.Error()));
  }
  if (auto written = WriteSystemKeys(engine_.storage(),
                                     {{DefinitionKey(name), std::move(*encoded)},
                                      {ControlKey(name), EncodeControl(StreamControl{})}},
                                     {ProgressKey(name)});
      !written) {
    throw cypher::DatabaseError(
        "", fmt::format("Kafka stream {}: cannot store it: {}", name, written.Error()));
  }

  auto stream = std::make_shared<Stream>();
  stream->definition = std::make_shared<const StreamDefinition>(std::move(definition));
  stream->state = std::make_shared<StreamState>();
  std::lock_guard lock(mutex_);
  streams_[name] = std::move(stream);
  spdlog::info("stream {} created: topic {} at {}, {} partition(s)", name, st.topic, st.kafka_uri,
               *partitions);
  return {};
}

}  // namespace tributary::streams
