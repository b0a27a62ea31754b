#include "storage/durability/durability.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <sstream>
#include <thread>

#include "graph_dump.hpp"
#include "storage/durability/fault_injection_env.hpp"
#include "storage/durability/wal_reader.hpp"
#include "storage/durability/wal_record.hpp"
#include "test_util.hpp"

namespace tributary::storage::durability {
namespace {

using testing::DumpDiff;
using testing::DumpGraph;
using testing::TempDir;

StorageConfig NoGc() {
  StorageConfig c;
  c.gc_interval_ms = 0;
  return c;
}

DurabilityOptions Options(const std::string& dir, Env* env = nullptr) {
  DurabilityOptions o;
  o.data_dir = dir;
  o.snapshot_on_shutdown = false;
  o.env = env;
  return o;
}

std::unique_ptr<Durability> MustOpen(const DurabilityOptions& o, Storage& s) {
  auto d = Durability::Open(o, s);
  EXPECT_TRUE(d) << (d ? "" : d.Error().message);
  return d ? std::move(*d) : nullptr;
}

/// A varied workload touching every change kind.
void RichWorkload(Storage& s, int rounds) {
  LabelId person = s.LabelIdFor("Person"), city = s.LabelIdFor("City"), tmp = s.LabelIdFor("Tmp");
  PropertyId name = s.PropertyIdFor("name"), age = s.PropertyIdFor("age"),
             since = s.PropertyIdFor("since"), tags = s.PropertyIdFor("tags");
  EdgeTypeId knows = s.EdgeTypeIdFor("KNOWS"), lives = s.EdgeTypeIdFor("LIVES_IN");
  for (int r = 0; r < rounds; ++r) {
    auto tx = s.Begin();
    auto a = tx->CreateVertex();
    ASSERT_TRUE(a.AddLabel(person));
    ASSERT_TRUE(a.SetProperty(name, PropertyValue("p" + std::to_string(r))));
    ASSERT_TRUE(a.SetProperty(age, PropertyValue(int64_t{r})));
    auto b = tx->CreateVertex();
    ASSERT_TRUE(b.AddLabel(city));
    ASSERT_TRUE(b.AddLabel(tmp));
    ASSERT_TRUE(b.SetProperty(tags, PropertyValue(PropertyValue::List{1, "x", 2.5})));
    auto e = tx->CreateEdge(a, b, lives);
    ASSERT_TRUE(e);
    ASSERT_TRUE(e->SetProperty(since, PropertyValue(int64_t{2000 + r})));
    tx->PutSystemKey("stream/offset", std::to_string(r));
    ASSERT_TRUE(tx->Commit());

    auto tx2 = s.Begin();
    auto b2 = tx2->FindVertex(b.gid(), View::kOld);
    ASSERT_TRUE(b2);
    ASSERT_TRUE(b2->RemoveLabel(tmp));
    ASSERT_TRUE(b2->SetProperty(tags, PropertyValue()));  // removes
    if (r > 0) {
      auto prev = tx2->FindVertex(a.gid() - 2, View::kOld);
      auto self = tx2->FindVertex(a.gid(), View::kOld);
      if (prev && self) {
        ASSERT_TRUE(tx2->CreateEdge(*self, *prev, knows));
      }
    }
    if (r % 3 == 2) {
      // Delete an older person with all its edges.
      auto old = tx2->FindVertex(a.gid() - 4, View::kOld);
      if (old) {
        ASSERT_TRUE(tx2->DetachDeleteVertex(*old));
      }
      tx2->DeleteSystemKey("stream/tmp");
    } else {
      tx2->PutSystemKey("stream/tmp", "t" + std::to_string(r));
    }
    ASSERT_TRUE(tx2->Commit());
  }
}

TEST(DurabilityTest, WalOnlyRecoveryRestoresTheIdenticalGraph) {
  TempDir dir;
  std::vector<std::string> before;
  {
    Storage s(NoGc());
    auto d = MustOpen(Options(dir.path()), s);
    RichWorkload(s, 30);
    before = DumpGraph(s);
    d->Shutdown();
  }
  Storage s(NoGc());
  auto d = MustOpen(Options(dir.path()), s);
  EXPECT_FALSE(d->recovery().snapshot);
  EXPECT_EQ(d->recovery().wal_commits_applied, 60u);
  EXPECT_EQ(DumpDiff(before, DumpGraph(s)), "");
}

TEST(DurabilityTest, SnapshotPlusWalRestoresTheIdenticalGraph) {
  TempDir dir;
  std::vector<std::string> before;
  {
    Storage s(NoGc());
    auto d = MustOpen(Options(dir.path()), s);
    RichWorkload(s, 20);
    auto snap = d->CreateSnapshot();
    ASSERT_TRUE(snap) << snap.Error().message;
    EXPECT_GT(snap->footer.vertices, 0u);
    RichWorkload(s, 10);
    before = DumpGraph(s);
  }
  Storage s(NoGc());
  auto d = MustOpen(Options(dir.path()), s);
  ASSERT_TRUE(d->recovery().snapshot);
  EXPECT_EQ(d->recovery().wal_commits_applied, 21u);  // 20 commits + the high marker
  EXPECT_EQ(DumpDiff(before, DumpGraph(s)), "");
}

TEST(DurabilityTest, ShutdownSnapshotAloneRestoresTheGraph) {
  TempDir dir;
  std::vector<std::string> before;
  {
    Storage s(NoGc());
    auto o = Options(dir.path());
    o.snapshot_on_shutdown = true;
    auto d = MustOpen(o, s);
    RichWorkload(s, 15);
    d->Shutdown();
    before = DumpGraph(s);  // includes the shutdown snapshot's markers
  }
  Storage s(NoGc());
  auto d = MustOpen(Options(dir.path()), s);
  ASSERT_TRUE(d->recovery().snapshot);
  EXPECT_EQ(d->recovery().wal_commits_applied, 1u);  // only the high marker
  EXPECT_EQ(DumpDiff(before, DumpGraph(s)), "");
}

TEST(DurabilityTest, IdsContinueWithoutReuseAfterRecovery) {
  TempDir dir;
  Gid max_vertex = 0, max_edge = 0;
  {
    Storage s(NoGc());
    auto d = MustOpen(Options(dir.path()), s);
    for (int i = 0; i < 10; ++i) {
      auto tx = s.Begin();
      auto a = tx->CreateVertex();
      auto b = tx->CreateVertex();
      auto e = tx->CreateEdge(a, b, s.EdgeTypeIdFor("T"));
      max_vertex = std::max({max_vertex, a.gid(), b.gid()});
      max_edge = std::max(max_edge, e->gid());
      ASSERT_TRUE(tx->Commit());
    }
    // Delete the newest objects: their ids must still not come back.
    auto tx = s.Begin();
    auto v = tx->FindVertex(max_vertex, View::kOld);
    ASSERT_TRUE(v);
    ASSERT_TRUE(tx->DetachDeleteVertex(*v));
    ASSERT_TRUE(tx->Commit());
  }
  for (bool with_snapshot : {false, true}) {
    Storage s(NoGc());
    auto d = MustOpen(Options(dir.path()), s);
    auto tx = s.Begin();
    auto a = tx->CreateVertex();
    auto b = tx->CreateVertex();
    auto e = tx->CreateEdge(a, b, s.EdgeTypeIdFor("T"));
    EXPECT_GT(a.gid(), max_vertex);
    EXPECT_GT(e->gid(), max_edge);
    max_vertex = std::max(a.gid(), b.gid());
    max_edge = e->gid();
    auto v = tx->FindVertex(max_vertex, View::kNew);
    ASSERT_TRUE(tx->DetachDeleteVertex(*v));
    ASSERT_TRUE(tx->Commit());
    if (with_snapshot) {
      ASSERT_TRUE(d->CreateSnapshot());
    }
  }
  Storage s(NoGc());
  auto d = MustOpen(Options(dir.path()), s);
  auto tx = s.Begin();
  EXPECT_GT(tx->CreateVertex().gid(), max_vertex);
}

TEST(DurabilityTest, IndexesConstraintsAndSystemKeysComeBack) {
  TempDir dir;
  std::vector<std::string> before;
  {
    Storage s(NoGc());
    auto d = MustOpen(Options(dir.path()), s);
    LabelId person = s.LabelIdFor("Person"), city = s.LabelIdFor("City");
    PropertyId email = s.PropertyIdFor("email"), name = s.PropertyIdFor("name");
    ASSERT_TRUE(s.CreateLabelIndex(person));
    ASSERT_TRUE(s.CreateLabelPropertyIndex(person, name));
    ASSERT_TRUE(s.CreateUniqueConstraint(person, email));
    ASSERT_TRUE(s.CreateLabelIndex(city));
    ASSERT_TRUE(d->CreateSnapshot());
    ASSERT_TRUE(s.DropLabelIndex(city));
    ASSERT_TRUE(s.CreateLabelPropertyIndex(city, name));
    {
      auto tx = s.Begin();
      auto v = tx->CreateVertex();
      ASSERT_TRUE(v.AddLabel(person));
      ASSERT_TRUE(v.SetProperty(email, PropertyValue("a@b")));
      tx->PutSystemKey("stream/s1/definition", "{\"topic\": \"t\"}");
      ASSERT_TRUE(tx->Commit());
    }
    before = DumpGraph(s);
  }
  Storage s(NoGc());
  auto d = MustOpen(Options(dir.path()), s);
  EXPECT_EQ(DumpDiff(before, DumpGraph(s)), "");
  LabelId person = *s.FindLabel("Person");
  EXPECT_TRUE(s.HasLabelIndex(person));
  EXPECT_FALSE(s.HasLabelIndex(*s.FindLabel("City")));
  EXPECT_TRUE(s.HasLabelPropertyIndex(*s.FindLabel("City"), *s.FindProperty("name")));
  // The constraint is enforced again.
  auto tx = s.Begin();
  auto v = tx->CreateVertex();
  ASSERT_TRUE(v.AddLabel(person));
  ASSERT_TRUE(v.SetProperty(*s.FindProperty("email"), PropertyValue("a@b")));
  auto r = tx->Commit();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.Error().code, ErrorCode::kConstraintViolation);
  auto keys = s.SystemKeys("stream/s1/");
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].second, "{\"topic\": \"t\"}");
}

