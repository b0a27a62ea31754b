#include "streams/stream_manager.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cypher/errors.hpp"
#include "streams/system_keys.hpp"

namespace tributary::streams {
namespace {

using cypher::StatementKind;

// Every stream error reaches the client as exactly `message`.
[[noreturn]] void Throw(const std::string& message) {
  throw cypher::CypherError(cypher::ErrorKind::kSemantic, "", message);
}

[[noreturn]] void ThrowStorage(const std::string& name, const std::string& what,
                               const std::string& error) {
  throw cypher::DatabaseError("", fmt::format("Kafka stream {}: cannot {}: {}", name, what, error));
}

}  // namespace

StreamManager::StreamManager(query::QueryEngine& engine, StreamManagerOptions options)
    : engine_(engine), options_(std::move(options)) {}

StreamManager::~StreamManager() { Shutdown(); }

WorkerOptions StreamManager::MakeWorkerOptions() const {
  WorkerOptions w;
  w.transform_timeout = options_.transform_timeout;
  w.metadata_timeout = options_.kafka_timeout;
  w.retry_min = options_.retry_min;
  w.retry_max = options_.retry_max;
  w.conflict_retry = options_.conflict_retry;
  w.consumer_status_interval_ms = options_.consumer_status_interval_ms;
  w.consumer_config = options_.consumer_config;
  return w;
}

size_t StreamManager::Recover() {
  storage::Storage& storage = engine_.storage();
  size_t recovered = 0;
  for (const auto& [key, value] : storage.SystemKeys(kDefinitionPrefix)) {
    const std::string name = key.substr(kDefinitionPrefix.size());
    auto definition = DecodeDefinition(value);
    if (!definition) {
      spdlog::error("stream {}: stored definition cannot be read ({}); the stream is skipped", name,
                    definition.Error());
      continue;
    }
    StreamControl control;
    if (auto text = ReadSystemKey(storage, ControlKey(name))) {
      auto decoded = DecodeControl(*text);
      if (decoded) {
        control = std::move(*decoded);
      } else {
        spdlog::error("stream {}: stored control state cannot be read ({}); it stays stopped", name,
                      decoded.Error());
      }
    }
    auto stream = std::make_shared<Stream>();
    stream->definition = std::make_shared<const StreamDefinition>(std::move(*definition));
    stream->state = std::make_shared<StreamState>();
    {
      std::lock_guard lock(mutex_);
      if (shut_down_) return recovered;
      streams_[name] = stream;
    }
    ++recovered;
    std::lock_guard control_lock(stream->control);
    switch (control.desired) {
      case DesiredState::kStopped:
        break;
      case DesiredState::kFailed:
        stream->state->SetError(control.error, control.error_time_ms);
        break;
      case DesiredState::kRunning:
        spdlog::info("stream {}: was running; starting it again", name);
        StartWorker(*stream, control);
        break;
    }
  }
  spdlog::info("streams: {} recovered", recovered);
  return recovered;
}

void StreamManager::Shutdown() {
  std::vector<std::shared_ptr<Stream>> streams;
  {
    std::lock_guard lock(mutex_);
    shut_down_ = true;
    for (auto& [name, stream] : streams_) streams.push_back(stream);
  }
  // Ask every worker first so they wind down in parallel, then wait.
  for (auto& stream : streams) {
    std::lock_guard lock(stream->control);
    if (stream->worker) stream->worker->RequestStop();
  }
  for (auto& stream : streams) {
    std::lock_guard lock(stream->control);
    stream->worker.reset();
  }
}

query::ResultTable StreamManager::Execute(const cypher::Statement& statement) {
  {
    std::lock_guard lock(mutex_);
    if (shut_down_) throw cypher::DatabaseError("", "The server is shutting down");
  }
  switch (statement.kind) {
    case StatementKind::kCreateStream:
      return Create(static_cast<const cypher::CreateStreamStatement&>(statement));
    case StatementKind::kShowStreams:
      return ShowAll();
    case StatementKind::kStartAllStreams:
      return StartAll();
    case StatementKind::kStopAllStreams:
      return StopAll();
    default:
      break;
  }
  const auto& s = static_cast<const cypher::StreamStatement&>(statement);
  switch (statement.kind) {
    case StatementKind::kDropStream:
      return Drop(s.name);
    case StatementKind::kShowStream:
      return ShowOne(s.name);
    case StatementKind::kStartStream:
      return Start(s.name, s.limit_batches);
    case StatementKind::kStopStream:
      return Stop(s.name);
    case StatementKind::kTestStream:
      return Test(s.name, s.limit_batches);
    default:
      break;
  }
  throw cypher::DatabaseError("", "not a stream statement");
}

std::shared_ptr<StreamManager::Stream> StreamManager::Find(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = streams_.find(name);
  if (it == streams_.end()) Throw(fmt::format("Kafka stream {} doesn't exist.", name));
  return it->second;
}

std::vector<std::shared_ptr<StreamManager::Stream>> StreamManager::All() const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<Stream>> all;
  for (const auto& [name, stream] : streams_) all.push_back(stream);
  return all;
}

bool StreamManager::WorkerAlive(const Stream& stream) {
  return stream.worker != nullptr && !stream.worker->Finished();
}

