// Concurrency: writers transfer amounts between accounts and add/remove
// edges, retrying on serialization errors, while readers check in every
// snapshot that the total is unchanged and the edge counts agree, with
// background GC, online DDL and a commit observer whose durability waits
// finish out of order.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <random>
#include <string>
#include <thread>

#include "storage/storage.hpp"
#include "storage/storage_impl.hpp"

namespace tributary::storage {
namespace {

constexpr int kAccounts = 64;
constexpr int64_t kInitial = 1000;

// Thread-safe observer whose WaitDurable sleeps a random few microseconds,
// so later commits often become durable before earlier ones.
class JitterObserver : public CommitObserver {
 public:
  StorageResult<uint64_t> Append(const CommitRecord& record) override {
    if (record.commit_ts <= last_ts_) ok_ = false;  // serialized by the store
    last_ts_ = record.commit_ts;
    return next_.fetch_add(1);
  }
  StorageResult<void> WaitDurable(uint64_t ticket) override {
    std::this_thread::sleep_for(std::chrono::microseconds(ticket % 7 * 20));
    return {};
  }
  StorageResult<void> AppendSchema(const SchemaChange&) override { return {}; }
  bool ok() const { return ok_; }

 private:
  std::atomic<uint64_t> next_{1};
  uint64_t last_ts_ = 0;
  bool ok_ = true;
};

TEST(StorageConcurrencyTest, TransfersPreserveTotalInEverySnapshot) {
  StorageConfig config;
  config.gc_interval_ms = 2;
  Storage db(config);
  JitterObserver observer;
  db.SetCommitObserver(&observer);
  LabelId account = db.LabelIdFor("Account");
  PropertyId balance = db.PropertyIdFor("balance");
  PropertyId id = db.PropertyIdFor("id");
  EdgeTypeId paid = db.EdgeTypeIdFor("PAID");
  ASSERT_TRUE(db.CreateUniqueConstraint(account, id).HasValue());
  std::vector<Gid> gids;
  {
    auto tx = db.Begin();
    for (int i = 0; i < kAccounts; ++i) {
      auto v = tx->CreateVertex();
      ASSERT_TRUE(*v.AddLabel(account));
      ASSERT_TRUE(v.SetProperty(balance, PropertyValue(kInitial)).HasValue());
      ASSERT_TRUE(v.SetProperty(id, PropertyValue(i)).HasValue());
      gids.push_back(v.gid());
    }
    ASSERT_TRUE(tx->Commit().HasValue());
  }

  constexpr int kWriters = 4;
  constexpr int kTransfersPerWriter = 1500;
  std::atomic<int> writers_done{0};
  std::atomic<int64_t> conflicts{0};
  std::atomic<int64_t> snapshots{0};
  std::atomic<bool> failed{false};

  auto writer = [&](int seed) {
    std::mt19937_64 rng(seed);
    for (int done = 0; done < kTransfersPerWriter;) {
      auto tx = db.Begin();
      Gid a = gids[rng() % kAccounts];
      Gid b = gids[rng() % kAccounts];
      if (a == b) continue;
      int64_t amount = static_cast<int64_t>(rng() % 50);
      auto va = *tx->FindVertex(a, View::kOld);
      auto vb = *tx->FindVertex(b, View::kOld);
      int64_t ba = va.GetProperty(balance, View::kOld)->AsInt();
      int64_t bb = vb.GetProperty(balance, View::kOld)->AsInt();
      bool ok = va.SetProperty(balance, PropertyValue(ba - amount)).HasValue() &&
                vb.SetProperty(balance, PropertyValue(bb + amount)).HasValue();
      if (ok && rng() % 4 == 0) {
        std::vector<EdgeAccessor> out;
        ok = va.OutEdges(View::kNew, {}, &out).HasValue();
        if (ok && !out.empty()) {
          ok = tx->DeleteEdge(out[rng() % out.size()]).HasValue();
        } else if (ok) {
          auto e = tx->CreateEdge(va, vb, paid);
          ok = e.HasValue() && e->SetProperty(balance, PropertyValue(amount)).HasValue();
        }
      }
      if (!ok) {
        conflicts.fetch_add(1);
        tx->Abort();
        continue;
      }
      auto r = tx->Commit();
      if (!r) {
        if (r.Error().code != ErrorCode::kSerialization) failed = true;
        conflicts.fetch_add(1);
        continue;
      }
      ++done;
    }
    writers_done.fetch_add(1);
  };

  auto reader = [&] {
    while (writers_done.load() < kWriters && !failed.load()) {
      auto tx = db.Begin();
      int64_t total = 0;
      size_t out_degrees = 0;
      size_t in_degrees = 0;
      int count = 0;
      auto cursor = tx->ScanLabel(account, View::kOld);
      VertexAccessor v(nullptr, nullptr);
      while (cursor->Next(&v)) {
        total += v.GetProperty(balance, View::kOld)->AsInt();
        out_degrees += *v.OutDegree(View::kOld);
        in_degrees += *v.InDegree(View::kOld);
        ++count;
      }
      auto probe = tx->ScanLabelPropertyEqual(account, id, PropertyValue(7), View::kOld);
      VertexAccessor p(nullptr, nullptr);
      bool found = probe->Next(&p) && !probe->Next(&p);
      if (total != kAccounts * kInitial || count != kAccounts || out_degrees != in_degrees ||
          !found) {
        failed = true;
        ADD_FAILURE() << "inconsistent snapshot: total " << total << " count " << count << " out "
                      << out_degrees << " in " << in_degrees;
      }
      snapshots.fetch_add(1);
    }
  };

  auto ddl = [&] {
    while (writers_done.load() < kWriters && !failed.load()) {
      if (!db.CreateLabelIndex(account).HasValue()) failed = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(3));
      if (!db.DropLabelIndex(account).HasValue()) failed = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(3));
    }
  };

