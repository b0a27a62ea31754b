// Label and label+property indexes, unique constraints.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "storage/storage.hpp"
#include "storage/storage_impl.hpp"
#include "test_util.hpp"

namespace tributary::storage {
namespace {

using testing::Gids;
using testing::NoGcThread;

class StorageIndexTest : public ::testing::Test {
 protected:
  Gid Add(std::optional<LabelId> label, PropertyValue value) {
    auto tx = db.Begin();
    auto v = tx->CreateVertex();
    if (label) EXPECT_TRUE(*v.AddLabel(*label));
    if (!value.IsNull()) EXPECT_TRUE(v.SetProperty(prop, value).HasValue());
    EXPECT_TRUE(tx->Commit().HasValue());
    return v.gid();
  }
  std::vector<Gid> Equal(PropertyValue value) {
    auto tx = db.Begin();
    return Gids(tx->ScanLabelPropertyEqual(label, prop, value, View::kOld));
  }
  std::vector<Gid> Range(std::optional<Bound> lo, std::optional<Bound> hi) {
    auto tx = db.Begin();
    return Gids(tx->ScanLabelPropertyRange(label, prop, lo, hi, View::kOld));
  }

  Storage db{NoGcThread()};
  LabelId label = db.LabelIdFor("L");
  LabelId other = db.LabelIdFor("M");
  PropertyId prop = db.PropertyIdFor("p");
};

TEST_F(StorageIndexTest, CreateListAndDropIndexes) {
  Add(label, PropertyValue(1));
  ASSERT_TRUE(db.CreateLabelIndex(label).HasValue());
  EXPECT_EQ(db.CreateLabelIndex(label).Error().code, ErrorCode::kIndexExists);
  ASSERT_TRUE(db.CreateLabelPropertyIndex(label, prop).HasValue());
  EXPECT_EQ(db.CreateLabelPropertyIndex(label, prop).Error().code, ErrorCode::kIndexExists);
  EXPECT_TRUE(db.HasLabelIndex(label));
  EXPECT_TRUE(db.HasLabelPropertyIndex(label, prop));
  EXPECT_FALSE(db.HasLabelIndex(other));
  auto list = db.ListIndexes();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].label, label);
  EXPECT_FALSE(list[0].property.has_value());
  EXPECT_EQ(list[0].entries, 1u);
  EXPECT_EQ(list[1].property, prop);
  ASSERT_TRUE(db.DropLabelIndex(label).HasValue());
  EXPECT_EQ(db.DropLabelIndex(label).Error().code, ErrorCode::kIndexMissing);
  ASSERT_TRUE(db.DropLabelPropertyIndex(label, prop).HasValue());
  EXPECT_EQ(db.DropLabelPropertyIndex(label, prop).Error().code, ErrorCode::kIndexMissing);
  EXPECT_TRUE(db.ListIndexes().empty());
}

TEST_F(StorageIndexTest, LabelIndexFollowsUpdatesDeletesAndAborts) {
  ASSERT_TRUE(db.CreateLabelIndex(label).HasValue());
  Gid a = Add(label, PropertyValue());
  Gid b = Add(label, PropertyValue());
  Gid c = Add(other, PropertyValue());
  auto before = db.Begin();
  {
    auto tx = db.Begin();
    ASSERT_TRUE(*tx->FindVertex(a, View::kOld)->RemoveLabel(label));
    ASSERT_TRUE(*tx->FindVertex(c, View::kOld)->AddLabel(label));
    EXPECT_EQ(Gids(tx->ScanLabel(label, View::kNew)), (std::vector<Gid>{b, c}));
    EXPECT_EQ(Gids(tx->ScanLabel(label, View::kOld)), (std::vector<Gid>{a, b}));
    ASSERT_TRUE(tx->Commit().HasValue());
  }
  {
    auto tx = db.Begin();
    ASSERT_TRUE(tx->DeleteVertex(*tx->FindVertex(b, View::kOld)).HasValue());
    auto d = tx->CreateVertex();
    ASSERT_TRUE(*d.AddLabel(label));
    tx->Abort();
  }
  EXPECT_EQ(Gids(before->ScanLabel(label, View::kOld)), (std::vector<Gid>{a, b}));
  auto tx = db.Begin();
  EXPECT_EQ(Gids(tx->ScanLabel(label, View::kOld)), (std::vector<Gid>{b, c}));
  before.reset();
  tx.reset();
  db.CollectGarbage();
  EXPECT_EQ(db.ListIndexes()[0].entries, 2u);  // a's stale entry and the aborted d's are gone
}

