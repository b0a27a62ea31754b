#pragma once
// Snapshot files: a consistent image of the graph taken from one MVCC read
// transaction while writers continue, plus indexes, constraints, system keys
// and the gid counters (docs/formats/snapshot.md).
//
// Coverage is expressed in WAL LSNs, which (unlike commit timestamps) are
// stable across restarts. The snapshot contains every commit with
// LSN <= low_lsn and none with LSN >= high_lsn; commits in between may or may
// not be in it (they raced with the snapshot's start) and are replayed
// idempotently. See docs/adr/003-group-commit-and-visibility.md.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/durability/env.hpp"
#include "storage/durability/wal_format.hpp"
#include "storage/storage.hpp"

namespace tributary::storage::durability {

/// The kInfo block.
struct SnapshotInfo {
  uint64_t sequence = 0;     ///< from the file header
  uint64_t low_lsn = 0;      ///< every commit with LSN <= this is included
  uint64_t high_lsn = 0;     ///< no commit with LSN >= this is included
  uint64_t wal_segment = 0;  ///< first WAL segment recovery needs with this snapshot
  uint64_t next_vertex_gid = 0;
  uint64_t next_edge_gid = 0;
  uint64_t created_unix_ms = 0;
};

/// The kFooter block.
struct SnapshotFooter {
  uint64_t vertices = 0;
  uint64_t edges = 0;
  uint64_t blocks = 0;  ///< blocks before the footer
};

/// "snapshot-<sequence>.snap" and its inverse (nullopt for other names).
std::string SnapshotFileName(uint64_t sequence);
std::optional<uint64_t> ParseSnapshotFileName(std::string_view name);

/// Writes the image seen by `tx` (a read transaction: graph and system keys)
/// plus the storage's current indexes and constraints to `path` atomically (temp
/// file, fdatasync, rename, directory fsync). `info.next_*_gid` are filled
/// in here. Returns the footer.
StorageResult<SnapshotFooter> WriteSnapshot(Env& env, const std::string& path, Storage& storage,
                                            Transaction& tx, SnapshotInfo info);

/// Receives a snapshot's contents in file order: Info, every Vertex, every
/// Edge, Index, Constraint, SystemKey, Footer. Names are resolved; vectors
/// are valid during the call only. A name's view (label, property, edge
/// type) points to one string per distinct name that lives until the read
/// ends, so a visitor may cache per name by `data()` during one read. An
/// error stops the read.
class SnapshotVisitor {
 public:
  virtual ~SnapshotVisitor() = default;
  virtual StorageResult<void> Info(const SnapshotInfo& info) = 0;
  virtual StorageResult<void> Vertex(
      Gid gid, const std::vector<std::string_view>& labels,
      const std::vector<std::pair<std::string_view, PropertyValue>>& properties) = 0;
  virtual StorageResult<void> Edge(
      Gid gid, Gid from, Gid to, std::string_view type,
      const std::vector<std::pair<std::string_view, PropertyValue>>& properties) = 0;
  virtual StorageResult<void> Index(std::string_view label,
                                    std::optional<std::string_view> property) = 0;
  virtual StorageResult<void> Constraint(std::string_view label, std::string_view property) = 0;
  virtual StorageResult<void> SystemKey(std::string_view key, std::string_view value) = 0;
  virtual StorageResult<void> Footer(const SnapshotFooter& footer) = 0;
  /// False: Vertex and Edge are not called; their blocks are checked by
  /// CRC32C and counted only (a cheap verification pass).
  virtual bool WantsObjects() const { return true; }
};

/// Reads only the file header and the info block (cheap; no full check).
StorageResult<SnapshotInfo> ReadSnapshotInfo(Env& env, const std::string& path);

/// Reads and checks a whole snapshot, calling `visitor` for each item
/// (pass nullptr to only verify: every block's framing and CRC32C, the
/// counts, and every item except vertices and edges, which are counted).
/// Errors (kDurability) name the file and offset: damaged or truncated
/// blocks, a missing footer, wrong counts.
StorageResult<SnapshotInfo> ReadSnapshot(Env& env, const std::string& path,
                                         SnapshotVisitor* visitor);

}  // namespace tributary::storage::durability
