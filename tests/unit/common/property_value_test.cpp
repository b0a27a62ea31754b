#include "common/property_value.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace tributary {
namespace {

using List = PropertyValue::List;
using Map = PropertyValue::Map;

TEST(PropertyValueTest, KindsAndAccessors) {
  EXPECT_TRUE(PropertyValue().IsNull());
  EXPECT_TRUE(PropertyValue(nullptr).IsNull());
  EXPECT_EQ(PropertyValue(true).type(), PropertyType::kBool);
  EXPECT_EQ(PropertyValue(5).AsInt(), 5);
  EXPECT_EQ(PropertyValue(int64_t{1} << 40).AsInt(), int64_t{1} << 40);
  EXPECT_DOUBLE_EQ(PropertyValue(2.5).AsDouble(), 2.5);
  EXPECT_EQ(PropertyValue("x").AsString(), "x");
  EXPECT_EQ(PropertyValue(std::string_view("yz")).AsString(), "yz");
  EXPECT_EQ(PropertyValue(List{1, 2}).AsList().size(), 2u);
  EXPECT_EQ(PropertyValue(Map{{"a", 1}}).AsMap().at("a").AsInt(), 1);
  EXPECT_TRUE(PropertyValue(1).IsNumber());
  EXPECT_TRUE(PropertyValue(1.0).IsNumber());
  EXPECT_DOUBLE_EQ(PropertyValue(3).AsNumber(), 3.0);
}

TEST(PropertyValueTest, StructuralEquality) {
  EXPECT_EQ(PropertyValue(1), PropertyValue(1));
  EXPECT_NE(PropertyValue(1), PropertyValue(1.0));
  EXPECT_EQ(PropertyValue(std::nan("")), PropertyValue(std::nan("")));
  EXPECT_EQ(PropertyValue(0.0), PropertyValue(-0.0));
  EXPECT_EQ(PropertyValue(List{1, "a"}), PropertyValue(List{1, "a"}));
  EXPECT_NE(PropertyValue(List{1}), PropertyValue(List{1.0}));
  EXPECT_EQ(PropertyValue(List{std::nan("")}), PropertyValue(List{std::nan("")}));
  EXPECT_EQ(PropertyValue(Map{{"a", List{1}}}), PropertyValue(Map{{"a", List{1}}}));
  EXPECT_NE(PropertyValue(Map{{"a", 1}}), PropertyValue(Map{{"b", 1}}));
  EXPECT_NE(PropertyValue(), PropertyValue(false));
}

TEST(PropertyValueTest, OrderOfKinds) {
  // map < list < string < boolean < number < null
  std::vector<PropertyValue> ordered = {Map{{"a", 1}}, List{1}, "s", true, 1, PropertyValue()};
  for (size_t i = 0; i < ordered.size(); ++i) {
    for (size_t j = 0; j < ordered.size(); ++j) {
      int c = CompareOrder(ordered[i], ordered[j]);
      if (i < j) EXPECT_LT(c, 0) << i << " " << j;
      if (i == j) EXPECT_EQ(c, 0) << i;
      if (i > j) EXPECT_GT(c, 0) << i << " " << j;
    }
  }
}

TEST(PropertyValueTest, NumbersCompareByValue) {
  EXPECT_LT(CompareOrder(1, 1.5), 0);
  EXPECT_GT(CompareOrder(2, 1.5), 0);
  EXPECT_LT(CompareOrder(-3.5, -3), 0);
  // An int sorts before an equal double.
  EXPECT_LT(CompareOrder(1, 1.0), 0);
  EXPECT_GT(CompareOrder(1.0, 1), 0);
  // NaN above every number, equal to itself.
  double nan = std::nan("");
  double inf = std::numeric_limits<double>::infinity();
  EXPECT_LT(CompareOrder(inf, nan), 0);
  EXPECT_LT(CompareOrder(std::numeric_limits<int64_t>::max(), nan), 0);
  EXPECT_EQ(CompareOrder(nan, nan), 0);
  EXPECT_LT(CompareOrder(-inf, std::numeric_limits<int64_t>::min()), 0);
}

TEST(PropertyValueTest, CompareIntDoubleIsExact) {
  int64_t big = (int64_t{1} << 53) + 1;  // not representable as a double
  double d = static_cast<double>(int64_t{1} << 53);
  EXPECT_GT(CompareIntDouble(big, d), 0);
  EXPECT_EQ(CompareIntDouble(int64_t{1} << 53, d), 0);
  EXPECT_LT(CompareIntDouble(std::numeric_limits<int64_t>::max(), 9223372036854775808.0), 0);
  EXPECT_EQ(CompareIntDouble(std::numeric_limits<int64_t>::min(), -9223372036854775808.0), 0);
  EXPECT_GT(CompareIntDouble(std::numeric_limits<int64_t>::min(), -1e300), 0);
  EXPECT_LT(CompareIntDouble(2, 2.5), 0);
  EXPECT_GT(CompareIntDouble(-2, -2.5), 0);
  EXPECT_LT(CompareIntDouble(0, std::nan("")), 0);
}

TEST(PropertyValueTest, ListsAndMapsCompareLexicographically) {
  EXPECT_LT(CompareOrder(List{1, 2}, List{1, 3}), 0);
  EXPECT_LT(CompareOrder(List{1}, List{1, 0}), 0);
  EXPECT_GT(CompareOrder(List{2}, List{1, 9}), 0);
  EXPECT_EQ(CompareOrder(List{}, List{}), 0);
  EXPECT_LT(CompareOrder(Map{{"a", 1}}, Map{{"b", 0}}), 0);
  EXPECT_LT(CompareOrder(Map{{"a", 1}}, Map{{"a", 2}}), 0);
  EXPECT_LT(CompareOrder(Map{{"a", 1}}, Map{{"a", 1}, {"b", 1}}), 0);
  EXPECT_LT(CompareOrder("a", "b"), 0);
  EXPECT_LT(CompareOrder("", "a"), 0);
  EXPECT_LT(CompareOrder(false, true), 0);
}

TEST(PropertyValueTest, CompareOrderIsConsistentWithEquality) {
  std::vector<PropertyValue> values = {
      PropertyValue(), false,     true,         0, -1, 1, 0.5, -0.0, std::nan(""), "a", "b",
      List{1},         List{1.0}, Map{{"x", 1}}};
  for (const auto& a : values) {
    for (const auto& b : values) {
      if (a == b) EXPECT_EQ(CompareOrder(a, b), 0);
      EXPECT_EQ(CompareOrder(a, b) < 0, CompareOrder(b, a) > 0);
    }
  }
}

TEST(PropertyValueTest, HashConsistentWithEquality) {
  EXPECT_EQ(HashValue(PropertyValue(0.0)), HashValue(PropertyValue(-0.0)));
  EXPECT_EQ(HashValue(PropertyValue(std::nan(""))), HashValue(PropertyValue(-std::nan(""))));
  EXPECT_EQ(HashValue(PropertyValue(List{1, "a"})), HashValue(PropertyValue(List{1, "a"})));
  EXPECT_EQ(HashValue(PropertyValue(Map{{"k", 2.5}})), HashValue(PropertyValue(Map{{"k", 2.5}})));
  EXPECT_NE(HashValue(PropertyValue(1)), HashValue(PropertyValue(2)));
}

TEST(PropertyValueTest, CypherLiterals) {
  EXPECT_EQ(ToCypherLiteral(PropertyValue()), "null");
  EXPECT_EQ(ToCypherLiteral(true), "true");
  EXPECT_EQ(ToCypherLiteral(-12), "-12");
  EXPECT_EQ(ToCypherLiteral(2.5), "2.5");
  EXPECT_EQ(ToCypherLiteral(3.0), "3.0");
  EXPECT_EQ(ToCypherLiteral(0.1), "0.1");
  EXPECT_EQ(ToCypherLiteral(std::nan("")), "NaN");
  EXPECT_EQ(ToCypherLiteral(-std::numeric_limits<double>::infinity()), "-Infinity");
  EXPECT_EQ(ToCypherLiteral("it's"), "'it\\'s'");
  EXPECT_EQ(ToCypherLiteral("a\nb\\"), "'a\\nb\\\\'");
  EXPECT_EQ(ToCypherLiteral(List{1, 2.5, "x"}), "[1, 2.5, 'x']");
  EXPECT_EQ(ToCypherLiteral(Map{{"a", List{}}, {"b", Map{}}}), "{a: [], b: {}}");
}

TEST(PropertyValueTest, TypeNames) {
  EXPECT_EQ(TypeName(PropertyType::kInt), "Integer");
  EXPECT_EQ(TypeName(PropertyType::kDouble), "Float");
  EXPECT_EQ(TypeName(PropertyType::kString), "String");
  EXPECT_EQ(TypeName(PropertyType::kBool), "Boolean");
  EXPECT_EQ(TypeName(PropertyType::kList), "List");
  EXPECT_EQ(TypeName(PropertyType::kMap), "Map");
  EXPECT_EQ(TypeName(PropertyType::kNull), "Null");
}

// ---- bytes, points and temporal values (ADR 014)

DateTime Zoned(int64_t seconds, int32_t offset, const char* zone) {
  DateTime d;
  d.seconds = seconds;
  d.offset_seconds = offset;
  if (zone != nullptr) d.zone = std::make_shared<const std::string>(zone);
  return d;
}

TEST(PropertyValueTest, NewKindsKeepTheirTypeAndNumbering) {
  EXPECT_EQ(PropertyValue(Bytes{"ab"}).type(), PropertyType::kBytes);
  EXPECT_EQ(PropertyValue(Point2d{7203, 1, 2}).type(), PropertyType::kPoint2d);
  EXPECT_EQ(PropertyValue(Point3d{9157, 1, 2, 3}).type(), PropertyType::kPoint3d);
  EXPECT_EQ(PropertyValue(Date{1}).type(), PropertyType::kDate);
  EXPECT_EQ(PropertyValue(LocalTime{1}).type(), PropertyType::kLocalTime);
  EXPECT_EQ(PropertyValue(Time{1, 3600}).type(), PropertyType::kTime);
  EXPECT_EQ(PropertyValue(LocalDateTime{1, 2}).type(), PropertyType::kLocalDateTime);
  EXPECT_EQ(PropertyValue(Zoned(1, 0, nullptr)).type(), PropertyType::kDateTime);
  EXPECT_EQ(PropertyValue(Duration{1, 2, 3, 4}).type(), PropertyType::kDuration);
  // The numbers are part of the WAL format.
  EXPECT_EQ(static_cast<int>(PropertyType::kBytes), 7);
  EXPECT_EQ(static_cast<int>(PropertyType::kPoint3d), 9);
  EXPECT_EQ(static_cast<int>(PropertyType::kDate), 16);
  EXPECT_EQ(static_cast<int>(PropertyType::kDuration), 21);
  EXPECT_TRUE(PropertyValue(Date{1}).IsTemporal());
  EXPECT_FALSE(PropertyValue(Bytes{}).IsTemporal());
  EXPECT_EQ(PropertyValue(Bytes{"ab"}).AsBytes().data, "ab");
  EXPECT_EQ(TypeName(PropertyType::kDateTime), "DateTime");
}

TEST(PropertyValueTest, NewKindsEqualStructurally) {
  EXPECT_EQ(PropertyValue(Bytes{"ab"}), PropertyValue(Bytes{"ab"}));
  EXPECT_NE(PropertyValue(Bytes{"ab"}), PropertyValue("ab"));
  EXPECT_NE(PropertyValue(Date{3}), PropertyValue(3));
  EXPECT_NE(PropertyValue(Date{3}), PropertyValue(LocalTime{3}));
  EXPECT_EQ(PropertyValue(Zoned(10, 0, "Europe/Paris")),
            PropertyValue(Zoned(10, 0, "Europe/Paris")));
  EXPECT_NE(PropertyValue(Zoned(10, 0, "Europe/Paris")),
            PropertyValue(Zoned(10, 0, "Europe/Rome")));
  EXPECT_NE(PropertyValue(Zoned(10, 0, nullptr)), PropertyValue(Zoned(10, 0, "")));
  EXPECT_NE(PropertyValue(Time{0, 0}), PropertyValue(Time{0, 3600}));
  EXPECT_NE(PropertyValue(Point2d{7203, 1, 2}), PropertyValue(Point2d{4326, 1, 2}));
  EXPECT_EQ(HashValue(PropertyValue(Zoned(10, 0, "X"))),
            HashValue(PropertyValue(Zoned(10, 0, "X"))));
  EXPECT_EQ(HashValue(PropertyValue(Bytes{"ab"})), HashValue(PropertyValue(Bytes{"ab"})));
}

TEST(PropertyValueTest, OrderOfAllKinds) {
  // map < list < bytes < point < datetime < localdatetime < date < time <
  // localtime < duration < string < boolean < number < null
  std::vector<PropertyValue> ordered = {Map{{"a", 1}},
                                        List{1},
                                        Bytes{"\x01"},
                                        Point2d{7203, 0, 0},
                                        Point3d{9157, 0, 0, 0},
                                        Zoned(0, 0, nullptr),
                                        LocalDateTime{0, 0},
                                        Date{0},
                                        Time{0, 0},
                                        LocalTime{0},
                                        Duration{},
                                        "s",
                                        true,
                                        1,
                                        PropertyValue()};
  for (size_t i = 0; i < ordered.size(); ++i) {
    for (size_t j = 0; j < ordered.size(); ++j) {
      int c = CompareOrder(ordered[i], ordered[j]);
      if (i < j) EXPECT_LT(c, 0) << i << " " << j;
      if (i == j) EXPECT_EQ(c, 0) << i;
      if (i > j) EXPECT_GT(c, 0) << i << " " << j;
    }
  }
}

TEST(PropertyValueTest, OrderWithinTemporalKinds) {
  EXPECT_LT(CompareOrder(Date{-1}, Date{0}), 0);
  EXPECT_LT(CompareOrder(LocalDateTime{5, 1}, LocalDateTime{5, 2}), 0);
  // Times and datetimes order by instant first: 10:00+02:00 is 08:00Z.
  const int64_t h = int64_t{3600} * 1000000000;
  EXPECT_LT(CompareOrder(Time{10 * h, 7200}, Time{9 * h, 0}), 0);
  EXPECT_LT(CompareOrder(Zoned(100, 7200, nullptr), Zoned(101, 0, nullptr)), 0);
  // Same instant: offset, then fixed offset before named zone, then zone name.
  EXPECT_LT(CompareOrder(Zoned(100, 0, nullptr), Zoned(100, 0, "A")), 0);
  EXPECT_LT(CompareOrder(Zoned(100, 0, "A"), Zoned(100, 0, "B")), 0);
  EXPECT_LT(CompareOrder(Duration{0, 5, 0, 0}, Duration{1, 0, 0, 0}), 0);
  EXPECT_LT(CompareOrder(Bytes{std::string("\x01", 1)}, Bytes{std::string("\xff", 1)}), 0);
  EXPECT_LT(CompareOrder(Bytes{"a"}, Bytes{"ab"}), 0);
  EXPECT_LT(CompareOrder(Point2d{7203, 1, 5}, Point2d{7203, 2, 0}), 0);
}

TEST(PropertyValueTest, CypherLessThanForTemporal) {
  int c = 0;
  const int64_t h = int64_t{3600} * 1000000000;
  ASSERT_TRUE(CompareTemporal(Time{10 * h, 7200}, Time{8 * h, 0}, &c));
  EXPECT_EQ(c, 0);  // the same instant of day
  ASSERT_TRUE(CompareTemporal(Zoned(5, 0, "A"), Zoned(5, 3600, nullptr), &c));
  EXPECT_EQ(c, 0);
  EXPECT_FALSE(CompareTemporal(Duration{}, Duration{}, &c));
  EXPECT_FALSE(CompareTemporal(Date{1}, LocalTime{1}, &c));
  EXPECT_FALSE(CompareTemporal(Point2d{}, Point2d{}, &c));
}

TEST(PropertyValueTest, FormatsAsNeo4jToStringDoes) {
  const int64_t s = 1000000000;
  EXPECT_EQ(FormatScalar(Date{0}), "1970-01-01");
  EXPECT_EQ(FormatScalar(Date{19844}), "2024-05-01");
  EXPECT_EQ(FormatScalar(Date{-1}), "1969-12-31");
  EXPECT_EQ(FormatScalar(LocalTime{(12 * 3600 + 30 * 60) * s}), "12:30");
  EXPECT_EQ(FormatScalar(LocalTime{(12 * 3600 + 30 * 60 + 5) * s + 500000000}), "12:30:05.500");
  EXPECT_EQ(FormatScalar(Time{1, 3600}), "00:00:00.000000001+01:00");
  EXPECT_EQ(FormatScalar(Time{0, 0}), "00:00Z");
  EXPECT_EQ(FormatScalar(LocalDateTime{1714566600, 0}), "2024-05-01T12:30");
  EXPECT_EQ(FormatScalar(Zoned(1714566600, -18000, nullptr)), "2024-05-01T07:30-05:00");
  EXPECT_EQ(FormatScalar(Zoned(1714566600, 0, "Europe/Stockholm")),
            "2024-05-01T12:30Z[Europe/Stockholm]");
  EXPECT_EQ(FormatScalar(Duration{14, 3, 3723, 500000000}), "P1Y2M3DT1H2M3.5S");
  EXPECT_EQ(FormatScalar(Duration{}), "PT0S");
  EXPECT_EQ(FormatScalar(Duration{0, 0, -90, 0}), "PT-1M-30S");
  EXPECT_EQ(FormatScalar(Point2d{7203, 1, 2.5}), "point({x: 1.0, y: 2.5, crs: 'cartesian'})");
  EXPECT_EQ(FormatScalar(Point3d{1234, 1, 2, 3}), "point({x: 1.0, y: 2.0, z: 3.0, srid: 1234})");
  EXPECT_EQ(FormatScalar(Bytes{std::string("\x00\xff", 2)}), "0x00ff");
  EXPECT_EQ(ToCypherLiteral(PropertyValue(List{Date{0}})), "[date('1970-01-01')]");
}

}  // namespace
}  // namespace tributary
