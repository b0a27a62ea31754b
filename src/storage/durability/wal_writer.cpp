#include "storage/durability/wal_writer.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "storage/durability/encoding.hpp"
#include "storage/durability/wal_record.hpp"

namespace tributary::storage::durability {
namespace {

/// How many failed ticket ranges are remembered; a waiter asks within
/// microseconds of its Append, so a short history suffices.
constexpr size_t kMaxFailedRanges = 1024;

Unexpected<Error> DurabilityError(std::string message) {
  return MakeError(Error{ErrorCode::kDurability, std::move(message)});
}

/// "No space left on device (wal-0000000000000003.log)".
std::string Reason(const IoError& e, const std::string& path) {
  auto slash = path.rfind('/');
  return std::string(std::strerror(e.errnum)) + " (" +
         (slash == std::string::npos ? path : path.substr(slash + 1)) + ")";
}

}  // namespace

std::optional<SyncPolicy> ParseSyncPolicy(std::string_view text) {
  if (text == "commit") return SyncPolicy::kCommit;
  if (text == "interval") return SyncPolicy::kInterval;
  if (text == "none") return SyncPolicy::kNone;
  return std::nullopt;
}

std::string_view SyncPolicyName(SyncPolicy policy) {
  switch (policy) {
    case SyncPolicy::kCommit:
      return "commit";
    case SyncPolicy::kInterval:
      return "interval";
    case SyncPolicy::kNone:
      return "none";
  }
  return "?";
}

WalWriter::WalWriter(Env& env, WalWriterOptions options)
    : env_(env), options_(std::move(options)) {}

IoResult<std::unique_ptr<WalWriter>> WalWriter::Open(Env& env, WalWriterOptions options,
                                                     uint64_t first_segment_number,
                                                     uint64_t next_lsn) {
  std::unique_ptr<WalWriter> writer(new WalWriter(env, std::move(options)));
  if (writer->options_.preallocate) {
    writer->preparer_ = std::thread([w = writer.get()] { w->PrepareLoop(); });
  }
  {
    // The first segment does not wait for a prepared file, so that a start
    // costs no zero-filling; Append switches to one when it is ready.
    std::unique_lock lock(writer->mu_);
    writer->next_lsn_ = next_lsn;
    if (auto r = writer->StartSegmentLocked(first_segment_number, next_lsn); !r) {
      writer->closed_ = true;
      writer->stop_preparing_ = true;
      lock.unlock();
      writer->prepare_cv_.notify_all();
      if (writer->preparer_.joinable()) writer->preparer_.join();
      return MakeError(IoError{EIO, r.Error().message});
    }
  }
  writer->syncer_ = std::thread([w = writer.get()] { w->SyncLoop(); });
  return writer;
}

WalWriter::~WalWriter() { Close(); }

uint64_t WalWriter::NextLsn() const {
  std::lock_guard lock(mu_);
  return next_lsn_;
}

uint64_t WalWriter::LastLsn() const {
  std::lock_guard lock(mu_);
  return next_lsn_ - 1;
}

uint64_t WalWriter::CurrentSegment() const {
  std::lock_guard lock(mu_);
  return segment_number_;
}

uint64_t WalWriter::sync_count() const {
  std::lock_guard lock(mu_);
  return sync_count_;
}

StorageResult<void> WalWriter::StartSegmentLocked(uint64_t number, uint64_t first_lsn) {
  std::string path = JoinPath(options_.dir, SegmentFileName(number));
  IoResult<std::unique_ptr<WritableFile>> file = MakeError(IoError{ENOENT, "not prepared"});
  if (prepared_ == Prepared::kReady) {
    // The zero-filled file becomes the segment; until the header below is
    // synced, recovery sees an all-zero last segment and discards it.
    if (auto r = env_.Rename(PreparedPath(), path); r) {
      file = env_.OpenForOverwrite(path);
    } else {
      spdlog::warn("write-ahead log: cannot use the prepared segment file: {}", r.Error().message);
    }
  }
  segment_prepared_ = static_cast<bool>(file);
  if (options_.preallocate && prepared_ != Prepared::kPreparing) {
    // The prepared file was used (or preparing failed): prepare the next.
    prepared_ = Prepared::kPreparing;
    prepare_cv_.notify_one();
  }
  if (!file) file = env_.NewWritableFile(path, /*truncate=*/true);
  if (!file)
    return DurabilityError("write-ahead log segment creation failed: " +
                           Reason(file.Error(), path));
  std::string header = EncodeSegmentHeader({wal::kVersion, number, first_lsn});
  IoResult<void> r = (*file)->Append(header);
  if (r) r = (*file)->Sync();
  if (r) r = env_.SyncDir(options_.dir);
  if (!r) {
    file->reset();
    (void)env_.Remove(path);
    return DurabilityError("write-ahead log segment creation failed: " + Reason(r.Error(), path));
  }
  file_ = std::move(*file);
  segment_number_ = number;
  written_offset_ = durable_offset_ = header.size();
  return {};
}

void WalWriter::WaitNotSyncingLocked(std::unique_lock<std::mutex>& lock) {
  done_cv_.wait(lock, [&] { return !syncing_; });
}

StorageResult<void> WalWriter::RotateLocked(std::unique_lock<std::mutex>& lock) {
  // One wait for both, so that nothing is appended to the old segment
  // between the sync below and the switch (mu_ stays held from here on).
  done_cv_.wait(lock, [&] { return !syncing_ && prepared_ != Prepared::kPreparing; });
  if (written_ticket_ > durable_ticket_) {
    auto r = file_->Sync();
    ++sync_count_;
    if (!r) {
      std::string message = "write-ahead log sync failed: " + Reason(r.Error(), file_->path());
      FailUnsyncedLocked(message);
      return DurabilityError(message);
    }
    durable_ticket_ = written_ticket_;
    durable_offset_ = written_offset_;
    done_cv_.notify_all();
    CallbacksMayBeReadyLocked();
  }
  // The old segment is complete and synced; from here on it is never written.
  return StartSegmentLocked(segment_number_ + 1, next_lsn_);
}

StorageResult<uint64_t> WalWriter::Rotate() {
  std::unique_lock lock(mu_);
  if (closed_) return DurabilityError("write-ahead log is closed");
  if (needs_repair_) {
    if (auto r = RepairLocked(lock); !r) return MakeError(r.Error());
  }
  if (auto r = RotateLocked(lock); !r) return MakeError(r.Error());
  return segment_number_;
}

void WalWriter::FailUnsyncedLocked(const std::string& message) {
  // ADR 010: the unsynced records are cut off durably before any committer
  // hears of the failure, so a crash can never bring back a commit whose
  // client was told it failed. The failed sync may have dropped the pages it
  // could not write (Linux marks them clean), so a retried sync proves
  // nothing; truncating to the last synced offset and syncing that does.
  auto r = file_->Truncate(durable_offset_);
  if (r) r = file_->Sync();
  ++sync_count_;
  if (r) {
    FailPendingLocked(message + "; the commit was not applied", durable_offset_,
                      /*outcome_unknown=*/false);
    needs_repair_ = false;
    spdlog::info("write-ahead log repaired: {} cut back to offset {}", file_->path(),
                 durable_offset_);
    return;
  }
  FailPendingLocked(message + "; removing the unsynced records failed too (" +
                        Reason(r.Error(), file_->path()) +
                        "): the commit is not visible, but it may reappear if the server "
                        "restarts before the log is repaired",
                    durable_offset_, /*outcome_unknown=*/true);
}

void WalWriter::FailPendingLocked(const std::string& message, uint64_t good_offset,
                                  bool outcome_unknown) {
  spdlog::error("{}; the {} unsynced commit(s) fail and are removed from the log", message,
                written_ticket_ - durable_ticket_);
  if (written_ticket_ > durable_ticket_) {
    failed_.push_back({durable_ticket_ + 1, written_ticket_, message, outcome_unknown});
    if (failed_.size() > kMaxFailedRanges) failed_.pop_front();
    // Records of failed tickets are cut off; their LSNs are reused.
    next_lsn_ -= written_ticket_ - durable_ticket_;
    written_ticket_ = durable_ticket_;
  }
  needs_repair_ = true;
  repair_offset_ = good_offset;
  repair_error_ = message;
  written_offset_ = good_offset;
  done_cv_.notify_all();
  CallbacksMayBeReadyLocked();
}

StorageResult<void> WalWriter::RepairLocked(std::unique_lock<std::mutex>& lock) {
  WaitNotSyncingLocked(lock);
  if (!needs_repair_) return {};
  auto r = file_->Truncate(repair_offset_);
  if (r) r = file_->Sync();
  if (!r) {
    return DurabilityError("write-ahead log unavailable: cleanup after an earlier failure (" +
                           repair_error_ + ") failed: " + Reason(r.Error(), file_->path()));
  }
  spdlog::info("write-ahead log repaired: {} cut back to offset {}", file_->path(), repair_offset_);
  needs_repair_ = false;
  written_offset_ = durable_offset_ = repair_offset_;
  return {};
}

StorageResult<uint64_t> WalWriter::Append(wal::RecordType type, std::string_view payload,
                                          uint64_t* lsn) {
  std::unique_lock lock(mu_);
  if (closed_) return DurabilityError("write-ahead log is closed");
  if (needs_repair_) {
    if (auto r = RepairLocked(lock); !r) return MakeError(r.Error());
  }
  std::string framed;
  framed.reserve(wal::kRecordHeaderSize + payload.size());
  {
    std::string body(payload);
    if (body.size() < 8) body.resize(8);
    PutU64(body.data(), next_lsn_);
    FrameRecord(type, body, &framed);
  }
  if ((written_offset_ > wal::kSegmentHeaderSize &&
       written_offset_ + framed.size() > options_.segment_size) ||
      (!segment_prepared_ && prepared_ == Prepared::kReady)) {
    // Full, or a growing segment (the first after a start, or one whose
    // preparation failed) while a zero-filled file is ready (ADR 017).
    if (auto r = RotateLocked(lock); !r) return MakeError(r.Error());
  }
  if (auto r = file_->Append(framed); !r) {
    std::string message = "write-ahead log write failed: " + Reason(r.Error(), file_->path());
    // Cut off the partial record so that the log stays a sequence of whole
    // records; records before it are unaffected and keep their tickets.
    if (auto t = file_->Truncate(written_offset_); !t) {
      needs_repair_ = true;
      repair_offset_ = written_offset_;
      repair_error_ = message;
    }
    spdlog::error("{}", message);
    return DurabilityError(message);
  }
  written_offset_ += framed.size();
  if (lsn) *lsn = next_lsn_;
  ++next_lsn_;
  uint64_t ticket = next_ticket_++;
  written_ticket_ = ticket;
  // The sync thread waits for a group of last_batch_ records (SyncLoop);
  // waking it for each record would cost a context switch per commit.
  if (options_.sync_policy == SyncPolicy::kCommit &&
      written_ticket_ - durable_ticket_ >= std::max<uint64_t>(last_batch_, 1)) {
    work_cv_.notify_one();
  }
  return ticket;
}

std::optional<Error> WalWriter::FailedLocked(uint64_t ticket) const {
  for (const auto& range : failed_) {
    if (ticket >= range.first && ticket <= range.last) {
      return Error{
          range.outcome_unknown ? ErrorCode::kCommitOutcomeUnknown : ErrorCode::kDurability,
          range.message};
    }
  }
  return std::nullopt;
}

StorageResult<void> WalWriter::WaitSynced(uint64_t ticket) {
  std::unique_lock lock(mu_);
  while (true) {
    if (auto failed = FailedLocked(ticket)) return MakeError(std::move(*failed));
    if (durable_ticket_ >= ticket) return {};
    if (syncer_done_) return DurabilityError("write-ahead log is closed");
    if (LoneCommitterLocked(ticket)) {
      // A lone committer (the last sync covered one record) syncs on its
      // own thread: handing the sync to the syncer thread costs two thread
      // wake-ups per commit. Groups keep the syncer, whose short wait lets
      // the woken committers of the last group join the next sync (ADR 003).
      SyncNowLocked(lock);
      continue;
    }
    if (requested_ticket_ < ticket) {
      requested_ticket_ = ticket;
      work_cv_.notify_one();
    }
    done_cv_.wait(lock);
  }
}

StorageResult<void> WalWriter::WaitDurable(uint64_t ticket) {
  if (options_.sync_policy == SyncPolicy::kCommit) return WaitSynced(ticket);
  std::lock_guard lock(mu_);
  if (auto failed = FailedLocked(ticket)) return MakeError(std::move(*failed));
  return {};
}

bool WalWriter::LoneCommitterLocked(uint64_t ticket) const {
  return options_.sync_policy == SyncPolicy::kCommit && last_batch_ <= 1 && !syncing_ &&
         !needs_repair_ && !closed_ && written_ticket_ >= ticket;
}

CommitObserver::Wait WalWriter::WhenDurable(uint64_t ticket, CommitObserver::DurableCallback done) {
  if (options_.sync_policy != SyncPolicy::kCommit) return CommitObserver::Wait::kWaitInline;
  std::lock_guard lock(mu_);
  if (durable_ticket_ >= ticket || syncer_done_ || FailedLocked(ticket)) {
    return CommitObserver::Wait::kWaitInline;  // the outcome is known
  }
  if (LoneCommitterLocked(ticket) && callbacks_.empty()) {
    // A lone committer: WaitSynced syncs on its own thread (see there).
    return CommitObserver::Wait::kWaitInline;
  }
  callbacks_.push_back({ticket, std::move(done)});
  // Wake the sync thread only if it has nothing to do: while it syncs or
  // gathers a group it looks at requested_ticket_ again by itself.
  const bool idle = requested_ticket_ <= durable_ticket_ && !syncing_;
  if (requested_ticket_ < ticket) requested_ticket_ = ticket;
  if (idle) work_cv_.notify_one();
  return CommitObserver::Wait::kDeferred;
}

void WalWriter::CallbacksMayBeReadyLocked() {
  if (callbacks_.empty()) return;
  callbacks_ready_ = true;
  work_cv_.notify_one();
}

void WalWriter::RunReadyCallbacksLocked(std::unique_lock<std::mutex>& lock) {
  callbacks_ready_ = false;
  if (callbacks_.empty()) return;
  std::vector<std::pair<DeferredWait, StorageResult<void>>> ready;
  size_t kept = 0;
  for (auto& c : callbacks_) {
    if (auto failed = FailedLocked(c.ticket)) {
      ready.emplace_back(std::move(c), MakeError(std::move(*failed)));
    } else if (durable_ticket_ >= c.ticket) {
      ready.emplace_back(std::move(c), StorageResult<void>{});
    } else if (syncer_done_) {
      ready.emplace_back(std::move(c), DurabilityError("write-ahead log is closed"));
    } else {
      callbacks_[kept++] = std::move(c);
    }
  }
  callbacks_.resize(kept);
  if (ready.empty()) return;
  // Commit order, so the storage publishes a group front to back.
  std::sort(ready.begin(), ready.end(),
            [](const auto& a, const auto& b) { return a.first.ticket < b.first.ticket; });
  lock.unlock();
  for (auto& [wait, result] : ready) wait.done(std::move(result));
  lock.lock();
}

StorageResult<void> WalWriter::SyncUpTo(uint64_t ticket) { return WaitSynced(ticket); }

StorageResult<void> WalWriter::SyncAll() {
  uint64_t ticket;
  {
    std::lock_guard lock(mu_);
    ticket = written_ticket_;
  }
  return WaitSynced(ticket);
}

void WalWriter::SyncNowLocked(std::unique_lock<std::mutex>& lock) {
  uint64_t target_ticket = written_ticket_;
  uint64_t target_offset = written_offset_;
  std::shared_ptr<WritableFile> file = file_;
  syncing_ = true;
  lock.unlock();
  const auto sync_start = std::chrono::steady_clock::now();
  IoResult<void> r = file->Sync();
  const auto sync_end = std::chrono::steady_clock::now();
  lock.lock();
  syncing_ = false;
  ++sync_count_;
  last_sync_duration_ = sync_end - sync_start;
  last_batch_ = target_ticket - durable_ticket_;
  if (r) {
    if (file == file_) durable_offset_ = std::max(durable_offset_, target_offset);
    durable_ticket_ = std::max(durable_ticket_, target_ticket);
  } else if (options_.sync_policy == SyncPolicy::kCommit) {
    FailUnsyncedLocked("write-ahead log sync failed: " + Reason(r.Error(), file->path()));
  } else {
    // Under kInterval/kNone these commits were already acknowledged, so
    // they stay in the log; the next round retries the sync.
    spdlog::error("write-ahead log background sync failed: {}", Reason(r.Error(), file->path()));
    // Explicit SyncUpTo callers get the error; the data stays for the retry.
    if (requested_ticket_ > durable_ticket_) {
      failed_.push_back({durable_ticket_ + 1, requested_ticket_,
                         "write-ahead log sync failed: " + Reason(r.Error(), file->path()),
                         /*outcome_unknown=*/false});
      if (failed_.size() > kMaxFailedRanges) failed_.pop_front();
      requested_ticket_ = durable_ticket_;
    }
  }
  done_cv_.notify_all();
  CallbacksMayBeReadyLocked();
}

void WalWriter::SyncLoop() {
  std::unique_lock lock(mu_);
  auto interval = std::chrono::milliseconds(options_.sync_interval_ms);
  while (true) {
    auto wanted = [&] {
      return closed_ || callbacks_ready_ ||
             (requested_ticket_ > durable_ticket_ && written_ticket_ > durable_ticket_ &&
              !needs_repair_);
    };
    if (options_.sync_policy == SyncPolicy::kInterval) {
      work_cv_.wait_for(lock, interval, wanted);
    } else {
      work_cv_.wait(lock, wanted);
    }
    if (callbacks_ready_) RunReadyCallbacksLocked(lock);
    if (syncing_) {
      // A committer is leading a sync (WaitSynced); one at a time.
      done_cv_.wait(lock, [&] { return !syncing_; });
      continue;
    }
    bool stopping = closed_;
    if (needs_repair_ || written_ticket_ <= durable_ticket_) {
      if (stopping) break;
      continue;
    }
    if (!stopping && options_.sync_policy == SyncPolicy::kCommit && last_batch_ > 1) {
      // Committers that were in the last group are on their way back with
      // their next commit; a short wait (a fraction of one sync) lets them
      // share this sync instead of queueing behind it.
      auto deadline = std::chrono::steady_clock::now() +
                      std::min<std::chrono::steady_clock::duration>(last_sync_duration_ / 4,
                                                                    std::chrono::milliseconds(2));
      work_cv_.wait_until(lock, deadline, [&] {
        return closed_ || needs_repair_ || written_ticket_ - durable_ticket_ >= last_batch_;
      });
      if (needs_repair_ || syncing_) continue;
    }
    SyncNowLocked(lock);
    RunReadyCallbacksLocked(lock);
    if (stopping) break;
  }
  syncer_done_ = true;
  RunReadyCallbacksLocked(lock);  // whatever is left fails: the log is closed
  done_cv_.notify_all();
}

void WalWriter::Close() {
  {
    std::unique_lock lock(mu_);
    if (closed_ && !syncer_.joinable()) return;
    closed_ = true;
    stop_preparing_ = true;
    if (needs_repair_) (void)RepairLocked(lock);
    // The final sync happens in SyncLoop; make sure it is wanted.
    requested_ticket_ = std::max(requested_ticket_, written_ticket_);
  }
  work_cv_.notify_all();
  prepare_cv_.notify_all();
  if (syncer_.joinable()) syncer_.join();
  if (preparer_.joinable()) {
    preparer_.join();
    (void)env_.Remove(PreparedPath());  // absent if it was never made: fine
  }
  std::lock_guard lock(mu_);
  if (segment_prepared_ && file_ && !needs_repair_ && durable_offset_ == written_offset_) {
    // Give the unused zeros back; recovery would trim them too.
    if (auto r = file_->Truncate(written_offset_); r) (void)file_->Sync();
  }
  done_cv_.notify_all();
}

std::string WalWriter::PreparedPath() const {
  return JoinPath(options_.dir, std::string(wal::kPreparedFileName));
}

void WalWriter::PrepareLoop() {
  std::unique_lock lock(mu_);
  while (true) {
    prepare_cv_.wait(lock, [&] { return closed_ || prepared_ == Prepared::kPreparing; });
    if (closed_) break;
    lock.unlock();
    IoResult<void> r = env_.PreallocateFile(PreparedPath(), options_.segment_size, stop_preparing_);
    lock.lock();
    if (closed_) break;
    if (r) {
      prepared_ = Prepared::kReady;
    } else {
      // Not fatal: the segment is then written without preallocation, and a
      // full disk shows up as failed commits with their own clear error.
      spdlog::warn(
          "write-ahead log: cannot prepare the next segment file ({}); it will grow "
          "as it is written",
          r.Error().message);
      (void)env_.Remove(PreparedPath());
      prepared_ = Prepared::kFailed;
    }
    done_cv_.notify_all();
  }
}

}  // namespace tributary::storage::durability
