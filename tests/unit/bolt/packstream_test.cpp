#include "bolt/packstream.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

namespace tributary::bolt {
namespace {

std::string Hex(const std::string& bytes) {
  static const char* kDigits = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : bytes) {
    if (!out.empty()) out.push_back(' ');
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

std::string Prefix(const Value& v, size_t n) { return Hex(Encode(v).substr(0, n)); }

void ExpectRoundTrip(const Value& v, ProtocolVersion version = kNewestVersion) {
  const std::string bytes = Encode(v, version);
  auto decoded = Decode(bytes);
  ASSERT_TRUE(decoded) << decoded.Error().message << " for " << DebugString(v);
  EXPECT_EQ(*decoded, v) << DebugString(v) << " decoded as " << DebugString(*decoded);
}

TEST(PackStreamTest, NullBoolFloatMarkers) {
  EXPECT_EQ(Hex(Encode(Value())), "C0");
  EXPECT_EQ(Hex(Encode(Value(false))), "C2");
  EXPECT_EQ(Hex(Encode(Value(true))), "C3");
  EXPECT_EQ(Hex(Encode(Value(1.1))), "C1 3F F1 99 99 99 99 99 9A");
  EXPECT_EQ(Hex(Encode(Value(-0.0))), "C1 80 00 00 00 00 00 00 00");
  for (double d : {0.0, -1.5, 1e300, std::numeric_limits<double>::infinity(),
                   std::numeric_limits<double>::denorm_min()}) {
    ExpectRoundTrip(Value(d));
  }
  auto nan = Decode(Encode(Value(std::nan(""))));
  ASSERT_TRUE(nan);
  EXPECT_TRUE(std::isnan(nan->AsFloat()));
  ExpectRoundTrip(Value());
  ExpectRoundTrip(Value(true));
  ExpectRoundTrip(Value(false));
}

TEST(PackStreamTest, IntegersUseTheSmallestEncoding) {
  struct Case {
    int64_t v;
    std::string hex;
  };
  const Case cases[] = {
      {0, "00"},
      {1, "01"},
      {127, "7F"},
      {-1, "FF"},
      {-16, "F0"},
      {-17, "C8 EF"},
      {-128, "C8 80"},
      {128, "C9 00 80"},
      {-129, "C9 FF 7F"},
      {32767, "C9 7F FF"},
      {-32768, "C9 80 00"},
      {32768, "CA 00 00 80 00"},
      {-32769, "CA FF FF 7F FF"},
      {2147483647, "CA 7F FF FF FF"},
      {-2147483648LL, "CA 80 00 00 00"},
      {2147483648LL, "CB 00 00 00 00 80 00 00 00"},
      {-2147483649LL, "CB FF FF FF FF 7F FF FF FF"},
      {std::numeric_limits<int64_t>::max(), "CB 7F FF FF FF FF FF FF FF"},
      {std::numeric_limits<int64_t>::min(), "CB 80 00 00 00 00 00 00 00"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(Hex(Encode(Value(c.v))), c.hex) << c.v;
    ExpectRoundTrip(Value(c.v));
  }
}

TEST(PackStreamTest, WideIntegerMarkersDecodeEvenWhenNotMinimal) {
  // Other encoders may use a wider form than needed; we must accept it.
  auto v = Decode(std::string("\xCB\x00\x00\x00\x00\x00\x00\x00\x05", 9));
  ASSERT_TRUE(v);
  EXPECT_EQ(v->AsInt(), 5);
  v = Decode(std::string("\xC8\x05", 2));
  ASSERT_TRUE(v);
  EXPECT_EQ(v->AsInt(), 5);
  v = Decode(std::string("\xC9\xFF\xFE", 3));
  ASSERT_TRUE(v);
  EXPECT_EQ(v->AsInt(), -2);
}

TEST(PackStreamTest, StringSizeBoundaries) {
  EXPECT_EQ(Hex(Encode(Value(""))), "80");
  EXPECT_EQ(Hex(Encode(Value("A"))), "81 41");
  EXPECT_EQ(Prefix(Value(std::string(15, 'a')), 1), "8F");
  EXPECT_EQ(Prefix(Value(std::string(16, 'a')), 2), "D0 10");
  EXPECT_EQ(Prefix(Value(std::string(255, 'a')), 2), "D0 FF");
  EXPECT_EQ(Prefix(Value(std::string(256, 'a')), 3), "D1 01 00");
  EXPECT_EQ(Prefix(Value(std::string(65535, 'a')), 3), "D1 FF FF");
  EXPECT_EQ(Prefix(Value(std::string(65536, 'a')), 5), "D2 00 01 00 00");
  for (size_t n : {0, 1, 15, 16, 255, 256, 65535, 65536, 70000}) {
    ExpectRoundTrip(Value(std::string(n, 'x')));
  }
  ExpectRoundTrip(Value("Größenmaßstäbe \xF0\x9F\x98\x80"));
}

TEST(PackStreamTest, BytesSizeBoundaries) {
  EXPECT_EQ(Hex(Encode(Value(Bytes{}))), "CC 00");
  EXPECT_EQ(Hex(Encode(Value(Bytes{1, 2, 3}))), "CC 03 01 02 03");
  EXPECT_EQ(Prefix(Value(Bytes(255, 7)), 2), "CC FF");
  EXPECT_EQ(Prefix(Value(Bytes(256, 7)), 3), "CD 01 00");
  EXPECT_EQ(Prefix(Value(Bytes(65535, 7)), 3), "CD FF FF");
  EXPECT_EQ(Prefix(Value(Bytes(65536, 7)), 5), "CE 00 01 00 00");
  for (size_t n : {0, 255, 256, 65535, 65536}) ExpectRoundTrip(Value(Bytes(n, 0xAB)));
}

TEST(PackStreamTest, ListSizeBoundaries) {
  EXPECT_EQ(Hex(Encode(Value(List{}))), "90");
  EXPECT_EQ(Hex(Encode(Value(List{Value(1), Value(2), Value(3)}))), "93 01 02 03");
  EXPECT_EQ(Prefix(Value(List(15, Value(1))), 1), "9F");
  EXPECT_EQ(Prefix(Value(List(16, Value(1))), 2), "D4 10");
  EXPECT_EQ(Prefix(Value(List(255, Value(1))), 2), "D4 FF");
  EXPECT_EQ(Prefix(Value(List(256, Value(1))), 3), "D5 01 00");
  EXPECT_EQ(Prefix(Value(List(65535, Value(1))), 3), "D5 FF FF");
  EXPECT_EQ(Prefix(Value(List(65536, Value(1))), 5), "D6 00 01 00 00");
  for (size_t n : {0, 15, 16, 255, 256, 65535, 65536})
    ExpectRoundTrip(Value(List(n, Value(static_cast<int64_t>(n)))));
  ExpectRoundTrip(Value(List{Value(), Value(true), Value(1.5), Value("s"), Value(List{Value(1)}),
                             Value(Map{{"k", Value(2)}})}));
}

Map MapOfSize(size_t n) {
  Map m;
  for (size_t i = 0; i < n; ++i) m.AppendUnchecked("k" + std::to_string(i), Value(int64_t(i)));
  return m;
}

TEST(PackStreamTest, MapSizeBoundariesAndOrder) {
  EXPECT_EQ(Hex(Encode(Value(Map{}))), "A0");
  EXPECT_EQ(Hex(Encode(Value(Map{{"one", Value(1)}}))), "A1 83 6F 6E 65 01");
  EXPECT_EQ(Prefix(Value(MapOfSize(15)), 1), "AF");
  EXPECT_EQ(Prefix(Value(MapOfSize(16)), 2), "D8 10");
  EXPECT_EQ(Prefix(Value(MapOfSize(255)), 2), "D8 FF");
  EXPECT_EQ(Prefix(Value(MapOfSize(256)), 3), "D9 01 00");
  EXPECT_EQ(Prefix(Value(MapOfSize(65535)), 3), "D9 FF FF");
  EXPECT_EQ(Prefix(Value(MapOfSize(65536)), 5), "DA 00 01 00 00");
  for (size_t n : {0, 15, 16, 255, 256, 65536}) ExpectRoundTrip(Value(MapOfSize(n)));
  // Insertion order survives a round trip, whatever the key order.
  Map m{{"zeta", Value(1)}, {"alpha", Value(2)}, {"mid", Value(3)}};
  auto d = Decode(Encode(Value(m)));
  ASSERT_TRUE(d);
  ASSERT_EQ(d->AsMap().size(), 3u);
  EXPECT_EQ(d->AsMap().entries()[0].first, "zeta");
  EXPECT_EQ(d->AsMap().entries()[1].first, "alpha");
  EXPECT_EQ(d->AsMap().entries()[2].first, "mid");
}

TEST(PackStreamTest, DuplicateMapKeysKeepTheLastValue) {
  // {a: 1, b: 2, a: 3}
  auto d =
      Decode(std::string("\xA3\x81"
                         "a\x01\x81"
                         "b\x02\x81"
                         "a\x03",
                         10));
  ASSERT_TRUE(d);
  ASSERT_EQ(d->AsMap().size(), 2u);
  EXPECT_EQ(d->AsMap().Find("a")->AsInt(), 3);
  EXPECT_EQ(d->AsMap().entries()[0].first, "a");
}

TEST(PackStreamTest, DuplicateKeysInALargeMapKeepTheLastValue) {
  // 20 entries (above the linear-scan size): k0..k18, then k3 again.
  std::string bytes = "\xD8\x14";
  for (int i = 0; i < 19; ++i) {
    bytes += static_cast<char>(i < 10 ? 0x82 : 0x83);
    bytes += "k" + std::to_string(i);
    bytes += static_cast<char>(i);
  }
  bytes += "\x82k3\x63";  // k3: 99
  auto d = Decode(bytes);
  ASSERT_TRUE(d);
  ASSERT_EQ(d->AsMap().size(), 19u);
  EXPECT_EQ(d->AsMap().Find("k3")->AsInt(), 99);
  EXPECT_EQ(d->AsMap().entries()[3].first, "k3");
  EXPECT_EQ(d->AsMap().Find("k18")->AsInt(), 18);
}

Node TestNode() {
  Node n;
  n.id = 42;
  n.labels = {"Person", "Admin"};
  n.properties = Map{{"name", Value("Ann")}, {"age", Value(33)}};
  n.element_id = "4:abc:42";
  return n;
}

TEST(PackStreamTest, NodeHasElementIdOnlyOn5) {
  const Node n = TestNode();
  EXPECT_EQ(Prefix(Value(n), 3), "B4 4E 2A");
  EXPECT_EQ(Hex(Encode(Value(n), {4, 4}).substr(0, 3)), "B3 4E 2A");
  EXPECT_EQ(Hex(Encode(Value(n), {4, 1}).substr(0, 2)), "B3 4E");
  ExpectRoundTrip(Value(n));
  // Decoding the 4.x shape gives a node without element id.
  auto d4 = Decode(Encode(Value(n), {4, 4}));
  ASSERT_TRUE(d4);
  Node expected = n;
  expected.element_id.clear();
  EXPECT_EQ(d4->AsNode(), expected);
  // On 5.x an empty element id is sent as the decimal id.
  Node plain = n;
  plain.element_id.clear();
  auto d5 = Decode(Encode(Value(plain), {5, 0}));
  ASSERT_TRUE(d5);
  EXPECT_EQ(d5->AsNode().element_id, "42");
}

TEST(PackStreamTest, RelationshipsAndPaths) {
  Relationship r{5, 1, 2, "KNOWS", Map{{"since", Value(1999)}}, "r5", "n1", "n2"};
  EXPECT_EQ(Prefix(Value(r), 2), "B8 52");
  EXPECT_EQ(Hex(Encode(Value(r), {4, 4}).substr(0, 2)), "B5 52");
  ExpectRoundTrip(Value(r));
  Relationship r4 = r;
  r4.element_id = r4.start_element_id = r4.end_element_id = "";
  ExpectRoundTrip(Value(r4), {4, 4});

  UnboundRelationship u{5, "KNOWS", Map{{"w", Value(0.5)}}, "r5"};
  EXPECT_EQ(Prefix(Value(u), 2), "B4 72");
  EXPECT_EQ(Hex(Encode(Value(u), {4, 1}).substr(0, 2)), "B3 72");
  ExpectRoundTrip(Value(u));

  Path p;
  p.nodes = {TestNode(), TestNode()};
  p.nodes[1].id = 43;
  p.nodes[1].element_id = "n43";
  p.rels = {u};
  p.indices = {-1, 1};
  EXPECT_EQ(Prefix(Value(p), 2), "B3 50");
  ExpectRoundTrip(Value(p));
}

TEST(PackStreamTest, OtherStructuresPassThrough) {
  // Date (0x44): days since epoch.
  Structure date{0x44, {Value(19000)}};
  EXPECT_EQ(Hex(Encode(Value(date))), "B1 44 C9 4A 38");
  ExpectRoundTrip(Value(date));
  // DateTime (0x49): seconds, nanoseconds, offset.
  ExpectRoundTrip(Value(Structure{0x49, {Value(1700000000), Value(5), Value(3600)}}));
  // Point2D (0x58), Duration (0x45), an empty structure.
  ExpectRoundTrip(Value(Structure{0x58, {Value(7203), Value(1.0), Value(2.0)}}));
  ExpectRoundTrip(Value(Structure{0x45, {Value(1), Value(2), Value(3), Value(4)}}));
  ExpectRoundTrip(Value(Structure{0x01, {}}));
}

TEST(PackStreamTest, NestedValuesRoundTrip) {
  Value v(Map{{"list", Value(List{Value(TestNode()), Value(List{Value(Bytes{1})})})},
              {"map", Value(Map{{"inner", Value(Map{{"x", Value(-100)}})}})}});
  ExpectRoundTrip(v);
}

// --------------------------------------------------------------- hostile

TEST(PackStreamTest, EveryTruncationIsAnError) {
  Value v(Map{{"n", Value(TestNode())},
              {"s", Value(std::string(300, 'q'))},
              {"l", Value(List{Value(1.5), Value(int64_t{1} << 40), Value(Bytes(20, 1))})}});
  const std::string bytes = Encode(v);
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(Decode(bytes.substr(0, n))) << "prefix of " << n << " bytes";
  }
  EXPECT_TRUE(Decode(bytes));
  EXPECT_FALSE(Decode(bytes + "\x01"));  // trailing byte
}

TEST(PackStreamTest, LyingSizesAreRejectedWithoutAllocating) {
  // A list claiming 4 billion elements, a map claiming as many entries, a
  // string and bytes claiming 4 GB: all backed by a handful of bytes.
  for (const char* m : {"\xD6", "\xDA", "\xD2", "\xCE"}) {
    std::string bytes = std::string(m, 1) + std::string("\xFF\xFF\xFF\xFF", 4) + "\x01\x01";
    auto d = Decode(bytes);
    ASSERT_FALSE(d);
    EXPECT_NE(d.Error().message.find("truncated"), std::string::npos) << d.Error().message;
  }
}

TEST(PackStreamTest, DeepNestingIsRejected) {
  std::string deep(100000, '\x91');  // list of list of list ...
  deep.push_back('\x01');
  auto d = Decode(deep);
  ASSERT_FALSE(d);
  EXPECT_NE(d.Error().message.find("nesting"), std::string::npos);
  // The limit is configurable and exact.
  std::string ok(9, '\x91');
  ok.push_back('\x01');
  EXPECT_TRUE(Decode(ok, DecodeLimits{10}));
  EXPECT_FALSE(Decode("\x91" + ok, DecodeLimits{10}));
  // Structures and maps count too.
  std::string structs;
  for (int i = 0; i < 200; ++i) structs += "\xB1\x44";
  structs.push_back('\x01');
  EXPECT_FALSE(Decode(structs));
}

TEST(PackStreamTest, ValueCountIsBounded) {
  // 1000 tiny ints are 1000 values (plus the list itself).
  const std::string bytes = Encode(Value(List(1000, Value(1))));
  EXPECT_TRUE(Decode(bytes, DecodeLimits{128, 1001}));
  auto d = Decode(bytes, DecodeLimits{128, 1000});
  ASSERT_FALSE(d);
  EXPECT_NE(d.Error().message.find("more than 1000"), std::string::npos);
  // Map keys count too.
  const std::string map = Encode(Value(MapOfSize(10)));
  EXPECT_TRUE(Decode(map, DecodeLimits{128, 21}));
  EXPECT_FALSE(Decode(map, DecodeLimits{128, 20}));
  // Values stay small, so the bound is also a memory bound.
  EXPECT_LE(sizeof(Value), 48u);
}

TEST(PackStreamTest, MalformedInputsAreErrors) {
  const std::string cases[] = {
      std::string("\xC4", 1),
      std::string("\xC7", 1),
      std::string("\xCF", 1),
      std::string("\xD3", 1),
      std::string("\xDB", 1),
      std::string("\xDF", 1),
      std::string("\xE0", 1),
      std::string("\xEF", 1),
      std::string("\xA1\x01\x01", 3),                  // map key not a string
      std::string("\xB3\x4E\x81x\x90\xA0", 6),         // Node id not an Integer
      std::string("\xB3\x4E\x01\x91\x01\xA0", 6),      // Node label not a String
      std::string("\xB2\x4E\x01\x90", 4),              // Node with 2 fields
      std::string("\xB5\x52\x01\x02\x03\x04\xA0", 7),  // Relationship type not a String
      std::string("\xB3\x50\x90\x90\x91\x81x", 7),     // Path index not an Integer
      std::string("\xB3\x50\x91\x01\x90\x90", 6),      // Path node not a Node
      std::string(),
  };
  for (const auto& c : cases) {
    auto d = Decode(c);
    EXPECT_FALSE(d) << Hex(c) << " decoded as " << (d ? DebugString(*d) : "");
  }
}

TEST(PackStreamTest, RandomBytesNeverCrash) {
  std::mt19937 rng(12345);
  int decoded = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string bytes(rng() % 64, '\0');
    for (auto& c : bytes) c = static_cast<char>(rng());
    if (Decode(bytes)) ++decoded;
  }
  // Mutations of valid encodings exercise deeper paths.
  const std::string valid =
      Encode(Value(Map{{"n", Value(TestNode())}, {"l", Value(List(20, Value(300)))}}));
  for (int i = 0; i < 20000; ++i) {
    std::string bytes = valid;
    for (int k = 0; k < 3; ++k) bytes[rng() % bytes.size()] = static_cast<char>(rng());
    if (Decode(bytes)) ++decoded;
  }
  EXPECT_GT(decoded, 0);
}

}  // namespace
}  // namespace tributary::bolt
