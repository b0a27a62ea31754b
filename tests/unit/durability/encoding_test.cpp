#include "storage/durability/encoding.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace tributary::storage::durability {
namespace {

PropertyValue RoundTrip(const PropertyValue& v) {
  std::string buf;
  Encoder(&buf).Value(v);
  Decoder dec(buf);
  PropertyValue out;
  EXPECT_TRUE(dec.Value(&out));
  EXPECT_EQ(dec.remaining(), 0u);
  return out;
}

TEST(EncodingTest, ValuesRoundTrip) {
  std::vector<PropertyValue> values = {
      PropertyValue(),
      PropertyValue(true),
      PropertyValue(false),
      PropertyValue(int64_t{0}),
      PropertyValue(int64_t{-1}),
      PropertyValue(std::numeric_limits<int64_t>::min()),
      PropertyValue(std::numeric_limits<int64_t>::max()),
      PropertyValue(3.25),
      PropertyValue(-0.0),
      PropertyValue(std::numeric_limits<double>::quiet_NaN()),
      PropertyValue(std::numeric_limits<double>::infinity()),
      PropertyValue(""),
      PropertyValue(std::string("h\0llo", 5)),
      PropertyValue(PropertyValue::List{1, 2.5, "x", PropertyValue(), PropertyValue::List{}}),
      PropertyValue(PropertyValue::Map{{"a", 1}, {"b", PropertyValue::Map{{"c", "d"}}}}),
      PropertyValue(Bytes{}),
      PropertyValue(Bytes{std::string("\0\xff\x80", 3)}),
      PropertyValue(Point2d{7203, -1.5, std::numeric_limits<double>::infinity()}),
      PropertyValue(Point3d{4979, 12.5, 55.75, -3.0}),
      PropertyValue(Date{-719528}),
      PropertyValue(LocalTime{86399999999999}),
      PropertyValue(Time{3600000000000, -64800}),
      PropertyValue(LocalDateTime{std::numeric_limits<int64_t>::min(), 999999999}),
      PropertyValue(tributary::DateTime{1714566600, 5, 7200, nullptr}),
      PropertyValue(tributary::DateTime{
          -1, 0, 0, std::make_shared<const std::string>("America/Argentina/Buenos_Aires")}),
      PropertyValue(tributary::DateTime{0, 0, 0, std::make_shared<const std::string>("")}),
      PropertyValue(tributary::Duration{-14, 400, std::numeric_limits<int64_t>::max(), 1}),
      PropertyValue(PropertyValue::List{Date{1}, Bytes{"x"}}),
  };
  for (const auto& v : values) EXPECT_EQ(RoundTrip(v), v) << ToCypherLiteral(v);
}

TEST(EncodingTest, TruncatedTemporalValuesAreRejectedAtEveryLength) {
  for (const PropertyValue& v :
       {PropertyValue(tributary::DateTime{1, 2, 3, std::make_shared<const std::string>("Z/Y")}),
        PropertyValue(tributary::Duration{1, 2, 3, 4}), PropertyValue(Point3d{1, 2, 3, 4}),
        PropertyValue(Bytes{"abc"})}) {
    std::string buf;
    Encoder(&buf).Value(v);
    for (size_t n = 0; n < buf.size(); ++n) {
      Decoder dec(std::string_view(buf).substr(0, n));
      PropertyValue out;
      EXPECT_FALSE(dec.Value(&out)) << ToCypherLiteral(v) << " at " << n;
    }
  }
}

TEST(EncodingTest, VarintBoundaries) {
  for (uint64_t v : {0ull, 127ull, 128ull, 16383ull, 16384ull, ~0ull}) {
    std::string buf;
    Encoder(&buf).Varint(v);
    uint64_t out = 1;
    Decoder dec(buf);
    ASSERT_TRUE(dec.Varint(&out));
    EXPECT_EQ(out, v);
  }
}

TEST(EncodingTest, TruncatedInputIsRejectedAtEveryLength) {
  std::string buf;
  Encoder(&buf).Value(
      PropertyValue(PropertyValue::Map{{"key", PropertyValue::List{1, "two", 3.0}}}));
  for (size_t n = 0; n < buf.size(); ++n) {
    Decoder dec(std::string_view(buf).substr(0, n));
    PropertyValue out;
    EXPECT_FALSE(dec.Value(&out)) << n;
  }
}

TEST(EncodingTest, HugeCountsAndDeepNestingAreRejected) {
  std::string buf;
  Encoder enc(&buf);
  enc.U8(static_cast<uint8_t>(PropertyType::kList));
  enc.Varint(1ull << 40);
  PropertyValue out;
  EXPECT_FALSE(Decoder(buf).Value(&out));

  std::string deep;
  for (int i = 0; i < 1000; ++i) {
    Encoder(&deep).U8(static_cast<uint8_t>(PropertyType::kList));
    Encoder(&deep).Varint(1);
  }
  EXPECT_FALSE(Decoder(deep).Value(&out));
}

}  // namespace
}  // namespace tributary::storage::durability
