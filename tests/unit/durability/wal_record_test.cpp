#include "storage/durability/wal_record.hpp"

#include <gtest/gtest.h>

#include "storage/durability/encoding.hpp"

namespace tributary::storage::durability {
namespace {

NameSource TestNames() {
  static const std::vector<std::string> labels = {"Person", "City"};
  static const std::vector<std::string> props = {"name", "age", "since"};
  static const std::vector<std::string> types = {"KNOWS", "LIVES_IN"};
  return {[](LabelId id) -> std::string_view { return labels.at(id); },
          [](PropertyId id) -> std::string_view { return props.at(id); },
          [](EdgeTypeId id) -> std::string_view { return types.at(id); }};
}

Change C(ChangeKind kind, Gid gid, Gid from = 0, Gid to = 0, uint32_t id = 0,
         PropertyValue value = {}, std::string key = {}) {
  Change c;
  c.kind = kind;
  c.gid = gid;
  c.from = from;
  c.to = to;
  c.id = id;
  c.value = std::move(value);
  c.key = std::move(key);
  return c;
}

CommitRecord SampleCommit() {
  CommitRecord r;
  r.commit_ts = 42;
  r.changes = {
      C(ChangeKind::kCreateVertex, 7),
      C(ChangeKind::kAddLabel, 7, 0, 0, 0),
      C(ChangeKind::kSetVertexProperty, 7, 0, 0, 0, PropertyValue("Ada")),
      C(ChangeKind::kSetVertexProperty, 7, 0, 0, 1, PropertyValue(36)),
      C(ChangeKind::kCreateEdge, 3, 7, 5, 1),
      C(ChangeKind::kSetEdgeProperty, 3, 0, 0, 2, PropertyValue(2001)),
      C(ChangeKind::kRemoveLabel, 5, 0, 0, 1),
      C(ChangeKind::kDeleteEdge, 2),
      C(ChangeKind::kDeleteVertex, 4),
      C(ChangeKind::kPutSystemKey, 0, 0, 0, 0, PropertyValue("v"), "streams/a"),
      C(ChangeKind::kDeleteSystemKey, 0, 0, 0, 0, PropertyValue(), "streams/b"),
  };
  return r;
}

std::string SegmentWith(const std::vector<std::string>& payloads, uint64_t first_lsn = 1) {
  std::string seg = EncodeSegmentHeader({wal::kVersion, 1, first_lsn});
  for (const auto& p : payloads) FrameRecord(wal::RecordType::kCommit, p, &seg);
  return seg;
}

std::string CommitPayload(uint64_t lsn) {
  std::string p;
  EncodeCommitPayload(lsn, SampleCommit(), 100, 200, TestNames(), &p);
  return p;
}

TEST(WalRecordTest, CommitRoundTripResolvesNames) {
  std::string payload = CommitPayload(9);
  WalCommit out;
  ASSERT_TRUE(DecodeCommitPayload(payload, &out));
  EXPECT_EQ(out.lsn, 9u);
  EXPECT_EQ(out.record.commit_ts, 42u);
  EXPECT_EQ(out.next_vertex_gid, 100u);
  EXPECT_EQ(out.next_edge_gid, 200u);
  const CommitRecord in = SampleCommit();
  ASSERT_EQ(out.record.changes.size(), in.changes.size());
  auto names = TestNames();
  for (size_t i = 0; i < in.changes.size(); ++i) {
    const Change& a = in.changes[i];
    const Change& b = out.record.changes[i];
    EXPECT_EQ(a.kind, b.kind);
    EXPECT_EQ(a.gid, b.gid);
    EXPECT_EQ(a.from, b.from);
    EXPECT_EQ(a.to, b.to);
    EXPECT_EQ(a.key, b.key);
    if (a.kind != ChangeKind::kDeleteSystemKey) {
      EXPECT_EQ(a.value, b.value);
    }
    std::string expected_name;
    switch (a.kind) {
      case ChangeKind::kAddLabel:
      case ChangeKind::kRemoveLabel:
        expected_name = names.label(a.id);
        break;
      case ChangeKind::kSetVertexProperty:
      case ChangeKind::kSetEdgeProperty:
        expected_name = names.property(a.id);
        break;
      case ChangeKind::kCreateEdge:
        expected_name = names.edge_type(a.id);
        break;
      default:
        continue;
    }
    EXPECT_EQ(out.names.at(b.id).name, expected_name) << i;
  }
  // Each distinct name is stored once.
  EXPECT_EQ(out.names.size(), 2u + 3u + 1u);
}

TEST(WalRecordTest, CommitPayloadTruncationIsRejected) {
  std::string payload = CommitPayload(1);
  for (size_t n = 0; n < payload.size(); ++n) {
    WalCommit out;
    EXPECT_FALSE(DecodeCommitPayload(std::string_view(payload).substr(0, n), &out)) << n;
  }
}

TEST(WalRecordTest, SchemaRoundTrip) {
  for (bool with_property : {false, true}) {
    WalSchema in;
    in.lsn = 5;
    in.last_commit_ts = 17;
    in.kind = with_property ? SchemaChangeKind::kCreateUniqueConstraint
                            : SchemaChangeKind::kDropLabelIndex;
    in.label = "Person";
    if (with_property) in.property = "email";
    std::string payload;
    EncodeSchemaPayload(in, &payload);
    WalSchema out;
    ASSERT_TRUE(DecodeSchemaPayload(payload, &out));
    EXPECT_EQ(out.lsn, 5u);
    EXPECT_EQ(out.last_commit_ts, 17u);
    EXPECT_EQ(out.kind, in.kind);
    EXPECT_EQ(out.label, "Person");
    EXPECT_EQ(out.property, in.property);
  }
}

TEST(WalRecordTest, SegmentFileNames) {
  EXPECT_EQ(SegmentFileName(12), "wal-0000000000000012.log");
  EXPECT_EQ(ParseSegmentFileName("wal-0000000000000012.log"), 12u);
  EXPECT_FALSE(ParseSegmentFileName("wal-12.log"));
  EXPECT_FALSE(ParseSegmentFileName("wal-000000000000001x.log"));
  EXPECT_FALSE(ParseSegmentFileName("snapshot-0000000000000012.snap"));
}

TEST(WalRecordTest, ScanFindsEveryRecord) {
  std::string seg = SegmentWith({CommitPayload(1), CommitPayload(2), CommitPayload(3)});
  SegmentScan scan = ScanSegment(seg, true);
  ASSERT_TRUE(scan.header_valid);
  EXPECT_FALSE(scan.torn);
  EXPECT_FALSE(scan.corruption);
  EXPECT_EQ(scan.header.first_lsn, 1u);
  ASSERT_EQ(scan.records.size(), 3u);
  EXPECT_EQ(scan.valid_end, seg.size());
  uint64_t lsn;
  ASSERT_TRUE(PayloadLsn(scan.records[2].payload, &lsn));
  EXPECT_EQ(lsn, 3u);
}

TEST(WalRecordTest, TornTailAtEveryByteOffsetOfTheLastRecord) {
  std::string two = SegmentWith({CommitPayload(1), CommitPayload(2)});
  std::string three = SegmentWith({CommitPayload(1), CommitPayload(2), CommitPayload(3)});
  ASSERT_EQ(three.substr(0, two.size()), two);
  for (size_t cut = two.size() + 1; cut < three.size(); ++cut) {
    std::string_view bytes = std::string_view(three).substr(0, cut);
    SegmentScan last = ScanSegment(bytes, /*is_last=*/true);
    EXPECT_FALSE(last.corruption) << cut;
    ASSERT_TRUE(last.torn) << cut;
    EXPECT_EQ(last.records.size(), 2u) << cut;
    EXPECT_EQ(last.valid_end, two.size()) << cut;
    // The same damage in a segment that is not the last is corruption.
    SegmentScan middle = ScanSegment(bytes, /*is_last=*/false);
    EXPECT_TRUE(middle.corruption) << cut;
  }
}

TEST(WalRecordTest, TornSegmentHeaderAndZeroFilledTail) {
  std::string seg = SegmentWith({CommitPayload(1)});
  for (size_t cut = 0; cut < wal::kSegmentHeaderSize; ++cut) {
    SegmentScan scan = ScanSegment(std::string_view(seg).substr(0, cut), true);
    EXPECT_FALSE(scan.corruption) << cut;
    EXPECT_TRUE(scan.torn) << cut;
    EXPECT_FALSE(scan.header_valid) << cut;
  }
}

TEST(WalRecordTest, ZeroFilledTailIsTheEndOfTheLogInAnySegment) {
  // The unused room of a preallocated segment (ADR 017).
  std::string seg = SegmentWith({CommitPayload(1)}) + std::string(100, '\0');
  for (bool is_last : {true, false}) {
    SegmentScan scan = ScanSegment(seg, is_last);
    EXPECT_FALSE(scan.corruption) << is_last;
    EXPECT_FALSE(scan.torn) << is_last;
    EXPECT_EQ(scan.records.size(), 1u);
    EXPECT_EQ(scan.zero_tail, 100u);
    EXPECT_EQ(scan.valid_end, seg.size() - 100);
  }
  // A prepared file renamed to its segment name before its header was written.
  SegmentScan empty = ScanSegment(std::string(4096, '\0'), true);
  EXPECT_TRUE(empty.torn);
  EXPECT_FALSE(empty.header_valid);
}

TEST(WalRecordTest, TornLastRecordInAPreallocatedSegment) {
  // The torn record is followed by zeros up to the preallocated size, not
  // by the end of the file; every cut is still a torn tail (or a clean end
  // when only zero bytes of the record made it), never corruption.
  std::string two = SegmentWith({CommitPayload(1), CommitPayload(2)});
  std::string three = SegmentWith({CommitPayload(1), CommitPayload(2), CommitPayload(3)});
  const size_t room = three.size() + 512;
  for (size_t cut = two.size() + 1; cut < three.size(); ++cut) {
    std::string bytes = three.substr(0, cut);
    bytes.resize(room, '\0');
    SegmentScan last = ScanSegment(bytes, /*is_last=*/true);
    EXPECT_FALSE(last.corruption) << cut;
    EXPECT_TRUE(last.torn || last.zero_tail > 0) << cut;
    EXPECT_EQ(last.records.size(), 2u) << cut;
    EXPECT_EQ(last.valid_end, two.size()) << cut;
    SegmentScan middle = ScanSegment(bytes, /*is_last=*/false);
    EXPECT_TRUE(middle.corruption || middle.zero_tail > 0) << cut;
  }
  // Pages of an unsynced write reach the disk in any order: a missing
  // middle part of the last record (zeros inside it) is torn too.
  std::string holed = three + std::string(512, '\0');
  for (size_t i = two.size(); i < two.size() + 20; ++i) holed[i] = '\0';
  SegmentScan scan = ScanSegment(holed, true);
  EXPECT_FALSE(scan.corruption);
  EXPECT_EQ(scan.records.size(), 2u);
}

TEST(WalRecordTest, DamageFollowedByAnIntactRecordIsCorruptionEvenAtTheEnd) {
  std::string seg = SegmentWith({CommitPayload(1), CommitPayload(2), CommitPayload(3)});
  SegmentScan clean = ScanSegment(seg, true);
  std::string damaged = seg + std::string(256, '\0');
  // Zero the middle record's header: an intact record follows it.
  const uint64_t second = clean.records[1].offset;
  for (uint64_t i = second; i < second + wal::kRecordHeaderSize; ++i) damaged[i] = '\0';
  SegmentScan scan = ScanSegment(damaged, true);
  ASSERT_TRUE(scan.corruption);
  EXPECT_NE(scan.corruption->find("offset " + std::to_string(second)), std::string::npos)
      << *scan.corruption;
}

TEST(WalRecordTest, FlippedBitBeforeTheTailIsCorruptionWithOffset) {
  std::string seg = SegmentWith({CommitPayload(1), CommitPayload(2), CommitPayload(3)});
  SegmentScan clean = ScanSegment(seg, true);
  const uint64_t last_record = clean.records.back().offset;
  for (size_t byte = 0; byte < last_record; ++byte) {
    for (int bit : {0, 7}) {
      std::string damaged = seg;
      damaged[byte] = static_cast<char>(damaged[byte] ^ (1 << bit));
      SegmentScan scan = ScanSegment(damaged, true);
      ASSERT_TRUE(scan.corruption) << "byte " << byte << " bit " << bit;
      EXPECT_NE(scan.corruption->find("offset"), std::string::npos);
    }
  }
}

TEST(WalRecordTest, UnsupportedVersionIsNamed) {
  std::string seg = EncodeSegmentHeader({wal::kVersion + 1, 1, 1});
  SegmentScan scan = ScanSegment(seg, true);
  ASSERT_TRUE(scan.corruption);
  EXPECT_NE(scan.corruption->find("unsupported WAL format version 2"), std::string::npos);
}

}  // namespace
}  // namespace tributary::storage::durability
