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

}  // namespace
}  // namespace tributary
