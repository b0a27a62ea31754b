#include "storage/durability/wal_writer.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "storage/durability/encoding.hpp"
#include "storage/durability/fault_injection_env.hpp"
#include "storage/durability/wal_reader.hpp"
#include "test_util.hpp"

namespace tributary::storage::durability {
namespace {

using testing::TempDir;

/// A payload: the 8-byte LSN placeholder followed by `value` as a u64.
std::string Payload(uint64_t value) {
  std::string p(8, '\0');
  Encoder(&p).U64(value);
  return p;
}

/// The values of every record in `dir`, in log order; checks LSN order.
std::vector<uint64_t> ReadValues(Env& env, const std::string& dir,
                                 WalReadSummary* summary = nullptr) {
  std::vector<uint64_t> values;
  WalReadOptions options;
  options.repair_tail = false;
  auto r = ReadWal(env, dir, options, [&](const RecordView& record, const std::string&) {
    EXPECT_EQ(record.payload.size(), 16u);
    values.push_back(GetU64(record.payload.data() + 8));
    return StorageResult<void>();
  });
  EXPECT_TRUE(r) << (r ? "" : r.Error().message);
  if (r && summary) *summary = *r;
  return values;
}

std::unique_ptr<WalWriter> OpenWriter(Env& env, const std::string& dir, SyncPolicy policy,
                                      uint64_t segment_size = wal::kDefaultSegmentSize,
                                      bool preallocate = false) {
  WalWriterOptions options;
  options.dir = dir;
  options.sync_policy = policy;
  options.segment_size = segment_size;
  options.preallocate = preallocate;
  options.sync_interval_ms = 10;
  auto w = WalWriter::Open(env, options, 1, 1);
  EXPECT_TRUE(w);
  return std::move(*w);
}

TEST(WalWriterTest, AppendedRecordsReadBackInOrder) {
  TempDir dir;
  auto w = OpenWriter(Env::Default(), dir.path(), SyncPolicy::kCommit);
  for (uint64_t i = 0; i < 100; ++i) {
    auto t = w->Append(wal::RecordType::kCommit, Payload(i));
    ASSERT_TRUE(t);
    ASSERT_TRUE(w->WaitDurable(*t));
  }
  w->Close();
  WalReadSummary summary;
  auto values = ReadValues(Env::Default(), dir.path(), &summary);
  ASSERT_EQ(values.size(), 100u);
  for (uint64_t i = 0; i < 100; ++i) EXPECT_EQ(values[i], i);
  EXPECT_EQ(summary.last_lsn, 100u);
  EXPECT_FALSE(summary.torn_tail);
}

TEST(WalWriterTest, SegmentsRotateBySizeAndStayContinuous) {
  TempDir dir;
  auto w = OpenWriter(Env::Default(), dir.path(), SyncPolicy::kNone, /*segment_size=*/200);
  for (uint64_t i = 0; i < 50; ++i) ASSERT_TRUE(w->Append(wal::RecordType::kCommit, Payload(i)));
  EXPECT_EQ(w->CurrentSegment(), 10u);  // 5 records of 29 bytes fit after the 36-byte header
  w->Close();
  auto segments = ListSegments(Env::Default(), dir.path());
  ASSERT_TRUE(segments);
  EXPECT_EQ(segments->size(), w->CurrentSegment());
  for (const auto& s : *segments) EXPECT_LE(*Env::Default().FileSize(s.path), 200u);
  auto values = ReadValues(Env::Default(), dir.path());
  ASSERT_EQ(values.size(), 50u);
  for (uint64_t i = 0; i < 50; ++i) EXPECT_EQ(values[i], i);
}

TEST(WalWriterTest, MissingMiddleSegmentIsReported) {
  TempDir dir;
  auto w = OpenWriter(Env::Default(), dir.path(), SyncPolicy::kNone, 200);
  for (uint64_t i = 0; i < 30; ++i) ASSERT_TRUE(w->Append(wal::RecordType::kCommit, Payload(i)));
  w->Close();
  auto segments = ListSegments(Env::Default(), dir.path());
  ASSERT_GE(segments->size(), 3u);
  ASSERT_TRUE(Env::Default().Remove((*segments)[1].path));
  auto r = ReadWal(Env::Default(), dir.path(), {},
                   [](const RecordView&, const std::string&) { return StorageResult<void>(); });
  ASSERT_FALSE(r);
  EXPECT_NE(r.Error().message.find("missing"), std::string::npos) << r.Error().message;
}

TEST(WalWriterTest, CommitPolicySurvivesPowerCut) {
  TempDir dir;
  FaultInjectionEnv env(Env::Default());
  auto w = OpenWriter(env, dir.path(), SyncPolicy::kCommit);
  for (uint64_t i = 0; i < 20; ++i) {
    auto t = w->Append(wal::RecordType::kCommit, Payload(i));
    ASSERT_TRUE(t && w->WaitDurable(*t));
  }
  // Simulate a crash without Close: the writer's final sync must not help.
  ASSERT_TRUE(env.DropUnsyncedData());
  EXPECT_EQ(ReadValues(env, dir.path()).size(), 20u);
}

TEST(WalWriterTest, PreallocatedSegmentsKeepTheirSizeWhileWritten) {
  // ADR 017: after the first segment, records overwrite the zeros of a file
  // prepared in the background, so the file size does not change per commit.
  TempDir dir;
  const uint64_t segment_size = 16 << 10;
  auto w = OpenWriter(Env::Default(), dir.path(), SyncPolicy::kCommit, segment_size,
                      /*preallocate=*/true);
  const std::string prepared = JoinPath(dir.path(), std::string(wal::kPreparedFileName));
  uint64_t value = 0;
  auto commit = [&] {
    auto t = w->Append(wal::RecordType::kCommit, Payload(value++));
    ASSERT_TRUE(t && w->WaitDurable(*t));
  };
  commit();
  // Wait (bounded) until the preparer has made the next file.
  for (int i = 0; i < 500 && !Env::Default().FileExists(prepared); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  for (int i = 0; i < 500 && *Env::Default().FileSize(prepared) < segment_size; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // its fdatasync
  commit();                                                    // switches to the prepared file
  const uint64_t current = w->CurrentSegment();
  EXPECT_EQ(current, 2u);
  const std::string path = JoinPath(dir.path(), SegmentFileName(current));
  for (int i = 0; i < 100; ++i) {
    commit();
    ASSERT_EQ(*Env::Default().FileSize(path), segment_size) << i;
  }
  // Filling it starts the next prepared file; every record reads back.
  for (int i = 0; i < 600; ++i) commit();
  EXPECT_GT(w->CurrentSegment(), current);
  w->Close();
  EXPECT_FALSE(Env::Default().FileExists(prepared));
  // Close trimmed the zeros off the last segment.
  const std::string last = JoinPath(dir.path(), SegmentFileName(w->CurrentSegment()));
  EXPECT_LT(*Env::Default().FileSize(last), segment_size);
  auto values = ReadValues(Env::Default(), dir.path());
  ASSERT_EQ(values.size(), value);
  for (uint64_t i = 0; i < value; ++i) ASSERT_EQ(values[i], i);
}

TEST(WalWriterTest, PreallocatedSegmentSurvivesPowerCutWithItsZeros) {
  TempDir dir;
  FaultInjectionEnv env(Env::Default());
  const uint64_t segment_size = 16 << 10;
  auto w = OpenWriter(env, dir.path(), SyncPolicy::kCommit, segment_size, /*preallocate=*/true);
  for (uint64_t i = 0; i < 2000; ++i) {
    auto t = w->Append(wal::RecordType::kCommit, Payload(i));
    ASSERT_TRUE(t && w->WaitDurable(*t));
  }
  // A crash without Close: whatever was not synced is gone.
  ASSERT_TRUE(env.DropUnsyncedData());
  auto values = ReadValues(env, dir.path());
  ASSERT_EQ(values.size(), 2000u);
  for (uint64_t i = 0; i < 2000; ++i) ASSERT_EQ(values[i], i);
  w.reset();
}

TEST(WalWriterTest, NoSpaceForPreparationStillCommitsUntilTheDiskIsFull) {
  TempDir dir;
  FaultInjectionEnv env(Env::Default());
  env.SetNoSpace(true);
  // Preparation fails (a warning); the segment grows as before, and the
  // commits fail with the disk-full error of their own write.
  WalWriterOptions options;
  options.dir = dir.path();
  options.preallocate = true;
  env.SetNoSpace(false);
  auto w = WalWriter::Open(env, options, 1, 1);
  ASSERT_TRUE(w);
  env.SetNoSpace(true);
  auto t = (*w)->Append(wal::RecordType::kCommit, Payload(1));
  ASSERT_FALSE(t);
  EXPECT_NE(t.Error().message.find("No space left"), std::string::npos) << t.Error().message;
  env.SetNoSpace(false);
  t = (*w)->Append(wal::RecordType::kCommit, Payload(2));
  ASSERT_TRUE(t && (*w)->WaitDurable(*t));
  (*w)->Close();
  auto values = ReadValues(env, dir.path());
  ASSERT_EQ(values.size(), 1u);
  EXPECT_EQ(values[0], 2u);
}

TEST(WalWriterTest, NonePolicyDoesNotSyncAndLosesDataOnPowerCut) {
  TempDir dir;
  FaultInjectionEnv env(Env::Default());
  auto w = OpenWriter(env, dir.path(), SyncPolicy::kNone);
  uint64_t syncs_after_open = env.sync_count();
  for (uint64_t i = 0; i < 20; ++i) {
    auto t = w->Append(wal::RecordType::kCommit, Payload(i));
    ASSERT_TRUE(t && w->WaitDurable(*t));
  }
  EXPECT_EQ(env.sync_count(), syncs_after_open);
  // Still in the page cache: a process crash loses nothing.
  EXPECT_EQ(ReadValues(env, dir.path()).size(), 20u);
  ASSERT_TRUE(env.DropUnsyncedData());
  EXPECT_EQ(ReadValues(env, dir.path()).size(), 0u);
}

TEST(WalWriterTest, IntervalPolicySyncsInTheBackground) {
  TempDir dir;
  FaultInjectionEnv env(Env::Default());
  auto w = OpenWriter(env, dir.path(), SyncPolicy::kInterval);
  auto t = w->Append(wal::RecordType::kCommit, Payload(1));
  ASSERT_TRUE(t && w->WaitDurable(*t));
  for (int i = 0; i < 200 && w->sync_count() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_GE(w->sync_count(), 1u);
  ASSERT_TRUE(env.DropUnsyncedData());
  EXPECT_EQ(ReadValues(env, dir.path()).size(), 1u);
}

TEST(WalWriterTest, SyncUpToForcesASyncUnderAnyPolicy) {
  TempDir dir;
  FaultInjectionEnv env(Env::Default());
  auto w = OpenWriter(env, dir.path(), SyncPolicy::kNone);
  auto t = w->Append(wal::RecordType::kSchema, Payload(1));
  ASSERT_TRUE(t && w->SyncUpTo(*t));
  ASSERT_TRUE(env.DropUnsyncedData());
  EXPECT_EQ(ReadValues(env, dir.path()).size(), 1u);
}

TEST(WalWriterTest, ConcurrentCommittersShareSyncs) {
  TempDir dir;
  FaultInjectionEnv env(Env::Default());
  env.SetSyncDelay(std::chrono::milliseconds(2));
  auto w = OpenWriter(env, dir.path(), SyncPolicy::kCommit);
  constexpr int kThreads = 8;
  constexpr int kPerThread = 40;
  std::mutex commit_lock;  // the storage's commit serialization
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        StorageResult<uint64_t> ticket = [&] {
          std::lock_guard lock(commit_lock);
          return w->Append(wal::RecordType::kCommit, Payload(t * 1000 + i));
        }();
        if (!ticket || !w->WaitDurable(*ticket)) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  const uint64_t commits = kThreads * kPerThread;
  EXPECT_LE(w->sync_count(), commits / 3) << "group commit did not batch syncs";
  w->Close();
  ASSERT_TRUE(env.DropUnsyncedData());
  EXPECT_EQ(ReadValues(env, dir.path()).size(), commits);
}

// Deferred waiters (ADR 020): WhenDurable takes a callback instead of a
// thread. Collects the outcomes the callbacks report.
struct Outcomes {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::pair<uint64_t, StorageResult<void>>> got;
  CommitObserver::DurableCallback For(uint64_t value) {
    return [this, value](StorageResult<void> r) {
      std::lock_guard lock(mu);
      got.emplace_back(value, std::move(r));
      cv.notify_all();
    };
  }
  bool WaitFor(size_t n) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(10), [&] { return got.size() >= n; });
  }
};

// Starts a sync that takes `delay` (a committer thread waiting for record
// `value`), so the waits registered meanwhile cannot lead their own sync.
std::thread SlowSyncInFlight(WalWriter& w, FaultInjectionEnv& env, uint64_t value,
                             std::chrono::milliseconds delay) {
  env.SetSyncDelay(delay);
  auto t = w.Append(wal::RecordType::kCommit, Payload(value));
  EXPECT_TRUE(t);
  std::thread th([&w, t = *t] { EXPECT_TRUE(w.WaitDurable(t)); });
  std::this_thread::sleep_for(delay / 4);  // the sync is now running
  return th;
}

TEST(WalWriterTest, DeferredWaitsAreCalledInTicketOrderOnceDurable) {
  TempDir dir;
  FaultInjectionEnv env(Env::Default());
  auto w = OpenWriter(env, dir.path(), SyncPolicy::kCommit);
  std::thread slow = SlowSyncInFlight(*w, env, 1, std::chrono::milliseconds(100));
  Outcomes outcomes;
  std::vector<uint64_t> tickets;
  for (uint64_t v = 2; v <= 4; ++v) {
    auto t = w->Append(wal::RecordType::kCommit, Payload(v));
    ASSERT_TRUE(t);
    tickets.push_back(*t);
  }
  // Registered out of order; called in ticket (commit) order.
  for (size_t i : {2u, 0u, 1u}) {
    EXPECT_EQ(w->WhenDurable(tickets[i], outcomes.For(i + 2)), CommitObserver::Wait::kDeferred);
  }
  {
    std::lock_guard lock(outcomes.mu);
    EXPECT_TRUE(outcomes.got.empty()) << "called before the sync that covers it";
  }
  ASSERT_TRUE(outcomes.WaitFor(3));
  slow.join();
  std::vector<uint64_t> order;
  for (auto& [v, r] : outcomes.got) {
    EXPECT_TRUE(r) << r.Error().message;
    order.push_back(v);
  }
  EXPECT_EQ(order, (std::vector<uint64_t>{2, 3, 4}));
  // Durable when called: a power cut now keeps all four.
  ASSERT_TRUE(env.DropUnsyncedData());
  EXPECT_EQ(ReadValues(env, dir.path()), (std::vector<uint64_t>{1, 2, 3, 4}));
  // A record already durable is not deferred: the caller's WaitDurable answers at once.
  EXPECT_EQ(w->WhenDurable(tickets[0], outcomes.For(99)), CommitObserver::Wait::kWaitInline);
  w->Close();
}

TEST(WalWriterTest, DeferredWaitOfAFailedSyncGetsTheErrorAfterTheRecordIsGone) {
  TempDir dir;
  FaultInjectionEnv env(Env::Default());
  auto w = OpenWriter(env, dir.path(), SyncPolicy::kCommit);
  std::thread slow = SlowSyncInFlight(*w, env, 1, std::chrono::milliseconds(100));
  auto t = w->Append(wal::RecordType::kCommit, Payload(2));
  ASSERT_TRUE(t);
  env.FailSyncs(1, EIO);  // the next sync, the one that covers record 2
  Outcomes outcomes;
  ASSERT_EQ(w->WhenDurable(*t, outcomes.For(2)), CommitObserver::Wait::kDeferred);
  ASSERT_TRUE(outcomes.WaitFor(1));
  slow.join();
  ASSERT_FALSE(outcomes.got[0].second);
  EXPECT_EQ(outcomes.got[0].second.Error().code, ErrorCode::kDurability);
  EXPECT_NE(outcomes.got[0].second.Error().message.find("the commit was not applied"),
            std::string::npos);
  EXPECT_EQ(ReadValues(Env::Default(), dir.path()), (std::vector<uint64_t>{1}));
  env.SetSyncDelay(std::chrono::milliseconds(0));
  auto c = w->Append(wal::RecordType::kCommit, Payload(3));
  ASSERT_TRUE(c && w->WaitDurable(*c));
  w->Close();
  EXPECT_EQ(ReadValues(env, dir.path()), (std::vector<uint64_t>{1, 3}));
}

TEST(WalWriterTest, CloseAnswersEveryDeferredWait) {
  TempDir dir;
  FaultInjectionEnv env(Env::Default());
  auto w = OpenWriter(env, dir.path(), SyncPolicy::kCommit);
  std::thread slow = SlowSyncInFlight(*w, env, 1, std::chrono::milliseconds(100));
  auto t = w->Append(wal::RecordType::kCommit, Payload(2));
  ASSERT_TRUE(t);
  Outcomes outcomes;
  ASSERT_EQ(w->WhenDurable(*t, outcomes.For(2)), CommitObserver::Wait::kDeferred);
  w->Close();  // syncs what was written, then answers
  slow.join();
  ASSERT_TRUE(outcomes.WaitFor(1));
  EXPECT_TRUE(outcomes.got[0].second);
  ASSERT_TRUE(env.DropUnsyncedData());
  EXPECT_EQ(ReadValues(env, dir.path()), (std::vector<uint64_t>{1, 2}));
}

TEST(WalWriterTest, FailedWriteFailsThatCommitOnlyAndLeavesNoTrace) {
  TempDir dir;
  FaultInjectionEnv env(Env::Default());
  auto w = OpenWriter(env, dir.path(), SyncPolicy::kCommit);
  auto a = w->Append(wal::RecordType::kCommit, Payload(1));
  ASSERT_TRUE(a && w->WaitDurable(*a));
  env.FailWrites(1, ENOSPC);
  auto b = w->Append(wal::RecordType::kCommit, Payload(2));
  ASSERT_FALSE(b);
  EXPECT_EQ(b.Error().code, ErrorCode::kDurability);
  EXPECT_NE(b.Error().message.find("write-ahead log write failed: No space left on device"),
            std::string::npos)
      << b.Error().message;
  auto c = w->Append(wal::RecordType::kCommit, Payload(3));
  ASSERT_TRUE(c && w->WaitDurable(*c));
  ASSERT_TRUE(env.DropUnsyncedData());
  EXPECT_EQ(ReadValues(env, dir.path()), (std::vector<uint64_t>{1, 3}));
}

TEST(WalWriterTest, FailedSyncFailsPendingCommitsAndRemovesThem) {
  TempDir dir;
  FaultInjectionEnv env(Env::Default());
  auto w = OpenWriter(env, dir.path(), SyncPolicy::kCommit);
  auto a = w->Append(wal::RecordType::kCommit, Payload(1));
  ASSERT_TRUE(a && w->WaitDurable(*a));
  env.FailSyncs(1, EIO);
  auto b = w->Append(wal::RecordType::kCommit, Payload(2));
  ASSERT_TRUE(b);
  auto wb = w->WaitDurable(*b);
  ASSERT_FALSE(wb);
  EXPECT_NE(wb.Error().message.find("write-ahead log sync failed: Input/output error"),
            std::string::npos)
      << wb.Error().message;
  auto c = w->Append(wal::RecordType::kCommit, Payload(3));
  ASSERT_TRUE(c && w->WaitDurable(*c));
  w->Close();
  WalReadSummary summary;
  EXPECT_EQ(ReadValues(env, dir.path(), &summary), (std::vector<uint64_t>{1, 3}));
  EXPECT_EQ(summary.last_lsn, 2u);  // LSNs stay gap-free
}

// ADR 010: when a committer hears that its commit failed, the record is
// already durably gone; a crash at that moment (before any further commit)
// must not bring it back.
TEST(WalWriterTest, FailedSyncRemovesTheRecordBeforeTheCommitterHears) {
  TempDir dir;
  FaultInjectionEnv env(Env::Default());
  auto w = OpenWriter(env, dir.path(), SyncPolicy::kCommit);
  auto a = w->Append(wal::RecordType::kCommit, Payload(1));
  ASSERT_TRUE(a && w->WaitDurable(*a));
  env.FailSyncs(1, EIO);
  auto b = w->Append(wal::RecordType::kCommit, Payload(2));
  ASSERT_TRUE(b);
  auto wb = w->WaitDurable(*b);
  ASSERT_FALSE(wb);
  EXPECT_EQ(wb.Error().code, ErrorCode::kDurability);
  EXPECT_NE(wb.Error().message.find("the commit was not applied"), std::string::npos)
      << wb.Error().message;
  // The process "dies" now: what the files hold is what recovery would read,
  // and the cut is synced, so a power cut changes nothing either.
  EXPECT_EQ(ReadValues(Env::Default(), dir.path()), (std::vector<uint64_t>{1}));
  ASSERT_TRUE(env.DropUnsyncedData());
  EXPECT_EQ(ReadValues(Env::Default(), dir.path()), (std::vector<uint64_t>{1}));
  w.reset();
}

// If the record cannot be removed, the committer is told the outcome is
// unknown (a distinct code), writes stop until the log is repaired, and the
// repair happens before the next commit is written.
TEST(WalWriterTest, FailedRemovalAfterFailedSyncReportsOutcomeUnknown) {
  TempDir dir;
  FaultInjectionEnv env(Env::Default());
  auto w = OpenWriter(env, dir.path(), SyncPolicy::kCommit);
  auto a = w->Append(wal::RecordType::kCommit, Payload(1));
  ASSERT_TRUE(a && w->WaitDurable(*a));
  env.FailSyncs(1, EIO);
  env.FailTruncates(2, EIO);  // the removal fails, and so does the first repair
  auto b = w->Append(wal::RecordType::kCommit, Payload(2));
  ASSERT_TRUE(b);
  auto wb = w->WaitDurable(*b);
  ASSERT_FALSE(wb);
  EXPECT_EQ(wb.Error().code, ErrorCode::kCommitOutcomeUnknown);
  EXPECT_NE(wb.Error().message.find("may reappear"), std::string::npos) << wb.Error().message;
  // Still in the file: a crash now would replay it, as the client was told.
  EXPECT_EQ(ReadValues(Env::Default(), dir.path()), (std::vector<uint64_t>{1, 2}));
  auto c = w->Append(wal::RecordType::kCommit, Payload(3));
  ASSERT_FALSE(c);
  EXPECT_NE(c.Error().message.find("write-ahead log unavailable"), std::string::npos)
      << c.Error().message;
  auto d = w->Append(wal::RecordType::kCommit, Payload(4));
  ASSERT_TRUE(d && w->WaitDurable(*d));
  w->Close();
  WalReadSummary summary;
  EXPECT_EQ(ReadValues(env, dir.path(), &summary), (std::vector<uint64_t>{1, 4}));
  EXPECT_EQ(summary.last_lsn, 2u);
}

TEST(WalWriterTest, DiskFullThenSpaceReturns) {
  TempDir dir;
  FaultInjectionEnv env(Env::Default());
  auto w = OpenWriter(env, dir.path(), SyncPolicy::kCommit, /*segment_size=*/300);
  std::vector<uint64_t> acknowledged;
  for (uint64_t i = 0; i < 60; ++i) {
    env.SetNoSpace(i >= 20 && i < 40);
    auto t = w->Append(wal::RecordType::kCommit, Payload(i));
    if (t && w->WaitDurable(*t)) {
      acknowledged.push_back(i);
    } else {
      EXPECT_TRUE(i >= 20 && i < 40) << i;
    }
  }
  EXPECT_EQ(acknowledged.size(), 40u);
  ASSERT_TRUE(env.DropUnsyncedData());
  EXPECT_EQ(ReadValues(env, dir.path()), acknowledged);
}

}  // namespace
}  // namespace tributary::storage::durability