TEST_F(StorageIndexTest, IndexCreatedOverExistingDataAndOldVersions) {
  Gid a = Add(label, PropertyValue(1));
  auto reader = db.Begin();  // sees p = 1
  {
    auto tx = db.Begin();
    ASSERT_TRUE(tx->FindVertex(a, View::kOld)->SetProperty(prop, PropertyValue(2)).HasValue());
    ASSERT_TRUE(tx->Commit().HasValue());
  }
  ASSERT_TRUE(db.CreateLabelPropertyIndex(label, prop).HasValue());
  ASSERT_TRUE(db.CreateLabelIndex(label).HasValue());
  EXPECT_EQ(Gids(reader->ScanLabelPropertyEqual(label, prop, PropertyValue(1), View::kOld)),
            std::vector<Gid>{a});
  EXPECT_TRUE(
      Gids(reader->ScanLabelPropertyEqual(label, prop, PropertyValue(2), View::kOld)).empty());
  EXPECT_EQ(Gids(reader->ScanLabel(label, View::kOld)), std::vector<Gid>{a});
  EXPECT_EQ(Equal(PropertyValue(2)), std::vector<Gid>{a});
  EXPECT_TRUE(Equal(PropertyValue(1)).empty());
}

TEST_F(StorageIndexTest, EqualityUsesCypherEquality) {
  ASSERT_TRUE(db.CreateLabelPropertyIndex(label, prop).HasValue());
  Gid i1 = Add(label, PropertyValue(1));
  Gid d1 = Add(label, PropertyValue(1.0));
  Gid d15 = Add(label, PropertyValue(1.5));
  Gid s1 = Add(label, PropertyValue("1"));
  Gid l1 = Add(label, PropertyValue(PropertyValue::List{1, 2}));
  Gid l2 = Add(label, PropertyValue(PropertyValue::List{1.0, 2.0}));
  Gid nan = Add(label, PropertyValue(std::nan("")));
  Add(other, PropertyValue(1));
  Add(std::nullopt, PropertyValue(1));
  EXPECT_EQ(Equal(PropertyValue(1)), (std::vector<Gid>{i1, d1}));
  EXPECT_EQ(Equal(PropertyValue(1.0)), (std::vector<Gid>{i1, d1}));
  EXPECT_EQ(Equal(PropertyValue(1.5)), std::vector<Gid>{d15});
  EXPECT_EQ(Equal(PropertyValue("1")), std::vector<Gid>{s1});
  EXPECT_EQ(Equal(PropertyValue(PropertyValue::List{1, 2.0})), (std::vector<Gid>{l1, l2}));
  EXPECT_TRUE(Equal(PropertyValue(std::nan(""))).empty());
  EXPECT_TRUE(Equal(PropertyValue()).empty());
  EXPECT_TRUE(Equal(PropertyValue(true)).empty());
  (void)nan;
}

TEST_F(StorageIndexTest, EqualityWithAndWithoutIndexAgree) {
  std::vector<PropertyValue> values = {1,
                                       2,
                                       2.0,
                                       -1,
                                       3.5,
                                       "a",
                                       "b",
                                       true,
                                       false,
                                       PropertyValue::List{1},
                                       PropertyValue::Map{{"k", 1}}};
  for (int round = 0; round < 2; ++round) {
    for (const auto& v : values) Add(label, v);
  }
  std::vector<std::vector<Gid>> without;
  for (const auto& v : values) without.push_back(Equal(v));
  ASSERT_TRUE(db.CreateLabelPropertyIndex(label, prop).HasValue());
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(Equal(values[i]), without[i]) << ToCypherLiteral(values[i]);
    EXPECT_GE(without[i].size(), 2u);
  }
}

