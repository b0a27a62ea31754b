#pragma once
// The write-ahead log writer: appends framed records to the current segment,
// rotates segments by size, and makes records durable according to the sync
// policy, sharing one fdatasync among concurrent committers (group commit;
// see docs/adr/003-group-commit-and-visibility.md).
//
// Threading: all methods are thread-safe. Appends are expected from one
// thread at a time (the storage serializes commits), which keeps LSN order
// equal to commit order. One background thread syncs. Under kCommit a second
// background thread prepares the next segment file ahead of time, filled
// with zeros, so that the fdatasync of a commit never has to persist a file
// size change (ADR 017).
//
// Tickets vs LSNs: Append returns a ticket, a counter that is never reused.
// LSNs number the records in the files; after a failed write or sync the
// records that failed are cut off the log and their LSNs are handed out
// again, so the LSNs in the files stay gap-free.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "storage/durability/env.hpp"
#include "storage/durability/wal_format.hpp"
#include "storage/storage.hpp"

namespace tributary::storage::durability {

/// When a commit's record is made durable.
enum class SyncPolicy : uint8_t {
  kCommit,    ///< before the commit is acknowledged (fdatasync, shared by a group)
  kInterval,  ///< by a background fdatasync every sync_interval_ms
  kNone,      ///< only when the OS flushes; survives a process crash, not a power cut
};

/// Parses "commit", "interval" or "none".
std::optional<SyncPolicy> ParseSyncPolicy(std::string_view text);
std::string_view SyncPolicyName(SyncPolicy policy);

struct WalWriterOptions {
  std::string dir;
  uint64_t segment_size = wal::kDefaultSegmentSize;
  SyncPolicy sync_policy = SyncPolicy::kCommit;
  uint32_t sync_interval_ms = 100;
  /// Write each segment into a zero-filled file prepared in the background
  /// (ADR 017). Durability turns it on for kCommit.
  bool preallocate = false;
};

class WalWriter {
 public:
  /// Starts a new segment `first_segment_number` whose first record gets
  /// `next_lsn`. `env` must outlive the writer.
  static IoResult<std::unique_ptr<WalWriter>> Open(Env& env, WalWriterOptions options,
                                                   uint64_t first_segment_number,
                                                   uint64_t next_lsn);
  ~WalWriter();
  WalWriter(const WalWriter&) = delete;
  WalWriter& operator=(const WalWriter&) = delete;

  /// The LSN the next Append will assign.
  uint64_t NextLsn() const;
  /// LSN of the last record written (0 if none since Open).
  uint64_t LastLsn() const;

  /// Writes one record. The payload's first 8 bytes are a placeholder that
  /// Append overwrites with the record's LSN. Returns the ticket for
  /// WaitDurable. On error (kDurability) nothing of the record remains in
  /// the log (or, if even the cleanup failed, every later Append fails
  /// until the cleanup succeeds). `lsn`, when given, receives the record's LSN.
  StorageResult<uint64_t> Append(wal::RecordType type, std::string_view payload,
                                 uint64_t* lsn = nullptr);
  /// Returns once the record of `ticket` is durable as the sync policy
  /// defines it (kCommit: fdatasync'ed). kDurability if its sync failed; the
  /// record was then removed from the log durably before this returns.
  /// kCommitOutcomeUnknown if that removal failed too: the record may still
  /// be in the log and replayed after a crash (ADR 010).
  StorageResult<void> WaitDurable(uint64_t ticket);
  /// WaitDurable without a thread: under kCommit, when the record of
  /// `ticket` is not durable yet and no lone-committer sync is due, takes
  /// `done` and returns kDeferred; the sync thread then calls `done` once,
  /// without mu_ held, with what WaitDurable would have returned, in ticket
  /// order within a group. Otherwise returns kWaitInline and the caller
  /// calls WaitDurable (ADR 020).
  CommitObserver::Wait WhenDurable(uint64_t ticket, CommitObserver::DurableCallback done);
  /// Like WaitDurable but always waits for an fdatasync, whatever the policy.
  StorageResult<void> SyncUpTo(uint64_t ticket);
  /// fdatasyncs everything written so far, whatever the policy.
  StorageResult<void> SyncAll();
  /// Finishes the current segment (synced) and starts the next one; returns
  /// the number of the new segment. Old segments are then complete files.
  StorageResult<uint64_t> Rotate();
  /// Number of the segment being written.
  uint64_t CurrentSegment() const;
  /// Syncs what was written and stops the sync thread. Idempotent.
  void Close();

  /// Number of fdatasyncs done so far (for tests and benchmarks).
  uint64_t sync_count() const;

