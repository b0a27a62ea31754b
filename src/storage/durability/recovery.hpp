#pragma once
// Recovery at start: the newest valid snapshot, then the WAL records after
// it, applied through the storage's recovery APIs (CreateVertexWithGid, ...).
// Index and constraint definitions are collected and built once at the end.

#include <cstdint>
#include <optional>
#include <string>

#include "storage/durability/env.hpp"
#include "storage/durability/snapshot.hpp"
#include "storage/storage.hpp"

namespace tributary::storage::durability {

/// What recovery found and did.
struct RecoveryResult {
  std::optional<SnapshotInfo> snapshot;  ///< the snapshot loaded, if any
  std::string snapshot_path;
  uint64_t snapshot_vertices = 0;
  uint64_t snapshot_edges = 0;
  uint64_t wal_records = 0;  ///< records read
  uint64_t wal_commits_applied = 0;
  uint64_t wal_commits_skipped = 0;      ///< already contained in the snapshot
  uint64_t last_lsn = 0;                 ///< highest LSN seen in the WAL or the snapshot
  uint64_t last_segment = 0;             ///< highest WAL segment number (0: none)
  uint64_t highest_snapshot = 0;         ///< highest snapshot sequence present (0: none)
  std::optional<std::string> torn_tail;  ///< what was cut off the WAL's end
  double seconds = 0;
};

/// Restores `storage` (which must be empty and have no observer attached)
/// from the snapshots in `snapshot_dir` and the WAL in `wal_dir`. A damaged
/// newest snapshot falls back to an older one; damage in the WAL before
/// its tail is an error whose message says what the operator can do.
StorageResult<RecoveryResult> Recover(Env& env, const std::string& snapshot_dir,
                                      const std::string& wal_dir, Storage& storage);

}  // namespace tributary::storage::durability