TEST_F(StorageIndexTest, RangesStayWithinTheBoundKind) {
  Gid i1 = Add(label, PropertyValue(1));
  Gid d2 = Add(label, PropertyValue(2.0));
  Gid i2 = Add(label, PropertyValue(2));
  Gid i3 = Add(label, PropertyValue(3));
  Gid dinf = Add(label, PropertyValue(std::numeric_limits<double>::infinity()));
  Gid nan = Add(label, PropertyValue(std::nan("")));
  Gid sa = Add(label, PropertyValue("a"));
  Gid sb = Add(label, PropertyValue("b"));
  Gid t = Add(label, PropertyValue(true));
  Gid l = Add(label, PropertyValue(PropertyValue::List{1}));
  (void)nan;
  for (int indexed = 0; indexed < 2; ++indexed) {
    SCOPED_TRACE(indexed);
    if (indexed) ASSERT_TRUE(db.CreateLabelPropertyIndex(label, prop).HasValue());
    EXPECT_EQ(Range(Bound{PropertyValue(2), true}, Bound{PropertyValue(2.0), true}),
              (std::vector<Gid>{d2, i2}));
    EXPECT_EQ(Range(Bound{PropertyValue(1), false}, Bound{PropertyValue(3), false}),
              (std::vector<Gid>{d2, i2}));
    EXPECT_EQ(Range(Bound{PropertyValue(1.5), true}, std::nullopt),
              (std::vector<Gid>{d2, i2, i3, dinf}));
    EXPECT_EQ(Range(std::nullopt, Bound{PropertyValue(2), false}), std::vector<Gid>{i1});
    EXPECT_EQ(Range(std::nullopt, Bound{PropertyValue(2.0), true}), (std::vector<Gid>{i1, d2, i2}));
    EXPECT_EQ(Range(Bound{PropertyValue("a"), true}, std::nullopt), (std::vector<Gid>{sa, sb}));
    EXPECT_EQ(Range(Bound{PropertyValue("a"), false}, Bound{PropertyValue("z"), true}),
              std::vector<Gid>{sb});
    EXPECT_EQ(Range(Bound{PropertyValue(false), false}, std::nullopt), std::vector<Gid>{t});
    EXPECT_EQ(Range(Bound{PropertyValue(PropertyValue::List{}), true}, std::nullopt),
              std::vector<Gid>{l});
    EXPECT_TRUE(Range(Bound{PropertyValue(1), true}, Bound{PropertyValue("z"), true}).empty());
    EXPECT_TRUE(Range(Bound{PropertyValue(), true}, std::nullopt).empty());
    EXPECT_TRUE(Range(Bound{PropertyValue(std::nan("")), true}, std::nullopt).empty());
  }
}

TEST_F(StorageIndexTest, PropertyIndexFollowsUpdatesDeletesAndAborts) {
  ASSERT_TRUE(db.CreateLabelPropertyIndex(label, prop).HasValue());
  Gid a = Add(label, PropertyValue(1));
  Gid b = Add(std::nullopt, PropertyValue(1));
  {
    auto tx = db.Begin();
    ASSERT_TRUE(tx->FindVertex(a, View::kOld)->SetProperty(prop, PropertyValue(5)).HasValue());
    ASSERT_TRUE(*tx->FindVertex(b, View::kOld)->AddLabel(label));
    EXPECT_EQ(Gids(tx->ScanLabelPropertyEqual(label, prop, PropertyValue(1), View::kNew)),
              std::vector<Gid>{b});
    EXPECT_EQ(Gids(tx->ScanLabelPropertyEqual(label, prop, PropertyValue(1), View::kOld)),
              std::vector<Gid>{a});
    EXPECT_EQ(Gids(tx->ScanLabelPropertyEqual(label, prop, PropertyValue(5), View::kNew)),
              std::vector<Gid>{a});
    ASSERT_TRUE(tx->Commit().HasValue());
  }
  EXPECT_EQ(Equal(PropertyValue(1)), std::vector<Gid>{b});
  EXPECT_EQ(Equal(PropertyValue(5)), std::vector<Gid>{a});
  {
    auto tx = db.Begin();
    ASSERT_TRUE(tx->FindVertex(a, View::kOld)->SetProperty(prop, PropertyValue(7)).HasValue());
    ASSERT_TRUE(tx->FindVertex(b, View::kOld)->SetProperty(prop, PropertyValue()).HasValue());
    tx->Abort();
  }
  EXPECT_EQ(Equal(PropertyValue(5)), std::vector<Gid>{a});
  EXPECT_TRUE(Equal(PropertyValue(7)).empty());
  {
    auto tx = db.Begin();
    ASSERT_TRUE(tx->DeleteVertex(*tx->FindVertex(a, View::kOld)).HasValue());
    ASSERT_TRUE(*tx->FindVertex(b, View::kOld)->RemoveLabel(label));
    ASSERT_TRUE(tx->Commit().HasValue());
  }
  EXPECT_TRUE(Equal(PropertyValue(5)).empty());
  EXPECT_TRUE(Equal(PropertyValue(1)).empty());
  db.CollectGarbage();
  EXPECT_EQ(db.ListIndexes()[0].entries, 0u);
}