  std::vector<std::thread> threads;
  for (int i = 0; i < kWriters; ++i) threads.emplace_back(writer, i + 1);
  threads.emplace_back(reader);
  threads.emplace_back(reader);
  threads.emplace_back(ddl);
  for (auto& t : threads) t.join();
  EXPECT_FALSE(failed.load());
  EXPECT_TRUE(observer.ok());
  EXPECT_GT(snapshots.load(), 0);

  auto tx = db.Begin();
  int64_t total = 0;
  auto cursor = tx->ScanVertices(View::kOld);
  VertexAccessor v(nullptr, nullptr);
  while (cursor->Next(&v)) total += v.GetProperty(balance, View::kOld)->AsInt();
  EXPECT_EQ(total, kAccounts * kInitial);
  tx.reset();
  db.SetCommitObserver(nullptr);
  db.CollectGarbage();
  db.CollectGarbage();
  EXPECT_EQ(db.impl().Stats().live_deltas, 0u);
  RecordProperty("conflicts", std::to_string(conflicts.load()));
}

TEST(StorageConcurrencyTest, ConcurrentUniqueInsertsKeepValuesUnique) {
  StorageConfig config;
  config.gc_interval_ms = 1;
  Storage db(config);
  LabelId label = db.LabelIdFor("U");
  PropertyId key = db.PropertyIdFor("k");
  ASSERT_TRUE(db.CreateUniqueConstraint(label, key).HasValue());
  constexpr int kThreads = 4;
  constexpr int kValues = 300;
  std::atomic<int> committed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kValues; ++i) {
        auto tx = db.Begin();
        auto v = tx->CreateVertex();
        ASSERT_TRUE(*v.AddLabel(label));
        ASSERT_TRUE(v.SetProperty(key, PropertyValue(i)).HasValue());
        auto r = tx->Commit();
        if (r) {
          committed.fetch_add(1);
        } else {
          ASSERT_EQ(r.Error().code, ErrorCode::kConstraintViolation);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(committed.load(), kValues);
  auto tx = db.Begin();
  for (int i = 0; i < kValues; i += 37) {
    auto cursor = tx->ScanLabelPropertyEqual(label, key, PropertyValue(i), View::kOld);
    VertexAccessor v(nullptr, nullptr);
    EXPECT_TRUE(cursor->Next(&v));
    EXPECT_FALSE(cursor->Next(&v));
  }
}

// Writers move each vertex's indexed value between three forms of its own
// number (int i, double i, string "vertex-i"), readers look every form up
// (the int and the string lookup of one number must find the vertex exactly
// once together in every snapshot) with cursors left open across index
// drops and re-creations, and GC runs every millisecond.
TEST(StorageConcurrencyTest, PointLookupsStayExactUnderUpdatesGcAndDdl) {
  StorageConfig config;
  config.gc_interval_ms = 1;
  Storage db(config);
  LabelId label = db.LabelIdFor("N");
  PropertyId key = db.PropertyIdFor("k");
  constexpr int kVertices = 32;
  constexpr int kWriters = 2;
  constexpr int kRounds = 1500;
  auto form = [](int i, int f) {
    if (f == 0) return PropertyValue(int64_t{i});
    if (f == 1) return PropertyValue(static_cast<double>(i));
    return PropertyValue("vertex-" + std::to_string(i));
  };
  ASSERT_TRUE(db.CreateLabelPropertyIndex(label, key).HasValue());
  std::vector<Gid> gids;
  {
    auto tx = db.Begin();
    for (int i = 0; i < kVertices; ++i) {
      auto v = tx->CreateVertex();
      ASSERT_TRUE(*v.AddLabel(label));
      ASSERT_TRUE(v.SetProperty(key, form(i, 0)).HasValue());
      gids.push_back(v.gid());
    }
    ASSERT_TRUE(tx->Commit().HasValue());
  }
  std::atomic<int> writers_done{0};
  std::atomic<bool> failed{false};
  std::atomic<int> lookups{0};
  auto writer = [&](int seed) {
    std::mt19937 rng(seed);
    for (int r = 0; r < kRounds && !failed.load(); ++r) {
      auto tx = db.Begin();
      int i = static_cast<int>(rng() % kVertices);
      auto v = tx->FindVertex(gids[i], View::kOld);
      if (!v || !v->SetProperty(key, form(i, static_cast<int>(rng() % 3))).HasValue()) {
        tx->Abort();
        continue;
      }
      auto c = tx->Commit();
      if (!c && c.Error().code != ErrorCode::kSerialization) failed = true;
    }
    writers_done.fetch_add(1);
  };
  auto reader = [&](int seed) {
    std::mt19937 rng(seed);
    // At least 500 lookups each, even if the writers finish first.
    for (int n = 0; (n < 500 || writers_done.load() < kWriters) && !failed.load(); ++n) {
      auto tx = db.Begin();
      int i = static_cast<int>(rng() % kVertices);
      auto as_number = tx->ScanLabelPropertyEqual(label, key, form(i, rng() % 2), View::kOld);
      auto as_string = tx->ScanLabelPropertyEqual(label, key, form(i, 2), View::kOld);
      VertexAccessor v(nullptr, nullptr);
      int found = 0;
      bool a = true, b = true;
      while (a || b) {
        if (a && (a = as_number->Next(&v))) found += v.gid() == gids[i] ? 1 : 100;
        if (b && (b = as_string->Next(&v))) found += v.gid() == gids[i] ? 1 : 100;
      }
      if (found != 1) {
        failed = true;
        ADD_FAILURE() << "vertex " << i << " found " << found << " (x100: wrong vertex)";
      }
      lookups.fetch_add(1);
    }
  };
  auto ddl = [&] {
    while (writers_done.load() < kWriters && !failed.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      if (!db.DropLabelPropertyIndex(label, key).HasValue()) failed = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      if (!db.CreateLabelPropertyIndex(label, key).HasValue()) failed = true;
    }
  };
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) threads.emplace_back(writer, w + 1);
  threads.emplace_back(reader, 11);
  threads.emplace_back(reader, 12);
  threads.emplace_back(ddl);
  for (auto& t : threads) t.join();
  EXPECT_FALSE(failed.load());
  EXPECT_GE(lookups.load(), 1000);
}

}  // namespace
}  // namespace tributary::storage