 private:
  WalWriter(Env& env, WalWriterOptions options);
  /// REQUIRES: mu_ held. Opens segment `number` starting at `first_lsn`.
  StorageResult<void> StartSegmentLocked(uint64_t number, uint64_t first_lsn);
  /// REQUIRES: mu_ held. Cuts the segment back to the last good offset after
  /// a failure; clears needs_repair_ on success.
  StorageResult<void> RepairLocked(std::unique_lock<std::mutex>& lock);
  /// REQUIRES: mu_ held, no sync in flight. After a failed sync of the
  /// current segment: cuts every unsynced record off and syncs the cut, then
  /// fails those records (kDurability: not applied). If the cut cannot be
  /// made durable they fail with kCommitOutcomeUnknown and the log needs
  /// repair (docs/adr/010-fsync-failure.md).
  void FailUnsyncedLocked(const std::string& message);
  /// REQUIRES: mu_ held. Every written-but-not-durable record fails with `message`.
  void FailPendingLocked(const std::string& message, uint64_t good_offset, bool outcome_unknown);
  /// The error of `ticket` if its record was removed after a failure.
  std::optional<Error> FailedLocked(uint64_t ticket) const;
  /// REQUIRES: mu_ held. Syncs and closes the current segment, opens the next.
  StorageResult<void> RotateLocked(std::unique_lock<std::mutex>& lock);
  /// REQUIRES: mu_ held. Waits (releasing mu_) until no sync is in flight.
  void WaitNotSyncingLocked(std::unique_lock<std::mutex>& lock);
  /// Waits for an fdatasync covering `ticket` (any policy). Under kCommit
  /// the caller does the sync itself when none is in flight (it leads the
  /// group of records written so far).
  StorageResult<void> WaitSynced(uint64_t ticket);
  /// REQUIRES: mu_ held. Under kCommit, true when the committer of `ticket`
  /// should lead its own sync: the last sync covered one record and none is
  /// in flight (ADR 003).
  bool LoneCommitterLocked(uint64_t ticket) const;
  /// REQUIRES: mu_ held, no sync in flight. fdatasyncs everything written
  /// so far (releasing mu_ meanwhile), records the outcome, wakes waiters.
  void SyncNowLocked(std::unique_lock<std::mutex>& lock);
  /// REQUIRES: mu_ held. When callbacks_ is not empty: marks that some of
  /// them may be ready and wakes the sync thread to run them.
  void CallbacksMayBeReadyLocked();
  /// REQUIRES: mu_ held; called on the sync thread. Runs (releasing mu_) the
  /// callbacks whose outcome is known: durable, failed, or the log closed.
  void RunReadyCallbacksLocked(std::unique_lock<std::mutex>& lock);
  void SyncLoop();
  /// The preparer thread: zero-fills the next segment's file on request.
  void PrepareLoop();
  std::string PreparedPath() const;

  Env& env_;
  const WalWriterOptions options_;

  mutable std::mutex mu_;
  std::condition_variable work_cv_;  // wakes the sync thread
  std::condition_variable done_cv_;  // wakes waiters when durable_lsn_ or failures change
  // All below guarded by mu_.
  std::shared_ptr<WritableFile> file_;  // shared with an in-flight sync
  uint64_t segment_number_ = 0;
  uint64_t next_lsn_ = 1;
  uint64_t next_ticket_ = 1;
  uint64_t written_ticket_ = 0;    // last ticket whose record is completely written
  uint64_t durable_ticket_ = 0;    // last ticket covered by a successful sync
  uint64_t written_offset_ = 0;    // end of the last written record in file_
  uint64_t durable_offset_ = 0;    // end of the last synced record in file_
  uint64_t requested_ticket_ = 0;  // highest ticket a waiter needs synced
  bool syncing_ = false;
  bool needs_repair_ = false;
  uint64_t repair_offset_ = 0;
  std::string repair_error_;
  bool closed_ = false;
  bool syncer_done_ = false;
  uint64_t sync_count_ = 0;
  uint64_t last_batch_ = 0;  // records covered by the last sync
  std::chrono::steady_clock::duration last_sync_duration_{};
  /// Ticket ranges [first, last] whose records were removed after a failure.
  struct FailedRange {
    uint64_t first;
    uint64_t last;
    std::string message;
    bool outcome_unknown;  ///< the removal could not be made durable
  };
  std::deque<FailedRange> failed_;
  /// Deferred waiters (WhenDurable), in no particular order.
  struct DeferredWait {
    uint64_t ticket;
    CommitObserver::DurableCallback done;
  };
  std::vector<DeferredWait> callbacks_;
  bool callbacks_ready_ = false;  ///< durable_ticket_ or failed_ changed since the last run

  /// The next segment's zero-filled file (PreparedPath()), see ADR 017.
  enum class Prepared : uint8_t { kNone, kPreparing, kReady, kFailed };
  Prepared prepared_ = Prepared::kNone;
  bool segment_prepared_ = false;            // file_ was a prepared file
  std::condition_variable prepare_cv_;       // wakes the preparer thread
  std::atomic<bool> stop_preparing_{false};  // set by Close; not guarded by mu_

  std::thread syncer_;
  std::thread preparer_;
};

}  // namespace tributary::storage::durability