TEST(DurabilityTest, SnapshotWhileWritersRunIsConsistent) {
  TempDir dir;
  std::vector<std::string> before;
  {
    Storage s(NoGc());
    auto o = Options(dir.path());
    o.wal_sync = SyncPolicy::kNone;  // fast writers, many commits per snapshot
    auto d = MustOpen(o, s);
    LabelId a_label = s.LabelIdFor("A"), b_label = s.LabelIdFor("B");
    PropertyId n = s.PropertyIdFor("n");
    EdgeTypeId pair = s.EdgeTypeIdFor("PAIR");
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int t = 0; t < 3; ++t) {
      writers.emplace_back([&, t] {
        std::vector<std::pair<Gid, Gid>> mine;
        for (int i = 0; !stop.load(); ++i) {
          auto tx = s.Begin();
          if (i % 4 == 3 && !mine.empty()) {
            // Delete one pair atomically.
            auto [ga, gb] = mine.back();
            mine.pop_back();
            auto va = tx->FindVertex(ga, View::kOld);
            auto vb = tx->FindVertex(gb, View::kOld);
            if (!va || !vb || !tx->DetachDeleteVertex(*va) || !tx->DeleteVertex(*vb)) continue;
          } else {
            auto va = tx->CreateVertex();
            auto vb = tx->CreateVertex();
            (void)va.AddLabel(a_label);
            (void)vb.AddLabel(b_label);
            (void)va.SetProperty(n, PropertyValue(int64_t{t * 1000000 + i}));
            (void)vb.SetProperty(n, PropertyValue(int64_t{t * 1000000 + i}));
            (void)tx->CreateEdge(va, vb, pair);
            mine.emplace_back(va.gid(), vb.gid());
          }
          if (!tx->Commit()) mine.clear();
        }
      });
    }
    // Each snapshot must show whole transactions only: #A == #B == #edges.
    for (int round = 0; round < 4; ++round) {
      std::this_thread::sleep_for(std::chrono::milliseconds(30));
      auto snap = d->CreateSnapshot();
      ASSERT_TRUE(snap) << snap.Error().message;
      EXPECT_EQ(snap->footer.vertices, 2 * snap->footer.edges);
      EXPECT_LT(snap->info.low_lsn, snap->info.high_lsn);
    }
    stop = true;
    for (auto& w : writers) w.join();
    before = DumpGraph(s);
  }
  Storage s(NoGc());
  auto d = MustOpen(Options(dir.path()), s);
  ASSERT_TRUE(d->recovery().snapshot);
  EXPECT_EQ(DumpDiff(before, DumpGraph(s)), "");
}

