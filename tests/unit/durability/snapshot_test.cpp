#include "storage/durability/snapshot.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "graph_dump.hpp"
#include "storage/durability/snapshot_format.hpp"
#include "storage/storage_impl.hpp"
#include "test_util.hpp"

namespace tributary::storage::durability {
namespace {

using testing::TempDir;

/// Plain overwrite: no fsync, these files are scratch.
void Overwrite(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

/// Builds a small graph with every kind of content.
void Populate(Storage& s) {
  auto tx = s.Begin();
  auto a = tx->CreateVertex();
  auto b = tx->CreateVertex();
  (void)a.AddLabel(s.LabelIdFor("Person"));
  (void)a.SetProperty(s.PropertyIdFor("name"), PropertyValue("Ada"));
  (void)b.SetProperty(s.PropertyIdFor("m"), PropertyValue(PropertyValue::Map{{"k", 1.5}}));
  auto e = tx->CreateEdge(a, b, s.EdgeTypeIdFor("KNOWS"));
  (void)e->SetProperty(s.PropertyIdFor("since"), PropertyValue(int64_t{1999}));
  tx->PutSystemKey("stream/x", "42");
  ASSERT_TRUE(tx->Commit());
  ASSERT_TRUE(s.CreateLabelPropertyIndex(s.LabelIdFor("Person"), s.PropertyIdFor("name")));
  ASSERT_TRUE(s.CreateUniqueConstraint(s.LabelIdFor("Person"), s.PropertyIdFor("name")));
}

/// Records what a reader saw.
class Collector final : public SnapshotVisitor {
 public:
  StorageResult<void> Info(const SnapshotInfo& i) override {
    info = i;
    return {};
  }
  StorageResult<void> Vertex(
      Gid gid, const std::vector<std::string_view>& labels,
      const std::vector<std::pair<std::string_view, PropertyValue>>& props) override {
    std::string line = "v" + std::to_string(gid);
    for (auto l : labels) line += ":" + std::string(l);
    for (const auto& [k, v] : props) line += " " + std::string(k) + "=" + ToCypherLiteral(v);
    lines.push_back(line);
    return {};
  }
  StorageResult<void> Edge(
      Gid gid, Gid from, Gid to, std::string_view type,
      const std::vector<std::pair<std::string_view, PropertyValue>>& props) override {
    std::string line = "e" + std::to_string(gid) + " " + std::to_string(from) + "-" +
                       std::string(type) + "->" + std::to_string(to);
    for (const auto& [k, v] : props) line += " " + std::string(k) + "=" + ToCypherLiteral(v);
    lines.push_back(line);
    return {};
  }
  StorageResult<void> Index(std::string_view l, std::optional<std::string_view> p) override {
    lines.push_back("i:" + std::string(l) + (p ? "(" + std::string(*p) + ")" : ""));
    return {};
  }
  StorageResult<void> Constraint(std::string_view l, std::string_view p) override {
    lines.push_back("c:" + std::string(l) + "(" + std::string(p) + ")");
    return {};
  }
  StorageResult<void> SystemKey(std::string_view k, std::string_view v) override {
    lines.push_back("k:" + std::string(k) + "=" + std::string(v));
    return {};
  }
  StorageResult<void> Footer(const SnapshotFooter& f) override {
    footer = f;
    return {};
  }
  SnapshotInfo info;
  SnapshotFooter footer;
  std::vector<std::string> lines;
};

std::string WriteSample(const TempDir& dir) {
  Storage s;
  Populate(s);
  std::string path = JoinPath(dir.path(), SnapshotFileName(7));
  auto tx = s.Begin();
  SnapshotInfo info;
  info.sequence = 7;
  info.low_lsn = 10;
  info.high_lsn = 12;
  info.wal_segment = 3;
  auto footer = WriteSnapshot(Env::Default(), path, s, *tx, info);
  EXPECT_TRUE(footer) << (footer ? "" : footer.Error().message);
  return path;
}

TEST(SnapshotTest, RoundTripsEveryKindOfContent) {
  TempDir dir;
  std::string path = WriteSample(dir);
  EXPECT_FALSE(Env::Default().FileExists(path + ".tmp"));
  Collector c;
  auto info = ReadSnapshot(Env::Default(), path, &c);
  ASSERT_TRUE(info) << info.Error().message;
  EXPECT_EQ(info->sequence, 7u);
  EXPECT_EQ(c.info.low_lsn, 10u);
  EXPECT_EQ(c.info.high_lsn, 12u);
  EXPECT_EQ(c.info.wal_segment, 3u);
  EXPECT_EQ(c.info.next_vertex_gid, 2u);
  EXPECT_EQ(c.info.next_edge_gid, 1u);
  EXPECT_EQ(c.footer.vertices, 2u);
  EXPECT_EQ(c.footer.edges, 1u);
  std::vector<std::string> expected = {"v0:Person name='Ada'",     "v1 m={k: 1.5}",
                                       "e0 0-KNOWS->1 since=1999", "i:Person(name)",
                                       "c:Person(name)",           "k:stream/x=42"};
  EXPECT_EQ(c.lines, expected);
  auto only_info = ReadSnapshotInfo(Env::Default(), path);
  ASSERT_TRUE(only_info);
  EXPECT_EQ(only_info->high_lsn, 12u);
}

TEST(SnapshotTest, EveryTruncationIsDetected) {
  TempDir dir;
  std::string path = WriteSample(dir);
  std::string bytes;
  ASSERT_TRUE(ReadFileToString(Env::Default(), path, &bytes));
  std::string cut_path = JoinPath(dir.path(), "cut.snap");
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    Overwrite(cut_path, bytes.substr(0, cut));
    auto r = ReadSnapshot(Env::Default(), cut_path, nullptr);
    ASSERT_FALSE(r) << cut;
    EXPECT_NE(r.Error().message.find(cut_path), std::string::npos);
  }
}

TEST(SnapshotTest, EveryFlippedBitIsDetectedWithItsOffset) {
  TempDir dir;
  std::string path = WriteSample(dir);
  std::string bytes;
  ASSERT_TRUE(ReadFileToString(Env::Default(), path, &bytes));
  std::string bad_path = JoinPath(dir.path(), "bad.snap");
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string damaged = bytes;
    damaged[i] ^= 0x04;
    Overwrite(bad_path, damaged);
    auto r = ReadSnapshot(Env::Default(), bad_path, nullptr);
    ASSERT_FALSE(r) << i;
    EXPECT_NE(r.Error().message.find("offset"), std::string::npos);
  }
}

// Issue #5: a snapshot is one consistent cut of graph and system keys. A
// stream's offsets committed after the snapshot's read transaction began must
// not be in it (they would run ahead of the graph after a crash under
// --wal-sync=interval|none, when the WAL tail that carried them is lost).
TEST(SnapshotTest, SystemKeysAreThoseOfTheReadTransaction) {
  TempDir dir;
  Storage s;
  {
    auto tx = s.Begin();
    tx->PutSystemKey("stream/a", "1");
    tx->PutSystemKey("stream/b", "x");
    ASSERT_TRUE(tx->Commit());
  }
  auto reader = s.Begin();
  {
    auto tx = s.Begin();
    (void)tx->CreateVertex();
    tx->PutSystemKey("stream/a", "2");
    tx->DeleteSystemKey("stream/b");
    tx->PutSystemKey("stream/c", "new");
    ASSERT_TRUE(tx->Commit());
  }
  std::string path = JoinPath(dir.path(), SnapshotFileName(1));
  auto footer = WriteSnapshot(Env::Default(), path, s, *reader, SnapshotInfo{});
  ASSERT_TRUE(footer) << footer.Error().message;
  EXPECT_EQ(footer->vertices, 0u);
  Collector c;
  ASSERT_TRUE(ReadSnapshot(Env::Default(), path, &c));
  std::vector<std::string> expected = {"k:stream/a=1", "k:stream/b=x"};
  EXPECT_EQ(c.lines, expected);
  // The reader sees the same cut; the storage's latest state has moved on.
  std::vector<std::pair<std::string, std::string>> as_of = {{"stream/a", "1"}, {"stream/b", "x"}};
  EXPECT_EQ(reader->SystemKeys("stream/"), as_of);
  std::vector<std::pair<std::string, std::string>> latest = {{"stream/a", "2"},
                                                             {"stream/c", "new"}};
  EXPECT_EQ(s.SystemKeys("stream/"), latest);
}

TEST(SnapshotTest, TransactionSeesItsOwnSystemKeyChanges) {
  Storage s;
  {
    auto tx = s.Begin();
    tx->PutSystemKey("k/1", "a");
    tx->PutSystemKey("k/2", "b");
    ASSERT_TRUE(tx->Commit());
  }
  auto tx = s.Begin();
  tx->PutSystemKey("k/1", "changed");
  tx->DeleteSystemKey("k/2");
  tx->PutSystemKey("k/3", "c");
  tx->PutSystemKey("other", "not in prefix");
  std::vector<std::pair<std::string, std::string>> expected = {{"k/1", "changed"}, {"k/3", "c"}};
  EXPECT_EQ(tx->SystemKeys("k/"), expected);
  tx->Abort();
  std::vector<std::pair<std::string, std::string>> committed = {{"k/1", "a"}, {"k/2", "b"}};
  EXPECT_EQ(s.SystemKeys("k/"), committed);
}

// Old versions are dropped once no transaction can read them, so a stream
// updating its offsets forever does not grow memory.
TEST(SnapshotTest, OldSystemKeyVersionsAreReclaimed) {
  Storage s;
  for (int i = 0; i < 1000; ++i) {
    auto tx = s.Begin();
    tx->PutSystemKey("stream/offset", std::to_string(i));
    ASSERT_TRUE(tx->Commit());
  }
  EXPECT_LE(s.impl().system_keys.VersionCount(), 2u);
  auto reader = s.Begin();
  for (int i = 0; i < 10; ++i) {
    auto tx = s.Begin();
    tx->PutSystemKey("stream/offset", "later" + std::to_string(i));
    ASSERT_TRUE(tx->Commit());
  }
  std::vector<std::pair<std::string, std::string>> old = {{"stream/offset", "999"}};
  EXPECT_EQ(reader->SystemKeys(""), old);
  reader->Abort();
  {
    auto tx = s.Begin();
    tx->DeleteSystemKey("stream/offset");
    ASSERT_TRUE(tx->Commit());
  }
  {
    auto tx = s.Begin();  // prunes the now-unreadable tombstone on its commit
    tx->PutSystemKey("x", "1");
    ASSERT_TRUE(tx->Commit());
  }
  EXPECT_TRUE(s.SystemKeys("stream/").empty());
  EXPECT_LE(s.impl().system_keys.VersionCount(), 2u);
}

TEST(SnapshotTest, FileNames) {
  EXPECT_EQ(SnapshotFileName(3), "snapshot-0000000000000003.snap");
  EXPECT_EQ(ParseSnapshotFileName("snapshot-0000000000000003.snap"), 3u);
  EXPECT_FALSE(ParseSnapshotFileName("snapshot-0000000000000003.snap.tmp"));
}

}  // namespace
}  // namespace tributary::storage::durability
