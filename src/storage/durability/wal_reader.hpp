#pragma once
// Reads the write-ahead log of a directory front to back for recovery and
// wal-dump: checks every checksum and LSN continuity, discards a torn tail of
// the last segment, and stops with an actionable message on damage anywhere
// else (committed data is never dropped silently).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "storage/durability/env.hpp"
#include "storage/durability/wal_record.hpp"

namespace tributary::storage::durability {

/// One segment file of a WAL directory.
struct SegmentFile {
  uint64_t number = 0;
  std::string path;
};

/// The segments in `dir`, ascending by number.
IoResult<std::vector<SegmentFile>> ListSegments(Env& env, const std::string& dir);

struct WalReadOptions {
  /// Truncate (or remove) the last segment's torn tail on disk; false only
  /// reports it (wal-dump).
  bool repair_tail = true;
  /// Log progress (percentage, rate) every this many seconds; 0 = never.
  double progress_seconds = 2.0;
};

struct WalReadSummary {
  uint64_t records = 0;
  uint64_t last_lsn = 0;                 ///< 0 if the log holds no record
  uint64_t last_segment = 0;             ///< 0 if there is no segment
  std::optional<std::string> torn_tail;  ///< what was discarded, if anything
};

/// Called for each intact record in order, with the segment path.
using WalRecordHandler =
    std::function<StorageResult<void>(const RecordView& record, const std::string& path)>;

/// Reads every segment of `dir` in order. Errors (kDurability): I/O
/// failures, damage before the tail, LSN gaps, or an error from `handler`.
StorageResult<WalReadSummary> ReadWal(Env& env, const std::string& dir,
                                      const WalReadOptions& options,
                                      const WalRecordHandler& handler);

/// The operator-facing message for damage at `offset` of segment `path`.
std::string CorruptionMessage(const std::string& path, const std::string& what,
                              const std::string& dir);

}  // namespace tributary::storage::durability