void StreamManager::StartWorker(Stream& stream, const StreamControl& control) {
  stream.state->ClearTimings();
  stream.state->SetRunning();
  stream.worker = std::make_unique<StreamWorker>(stream.definition, engine_, stream.state,
                                                 MakeWorkerOptions(), control);
}

void StreamManager::StartLocked(Stream& stream, std::optional<int64_t> limit) {
  const std::string& name = stream.definition->name;
  if (stream.worker) {
    // A live worker in error is retrying (broker away, transform not loading):
    // START restarts it at once.
    stream.worker->Stop();
    stream.worker.reset();
  }
  StreamControl control;
  control.desired = DesiredState::kRunning;
  control.limit_batches = limit;
  control.limit_base = ReadProgress(engine_.storage(), name).batches;
  if (auto written =
          WriteSystemKeys(engine_.storage(), {{ControlKey(name), EncodeControl(control)}});
      !written) {
    ThrowStorage(name, "store its state", written.Error());
  }
  StartWorker(stream, control);
}

bool StreamManager::StopLocked(Stream& stream) {
  const bool alive = WorkerAlive(stream);
  if (!alive && stream.state->Status() == StreamStatus::kStopped) return false;
  if (stream.worker) {
    stream.worker->Stop();
    stream.worker.reset();
  }
  const std::string& name = stream.definition->name;
  if (auto written =
          WriteSystemKeys(engine_.storage(), {{ControlKey(name), EncodeControl(StreamControl{})}});
      !written) {
    ThrowStorage(name, "store its state", written.Error());
  }
  stream.state->SetStopped();
  return true;
}

query::ResultTable StreamManager::Start(const std::string& name, std::optional<int64_t> limit) {
  auto stream = Find(name);
  std::lock_guard lock(stream->control);
  if (stream->dropped) Throw(fmt::format("Kafka stream {} doesn't exist.", name));
  if (WorkerAlive(*stream) && stream->state->Status() == StreamStatus::kRunning) {
    Throw(fmt::format("Kafka stream {} is already running", name));
  }
  StartLocked(*stream, limit);
  return {};
}

query::ResultTable StreamManager::Stop(const std::string& name) {
  auto stream = Find(name);
  std::lock_guard lock(stream->control);
  if (stream->dropped) Throw(fmt::format("Kafka stream {} doesn't exist.", name));
  if (!StopLocked(*stream)) Throw(fmt::format("Kafka stream {} is already stopped", name));
  return {};
}

query::ResultTable StreamManager::StartAll() {
  for (auto& stream : All()) {
    std::lock_guard lock(stream->control);
    if (stream->dropped) continue;
    if (WorkerAlive(*stream) && stream->state->Status() == StreamStatus::kRunning) continue;
    StartLocked(*stream, std::nullopt);
  }
  return {};
}

query::ResultTable StreamManager::StopAll() {
  for (auto& stream : All()) {
    std::lock_guard lock(stream->control);
    if (!stream->dropped) StopLocked(*stream);
  }
  return {};
}

query::ResultTable StreamManager::Drop(const std::string& name) {
  auto stream = Find(name);
  std::lock_guard lock(stream->control);
  if (stream->dropped) Throw(fmt::format("Kafka stream {} doesn't exist.", name));
  if (stream->worker) {
    stream->worker->Stop();
    stream->worker.reset();
  }
  if (auto written = WriteSystemKeys(engine_.storage(), {},
                                     {DefinitionKey(name), ControlKey(name), ProgressKey(name)});
      !written) {
    ThrowStorage(name, "remove it", written.Error());
  }
  stream->dropped = true;
  std::lock_guard map_lock(mutex_);
  streams_.erase(name);
  return {};
}

query::ResultTable StreamManager::Test(const std::string& name, std::optional<int64_t> limit) {
  auto stream = Find(name);
  std::lock_guard lock(stream->control);
  if (stream->dropped) Throw(fmt::format("Kafka stream {} doesn't exist.", name));
  if (WorkerAlive(*stream)) Throw(fmt::format("Kafka stream {} is already running", name));
  TestOptions test;
  test.metadata_timeout = options_.kafka_timeout;
  test.transform_timeout = options_.transform_timeout;
  test.wait_for_messages = options_.test_wait;
  test.consumer_config = options_.consumer_config;
  const StreamProgress progress = ReadProgress(engine_.storage(), name);
  auto produced = RunTestStream(*stream->definition, progress.offsets, limit.value_or(1), test);
  if (!produced) Throw(produced.Error());
  query::ResultTable table;
  table.columns = {"query", "params"};
  for (auto& q : *produced) {
    cypher::Value::Map params;
    for (const auto& [key, value] : q.params) params.emplace(key, cypher::ToValue(value));
    table.rows.push_back({cypher::Value(std::move(q.query)), cypher::Value(std::move(params))});
  }
  return table;
}

std::optional<StreamInfo> StreamManager::Info(std::string_view name) const {
  std::shared_ptr<Stream> stream;
  {
    std::lock_guard lock(mutex_);
    auto it = streams_.find(name);
    if (it == streams_.end()) return std::nullopt;
    stream = it->second;
  }
  StreamInfo info;
  info.definition = *stream->definition;
  info.state = stream->state->Get();
  info.progress = ReadProgress(engine_.storage(), std::string(name));
  info.timings = stream->state->GetTimings();
  return info;
}

}  // namespace tributary::streams