TEST_F(StorageIndexTest, IndexEntriesOfOldValuesVanishAfterGc) {
  ASSERT_TRUE(db.CreateLabelPropertyIndex(label, prop).HasValue());
  Gid a = Add(label, PropertyValue(0));
  for (int i = 1; i <= 100; ++i) {
    auto tx = db.Begin();
    ASSERT_TRUE(tx->FindVertex(a, View::kOld)->SetProperty(prop, PropertyValue(i)).HasValue());
    ASSERT_TRUE(tx->Commit().HasValue());
  }
  EXPECT_EQ(db.ListIndexes()[0].entries, 101u);
  db.CollectGarbage();
  EXPECT_EQ(db.ListIndexes()[0].entries, 1u);
  EXPECT_EQ(Equal(PropertyValue(100)), std::vector<Gid>{a});
}

TEST_F(StorageIndexTest, UniqueConstraintCreationReportsViolatingPair) {
  Gid a = Add(label, PropertyValue(1));
  Add(label, PropertyValue(2));
  Gid c = Add(label, PropertyValue(1.0));
  Add(other, PropertyValue(1));
  auto r = db.CreateUniqueConstraint(label, prop);
  ASSERT_FALSE(r.HasValue());
  EXPECT_EQ(r.Error().code, ErrorCode::kConstraintViolation);
  EXPECT_NE(r.Error().message.find(":L(p)"), std::string::npos) << r.Error().message;
  EXPECT_NE(r.Error().message.find(std::to_string(a)), std::string::npos) << r.Error().message;
  EXPECT_NE(r.Error().message.find(std::to_string(c)), std::string::npos) << r.Error().message;
  EXPECT_TRUE(db.ListConstraints().empty());
  // Writes are not constrained by the failed constraint.
  Add(label, PropertyValue(2));
}

