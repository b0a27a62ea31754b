// Write conflicts, the commit observer (WAL hook), visibility order and
// garbage collection.

#include <gtest/gtest.h>
#include <malloc.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "storage/storage.hpp"
#include "storage/storage_impl.hpp"
#include "test_util.hpp"

namespace tributary::storage {
namespace {

using testing::Gids;
using testing::NoGcThread;
using testing::Out;

class StorageCommitTest : public ::testing::Test {
 protected:
  Gid AddVertex(int64_t value) {
    auto tx = db.Begin();
    auto v = tx->CreateVertex();
    EXPECT_TRUE(v.SetProperty(prop, PropertyValue(value)).HasValue());
    EXPECT_TRUE(tx->Commit().HasValue());
    return v.gid();
  }
  PropertyValue Read(Gid gid) {
    auto tx = db.Begin();
    return *tx->FindVertex(gid, View::kOld)->GetProperty(prop, View::kOld);
  }

  Storage db{NoGcThread()};
  PropertyId prop = db.PropertyIdFor("p");
  LabelId label = db.LabelIdFor("L");
  EdgeTypeId type = db.EdgeTypeIdFor("T");
};

TEST_F(StorageCommitTest, FirstUpdaterWinsLaterWriterGetsSerializationError) {
  Gid a = AddVertex(0);
  auto t1 = db.Begin();
  auto t2 = db.Begin();
  auto v1 = *t1->FindVertex(a, View::kOld);
  auto v2 = *t2->FindVertex(a, View::kOld);
  ASSERT_TRUE(v1.SetProperty(prop, PropertyValue(1)).HasValue());
  auto r = v2.SetProperty(prop, PropertyValue(2));
  ASSERT_FALSE(r.HasValue());
  EXPECT_EQ(r.Error().code, ErrorCode::kSerialization);
  EXPECT_EQ(v2.AddLabel(label).Error().code, ErrorCode::kSerialization);
  EXPECT_EQ(t2->DeleteVertex(v2).Error().code, ErrorCode::kSerialization);
  EXPECT_EQ(t2->CreateEdge(v2, v2, type).Error().code, ErrorCode::kSerialization);
  // The loser still reads its snapshot.
  EXPECT_EQ(*v2.GetProperty(prop, View::kNew), PropertyValue(0));
  ASSERT_TRUE(t1->Commit().HasValue());
  // Committed after t2 started: still a conflict.
  EXPECT_EQ(v2.SetProperty(prop, PropertyValue(2)).Error().code, ErrorCode::kSerialization);
  t2->Abort();
  EXPECT_EQ(Read(a), PropertyValue(1));
  // A transaction that starts after the commit may write.
  auto t3 = db.Begin();
  EXPECT_TRUE(t3->FindVertex(a, View::kOld)->SetProperty(prop, PropertyValue(3)).HasValue());
  ASSERT_TRUE(t3->Commit().HasValue());
}

TEST_F(StorageCommitTest, AbortedWriterReleasesTheObject) {
  Gid a = AddVertex(0);
  auto t1 = db.Begin();
  auto t2 = db.Begin();
  ASSERT_TRUE(t1->FindVertex(a, View::kOld)->SetProperty(prop, PropertyValue(1)).HasValue());
  t1->Abort();
  ASSERT_TRUE(t2->FindVertex(a, View::kOld)->SetProperty(prop, PropertyValue(2)).HasValue());
  ASSERT_TRUE(t2->Commit().HasValue());
  EXPECT_EQ(Read(a), PropertyValue(2));
}

TEST_F(StorageCommitTest, EdgeConflicts) {
  Gid a = AddVertex(0);
  Gid b = AddVertex(0);
  Gid e;
  {
    auto tx = db.Begin();
    e = tx->CreateEdge(*tx->FindVertex(a, View::kOld), *tx->FindVertex(b, View::kOld), type)->gid();
    ASSERT_TRUE(tx->Commit().HasValue());
  }
  // Deleting vs. setting a property of the same edge.
  auto t1 = db.Begin();
  auto t2 = db.Begin();
  ASSERT_TRUE(t1->DeleteEdge(*t1->FindEdge(e, View::kOld)).HasValue());
  auto e2 = *t2->FindEdge(e, View::kOld);
  EXPECT_EQ(e2.SetProperty(prop, PropertyValue(1)).Error().code, ErrorCode::kSerialization);
  ASSERT_TRUE(t1->Commit().HasValue());
  EXPECT_EQ(t2->DeleteEdge(e2).Error().code, ErrorCode::kSerialization);
  t2->Abort();
  // A new edge on a vertex another transaction changed conflicts too.
  auto t3 = db.Begin();
  auto t4 = db.Begin();
  ASSERT_TRUE(t3->FindVertex(a, View::kOld)->SetProperty(prop, PropertyValue(5)).HasValue());
  EXPECT_EQ(t4->CreateEdge(*t4->FindVertex(b, View::kOld), *t4->FindVertex(a, View::kOld), type)
                .Error()
                .code,
            ErrorCode::kSerialization);
}

TEST_F(StorageCommitTest, EdgePropertyConflictAfterPromotion) {
  Gid e;
  {
    auto tx = db.Begin();
    e = tx->CreateEdge(tx->CreateVertex(), tx->CreateVertex(), type)->gid();
    ASSERT_TRUE(tx->Commit().HasValue());
  }
  auto t1 = db.Begin();
  auto t2 = db.Begin();
  auto e1 = *t1->FindEdge(e, View::kOld);
  auto e2 = *t2->FindEdge(e, View::kOld);
  ASSERT_TRUE(e1.SetProperty(prop, PropertyValue(1)).HasValue());
  EXPECT_EQ(e2.SetProperty(prop, PropertyValue(2)).Error().code, ErrorCode::kSerialization);
  EXPECT_TRUE(e2.GetProperty(prop, View::kNew)->IsNull());
  ASSERT_TRUE(t1->Commit().HasValue());
  EXPECT_TRUE(e2.GetProperty(prop, View::kNew)->IsNull());
}

// Records everything; fails on demand.
class FakeObserver : public CommitObserver {
 public:
  StorageResult<uint64_t> Append(const CommitRecord& record) override {
    std::lock_guard guard(mu);
    if (fail_append) return MakeError(Error{ErrorCode::kDurability, "disk full"});
    records.push_back(record);
    return ++tickets;
  }
  StorageResult<void> WaitDurable(uint64_t ticket) override {
    std::unique_lock guard(mu);
    waited.push_back(ticket);
    cv.wait(guard, [&] { return !hold; });
    if (fail_wait) return MakeError(Error{ErrorCode::kDurability, "fsync failed"});
    return {};
  }
  StorageResult<void> AppendSchema(const SchemaChange& change) override {
    std::lock_guard guard(mu);
    if (fail_append) return MakeError(Error{ErrorCode::kDurability, "disk full"});
    schema.push_back(change);
    return {};
  }

