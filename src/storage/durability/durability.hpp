#pragma once
// The server's single entry point to durability: locks the data directory,
// recovers the Storage from snapshot + WAL, attaches the WAL as the
// storage's CommitObserver, takes snapshots (timer, on demand, shutdown)
// and removes what the newest snapshots make obsolete.
//
//   auto d = Durability::Open(options, storage);   // before serving
//   d.Value()->CreateSnapshot();                     // CREATE SNAPSHOT
//   d.Value()->Shutdown();                           // clean stop
//
// Data directory layout: <data_dir>/LOCK, <data_dir>/wal/wal-*.log,
// <data_dir>/snapshots/snapshot-*.snap.

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>

#include "storage/durability/env.hpp"
#include "storage/durability/recovery.hpp"
#include "storage/durability/snapshot.hpp"
#include "storage/durability/wal_writer.hpp"
#include "storage/storage.hpp"

namespace tributary::storage::durability {

/// Everything main's flags configure.
struct DurabilityOptions {
  /// --data-dir; created if missing.
  std::string data_dir = "./tributary-data";
  /// --wal-sync=commit|interval|none.
  SyncPolicy wal_sync = SyncPolicy::kCommit;
  /// --wal-sync-interval-ms: period of the background sync under kInterval.
  uint32_t wal_sync_interval_ms = 100;
  /// --wal-segment-size (bytes): a new segment starts beyond this size.
  uint64_t wal_segment_size = wal::kDefaultSegmentSize;
  /// --snapshot-interval (seconds); 0 disables periodic snapshots. A period
  /// without commits takes no snapshot (nor does a shutdown right after one).
  uint32_t snapshot_interval_s = 0;
  /// --snapshot-retention: snapshots kept (older ones and the WAL segments
  /// only they need are deleted). At least 1.
  uint32_t snapshots_to_keep = 2;
  /// --snapshot-on-exit: take a snapshot in Shutdown().
  bool snapshot_on_shutdown = true;
  /// File-system layer; nullptr means Env::Default(). Not owned.
  Env* env = nullptr;
};

/// Result of one snapshot.
struct SnapshotResult {
  std::string path;
  SnapshotInfo info;
  SnapshotFooter footer;
  double seconds = 0;
};

/// Name of the system key the snapshot markers write (see the ADR).
inline constexpr std::string_view kSnapshotMarkerKey = "durability/snapshot-marker";

class Durability {
 public:
  /// Locks and recovers `options.data_dir` into `storage`, then attaches
  /// the WAL and starts the snapshot timer. REQUIRES: `storage` is empty,
  /// no transaction is active, and it outlives the returned object.
  /// Errors (kDurability): directory in use by another process, I/O
  /// errors, damaged data (with what the operator can do).
  static StorageResult<std::unique_ptr<Durability>> Open(const DurabilityOptions& options,
                                                         Storage& storage);
  /// Calls Shutdown().
  ~Durability();
  Durability(const Durability&) = delete;
  Durability& operator=(const Durability&) = delete;

  /// Takes a snapshot now while writers continue; removes old snapshots and
  /// WAL segments. Thread-safe; concurrent calls run one after the other.
  StorageResult<SnapshotResult> CreateSnapshot();

  /// Stops the timer, takes the final snapshot (if configured), detaches
  /// the observer, closes the WAL and releases the lock. REQUIRES: no
  /// transaction is active. Idempotent.
  void Shutdown();

  /// What recovery did at Open.
  const RecoveryResult& recovery() const { return recovery_; }
  /// The WAL writer (for statistics and tests).
  WalWriter& wal() { return *wal_; }
  const DurabilityOptions& options() const { return options_; }
  std::string wal_dir() const;
  std::string snapshot_dir() const;

 private:
  class Observer;
  Durability(const DurabilityOptions& options, Storage& storage);
  /// Commits a marker transaction; returns its WAL LSN.
  StorageResult<uint64_t> CommitMarker(uint64_t sequence, std::string_view which);
  /// Deletes snapshots beyond the retention and WAL segments they alone needed.
  void RemoveObsoleteFiles();
  /// True if something was committed since the newest snapshot.
  bool ChangedSinceLastSnapshot();
  void TimerLoop();

  DurabilityOptions options_;
  Env& env_;
  Storage& storage_;
  std::unique_ptr<FileLock> lock_;
  std::unique_ptr<WalWriter> wal_;
  std::unique_ptr<Observer> observer_;
  RecoveryResult recovery_;

  std::mutex snapshot_mu_;      // serializes CreateSnapshot
  uint64_t next_snapshot_ = 1;  // guarded by snapshot_mu_
  uint64_t last_snapshot_lsn_ =
      0;  // high marker LSN of the newest snapshot; guarded by snapshot_mu_

  std::mutex timer_mu_;
  std::condition_variable timer_cv_;
  bool stopping_ = false;   // guarded by timer_mu_
  bool shut_down_ = false;  // guarded by timer_mu_
  std::thread timer_;
};

/// Prints every record of a WAL segment file (or of every segment, when
/// `path` is a directory) readably; returns false on damage (printed too).
bool DumpWal(const std::string& path, std::ostream& out, Env& env = Env::Default());
/// Prints a snapshot file's contents readably; returns false on damage.
bool DumpSnapshot(const std::string& path, std::ostream& out, Env& env = Env::Default());

}  // namespace tributary::storage::durability