TEST_F(StorageIndexTest, UniqueConstraintRejectsViolatingCommits) {
  Gid a = Add(label, PropertyValue(1));
  Add(label, PropertyValue(2));
  ASSERT_TRUE(db.CreateUniqueConstraint(label, prop).HasValue());
  EXPECT_EQ(db.CreateUniqueConstraint(label, prop).Error().code, ErrorCode::kConstraintExists);
  ASSERT_EQ(db.ListConstraints().size(), 1u);
  {
    auto tx = db.Begin();
    auto v = tx->CreateVertex();
    ASSERT_TRUE(*v.AddLabel(label));
    ASSERT_TRUE(v.SetProperty(prop, PropertyValue(1.0)).HasValue());
    auto r = tx->Commit();
    ASSERT_FALSE(r.HasValue());
    EXPECT_EQ(r.Error().code, ErrorCode::kConstraintViolation);
    EXPECT_NE(r.Error().message.find(":L"), std::string::npos) << r.Error().message;
    EXPECT_NE(r.Error().message.find("p = 1.0"), std::string::npos) << r.Error().message;
    EXPECT_FALSE(tx->IsActive());
  }
  // Adding the label to a vertex that already has the value violates too.
  Gid b = Add(std::nullopt, PropertyValue(2));
  {
    auto tx = db.Begin();
    ASSERT_TRUE(*tx->FindVertex(b, View::kOld)->AddLabel(label));
    EXPECT_EQ(tx->Commit().Error().code, ErrorCode::kConstraintViolation);
  }
  // Two new vertices with the same value in one transaction.
  {
    auto tx = db.Begin();
    for (int i = 0; i < 2; ++i) {
      auto v = tx->CreateVertex();
      ASSERT_TRUE(*v.AddLabel(label));
      ASSERT_TRUE(v.SetProperty(prop, PropertyValue(9)).HasValue());
    }
    EXPECT_EQ(tx->Commit().Error().code, ErrorCode::kConstraintViolation);
  }
  // Swapping values inside one transaction is fine; so is reusing a value
  // whose holder is deleted in the same transaction.
  {
    auto tx = db.Begin();
    ASSERT_TRUE(tx->FindVertex(a, View::kOld)->SetProperty(prop, PropertyValue(3)).HasValue());
    auto v = tx->CreateVertex();
    ASSERT_TRUE(*v.AddLabel(label));
    ASSERT_TRUE(v.SetProperty(prop, PropertyValue(1)).HasValue());
    ASSERT_TRUE(tx->Commit().HasValue());
  }
  {
    auto tx = db.Begin();
    ASSERT_TRUE(tx->DeleteVertex(*tx->FindVertex(a, View::kOld)).HasValue());
    auto v = tx->CreateVertex();
    ASSERT_TRUE(*v.AddLabel(label));
    ASSERT_TRUE(v.SetProperty(prop, PropertyValue(3)).HasValue());
    ASSERT_TRUE(tx->Commit().HasValue());
  }
  EXPECT_EQ(Equal(PropertyValue(3)).size(), 1u);  // served by the constraint's index
  ASSERT_TRUE(db.DropUniqueConstraint(label, prop).HasValue());
  EXPECT_EQ(db.DropUniqueConstraint(label, prop).Error().code, ErrorCode::kConstraintMissing);
  Add(label, PropertyValue(3));
  EXPECT_EQ(Equal(PropertyValue(3)).size(), 2u);
}

TEST_F(StorageIndexTest, ConcurrentInsertsOfTheSameValueOnlyOneCommits) {
  ASSERT_TRUE(db.CreateUniqueConstraint(label, prop).HasValue());
  auto t1 = db.Begin();
  auto t2 = db.Begin();
  for (auto* t : {t1.get(), t2.get()}) {
    auto v = t->CreateVertex();
    ASSERT_TRUE(*v.AddLabel(label));
    ASSERT_TRUE(v.SetProperty(prop, PropertyValue("x")).HasValue());
  }
  ASSERT_TRUE(t1->Commit().HasValue());
  EXPECT_EQ(t2->Commit().Error().code, ErrorCode::kConstraintViolation);
  EXPECT_EQ(Equal(PropertyValue("x")).size(), 1u);
}

TEST_F(StorageIndexTest, OnlineIndexCreationWithConcurrentWriter) {
  Gid a = Add(label, PropertyValue(1));
  auto writer = db.Begin();
  ASSERT_TRUE(writer->FindVertex(a, View::kOld)->SetProperty(prop, PropertyValue(2)).HasValue());
  auto w2 = writer->CreateVertex();
  ASSERT_TRUE(*w2.AddLabel(label));
  ASSERT_TRUE(w2.SetProperty(prop, PropertyValue(2)).HasValue());
  ASSERT_TRUE(db.CreateLabelPropertyIndex(label, prop).HasValue());
  // The writer keeps writing after the index exists.
  auto w3 = writer->CreateVertex();
  ASSERT_TRUE(w3.SetProperty(prop, PropertyValue(2)).HasValue());
  ASSERT_TRUE(*w3.AddLabel(label));
  EXPECT_EQ(Gids(writer->ScanLabelPropertyEqual(label, prop, PropertyValue(2), View::kNew)),
            (std::vector<Gid>{a, w2.gid(), w3.gid()}));
  EXPECT_EQ(Equal(PropertyValue(1)), std::vector<Gid>{a});
  ASSERT_TRUE(writer->Commit().HasValue());
  EXPECT_EQ(Equal(PropertyValue(2)), (std::vector<Gid>{a, w2.gid(), w3.gid()}));
  EXPECT_TRUE(Equal(PropertyValue(1)).empty());
}

}  // namespace
}  // namespace tributary::storage
