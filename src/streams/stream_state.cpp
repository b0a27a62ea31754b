#include "streams/stream_state.hpp"

#include "streams/stream_definition.hpp"

namespace tributary::streams {

std::string_view StatusName(StreamStatus status) {
  switch (status) {
    case StreamStatus::kStopped:
      return "stopped";
    case StreamStatus::kRunning:
      return "running";
    case StreamStatus::kError:
      return "error";
  }
  return "error";
}

StreamState::Snapshot StreamState::Get() const {
  std::lock_guard lock(mutex_);
  return snapshot_;
}

StreamStatus StreamState::Status() const {
  std::lock_guard lock(mutex_);
  return snapshot_.status;
}

void StreamState::SetStopped() {
  std::lock_guard lock(mutex_);
  snapshot_.status = StreamStatus::kStopped;
}

void StreamState::SetRunning() {
  std::lock_guard lock(mutex_);
  snapshot_.status = StreamStatus::kRunning;
}

void StreamState::SetError(std::string reason, std::optional<int64_t> unix_ms) {
  std::lock_guard lock(mutex_);
  snapshot_.status = StreamStatus::kError;
  snapshot_.last_error = std::move(reason);
  snapshot_.last_error_ms = unix_ms.value_or(NowUnixMs());
}

void StreamState::AddTimings(double apply_ms, double commit_ms) {
  std::lock_guard lock(mutex_);
  if (timings_.apply_ms.size() >= kMaxTimings) {
    timings_.apply_ms.erase(timings_.apply_ms.begin());
    timings_.commit_ms.erase(timings_.commit_ms.begin());
  }
  timings_.apply_ms.push_back(apply_ms);
  timings_.commit_ms.push_back(commit_ms);
}

void StreamState::ClearTimings() {
  std::lock_guard lock(mutex_);
  timings_ = Timings{};
}

StreamState::Timings StreamState::GetTimings() const {
  std::lock_guard lock(mutex_);
  return timings_;
}

}  // namespace tributary::streams