  std::mutex mu;
  std::condition_variable cv;
  bool hold = false;
  bool fail_append = false;
  bool fail_wait = false;
  uint64_t tickets = 0;
  std::vector<CommitRecord> records;
  std::vector<uint64_t> waited;
  std::vector<SchemaChange> schema;
};

TEST_F(StorageCommitTest, ObserverGetsOrderedChanges) {
  FakeObserver obs;
  db.SetCommitObserver(&obs);
  Gid a, b, e;
  {
    auto tx = db.Begin();
    auto va = tx->CreateVertex();
    auto vb = tx->CreateVertex();
    a = va.gid();
    b = vb.gid();
    ASSERT_TRUE(*va.AddLabel(label));
    ASSERT_TRUE(va.SetProperty(prop, PropertyValue("x")).HasValue());
    auto edge = *tx->CreateEdge(va, vb, type);
    e = edge.gid();
    ASSERT_TRUE(edge.SetProperty(prop, PropertyValue(2.5)).HasValue());
    tx->PutSystemKey("k", "v");
    ASSERT_TRUE(tx->Commit().HasValue());
  }
  {
    auto tx = db.Begin();
    auto va = *tx->FindVertex(a, View::kOld);
    ASSERT_TRUE(*va.RemoveLabel(label));
    ASSERT_TRUE(tx->DeleteEdge(*tx->FindEdge(e, View::kOld)).HasValue());
    ASSERT_TRUE(tx->DeleteVertex(*tx->FindVertex(b, View::kOld)).HasValue());
    tx->DeleteSystemKey("k");
    ASSERT_TRUE(tx->Commit().HasValue());
  }
  {
    auto tx = db.Begin();  // read-only: never reaches the observer
    EXPECT_TRUE(tx->FindVertex(a, View::kOld).has_value());
    ASSERT_TRUE(tx->Commit().HasValue());
  }
  ASSERT_EQ(obs.records.size(), 2u);
  EXPECT_EQ(obs.waited, (std::vector<uint64_t>{1, 2}));
  EXPECT_LT(obs.records[0].commit_ts, obs.records[1].commit_ts);
  const auto& c = obs.records[0].changes;
  ASSERT_EQ(c.size(), 7u);
  EXPECT_EQ(c[0].kind, ChangeKind::kCreateVertex);
  EXPECT_EQ(c[0].gid, a);
  EXPECT_EQ(c[1].kind, ChangeKind::kCreateVertex);
  EXPECT_EQ(c[2].kind, ChangeKind::kAddLabel);
  EXPECT_EQ(c[2].id, label);
  EXPECT_EQ(c[3].kind, ChangeKind::kSetVertexProperty);
  EXPECT_EQ(c[3].value, PropertyValue("x"));
  EXPECT_EQ(c[4].kind, ChangeKind::kCreateEdge);
  EXPECT_EQ(c[4].gid, e);
  EXPECT_EQ(c[4].from, a);
  EXPECT_EQ(c[4].to, b);
  EXPECT_EQ(c[4].id, type);
  EXPECT_EQ(c[5].kind, ChangeKind::kSetEdgeProperty);
  EXPECT_EQ(c[5].value, PropertyValue(2.5));
  EXPECT_EQ(c[6].kind, ChangeKind::kPutSystemKey);
  EXPECT_EQ(c[6].key, "k");
  EXPECT_EQ(c[6].value, PropertyValue("v"));
  const auto& d = obs.records[1].changes;
  ASSERT_EQ(d.size(), 4u);
  EXPECT_EQ(d[0].kind, ChangeKind::kRemoveLabel);
  EXPECT_EQ(d[1].kind, ChangeKind::kDeleteEdge);
  EXPECT_EQ(d[1].gid, e);
  EXPECT_EQ(d[2].kind, ChangeKind::kDeleteVertex);
  EXPECT_EQ(d[3].kind, ChangeKind::kDeleteSystemKey);
  db.SetCommitObserver(nullptr);
}

TEST_F(StorageCommitTest, FailingObserverLeavesNoTrace) {
  Gid a = AddVertex(0);
  FakeObserver obs;
  db.SetCommitObserver(&obs);
  for (bool fail_wait : {false, true}) {
    obs.fail_append = !fail_wait;
    obs.fail_wait = fail_wait;
    auto tx = db.Begin();
    auto v = *tx->FindVertex(a, View::kOld);
    ASSERT_TRUE(v.SetProperty(prop, PropertyValue(1)).HasValue());
    ASSERT_TRUE(*v.AddLabel(label));
    auto n = tx->CreateVertex();
    ASSERT_TRUE(tx->CreateEdge(v, n, type).HasValue());
    tx->PutSystemKey("k", "v");
    auto r = tx->Commit();
    ASSERT_FALSE(r.HasValue());
    EXPECT_EQ(r.Error().code, ErrorCode::kDurability);
    EXPECT_FALSE(tx->IsActive());
    auto check = db.Begin();
    EXPECT_EQ(Gids(check->ScanVertices(View::kOld)), std::vector<Gid>{a});
    auto va = *check->FindVertex(a, View::kOld);
    EXPECT_EQ(*va.GetProperty(prop, View::kOld), PropertyValue(0));
    EXPECT_FALSE(*va.HasLabel(label, View::kOld));
    EXPECT_TRUE(Out(va, View::kOld).empty());
    EXPECT_TRUE(db.SystemKeys("").empty());
  }
  // The object is writable again and commits go on.
  obs.fail_append = obs.fail_wait = false;
  auto tx = db.Begin();
  ASSERT_TRUE(tx->FindVertex(a, View::kOld)->SetProperty(prop, PropertyValue(2)).HasValue());
  ASSERT_TRUE(tx->Commit().HasValue());
  EXPECT_EQ(Read(a), PropertyValue(2));
  EXPECT_EQ(db.ApproxVertexCount(), 1u);
  db.SetCommitObserver(nullptr);
}

// An observer that defers durability waits (ADR 020): the test decides when
// and how each commit becomes durable by calling the stored callback.
class DeferringObserver : public FakeObserver {
 public:
  Wait WhenDurable(uint64_t ticket, DurableCallback done) override {
    std::lock_guard guard(mu);
    if (!defer) return Wait::kWaitInline;
    deferred.emplace_back(ticket, std::move(done));
    return Wait::kDeferred;
  }
  // Calls the oldest deferred callback with `r`.
  void Complete(StorageResult<void> r) {
    DurableCallback done;
    {
      std::lock_guard guard(mu);
      ASSERT_FALSE(deferred.empty());
      done = std::move(deferred.front().second);
      deferred.erase(deferred.begin());
    }
    done(std::move(r));
  }
  bool defer = true;
  std::vector<std::pair<uint64_t, DurableCallback>> deferred;
};

TEST_F(StorageCommitTest, CommitAsyncPublishesWhenTheObserverSaysDurable) {
  DeferringObserver obs;
  db.SetCommitObserver(&obs);
  std::atomic<int> wakes{0};
  auto tx = db.Begin();
  Gid g = tx->CreateVertex().gid();
  auto r = tx->CommitAsync([&] { ++wakes; });
  ASSERT_TRUE(r.HasValue());
  EXPECT_EQ(*r, Transaction::CommitProgress::kPending);
  {
    auto reader = db.Begin();
    EXPECT_FALSE(reader->FindVertex(g, View::kOld).has_value()) << "visible before durable";
  }
  EXPECT_EQ(wakes.load(), 0);
  std::thread syncer([&] { obs.Complete(StorageResult<void>{}); });
  syncer.join();
  EXPECT_EQ(wakes.load(), 1);
  ASSERT_TRUE(tx->CompleteCommit().HasValue());
  EXPECT_FALSE(tx->IsActive());
  auto reader = db.Begin();
  EXPECT_TRUE(reader->FindVertex(g, View::kOld).has_value());
  // When the observer does not defer, CommitAsync is Commit.
  obs.defer = false;
  auto tx2 = db.Begin();
  Gid g2 = tx2->CreateVertex().gid();
  auto r2 = tx2->CommitAsync([&] { ++wakes; });
  ASSERT_TRUE(r2.HasValue());
  EXPECT_EQ(*r2, Transaction::CommitProgress::kDone);
  EXPECT_EQ(wakes.load(), 1);
  EXPECT_TRUE(db.Begin()->FindVertex(g2, View::kOld).has_value());
  db.SetCommitObserver(nullptr);
}

TEST_F(StorageCommitTest, CommitAsyncThatFailsLeavesNoTrace) {
  Gid a = AddVertex(0);
  DeferringObserver obs;
  db.SetCommitObserver(&obs);
  bool woken = false;
  auto tx = db.Begin();
  auto v = *tx->FindVertex(a, View::kOld);
  ASSERT_TRUE(v.SetProperty(prop, PropertyValue(1)).HasValue());
  tx->CreateVertex();
  auto r = tx->CommitAsync([&] { woken = true; });
  ASSERT_TRUE(r.HasValue());
  ASSERT_EQ(*r, Transaction::CommitProgress::kPending);
  obs.Complete(MakeError(Error{ErrorCode::kDurability, "fsync failed"}));
  EXPECT_TRUE(woken);
  auto c = tx->CompleteCommit();
  ASSERT_FALSE(c.HasValue());
  EXPECT_EQ(c.Error().code, ErrorCode::kDurability);
  EXPECT_EQ(c.Error().message, "Commit failed: fsync failed");
  EXPECT_EQ(Gids(db.Begin()->ScanVertices(View::kOld)), std::vector<Gid>{a});
  EXPECT_EQ(Read(a), PropertyValue(0));
  // Writable again; later commits go on.
  obs.defer = false;
  auto tx2 = db.Begin();
  ASSERT_TRUE(tx2->FindVertex(a, View::kOld)->SetProperty(prop, PropertyValue(2)).HasValue());
  ASSERT_TRUE(tx2->Commit().HasValue());
  EXPECT_EQ(Read(a), PropertyValue(2));
  db.SetCommitObserver(nullptr);
}

TEST_F(StorageCommitTest, DestroyingAPendingCommitWaitsForItsOutcome) {
  DeferringObserver obs;
  db.SetCommitObserver(&obs);
  auto tx = db.Begin();
  Gid g = tx->CreateVertex().gid();
  ASSERT_EQ(*tx->CommitAsync([] {}), Transaction::CommitProgress::kPending);
  std::atomic<bool> destroyed{false};
  std::thread owner([&] {
    tx.reset();  // a connection closed while its commit waits
    destroyed = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(destroyed.load()) << "destroyed before the outcome was known";
  obs.Complete(StorageResult<void>{});
  owner.join();
  EXPECT_TRUE(destroyed.load());
  // The commit stands: it was durable, so it is applied.
  EXPECT_TRUE(db.Begin()->FindVertex(g, View::kOld).has_value());
  db.SetCommitObserver(nullptr);
}

TEST_F(StorageCommitTest, FailingSchemaAppendKeepsSchemaUnchanged) {
  FakeObserver obs;
  db.SetCommitObserver(&obs);
  ASSERT_TRUE(db.CreateLabelIndex(label).HasValue());
  ASSERT_EQ(obs.schema.size(), 1u);
  EXPECT_EQ(obs.schema[0].kind, SchemaChangeKind::kCreateLabelIndex);
  obs.fail_append = true;
  EXPECT_EQ(db.CreateLabelPropertyIndex(label, prop).Error().code, ErrorCode::kDurability);
  EXPECT_EQ(db.CreateUniqueConstraint(label, prop).Error().code, ErrorCode::kDurability);
  EXPECT_EQ(db.DropLabelIndex(label).Error().code, ErrorCode::kDurability);
  EXPECT_TRUE(db.HasLabelIndex(label));
  EXPECT_FALSE(db.HasLabelPropertyIndex(label, prop));
  EXPECT_TRUE(db.ListConstraints().empty());
  obs.fail_append = false;
  ASSERT_TRUE(db.CreateUniqueConstraint(label, prop).HasValue());
  ASSERT_TRUE(db.DropUniqueConstraint(label, prop).HasValue());
  ASSERT_TRUE(db.DropLabelIndex(label).HasValue());
  ASSERT_EQ(obs.schema.size(), 4u);
  EXPECT_EQ(obs.schema[1].kind, SchemaChangeKind::kCreateUniqueConstraint);
  EXPECT_EQ(obs.schema[1].property, prop);
  EXPECT_EQ(obs.schema[3].kind, SchemaChangeKind::kDropLabelIndex);
  db.SetCommitObserver(nullptr);
}

TEST_F(StorageCommitTest, VisibilityFollowsCommitOrderAcrossDurabilityWaits) {
  Gid a = AddVertex(0);
  Gid b = AddVertex(0);
  FakeObserver obs;
  db.SetCommitObserver(&obs);
  obs.hold = true;
  // t1 gets the earlier commit timestamp but waits for durability.
  std::thread first([&] {
    auto t1 = db.Begin();
    ASSERT_TRUE(t1->FindVertex(a, View::kOld)->SetProperty(prop, PropertyValue(1)).HasValue());
    ASSERT_TRUE(t1->Commit().HasValue());
  });
  while (true) {
    std::lock_guard guard(obs.mu);
    if (obs.waited.size() == 1) break;
  }
  // t2 commits later; its own wait is held too, then released alone.
  std::thread second([&] {
    auto t2 = db.Begin();
    ASSERT_TRUE(t2->FindVertex(b, View::kOld)->SetProperty(prop, PropertyValue(2)).HasValue());
    ASSERT_TRUE(t2->Commit().HasValue());
  });
  while (true) {
    std::lock_guard guard(obs.mu);
    if (obs.waited.size() == 2) break;
  }
  // Neither is visible while both wait.
  EXPECT_EQ(Read(a), PropertyValue(0));
  EXPECT_EQ(Read(b), PropertyValue(0));
  {
    std::lock_guard guard(obs.mu);
    obs.hold = false;
  }
  obs.cv.notify_all();
  first.join();
  second.join();
  EXPECT_EQ(Read(a), PropertyValue(1));
  EXPECT_EQ(Read(b), PropertyValue(2));
  db.SetCommitObserver(nullptr);
}

TEST_F(StorageCommitTest, WatermarkHidesLaterCommitUntilEarlierPublishes) {
  Gid a = AddVertex(0);
  Gid b = AddVertex(0);
  auto& s = db.impl();
  // Simulate an earlier commit still waiting for durability: reserve a
  // timestamp as the commit protocol does.
  uint64_t reserved;
  {
    std::lock_guard c(s.commit_mu);
    reserved = ++s.last_commit_ts;
    std::lock_guard p(s.publish_mu);
    s.in_flight.push_back(reserved);
    s.last_assigned_ts = reserved;
  }
  // The later commit is published but stays above the watermark, and its
  // Commit() is not acknowledged until it is visible (read-your-writes).
  std::atomic<bool> acknowledged{false};
  std::thread later([&] {
    auto tx = db.Begin();
    ASSERT_TRUE(tx->FindVertex(b, View::kOld)->SetProperty(prop, PropertyValue(2)).HasValue());
    ASSERT_TRUE(tx->Commit().HasValue());
    acknowledged = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(acknowledged.load());
  EXPECT_EQ(Read(b), PropertyValue(0));
  s.Retire(reserved);
  later.join();
  EXPECT_TRUE(acknowledged.load());
  EXPECT_EQ(Read(b), PropertyValue(2));
  (void)a;
}

TEST_F(StorageCommitTest, GcReclaimsDeltasOfRepeatedUpdates) {
  constexpr int kVertices = 100;
  std::vector<Gid> gids;
  for (int i = 0; i < kVertices; ++i) gids.push_back(AddVertex(i));
  db.CollectGarbage();
  EXPECT_EQ(db.impl().Stats().live_deltas, 0u);
  uint64_t peak = 0;
  for (int round = 0; round < 200; ++round) {
    auto tx = db.Begin();
    for (Gid g : gids) {
      auto v = *tx->FindVertex(g, View::kOld);
      ASSERT_TRUE(v.SetProperty(prop, PropertyValue(round)).HasValue());
    }
    ASSERT_TRUE(tx->Commit().HasValue());
    if (round % 20 == 19) {
      peak = std::max(peak, db.impl().Stats().live_deltas);
      db.CollectGarbage();
      EXPECT_EQ(db.impl().Stats().live_deltas, 0u);
    }
  }
  EXPECT_EQ(peak, 20u * kVertices);
  EXPECT_EQ(Read(gids[5]), PropertyValue(199));
}

TEST_F(StorageCommitTest, MemoryStaysFlatOverAMillionUpdates) {
  constexpr int kVertices = 1000;
  constexpr int kRounds = 1000;
  ASSERT_TRUE(db.CreateLabelPropertyIndex(label, prop).HasValue());
  std::vector<Gid> gids;
  {
    auto tx = db.Begin();
    for (int i = 0; i < kVertices; ++i) {
      auto v = tx->CreateVertex();
      ASSERT_TRUE(*v.AddLabel(label));
      gids.push_back(v.gid());
    }
    ASSERT_TRUE(tx->Commit().HasValue());
  }
  size_t baseline = 0;
  for (int round = 0; round < kRounds; ++round) {
    auto tx = db.Begin();
    for (Gid g : gids) {
      auto v = *tx->FindVertex(g, View::kNew);
      ASSERT_TRUE(
          v.SetProperty(prop, PropertyValue(static_cast<int64_t>(int64_t{round} * kVertices + g)))
              .HasValue());
    }
    ASSERT_TRUE(tx->Commit().HasValue());
    if (round % 50 == 49) {
      db.CollectGarbage();
      db.CollectGarbage();
      ASSERT_EQ(db.impl().Stats().live_deltas, 0u);
      ASSERT_EQ(db.ListIndexes()[0].entries, static_cast<uint64_t>(kVertices));
      size_t in_use = mallinfo2().uordblks;
      if (round == 99) baseline = in_use;
      // Allocated bytes stay flat: no growth beyond 1 MiB over ~900k updates.
      if (round > 99) ASSERT_LT(in_use, baseline + (1u << 20)) << "round " << round;
    }
  }
  EXPECT_EQ(Read(gids[7]),
            PropertyValue(static_cast<int64_t>(int64_t{kRounds - 1} * kVertices + gids[7])));
}

TEST_F(StorageCommitTest, GcKeepsVersionsAnActiveReaderNeeds) {
  Gid a = AddVertex(0);
  auto reader = db.Begin();
  for (int i = 1; i <= 10; ++i) {
    auto tx = db.Begin();
    ASSERT_TRUE(tx->FindVertex(a, View::kOld)->SetProperty(prop, PropertyValue(i)).HasValue());
    ASSERT_TRUE(tx->Commit().HasValue());
    db.CollectGarbage();
  }
  EXPECT_EQ(*reader->FindVertex(a, View::kOld)->GetProperty(prop, View::kOld), PropertyValue(0));
  EXPECT_GT(db.impl().Stats().live_deltas, 0u);
  reader.reset();
  db.CollectGarbage();
  db.CollectGarbage();
  EXPECT_EQ(db.impl().Stats().live_deltas, 0u);
  EXPECT_EQ(db.impl().Stats().pending_buffers, 0u);
}

// A commit that no other snapshot predates cuts its deltas off the chains
// at once (no reader can need them); one that an active reader predates
// leaves them for GC. White-box: the vertex's head delta.
TEST_F(StorageCommitTest, LoneCommitCutsItsVersionsOffAtOnce) {
  Gid a = AddVertex(0);
  auto head = [&] {
    auto tx = db.Begin();
    Vertex* v = tx->FindVertex(a, View::kOld)->raw();
    std::lock_guard guard(v->lock);
    return v->delta;
  };
  EXPECT_EQ(head(), nullptr);
  auto set = [&](int64_t value, bool commit) {
    auto tx = db.Begin();
    ASSERT_TRUE(tx->FindVertex(a, View::kOld)->SetProperty(prop, PropertyValue(value)).HasValue());
    if (commit) {
      ASSERT_TRUE(tx->Commit().HasValue());
    } else {
      tx->Abort();
    }
  };
  auto reader = db.Begin();
  set(1, true);
  EXPECT_NE(head(), nullptr);  // the reader needs the old version
  EXPECT_EQ(*reader->FindVertex(a, View::kOld)->GetProperty(prop, View::kOld), PropertyValue(0));
  set(2, true);
  EXPECT_EQ(*reader->FindVertex(a, View::kOld)->GetProperty(prop, View::kOld), PropertyValue(0));
  reader.reset();
  set(3, true);  // alone again: its delta and the older ones are cut
  EXPECT_EQ(head(), nullptr);
  EXPECT_EQ(Read(a), PropertyValue(3));
  set(4, false);  // an abort over a cut chain restores the newest state
  EXPECT_EQ(head(), nullptr);
  EXPECT_EQ(Read(a), PropertyValue(3));
  // A reader that begins after the lone commit sees it; GC still frees the
  // cut buffers.
  auto later = db.Begin();
  set(5, true);
  EXPECT_NE(head(), nullptr);
  EXPECT_EQ(*later->FindVertex(a, View::kOld)->GetProperty(prop, View::kOld), PropertyValue(3));
  later.reset();
  db.CollectGarbage();
  db.CollectGarbage();
  EXPECT_EQ(head(), nullptr);
  EXPECT_EQ(Read(a), PropertyValue(5));
  EXPECT_EQ(db.impl().Stats().live_deltas, 0u);
  EXPECT_EQ(db.impl().Stats().pending_buffers, 0u);
}

// A lone commit that only created things frees its undo buffer itself;
// GC later processes an older buffer below it on the same vertex without
// touching the freed deltas (ASan builds check that).
TEST_F(StorageCommitTest, LoneInsertOnlyCommitFreesItsBufferAtOnce) {
  Gid a = AddVertex(0);  // create + first value: nothing for GC to do
  EXPECT_EQ(db.impl().Stats().pending_buffers, 0u);
  EXPECT_EQ(db.impl().Stats().live_deltas, 0u);
  auto reader = db.Begin();
  Gid b;
  {
    auto tx = db.Begin();
    auto va = *tx->FindVertex(a, View::kOld);
    auto vb = tx->CreateVertex();
    b = vb.gid();
    ASSERT_TRUE(tx->CreateEdge(va, vb, type).HasValue());
    ASSERT_TRUE(tx->Commit().HasValue());
  }
  EXPECT_EQ(db.impl().Stats().pending_buffers, 1u);  // the reader predates it
  EXPECT_TRUE(Out(*reader->FindVertex(a, View::kOld), View::kOld).empty());
  reader.reset();
  {
    auto tx = db.Begin();
    auto va = *tx->FindVertex(a, View::kOld);
    auto vb = *tx->FindVertex(b, View::kOld);
    ASSERT_TRUE(tx->CreateEdge(va, vb, type).HasValue());
    ASSERT_TRUE(tx->Commit().HasValue());
  }
  EXPECT_EQ(db.impl().Stats().pending_buffers, 1u);  // only the older one
  db.CollectGarbage();
  db.CollectGarbage();
  EXPECT_EQ(db.impl().Stats().pending_buffers, 0u);
  EXPECT_EQ(db.impl().Stats().live_deltas, 0u);
  auto tx = db.Begin();
  EXPECT_EQ(Out(*tx->FindVertex(a, View::kOld), View::kOld).size(), 2u);
  tx.reset();
  // Overwriting a value leaves index work for GC: the buffer goes there.
  {
    auto wx = db.Begin();
    ASSERT_TRUE(wx->FindVertex(a, View::kOld)->SetProperty(prop, PropertyValue(1)).HasValue());
    ASSERT_TRUE(wx->Commit().HasValue());
  }
  EXPECT_EQ(db.impl().Stats().pending_buffers, 1u);
  EXPECT_EQ(Read(a), PropertyValue(1));
  db.CollectGarbage();
  db.CollectGarbage();
  EXPECT_EQ(db.impl().Stats().pending_buffers, 0u);
}

TEST_F(StorageCommitTest, GcFreesDeletedAndAbortedObjects) {
  std::vector<Gid> gids;
  {
    auto tx = db.Begin();
    for (int i = 0; i < 50; ++i) {
      auto v = tx->CreateVertex();
      gids.push_back(v.gid());
      if (i > 0) {
        auto e = *tx->CreateEdge(*tx->FindVertex(gids[i - 1], View::kNew), v, type);
        ASSERT_TRUE(e.SetProperty(prop, PropertyValue(i)).HasValue());
      }
    }
    ASSERT_TRUE(tx->Commit().HasValue());
  }
  {
    auto tx = db.Begin();
    for (int i = 0; i < 10; ++i) tx->CreateVertex();
    tx->Abort();
  }
  db.CollectGarbage();
  db.CollectGarbage();
  EXPECT_EQ(db.impl().Stats().vertex_objects, 50u);
  EXPECT_EQ(db.impl().Stats().edge_objects, 49u);
  {
    auto tx = db.Begin();
    for (Gid g : gids)
      ASSERT_TRUE(tx->DetachDeleteVertex(*tx->FindVertex(g, View::kOld)).HasValue());
    ASSERT_TRUE(tx->Commit().HasValue());
  }
  db.CollectGarbage();
  db.CollectGarbage();
  auto st = db.impl().Stats();
  EXPECT_EQ(st.vertex_objects, 0u);
  EXPECT_EQ(st.edge_objects, 0u);
  EXPECT_EQ(st.live_deltas, 0u);
  auto tx = db.Begin();
  EXPECT_TRUE(Gids(tx->ScanVertices(View::kOld)).empty());
  EXPECT_FALSE(tx->FindEdge(3, View::kOld).has_value());
  // Gids are never reused after objects are freed.
  EXPECT_EQ(tx->CreateVertex().gid(), 60u);
}

TEST_F(StorageCommitTest, BackgroundGcRuns) {
  StorageConfig config;
  config.gc_interval_ms = 10;
  Storage bg(config);
  PropertyId p = bg.PropertyIdFor("p");
  {
    auto tx = bg.Begin();
    ASSERT_TRUE(tx->CreateVertex().SetProperty(p, PropertyValue(1)).HasValue());
    ASSERT_TRUE(tx->Commit().HasValue());
  }
  for (int i = 0; i < 500 && bg.impl().Stats().live_deltas != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(bg.impl().Stats().live_deltas, 0u);
}

}  // namespace
}  // namespace tributary::storage
