// Bytes, points and temporal values as stored properties (ADR 014): the
// in-memory property encoding round-trips them, and the label+property
// index orders and finds them like CompareOrder.

#include <gtest/gtest.h>

#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "storage/property_store.hpp"
#include "storage/storage.hpp"
#include "test_util.hpp"

namespace tributary::storage {
namespace {

using testing::Gids;
using testing::NoGcThread;

std::vector<PropertyValue> Samples() {
  return {
      PropertyValue(Bytes{}),
      PropertyValue(Bytes{std::string("\0\x01\xfe\xff", 4)}),
      PropertyValue(Point2d{7203, 1.5, -2.25}),
      PropertyValue(Point3d{9157, 1, 2, 3}),
      PropertyValue(Date{19844}),
      PropertyValue(Date{-800000}),
      PropertyValue(LocalTime{0}),
      PropertyValue(LocalTime{86399999999999}),
      PropertyValue(Time{45000000000000, -28800}),
      PropertyValue(LocalDateTime{std::numeric_limits<int64_t>::max(), 999999999}),
      PropertyValue(DateTime{1714566600, 123456789, 3600, nullptr}),
      PropertyValue(DateTime{1714566600, 0, 0, std::make_shared<const std::string>("Asia/Tokyo")}),
      PropertyValue(Duration{-1, 2, -3, 4}),
      PropertyValue(PropertyValue::List{Date{1}, Date{2}}),
      PropertyValue(PropertyValue::Map{{"when", LocalTime{5}}, {"raw", Bytes{"z"}}}),
  };
}

TEST(PropertyStoreValuesTest, EveryNewKindRoundTripsBesideOtherProperties) {
  PropertyStore store;
  auto samples = Samples();
  for (uint32_t i = 0; i < samples.size(); ++i) {
    store.Set(2 * i, samples[i]);
    store.Set(2 * i + 1, PropertyValue(static_cast<int64_t>(i)));
  }
  for (uint32_t i = 0; i < samples.size(); ++i) {
    EXPECT_EQ(store.Get(2 * i), samples[i]) << ToCypherLiteral(samples[i]);
    EXPECT_EQ(store.Get(2 * i + 1), PropertyValue(static_cast<int64_t>(i)));
    EXPECT_EQ(PeekValue(store.Find(2 * i)).type, samples[i].type());
  }
  EXPECT_EQ(store.All().size(), 2 * samples.size());
  // Replacing a value returns the old one and skips correctly over the rest.
  EXPECT_EQ(store.Set(0, PropertyValue(Date{7})), samples[0]);
  EXPECT_EQ(store.Get(0), PropertyValue(Date{7}));
  EXPECT_EQ(store.Get(2 * samples.size() - 1),
            PropertyValue(static_cast<int64_t>(samples.size() - 1)));
  for (const auto& v : samples) EXPECT_EQ(EncodedValue(v).Decode(), v);
}

TEST(PropertyStoreValuesTest, DatesAreCompact) {
  std::string out;
  EncodeValue(PropertyValue(Date{19844}), &out);
  EXPECT_LE(out.size(), 4u);  // header + 3-byte varint
}

class StorageValuesIndexTest : public ::testing::Test {
 protected:
  Gid Add(PropertyValue value) {
    auto tx = db.Begin();
    auto v = tx->CreateVertex();
    EXPECT_TRUE(*v.AddLabel(label));
    EXPECT_TRUE(v.SetProperty(prop, value).HasValue());
    EXPECT_TRUE(tx->Commit().HasValue());
    return v.gid();
  }
  Storage db{NoGcThread()};
  LabelId label = db.LabelIdFor("L");
  PropertyId prop = db.PropertyIdFor("p");
};

TEST_F(StorageValuesIndexTest, EqualityAndRangeLookupsOnTemporalValues) {
  ASSERT_TRUE(db.CreateLabelPropertyIndex(label, prop).HasValue());
  Gid d1 = Add(PropertyValue(Date{1}));
  Gid d2 = Add(PropertyValue(Date{2}));
  Gid d3 = Add(PropertyValue(Date{3}));
  Gid t = Add(PropertyValue(LocalTime{2}));
  Gid s = Add(PropertyValue("2"));
  Gid zone = Add(PropertyValue(DateTime{5, 0, 0, std::make_shared<const std::string>("X/Y")}));
  auto tx = db.Begin();
  EXPECT_EQ(Gids(tx->ScanLabelPropertyEqual(label, prop, PropertyValue(Date{2}), View::kOld)),
            std::vector<Gid>{d2});
  EXPECT_EQ(
      Gids(tx->ScanLabelPropertyEqual(
          label, prop, PropertyValue(DateTime{5, 0, 0, std::make_shared<const std::string>("X/Y")}),
          View::kOld)),
      std::vector<Gid>{zone});
  EXPECT_TRUE(Gids(tx->ScanLabelPropertyEqual(label, prop, PropertyValue(LocalTime{1}), View::kOld))
                  .empty());
  auto range = Gids(tx->ScanLabelPropertyRange(label, prop, Bound{PropertyValue(Date{2}), true},
                                               Bound{PropertyValue(Date{3}), true}, View::kOld));
  std::sort(range.begin(), range.end());
  EXPECT_EQ(range, (std::vector<Gid>{d2, d3}));
  (void)d1;
  (void)t;
  (void)s;
}

TEST(StorageValuesRangeTest, RangesCompareTimesByInstantAndSkipIncomparableKinds) {
  for (bool indexed : {false, true}) {
    SCOPED_TRACE(indexed ? "indexed" : "scan");
    Storage db{NoGcThread()};
    LabelId label = db.LabelIdFor("L");
    PropertyId prop = db.PropertyIdFor("p");
    auto Add = [&](PropertyValue value) {
      auto tx = db.Begin();
      auto v = tx->CreateVertex();
      EXPECT_TRUE(*v.AddLabel(label));
      EXPECT_TRUE(v.SetProperty(prop, value).HasValue());
      EXPECT_TRUE(tx->Commit().HasValue());
      return v.gid();
    };
    if (indexed) ASSERT_TRUE(db.CreateLabelPropertyIndex(label, prop).HasValue());
    const int64_t h = int64_t{3600} * 1000000000;
    Gid at8z = Add(PropertyValue(Time{8 * h, 0}));
    Gid at10p2 = Add(PropertyValue(Time{10 * h, 7200}));  // also 08:00Z
    Gid at9z = Add(PropertyValue(Time{9 * h, 0}));
    Add(PropertyValue(Duration{1, 0, 0, 0}));
    Add(PropertyValue(Point2d{7203, 1, 1}));
    auto tx = db.Begin();
    // <= 08:00Z holds for both 08:00Z and 10:00+02:00.
    auto le = Gids(tx->ScanLabelPropertyRange(
        label, prop, std::nullopt, Bound{PropertyValue(Time{8 * h, 0}), true}, View::kOld));
    std::sort(le.begin(), le.end());
    EXPECT_EQ(le, (std::vector<Gid>{at8z, at10p2}));
    auto gt = Gids(tx->ScanLabelPropertyRange(
        label, prop, Bound{PropertyValue(Time{10 * h, 7200}), false}, std::nullopt, View::kOld));
    EXPECT_EQ(gt, std::vector<Gid>{at9z});
    EXPECT_TRUE(Gids(tx->ScanLabelPropertyRange(label, prop, Bound{PropertyValue(Duration{}), true},
                                                std::nullopt, View::kOld))
                    .empty());
    EXPECT_TRUE(Gids(tx->ScanLabelPropertyRange(label, prop, std::nullopt,
                                                Bound{PropertyValue(Point2d{7203, 5, 5}), true},
                                                View::kOld))
                    .empty());
  }
}

}  // namespace
}  // namespace tributary::storage