TEST(DurabilityTest, OldSnapshotsAndCoveredWalSegmentsAreRemoved) {
  TempDir dir;
  Storage s(NoGc());
  auto o = Options(dir.path());
  o.wal_segment_size = 4096;
  o.snapshots_to_keep = 2;
  auto d = MustOpen(o, s);
  for (int i = 0; i < 4; ++i) {
    RichWorkload(s, 10);
    ASSERT_TRUE(d->CreateSnapshot());
  }
  auto snaps = Env::Default().ListDir(d->snapshot_dir());
  ASSERT_TRUE(snaps);
  EXPECT_EQ(snaps->size(), 2u);
  EXPECT_EQ(snaps->front(), SnapshotFileName(3));
  auto oldest = ReadSnapshotInfo(Env::Default(), JoinPath(d->snapshot_dir(), SnapshotFileName(3)));
  ASSERT_TRUE(oldest);
  auto segments = ListSegments(Env::Default(), d->wal_dir());
  ASSERT_TRUE(segments);
  EXPECT_EQ(segments->front().number, oldest->wal_segment);
  auto before = DumpGraph(s);
  d.reset();
  Storage s2(NoGc());
  auto d2 = MustOpen(o, s2);
  EXPECT_EQ(DumpDiff(before, DumpGraph(s2)), "");
}

