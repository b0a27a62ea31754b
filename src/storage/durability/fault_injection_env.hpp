#pragma once
// An Env for tests that wraps another Env (normally Env::Default()) and can
// fail writes and syncs on demand and simulate a power cut: it remembers
// how much of each file was synced and DropUnsyncedData() truncates every
// file written through it back to that size. Modelled on RocksDB's
// FaultInjectionTestFS. Thread-safe.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "storage/durability/env.hpp"

namespace tributary::storage::durability {

class FaultInjectionEnv final : public Env {
 public:
  /// `base` is not owned and must outlive this Env.
  explicit FaultInjectionEnv(Env& base) : base_(base) {}

  /// The next `count` Appends fail with `errnum`, each after writing half of
  /// its data (a short write, as a full disk produces).
  void FailWrites(int count, int errnum);
  /// The next `count` Syncs fail with `errnum` without syncing.
  void FailSyncs(int count, int errnum);
  /// The next `count` WritableFile::Truncates fail with `errnum`, leaving the
  /// file as it was.
  void FailTruncates(int count, int errnum);
  /// While on, every Append and every file creation fails with ENOSPC (after
  /// a short write), like a full disk; Truncate and Remove still work.
  void SetNoSpace(bool on);
  /// Every successful Sync takes at least this long (a slow disk), so that
  /// tests see group commit on any file system.
  void SetSyncDelay(std::chrono::microseconds delay) { sync_delay_us_.store(delay.count()); }
  std::chrono::microseconds sync_delay() const {
    return std::chrono::microseconds(sync_delay_us_.load());
  }
  /// While on, Sync and SyncDir succeed without reaching the disk (they
  /// still count as syncs here); for tests that only simulate crashes.
  void SetSkipRealSyncs(bool on) { skip_real_syncs_.store(on); }
  bool skip_real_syncs() const { return skip_real_syncs_.load(); }
  /// Clears every pending fault.
  void ClearFaults();
  /// Simulates a power cut: every file written through this Env loses what
  /// was appended after its last successful Sync. REQUIRES: no writer is
  /// active (close or abandon writers first).
  IoResult<void> DropUnsyncedData();

  /// Number of successful Syncs so far (tests count group commits with it).
  uint64_t sync_count() const { return sync_count_.load(); }

  IoResult<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path,
                                                          bool truncate) override;
  /// Fails with ENOSPC while SetNoSpace is on; the counted FailWrites
  /// faults are left for Appends (a background preparation must not take a
  /// fault a test meant for a commit).
  IoResult<void> PreallocateFile(const std::string& path, uint64_t size,
                                 const std::atomic<bool>& cancel) override;
  IoResult<std::unique_ptr<WritableFile>> OpenForOverwrite(const std::string& path) override;
  IoResult<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& path) override {
    return base_.NewSequentialFile(path);
  }
  IoResult<void> Rename(const std::string& from, const std::string& to) override;
  IoResult<void> Remove(const std::string& path) override;
  IoResult<void> TruncateFile(const std::string& path, uint64_t size) override;
  IoResult<uint64_t> FileSize(const std::string& path) override { return base_.FileSize(path); }
  bool FileExists(const std::string& path) override { return base_.FileExists(path); }
  IoResult<std::vector<std::string>> ListDir(const std::string& dir) override {
    return base_.ListDir(dir);
  }
  IoResult<void> CreateDirIfMissing(const std::string& dir) override {
    return base_.CreateDirIfMissing(dir);
  }
  IoResult<void> SyncDir(const std::string& dir) override {
    return skip_real_syncs() ? IoResult<void>() : base_.SyncDir(dir);
  }
  IoResult<std::unique_ptr<FileLock>> LockFile(const std::string& path) override {
    return base_.LockFile(path);
  }

  /// What the Env knows of one file: size appended and size made durable.
  struct FileState {
    uint64_t size = 0;
    uint64_t synced = 0;
  };

  // Used by the file wrapper.
  /// Returns the errno to inject for this Append, or 0.
  int TakeWriteFault();
  /// Returns the errno to inject for this Sync, or 0.
  int TakeSyncFault();
  /// Returns the errno to inject for this Truncate, or 0.
  int TakeTruncateFault();
  void RecordSync() { sync_count_.fetch_add(1); }
  std::mutex& mu() { return mu_; }

 private:
  Env& base_;
  std::mutex mu_;  // guards everything below
  int write_faults_ = 0;
  int write_errno_ = 0;
  int sync_faults_ = 0;
  int sync_errno_ = 0;
  int truncate_faults_ = 0;
  int truncate_errno_ = 0;
  bool no_space_ = false;
  std::map<std::string, std::shared_ptr<FileState>> files_;
  std::atomic<uint64_t> sync_count_{0};
  std::atomic<int64_t> sync_delay_us_{0};
  std::atomic<bool> skip_real_syncs_{false};
};

}  // namespace tributary::storage::durability
