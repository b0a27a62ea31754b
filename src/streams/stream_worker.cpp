#include "streams/stream_worker.hpp"

#include <pthread.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "streams/batch_collector.hpp"
#include "streams/system_keys.hpp"

namespace tributary::streams {

void NameThisThread(std::string_view role, std::string_view stream) {
  // Linux allows 15 characters; "stream:mystream" fits, longer names are cut.
  std::string name = fmt::format("{}:{}", role, stream).substr(0, 15);
  pthread_setname_np(pthread_self(), name.c_str());
}

StreamWorker::StreamWorker(std::shared_ptr<const StreamDefinition> definition,
                           query::QueryEngine& engine, std::shared_ptr<StreamState> state,
                           WorkerOptions options, StreamControl control)
    : definition_(std::move(definition)),
      engine_(engine),
      state_(std::move(state)),
      options_(std::move(options)),
      control_(std::move(control)),
      applier_(std::make_unique<StreamApplier>(definition_->name, engine, state_,
                                               options_.conflict_retry)),
      backoff_(options_.retry_min) {
  thread_ = std::thread([this] { Run(); });
}

StreamWorker::~StreamWorker() { Stop(); }

void StreamWorker::RequestStop() {
  {
    std::lock_guard lock(wake_mutex_);
    stop_.store(true);
  }
  wake_.notify_all();
  // Also frees the worker thread if it waits in Submit() behind a batch that
  // keeps hitting conflicts.
  applier_->RequestStop();
}

void StreamWorker::Stop() {
  RequestStop();
  if (thread_.joinable()) thread_.join();
}

bool StreamWorker::WaitBackoff() {
  std::unique_lock lock(wake_mutex_);
  wake_.wait_for(lock, backoff_, [this] { return stop_.load(); });
  backoff_ = std::min(backoff_ * 2, options_.retry_max);
  return !stop_.load();
}

void StreamWorker::Run() {
  const std::string& name = definition_->name;
  NameThisThread("stream", name);
  spdlog::info("stream {}: started", name);
  while (!Stopping()) {
    if (!Setup()) {
      if (!WaitBackoff()) break;
      continue;
    }
    const bool done = Consume();
    // A stop abandons what is queued; otherwise everything submitted commits
    // (or fails) before the worker decides what comes next.
    if (Stopping()) applier_->Stop();
    const std::optional<std::string> failure = applier_->Drain();
    CommitToGroup();
    if (failure) {  // An earlier batch than any transform failure.
      Fail(*failure);
      break;
    }
    if (transform_failure_) {
      Fail(*transform_failure_);
      break;
    }
    if (last_submitted_ && !Stopping()) {
      spdlog::info("stream {}: applied its {} batch limit", name, *control_.limit_batches);
      state_->SetStopped();
      break;
    }
    if (done) break;
    // The consumer failed; set up again (from the stored offsets) after a pause.
    consumer_.reset();
    if (!WaitBackoff()) break;
  }
  applier_->Stop();
  // Python objects must go while the interpreter is certainly alive, i.e. now.
  transform_.reset();
  consumer_.reset();
  spdlog::info("stream {}: stopped", name);
  finished_.store(true);
}

bool StreamWorker::Setup() {
  const StreamDefinition& d = *definition_;
  if (transform_ == nullptr) {
    auto loaded = python::Transform::Load(d.name, d.script, options_.transform_timeout);
    if (!loaded) {
      spdlog::error("stream {}: cannot load its transform: {}{}", d.name, loaded.Error().message,
                    loaded.Error().traceback.empty() ? "" : "\n" + loaded.Error().traceback);
      state_->SetError(loaded.Error().message);
      return false;
    }
    transform_ = std::move(*loaded);
  }
  if (consumer_ == nullptr) {
    kafka::ConsumerOptions co;
    co.brokers = d.kafka_uri;
    co.topic = d.topic;
    co.group_id = d.consumer_group;
    co.metadata_timeout_ms = static_cast<int>(options_.metadata_timeout.count());
    co.status_interval_ms = options_.consumer_status_interval_ms;
    co.extra_config = options_.consumer_config;
    auto created = kafka::Consumer::Create(std::move(co));
    if (!created) {
      state_->SetError(created.Error().message);
      return false;
    }
    submitted_ = ReadProgress(engine_.storage(), d.name);
    auto started = (*created)->Start(submitted_.offsets, [this] { return Stopping(); });
    if (!started && started.Error().kind == kafka::KafkaErrorKind::kCancelled) return false;
    if (!started) {
      spdlog::warn("stream {}: cannot start consuming {}: {}", d.name, d.topic,
                   started.Error().message);
      state_->SetError(started.Error().message);
      broker_down_ = started.Error().kind == kafka::KafkaErrorKind::kBrokerNotAvailable;
      return false;
    }
    consumer_ = std::move(*created);
  }
  broker_down_ = false;
  backoff_ = options_.retry_min;
  state_->SetRunning();
  return true;
}

void StreamWorker::TrackBroker() {
  const kafka::ConsumerStatus status = consumer_->Status();
  if (status.broker == kafka::BrokerState::kNotAvailable && !broker_down_) {
    broker_down_ = true;
    spdlog::warn("stream {}: broker not available at {}; reconnecting", definition_->name,
                 definition_->kafka_uri);
    state_->SetError(kafka::BrokerNotAvailableMessage(definition_->kafka_uri));
  } else if (status.broker == kafka::BrokerState::kUp && broker_down_) {
    broker_down_ = false;
    spdlog::info("stream {}: broker available again", definition_->name);
    state_->SetRunning();
  }
}

void StreamWorker::CommitToGroup() {
  if (consumer_ == nullptr) return;
  const kafka::PartitionOffsets committed = applier_->TakeCommitted();
  if (committed.empty()) return;
  if (auto r = consumer_->CommitToGroup(committed); !r) {
    spdlog::warn("stream {}: {}", definition_->name, r.Error().message);
  }
}

bool StreamWorker::Consume() {
  const StreamDefinition& d = *definition_;
  CollectOptions collect;
  collect.batch_size = static_cast<size_t>(d.batch_size);
  collect.interval = std::chrono::milliseconds(d.batch_interval_ms);
  kafka::Consumer& consumer = *consumer_;
  const PollFunction poll = [&consumer](size_t max_messages, int max_wait_ms) {
    return consumer.PollBatch(max_messages, max_wait_ms);
  };
  const auto keep_going = [this] {
    TrackBroker();
    CommitToGroup();
    return !Stopping() && !applier_->Failed();
  };
  while (!Stopping() && !applier_->Failed()) {
    Collected collected = CollectBatch(poll, collect, keep_going);
    if (Stopping() || applier_->Failed()) return true;  // Collected messages are dropped.
    if (!collected.batch.messages.empty()) {
      // Messages arriving means a broker is up, whatever the statistics say yet.
      if (broker_down_) {
        broker_down_ = false;
        state_->SetRunning();
      }
      switch (ProcessBatch(collected.batch)) {
        case Outcome::kSubmitted:
          break;
        case Outcome::kLastSubmitted:
        case Outcome::kFailed:
          return true;
      }
    }
    if (collected.error) {
      spdlog::warn("stream {}: consuming {} failed: {}", d.name, d.topic, collected.error->message);
      state_->SetError(collected.error->message);
      return false;
    }
  }
  return true;
}

StreamWorker::Outcome StreamWorker::ProcessBatch(const kafka::Batch& batch) {
  const StreamDefinition& d = *definition_;
  std::vector<std::string_view> values;
  values.reserve(batch.messages.size());
  for (const auto& m : batch.messages) values.emplace_back(m.value);
  auto queries = transform_->Call(values, options_.transform_timeout);
  if (!queries) {
    if (!queries.Error().traceback.empty()) {
      spdlog::error("stream {}: {}", d.name, queries.Error().traceback);
    }
    transform_failure_ = queries.Error().message;
    return Outcome::kFailed;
  }

  StreamProgress next = submitted_;
  for (const auto& [partition, offset] : batch.end_offsets) next.offsets[partition] = offset;
  next.messages += batch.messages.size();
  next.batches += 1;
  StreamApplier::Batch work;
  work.queries = std::move(*queries);
  work.system_keys = {{ProgressKey(d.name), EncodeProgress(next)}};
  work.end_offsets = batch.end_offsets;
  work.messages = batch.messages.size();
  const bool last =
      control_.limit_batches && next.batches >= control_.limit_base + *control_.limit_batches;
  if (last) {
    // The batch that reaches the limit also records that the stream stopped,
    // so a crash cannot restart a finished LIMIT run.
    work.system_keys.emplace_back(ControlKey(d.name), EncodeControl(StreamControl{}));
  }
  if (!applier_->Submit(std::move(work))) return Outcome::kFailed;
  submitted_ = std::move(next);
  if (last) {
    last_submitted_ = true;
    return Outcome::kLastSubmitted;
  }
  return Outcome::kSubmitted;
}

void StreamWorker::Fail(const std::string& reason) {
  const StreamDefinition& d = *definition_;
  spdlog::error("stream {}: batch rolled back, stream stopped with an error: {}", d.name, reason);
  StreamControl failed;
  failed.desired = DesiredState::kFailed;
  failed.error = reason;
  failed.error_time_ms = NowUnixMs();
  state_->SetError(reason, failed.error_time_ms);
  if (auto written =
          WriteSystemKeys(engine_.storage(), {{ControlKey(d.name), EncodeControl(failed)}});
      !written) {
    spdlog::error("stream {}: cannot store its error state: {}", d.name, written.Error());
  }
}

}  // namespace tributary::streams
