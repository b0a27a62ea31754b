#pragma once
// The live status of one stream, shared by the manager (which reports it) and
// the stream's worker (which changes it).

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::streams {

/// What SHOW STREAMS prints in its status column.
enum class StreamStatus : uint8_t { kStopped, kRunning, kError };

/// "stopped", "running" or "error".
std::string_view StatusName(StreamStatus status);

/// The live status of one stream. Thread-safe.
class StreamState {
 public:
  /// A consistent copy of the state.
  struct Snapshot {
    StreamStatus status = StreamStatus::kStopped;  ///< What SHOW STREAMS prints.
    std::string last_error;                        ///< The most recent error; kept after recovery.
    int64_t last_error_ms = 0;                     ///< When it happened (Unix ms); 0 if never.
  };

  /// Batch timings of the current run (for benchmarks and diagnostics).
  struct Timings {
    std::vector<double> apply_ms;   ///< Queries + commit, per batch.
    std::vector<double> commit_ms;  ///< Commit alone, per batch.
  };

  /// Keeps at most this many timings (the oldest are dropped).
  static constexpr size_t kMaxTimings = 1 << 16;

  /// A consistent copy of status and last error.
  Snapshot Get() const;
  /// The status alone.
  StreamStatus Status() const;

  /// Sets status stopped (the last error is kept).
  void SetStopped();
  /// Sets status running (the last error is kept, as history).
  void SetRunning();
  /// Sets status error with `reason`, stamped now (or at `unix_ms` if given).
  void SetError(std::string reason, std::optional<int64_t> unix_ms = std::nullopt);

  /// Appends one batch's timings.
  void AddTimings(double apply_ms, double commit_ms);
  /// Forgets the timings (a new START).
  void ClearTimings();
  /// A copy of the timings, oldest first.
  Timings GetTimings() const;

 private:
  mutable std::mutex mutex_;
  Snapshot snapshot_;  // GUARDED_BY(mutex_)
  Timings timings_;    // GUARDED_BY(mutex_)
};

}  // namespace tributary::streams