TEST(DurabilityTest, TimerTakesSnapshotsOnlyAfterChanges) {
  TempDir dir;
  Storage s(NoGc());
  auto o = Options(dir.path());
  o.snapshot_interval_s = 1;
  o.snapshot_on_shutdown = true;
  auto d = MustOpen(o, s);
  RichWorkload(s, 3);
  auto count = [&] { return Env::Default().ListDir(d->snapshot_dir())->size(); };
  for (int i = 0; i < 40 && count() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(count(), 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(1300));  // one idle period
  EXPECT_EQ(count(), 1u);
  d->Shutdown();  // nothing changed since: no shutdown snapshot either
  EXPECT_EQ(count(), 1u);
}

TEST(DurabilityTest, SecondOpenOfTheSameDirectoryIsRefused) {
  TempDir dir;
  Storage s1(NoGc()), s2(NoGc());
  auto d1 = MustOpen(Options(dir.path()), s1);
  auto d2 = Durability::Open(Options(dir.path()), s2);
  ASSERT_FALSE(d2);
  EXPECT_NE(d2.Error().message.find("data directory " + dir.path() +
                                    " is in use by another process (pid " +
                                    std::to_string(::getpid()) + ")"),
            std::string::npos)
      << d2.Error().message;
  d1.reset();
  EXPECT_TRUE(Durability::Open(Options(dir.path()), s2));
}

TEST(DurabilityTest, TornTailIsCutAndEverythingBeforeComesBack) {
  TempDir dir;
  std::vector<std::string> before;
  {
    Storage s(NoGc());
    auto d = MustOpen(Options(dir.path()), s);
    RichWorkload(s, 5);
    before = DumpGraph(s);
  }
  auto segments = ListSegments(Env::Default(), dir.path() + "/wal");
  const std::string last = segments->back().path;
  const uint64_t size = *Env::Default().FileSize(last);
  {
    // Half a record: a crash in the middle of a write.
    auto f = Env::Default().NewWritableFile(last, false);
    std::string partial = "\x40\x00\x00\x00\x01\x12\x34";
    ASSERT_TRUE((*f)->Append(partial));
  }
  Storage s(NoGc());
  auto d = MustOpen(Options(dir.path()), s);
  ASSERT_TRUE(d->recovery().torn_tail);
  EXPECT_EQ(*Env::Default().FileSize(last), size);
  EXPECT_EQ(DumpDiff(before, DumpGraph(s)), "");
}

TEST(DurabilityTest, RecoveryCutsATornLastRecordAtEveryByteOffset) {
  TempDir dir;
  std::vector<std::string> without_last;
  {
    Storage s(NoGc());
    auto d = MustOpen(Options(dir.path()), s);
    RichWorkload(s, 2);
    without_last = DumpGraph(s);
    auto tx = s.Begin();
    auto v = tx->CreateVertex();
    ASSERT_TRUE(v.AddLabel(s.LabelIdFor("Last")));
    ASSERT_TRUE(v.SetProperty(s.PropertyIdFor("name"), PropertyValue("torn")));
    ASSERT_TRUE(tx->Commit());
  }
  const std::string wal = dir.path() + "/wal";
  auto segments = ListSegments(Env::Default(), wal);
  ASSERT_TRUE(segments);
  std::string bytes;
  ASSERT_TRUE(ReadFileToString(Env::Default(), segments->back().path, &bytes));
  SegmentScan scan = ScanSegment(bytes, true);
  ASSERT_FALSE(scan.records.empty());
  const uint64_t last = scan.records.back().offset;
  const std::string name = segments->back().path.substr(wal.size() + 1);
  // Every offset is covered by WalRecordTest.TornTailAtEveryByteOffsetOfTheLastRecord;
  // through full recovery (about 40 ms of Storage setup each) every offset of
  // the record header and every 8th of the payload.
  std::vector<uint64_t> cuts;
  for (uint64_t cut = last; cut < bytes.size();
       cut += cut < last + wal::kRecordHeaderSize ? 1 : 8) {
    cuts.push_back(cut);
  }
  cuts.push_back(bytes.size() - 1);
  for (uint64_t cut : cuts) {
    TempDir copy;
    std::filesystem::copy(dir.path(), copy.path(),
                          std::filesystem::copy_options::recursive |
                              std::filesystem::copy_options::overwrite_existing);
    const std::string target = copy.path() + "/wal/" + name;
    ASSERT_TRUE(Env::Default().TruncateFile(target, cut));
    Storage s(NoGc());
    FaultInjectionEnv fast(Env::Default());  // the real fsyncs would take ~100 ms per round
    fast.SetSkipRealSyncs(true);
    auto d = Durability::Open(Options(copy.path(), &fast), s);
    ASSERT_TRUE(d) << "cut at " << cut << ": " << d.Error().message;
    EXPECT_EQ(cut == last, !(*d)->recovery().torn_tail.has_value()) << cut;
    EXPECT_EQ(*Env::Default().FileSize(target), last) << cut;
    EXPECT_EQ(DumpDiff(without_last, DumpGraph(s)), "") << cut;
  }
}

TEST(DurabilityTest, DamageBeforeTheTailStopsTheStartWithFileAndOffset) {
  TempDir dir;
  {
    Storage s(NoGc());
    auto d = MustOpen(Options(dir.path()), s);
    RichWorkload(s, 5);
  }
  // Which segment holds which records depends on when the background
  // preparer finished (ADR 017): damage a record that has an intact record
  // before it (for wal-dump to print) and after it in the same segment.
  auto segments = ListSegments(Env::Default(), dir.path() + "/wal");
  std::string first;
  std::string bytes;
  SegmentScan clean;
  for (const auto& segment : *segments) {
    ASSERT_TRUE(ReadFileToString(Env::Default(), segment.path, &bytes));
    clean = ScanSegment(bytes, false);
    if (clean.records.size() >= 3) {
      first = segment.path;
      break;
    }
  }
  ASSERT_FALSE(first.empty()) << "no segment with three records";
  bytes[clean.records[1].offset + 20] ^= 0x10;  // inside the second record
  ASSERT_TRUE(WriteFileAtomically(Env::Default(), first, bytes));
  Storage s(NoGc());
  auto d = Durability::Open(Options(dir.path()), s);
  ASSERT_FALSE(d);
  const std::string& m = d.Error().message;
  EXPECT_NE(m.find(first), std::string::npos) << m;
  EXPECT_NE(m.find("offset"), std::string::npos) << m;
  EXPECT_NE(m.find("restore"), std::string::npos) << m;
  // wal-dump still prints what precedes the damage and says where it is.
  std::ostringstream dump;
  EXPECT_FALSE(DumpWal(first, dump));
  EXPECT_NE(dump.str().find("COMMIT"), std::string::npos) << dump.str();
  EXPECT_NE(dump.str().find("DAMAGED: record checksum mismatch at offset"), std::string::npos)
      << dump.str();
}

TEST(DurabilityTest, DiskFullFailsOnlyThatCommitAndRecoverySeesExactlyTheAcknowledged) {
  TempDir dir;
  FaultInjectionEnv env(Env::Default());
  std::vector<std::string> acknowledged;
  {
    Storage s(NoGc());
    auto d = MustOpen(Options(dir.path(), &env), s);
    PropertyId n = s.PropertyIdFor("n");
    for (int i = 0; i < 30; ++i) {
      if (i == 10) env.FailWrites(1, ENOSPC);
      if (i == 15) env.FailSyncs(1, EIO);
      env.SetNoSpace(i >= 20 && i < 24);
      auto tx = s.Begin();
      auto v = tx->CreateVertex();
      ASSERT_TRUE(v.SetProperty(n, PropertyValue(int64_t{i})));
      auto r = tx->Commit();
      bool expect_failure = i == 10 || i == 15 || (i >= 20 && i < 24);
      EXPECT_EQ(!r, expect_failure) << i;
      if (!r) {
        EXPECT_EQ(r.Error().code, ErrorCode::kDurability);
        EXPECT_NE(r.Error().message.find("write-ahead log"), std::string::npos);
        if (i == 10 || i == 20) {
          EXPECT_NE(r.Error().message.find("No space left on device"), std::string::npos)
              << r.Error().message;
        }
      } else {
        acknowledged.push_back(std::to_string(i));
      }
    }
    env.SetNoSpace(false);
    // Reads still work and show exactly the acknowledged commits.
    EXPECT_EQ(DumpGraph(s).size(), acknowledged.size());
    ASSERT_TRUE(env.DropUnsyncedData());  // power cut before shutdown
  }
  Storage s(NoGc());
  auto d = MustOpen(Options(dir.path()), s);
  std::vector<std::string> values;
  auto tx = s.Begin();
  auto cursor = tx->ScanVertices(View::kOld);
  VertexAccessor v(nullptr, nullptr);
  while (cursor->Next(&v)) {
    values.push_back(ToCypherLiteral(*v.GetProperty(*s.FindProperty("n"), View::kOld)));
  }
  std::sort(values.begin(), values.end());
  std::sort(acknowledged.begin(), acknowledged.end());
  EXPECT_EQ(values, acknowledged);
}

TEST(DurabilityTest, PowerCutKeepsEveryAcknowledgedCommit) {
  TempDir dir;
  TempDir copy;
  FaultInjectionEnv env(Env::Default());
  std::vector<std::string> before;
  Storage s(NoGc());
  auto d = MustOpen(Options(dir.path(), &env), s);
  RichWorkload(s, 10);
  ASSERT_TRUE(d->CreateSnapshot());
  RichWorkload(s, 5);
  before = DumpGraph(s);
  // Power cut while the server runs: unsynced bytes vanish; then "reboot"
  // from a copy of what is left on disk.
  ASSERT_TRUE(env.DropUnsyncedData());
  std::filesystem::copy(
      dir.path(), copy.path(),
      std::filesystem::copy_options::recursive | std::filesystem::copy_options::overwrite_existing);
  Storage s2(NoGc());
  auto d2 = MustOpen(Options(copy.path()), s2);
  EXPECT_EQ(DumpDiff(before, DumpGraph(s2)), "");
}

TEST(DurabilityTest, PowerCutUnderSyncNoneLosesTheTailButRestartsCleanly) {
  TempDir dir;
  TempDir copy;
  FaultInjectionEnv env(Env::Default());
  std::vector<std::string> at_snapshot;
  {
    Storage s(NoGc());
    auto o = Options(dir.path(), &env);
    o.wal_sync = SyncPolicy::kNone;
    auto d = MustOpen(o, s);
    RichWorkload(s, 5);
    ASSERT_TRUE(d->CreateSnapshot());
    at_snapshot = DumpGraph(s);
    RichWorkload(s, 5);  // never synced: lost in the power cut
    ASSERT_TRUE(env.DropUnsyncedData());
    std::filesystem::copy(dir.path(), copy.path(),
                          std::filesystem::copy_options::recursive |
                              std::filesystem::copy_options::overwrite_existing);
  }
  std::vector<std::string> before;
  {
    Storage s(NoGc());
    auto d = MustOpen(Options(copy.path()), s);
    EXPECT_EQ(DumpDiff(at_snapshot, DumpGraph(s)), "");
    RichWorkload(s, 3);
    before = DumpGraph(s);
  }
  // The log written after the first restart continues the old one.
  Storage s(NoGc());
  auto d = MustOpen(Options(copy.path()), s);
  EXPECT_EQ(DumpDiff(before, DumpGraph(s)), "");
}

// Issue #5: a stream writes its offset in the same transaction as the batch
// it applied (ADR 006). A power cut right after a snapshot, under
// --wal-sync=none, loses the unsynced WAL tail; the snapshot must then hold
// the offset of the same cut as its graph, never a newer one.
TEST(DurabilityTest, PowerCutAfterASnapshotKeepsSystemKeysWithTheirGraph) {
  constexpr int kBulk = 100000;
  for (int round = 0; round < 5; ++round) {
    TempDir dir;
    TempDir copy;
    FaultInjectionEnv env(Env::Default());
    env.SetSkipRealSyncs(true);
    {
      Storage s(NoGc());
      auto o = Options(dir.path(), &env);
      o.wal_sync = SyncPolicy::kNone;
      auto d = MustOpen(o, s);
      PropertyId n = s.PropertyIdFor("n");
      {
        // Enough graph that writing the snapshot takes a while, so that the
        // writer commits (unsynced) while the snapshot is written.
        auto tx = s.Begin();
        for (int i = 0; i < kBulk; ++i) (void)tx->CreateVertex();
        ASSERT_TRUE(tx->Commit());
      }
      std::atomic<bool> stop{false};
      std::atomic<bool> writer_done{false};
      std::atomic<int64_t> batches{0};
      std::thread writer([&] {
        for (int64_t i = 1; !stop.load(); ++i) {
          auto tx = s.Begin();
          auto v = tx->CreateVertex();
          bool ok = v.SetProperty(n, PropertyValue(i)).HasValue();
          tx->PutSystemKey("stream/s/offset", std::to_string(i));
          ok = ok && tx->Commit().HasValue();
          EXPECT_TRUE(ok) << "batch " << i;
          if (!ok) break;
          batches.store(i);
        }
        writer_done.store(true);
      });
      // Waits for `count` batches, or for the writer to stop on a failure.
      auto wait_for = [&](int64_t count) {
        while (batches.load() < count && !writer_done.load()) std::this_thread::yield();
      };
      wait_for(200);
      auto snapshot = d->CreateSnapshot();
      int64_t at_snapshot_end = batches.load();
      wait_for(at_snapshot_end + 200);
      stop.store(true);
      writer.join();
      ASSERT_TRUE(snapshot) << snapshot.Error().message;
      ASSERT_FALSE(HasFailure());
      ASSERT_TRUE(env.DropUnsyncedData());  // the power cut: the WAL tail is gone
      std::filesystem::copy(dir.path(), copy.path(),
                            std::filesystem::copy_options::recursive |
                                std::filesystem::copy_options::overwrite_existing);
    }
    Storage s(NoGc());
    auto d = MustOpen(Options(copy.path()), s);
    ASSERT_TRUE(d);
    auto tx = s.Begin();
    int64_t vertices = 0;
    auto cursor = tx->ScanVertices(View::kOld);
    for (VertexAccessor v(nullptr, nullptr); cursor->Next(&v);) ++vertices;
    auto offset = tx->SystemKeys("stream/s/offset");
    ASSERT_EQ(offset.size(), 1u) << round;
    EXPECT_EQ(offset[0].second, std::to_string(vertices - kBulk))
        << "round " << round << ": the stream offset does not match the graph";
  }
}

TEST(DurabilityTest, DumpsPrintRecordsReadably) {
  TempDir dir;
  Storage s(NoGc());
  auto d = MustOpen(Options(dir.path()), s);
  {
    auto tx = s.Begin();
    auto v = tx->CreateVertex();
    ASSERT_TRUE(v.AddLabel(s.LabelIdFor("Person")));
    ASSERT_TRUE(v.SetProperty(s.PropertyIdFor("name"), PropertyValue("Ada")));
    ASSERT_TRUE(tx->Commit());
  }
  ASSERT_TRUE(s.CreateLabelIndex(s.LabelIdFor("Person")));
  std::ostringstream wal;
  EXPECT_TRUE(DumpWal(d->wal_dir(), wal));
  EXPECT_NE(wal.str().find("ADD_LABEL gid=0 label=Person"), std::string::npos) << wal.str();
  EXPECT_NE(wal.str().find("SET_VERTEX_PROPERTY gid=0 name='Ada'"), std::string::npos) << wal.str();
  EXPECT_NE(wal.str().find("SCHEMA CREATE_LABEL_INDEX :Person"), std::string::npos) << wal.str();
  std::ostringstream one;
  EXPECT_TRUE(DumpWal(ListSegments(Env::Default(), d->wal_dir())->front().path, one));
  EXPECT_NE(one.str().find("COMMIT commit_ts="), std::string::npos) << one.str();
  auto snap = d->CreateSnapshot();
  ASSERT_TRUE(snap);
  std::ostringstream snapshot;
  EXPECT_TRUE(DumpSnapshot(snap->path, snapshot));
  EXPECT_NE(snapshot.str().find("vertex 0 (:Person) {name: 'Ada'}"), std::string::npos)
      << snapshot.str();
  EXPECT_NE(snapshot.str().find("index :Person"), std::string::npos) << snapshot.str();
  EXPECT_NE(snapshot.str().find("footer: 1 vertices, 0 edges"), std::string::npos)
      << snapshot.str();
}

TEST(DurabilityTest, DamagedNewestSnapshotFallsBackToTheOlderOne) {
  TempDir dir;
  std::vector<std::string> before;
  std::string newest;
  {
    Storage s(NoGc());
    auto d = MustOpen(Options(dir.path()), s);
    RichWorkload(s, 5);
    ASSERT_TRUE(d->CreateSnapshot());
    RichWorkload(s, 5);
    auto snap = d->CreateSnapshot();
    ASSERT_TRUE(snap);
    newest = snap->path;
    RichWorkload(s, 2);
    before = DumpGraph(s);
  }
  std::string bytes;
  ASSERT_TRUE(ReadFileToString(Env::Default(), newest, &bytes));
  bytes[bytes.size() / 2] ^= 1;
  ASSERT_TRUE(WriteFileAtomically(Env::Default(), newest, bytes));
  Storage s(NoGc());
  auto d = MustOpen(Options(dir.path()), s);
  ASSERT_TRUE(d->recovery().snapshot);
  EXPECT_EQ(d->recovery().snapshot->sequence, 1u);
  EXPECT_EQ(DumpDiff(before, DumpGraph(s)), "");
}

}  // namespace
}  // namespace tributary::storage::durability
