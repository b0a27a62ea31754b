#include "streams/stream_applier.hpp"

#include <spdlog/spdlog.h>

#include "streams/stream_worker.hpp"

namespace tributary::streams {

StreamApplier::StreamApplier(std::string name, query::QueryEngine& engine,
                             std::shared_ptr<StreamState> state, RetryPolicy conflict_retry)
    : name_(std::move(name)),
      state_(std::move(state)),
      conflict_retry_(conflict_retry),
      session_(engine) {
  thread_ = std::thread([this] { Run(); });
}

StreamApplier::~StreamApplier() { Stop(); }

bool StreamApplier::Submit(Batch batch) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return !queued_ || stop_ || failure_; });
  if (stop_ || failure_) return false;
  queued_ = std::move(batch);
  changed_.notify_all();
  return true;
}

std::optional<std::string> StreamApplier::Drain() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return (!queued_ && !busy_) || failure_ || (stop_ && !busy_); });
  return failure_;
}

bool StreamApplier::Failed() const {
  std::lock_guard lock(mutex_);
  return failure_.has_value();
}

kafka::PartitionOffsets StreamApplier::TakeCommitted() {
  std::lock_guard lock(mutex_);
  kafka::PartitionOffsets out;
  out.swap(committed_);
  return out;
}

void StreamApplier::RequestStop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
}

void StreamApplier::Stop() {
  RequestStop();
  if (thread_.joinable()) thread_.join();
}

void StreamApplier::Run() {
  NameThisThread("apply", name_);
  while (true) {
    Batch batch;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [this] { return queued_.has_value() || stop_; });
      if (stop_) {
        queued_.reset();
        changed_.notify_all();
        return;
      }
      batch = std::move(*queued_);
      queued_.reset();
      busy_ = true;
      changed_.notify_all();  // Submit may queue the next batch now.
    }
    auto applied = ApplyBatch(session_, batch.queries, batch.system_keys, conflict_retry_, [this] {
      std::lock_guard lock(mutex_);
      return !stop_;
    });
    std::lock_guard lock(mutex_);
    busy_ = false;
    if (applied) {
      if (applied->attempts > 1) {
        spdlog::info("stream {}: batch committed after {} attempts (conflicts)", name_,
                     applied->attempts);
      }
      state_->AddTimings(applied->apply_ms, applied->commit_ms);
      for (const auto& [partition, offset] : batch.end_offsets) committed_[partition] = offset;
    } else if (applied.Error().kind != ApplyError::Kind::kStopped) {
      failure_ = applied.Error().message;
    }
    changed_.notify_all();
  }
}

}  // namespace tributary::streams
