// Vertex and edge operations, views, command ids and aborts.

#include <gtest/gtest.h>

#include "storage/storage.hpp"
#include "test_util.hpp"

namespace tributary::storage {
namespace {

using testing::Gids;
using testing::In;
using testing::NoGcThread;
using testing::Out;

class StorageBasicTest : public ::testing::Test {
 protected:
  Storage db{NoGcThread()};
  LabelId person = db.LabelIdFor("Person");
  LabelId city = db.LabelIdFor("City");
  PropertyId name = db.PropertyIdFor("name");
  PropertyId age = db.PropertyIdFor("age");
  EdgeTypeId knows = db.EdgeTypeIdFor("KNOWS");
  EdgeTypeId lives = db.EdgeTypeIdFor("LIVES_IN");
};

TEST_F(StorageBasicTest, NamesAreInterned) {
  EXPECT_EQ(db.LabelIdFor("Person"), person);
  EXPECT_EQ(db.FindLabel("Person"), person);
  EXPECT_FALSE(db.FindLabel("Nope").has_value());
  EXPECT_EQ(db.LabelName(city), "City");
  EXPECT_EQ(db.PropertyName(age), "age");
  EXPECT_EQ(db.EdgeTypeName(lives), "LIVES_IN");
  EXPECT_EQ(db.FindEdgeType("KNOWS"), knows);
  EXPECT_EQ(db.FindProperty("name"), name);
  EXPECT_NE(db.PropertyIdFor("other"), name);
}

TEST_F(StorageBasicTest, CreateVertexAndCommitIsVisibleLater) {
  Gid gid;
  {
    auto tx = db.Begin();
    auto v = tx->CreateVertex();
    gid = v.gid();
    ASSERT_TRUE(*v.AddLabel(person));
    EXPECT_FALSE(*v.AddLabel(person));
    ASSERT_TRUE(v.SetProperty(name, PropertyValue("Ann")).HasValue());
    EXPECT_TRUE(v.IsVisible(View::kNew));
    EXPECT_FALSE(v.IsVisible(View::kOld));
    ASSERT_TRUE(tx->Commit().HasValue());
  }
  auto tx = db.Begin();
  auto v = tx->FindVertex(gid, View::kOld);
  ASSERT_TRUE(v.has_value());
  EXPECT_TRUE(*v->HasLabel(person, View::kOld));
  EXPECT_FALSE(*v->HasLabel(city, View::kOld));
  EXPECT_EQ(*v->GetProperty(name, View::kOld), PropertyValue("Ann"));
  EXPECT_TRUE(v->GetProperty(age, View::kOld)->IsNull());
  EXPECT_EQ(*v->Labels(View::kOld), std::vector<LabelId>{person});
  EXPECT_EQ(db.ApproxVertexCount(), 1u);
  EXPECT_EQ(db.ApproxLabelCount(person), 1u);
}

TEST_F(StorageBasicTest, GidsAreDenseStableAndNeverReused) {
  std::vector<Gid> gids;
  {
    auto tx = db.Begin();
    for (int i = 0; i < 3; ++i) gids.push_back(tx->CreateVertex().gid());
    tx->Abort();
  }
  auto tx = db.Begin();
  Gid next = tx->CreateVertex().gid();
  EXPECT_EQ(gids, (std::vector<Gid>{0, 1, 2}));
  EXPECT_EQ(next, 3u);
  EXPECT_EQ(db.NextVertexGid(), 4u);
}

TEST_F(StorageBasicTest, UncommittedChangesAreInvisibleToOthers) {
  auto writer = db.Begin();
  auto v = writer->CreateVertex();
  auto reader = db.Begin();
  EXPECT_FALSE(reader->FindVertex(v.gid(), View::kNew).has_value());
  EXPECT_TRUE(Gids(reader->ScanVertices(View::kNew)).empty());
  ASSERT_TRUE(writer->Commit().HasValue());
  // The reader's snapshot predates the commit.
  EXPECT_FALSE(reader->FindVertex(v.gid(), View::kNew).has_value());
  auto later = db.Begin();
  EXPECT_TRUE(later->FindVertex(v.gid(), View::kOld).has_value());
}

TEST_F(StorageBasicTest, ViewOldAndNewFollowCommands) {
  auto tx = db.Begin();
  auto v = tx->CreateVertex();
  ASSERT_TRUE(v.SetProperty(age, PropertyValue(1)).HasValue());
  EXPECT_FALSE(v.IsVisible(View::kOld));
  EXPECT_EQ(v.GetProperty(age, View::kOld).Error().code, ErrorCode::kNonexistentObject);
  tx->AdvanceCommand();
  EXPECT_TRUE(v.IsVisible(View::kOld));
  EXPECT_EQ(*v.GetProperty(age, View::kOld), PropertyValue(1));
  ASSERT_TRUE(v.SetProperty(age, PropertyValue(2)).HasValue());
  ASSERT_TRUE(*v.AddLabel(city));
  EXPECT_EQ(*v.GetProperty(age, View::kOld), PropertyValue(1));
  EXPECT_EQ(*v.GetProperty(age, View::kNew), PropertyValue(2));
  EXPECT_FALSE(*v.HasLabel(city, View::kOld));
  EXPECT_TRUE(*v.HasLabel(city, View::kNew));
  tx->AdvanceCommand();
  EXPECT_EQ(*v.GetProperty(age, View::kOld), PropertyValue(2));
  EXPECT_TRUE(*v.HasLabel(city, View::kOld));
}

TEST_F(StorageBasicTest, PropertiesOfEveryKindRoundTrip) {
  std::vector<PropertyValue> values = {
      PropertyValue(true),
      PropertyValue(false),
      PropertyValue(0),
      PropertyValue(-1),
      PropertyValue(int64_t{1} << 62),
      PropertyValue(std::numeric_limits<int64_t>::min()),
      PropertyValue(3.25),
      PropertyValue(std::string(100, 'x')),
      PropertyValue(""),
      PropertyValue(PropertyValue::List{1, "a", PropertyValue::List{2.5}, PropertyValue()}),
      PropertyValue(PropertyValue::Map{{"k", 1}, {"m", PropertyValue::Map{{"z", "q"}}}})};
  auto tx = db.Begin();
  auto v = tx->CreateVertex();
  for (size_t i = 0; i < values.size(); ++i) {
    ASSERT_TRUE(v.SetProperty(static_cast<PropertyId>(100 + i), values[i]).HasValue());
  }
  ASSERT_TRUE(tx->Commit().HasValue());
  auto rx = db.Begin();
  auto found = rx->FindVertex(v.gid(), View::kOld);
  auto props = *found->Properties(View::kOld);
  ASSERT_EQ(props.size(), values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(props[i].first, 100 + i);
    EXPECT_EQ(props[i].second, values[i]) << i;
    EXPECT_EQ(*found->GetProperty(static_cast<PropertyId>(100 + i), View::kOld), values[i]);
  }
}

TEST_F(StorageBasicTest, SetPropertyReturnsOldAndNullRemoves) {
  auto tx = db.Begin();
  auto v = tx->CreateVertex();
  EXPECT_TRUE(v.SetProperty(age, PropertyValue(5))->IsNull());
  EXPECT_EQ(*v.SetProperty(age, PropertyValue(6)), PropertyValue(5));
  EXPECT_EQ(*v.SetProperty(age, PropertyValue()), PropertyValue(6));
  EXPECT_TRUE(v.Properties(View::kNew)->empty());
  ASSERT_TRUE(v.SetProperty(age, PropertyValue(1)).HasValue());
  ASSERT_TRUE(v.SetProperty(name, PropertyValue("n")).HasValue());
  EXPECT_EQ(*v.ClearProperties(), 2u);
  EXPECT_TRUE(v.Properties(View::kNew)->empty());
}

TEST_F(StorageBasicTest, ManyLabelsAndProperties) {
  auto tx = db.Begin();
  auto v = tx->CreateVertex();
  for (LabelId l = 10; l > 0; --l) ASSERT_TRUE(*v.AddLabel(l * 3));
  for (PropertyId p = 0; p < 50; ++p)
    ASSERT_TRUE(v.SetProperty(p, PropertyValue(int64_t{p} * 1000)).HasValue());
  ASSERT_TRUE(*v.RemoveLabel(15));
  EXPECT_FALSE(*v.RemoveLabel(15));
  auto labels = *v.Labels(View::kNew);
  EXPECT_EQ(labels, (std::vector<LabelId>{3, 6, 9, 12, 18, 21, 24, 27, 30}));
  for (PropertyId p = 0; p < 50; ++p)
    EXPECT_EQ(*v.GetProperty(p, View::kNew), PropertyValue(int64_t{p} * 1000));
  ASSERT_TRUE(tx->Commit().HasValue());
}

TEST_F(StorageBasicTest, AbortLeavesNoTrace) {
  Gid a_gid;
  {
    auto tx = db.Begin();
    auto a = tx->CreateVertex();
    a_gid = a.gid();
    ASSERT_TRUE(a.SetProperty(age, PropertyValue(1)).HasValue());
    ASSERT_TRUE(*a.AddLabel(person));
    ASSERT_TRUE(tx->Commit().HasValue());
  }
  {
    auto tx = db.Begin();
    auto a = *tx->FindVertex(a_gid, View::kOld);
    ASSERT_TRUE(a.SetProperty(age, PropertyValue(2)).HasValue());
    ASSERT_TRUE(*a.RemoveLabel(person));
    ASSERT_TRUE(*a.AddLabel(city));
    auto b = tx->CreateVertex();
    ASSERT_TRUE(tx->CreateEdge(a, b, knows).HasValue());
    ASSERT_TRUE(tx->CreateEdge(b, a, lives).HasValue());
    tx->PutSystemKey("k", "v");
    tx->Abort();
    EXPECT_FALSE(tx->IsActive());
    tx->Abort();  // idempotent
  }
  auto tx = db.Begin();
  auto a = *tx->FindVertex(a_gid, View::kOld);
  EXPECT_EQ(*a.GetProperty(age, View::kOld), PropertyValue(1));
  EXPECT_EQ(*a.Labels(View::kOld), std::vector<LabelId>{person});
  EXPECT_TRUE(Out(a, View::kOld).empty());
  EXPECT_TRUE(In(a, View::kOld).empty());
  EXPECT_EQ(Gids(tx->ScanVertices(View::kOld)), std::vector<Gid>{a_gid});
  EXPECT_TRUE(db.SystemKeys("").empty());
  EXPECT_EQ(db.ApproxVertexCount(), 1u);
  EXPECT_EQ(db.ApproxEdgeCount(), 0u);
  // A destroyed uncommitted transaction aborts too.
  {
    auto t2 = db.Begin();
    ASSERT_TRUE((*t2->FindVertex(a_gid, View::kOld)).SetProperty(age, PropertyValue(9)).HasValue());
  }
  auto t3 = db.Begin();
  EXPECT_EQ(*t3->FindVertex(a_gid, View::kOld)->GetProperty(age, View::kOld), PropertyValue(1));
}

TEST_F(StorageBasicTest, EdgesInBothDirectionsFilteredByType) {
  auto tx = db.Begin();
  auto a = tx->CreateVertex();
  auto b = tx->CreateVertex();
  auto c = tx->CreateVertex();
  auto e1 = *tx->CreateEdge(a, b, knows);
  auto e2 = *tx->CreateEdge(a, c, lives);
  auto e3 = *tx->CreateEdge(c, a, knows);
  auto loop = *tx->CreateEdge(b, b, knows);
  EXPECT_EQ(e1.type(), knows);
  EXPECT_EQ(e1.From(), a);
  EXPECT_EQ(e1.To(), b);
  EXPECT_EQ(Out(a, View::kNew).size(), 2u);
  EXPECT_EQ(Out(a, View::kNew, {knows}).size(), 1u);
  EXPECT_EQ(Out(a, View::kNew, {knows})[0], e1);
  EXPECT_EQ(Out(a, View::kNew, {lives})[0], e2);
  EXPECT_EQ(Out(a, View::kNew, {knows, lives}).size(), 2u);
  EXPECT_EQ(In(a, View::kNew).size(), 1u);
  EXPECT_EQ(In(a, View::kNew)[0], e3);
  EXPECT_EQ(In(a, View::kNew, {lives}).size(), 0u);
  EXPECT_EQ(Out(b, View::kNew).size(), 1u);
  EXPECT_EQ(In(b, View::kNew).size(), 2u);
  EXPECT_EQ(*a.OutDegree(View::kNew), 2u);
  EXPECT_EQ(*b.InDegree(View::kNew), 2u);
  std::vector<EdgeAccessor> to_c;
  ASSERT_TRUE(a.OutEdges(View::kNew, {}, &to_c, &c).HasValue());
  ASSERT_EQ(to_c.size(), 1u);
  EXPECT_EQ(to_c[0], e2);
  std::vector<EdgeAccessor> from_c;
  ASSERT_TRUE(a.InEdges(View::kNew, {}, &from_c, &c).HasValue());
  ASSERT_EQ(from_c.size(), 1u);
  EXPECT_EQ(from_c[0], e3);
  EXPECT_EQ(loop.From(), loop.To());
  EXPECT_NE(e1.gid(), e2.gid());
  ASSERT_TRUE(tx->Commit().HasValue());
  EXPECT_EQ(db.ApproxEdgeCount(), 4u);
  auto rx = db.Begin();
  auto found = rx->FindEdge(e2.gid(), View::kOld);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->From().gid(), a.gid());
  EXPECT_EQ(found->To().gid(), c.gid());
  EXPECT_EQ(found->type(), lives);
  EXPECT_FALSE(rx->FindEdge(999, View::kOld).has_value());
}

// A typed expansion filters in chunks of 64 entries without branching;
// past several chunks, with types mixed at random, it must still return
// exactly the edges of the asked type in adjacency order, both ways, and
// through the version chain as well as the newest state.
TEST_F(StorageBasicTest, TypedExpansionOverManyMixedEdges) {
  EdgeTypeId works = db.EdgeTypeIdFor("WORKS_AT");
  const EdgeTypeId types[] = {knows, lives, works};
  auto tx = db.Begin();
  auto hub = tx->CreateVertex();
  std::vector<VertexAccessor> others;
  for (int i = 0; i < 20; ++i) others.push_back(tx->CreateVertex());
  std::vector<EdgeAccessor> out_all, in_all;
  uint64_t x = 12345;
  for (int i = 0; i < 300; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    EdgeTypeId t = types[(x >> 33) % 3];
    out_all.push_back(*tx->CreateEdge(hub, others[i % 20], t));
    in_all.push_back(*tx->CreateEdge(others[(i * 7) % 20], hub, t));
  }
  ASSERT_TRUE(tx->Commit().HasValue());
  auto check = [&](const VertexAccessor& v, View view) {
    for (EdgeTypeId t : types) {
      std::vector<EdgeAccessor> want_out, want_in;
      for (const auto& e : Out(v, view)) {
        if (e.type() == t) want_out.push_back(e);
      }
      for (const auto& e : In(v, view)) {
        if (e.type() == t) want_in.push_back(e);
      }
      EXPECT_GT(want_out.size(), 64u);
      EXPECT_EQ(Out(v, view, {t}), want_out);
      EXPECT_EQ(In(v, view, {t}), want_in);
    }
  };
  auto rx = db.Begin();
  auto hub_old = *rx->FindVertex(hub.gid(), View::kOld);
  EXPECT_EQ(Out(hub_old, View::kOld), out_all);  // insertion order
  EXPECT_EQ(In(hub_old, View::kOld), in_all);
  check(hub_old, View::kOld);
  // A concurrent writer adds an edge: the reader's expansion now goes
  // through the undo chain and must not see it.
  auto wx = db.Begin();
  auto hub_new = *wx->FindVertex(hub.gid(), View::kNew);
  auto other = *wx->FindVertex(others[0].gid(), View::kNew);
  ASSERT_TRUE(wx->CreateEdge(hub_new, other, knows).HasValue());
  EXPECT_EQ(Out(hub_old, View::kOld).size(), 300u);
  check(hub_old, View::kOld);
  EXPECT_EQ(Out(hub_new, View::kNew).size(), 301u);
  check(hub_new, View::kNew);
  wx->Abort();
}

TEST_F(StorageBasicTest, OutDegreeOfInvisibleVertexFails) {
  auto tx = db.Begin();
  auto a = tx->CreateVertex();
  EXPECT_EQ(a.OutDegree(View::kOld).Error().code, ErrorCode::kNonexistentObject);
  std::vector<EdgeAccessor> out;
  EXPECT_FALSE(a.OutEdges(View::kOld, {}, &out).HasValue());
}

TEST_F(StorageBasicTest, EdgePropertiesAndPromotion) {
  Gid eg;
  {
    auto tx = db.Begin();
    auto a = tx->CreateVertex();
    auto b = tx->CreateVertex();
    auto e = *tx->CreateEdge(a, b, knows);
    eg = e.gid();
    EXPECT_TRUE(e.GetProperty(age, View::kNew)->IsNull());
    EXPECT_TRUE(e.Properties(View::kNew)->empty());
    auto copy = e;  // a copy made before the edge gets properties
    EXPECT_TRUE(e.SetProperty(age, PropertyValue(7))->IsNull());
    EXPECT_EQ(e.gid(), eg);
    EXPECT_EQ(*copy.GetProperty(age, View::kNew), PropertyValue(7));
    EXPECT_EQ(copy, e);
    EXPECT_EQ(Out(a, View::kNew)[0].gid(), eg);
    EXPECT_EQ(*Out(a, View::kNew)[0].GetProperty(age, View::kNew), PropertyValue(7));
    EXPECT_EQ(*In(b, View::kNew)[0].GetProperty(age, View::kNew), PropertyValue(7));
    ASSERT_TRUE(tx->Commit().HasValue());
  }
  {
    auto tx = db.Begin();
    auto e = *tx->FindEdge(eg, View::kOld);
    EXPECT_EQ(*e.GetProperty(age, View::kOld), PropertyValue(7));
    EXPECT_EQ(*e.SetProperty(age, PropertyValue(8)), PropertyValue(7));
    EXPECT_EQ(*e.GetProperty(age, View::kOld), PropertyValue(7));
    EXPECT_EQ(*e.GetProperty(age, View::kNew), PropertyValue(8));
    tx->Abort();
  }
  auto tx = db.Begin();
  auto e = *tx->FindEdge(eg, View::kOld);
  EXPECT_EQ(*e.GetProperty(age, View::kOld), PropertyValue(7));
  EXPECT_EQ(*e.ClearProperties(), 1u);
  EXPECT_TRUE(e.Properties(View::kNew)->empty());
}

TEST_F(StorageBasicTest, PropertiesOfEdgeSetBySomeoneElseAfterSnapshotAreHidden) {
  Gid eg;
  {
    auto tx = db.Begin();
    eg = tx->CreateEdge(tx->CreateVertex(), tx->CreateVertex(), knows)->gid();
    ASSERT_TRUE(tx->Commit().HasValue());
  }
  auto reader = db.Begin();
  auto stale = *reader->FindEdge(eg, View::kOld);
  {
    auto tx = db.Begin();
    ASSERT_TRUE(tx->FindEdge(eg, View::kOld)->SetProperty(age, PropertyValue(1)).HasValue());
    ASSERT_TRUE(tx->Commit().HasValue());
  }
  EXPECT_TRUE(stale.GetProperty(age, View::kOld)->IsNull());
  auto fresh = db.Begin();
  EXPECT_EQ(*fresh->FindEdge(eg, View::kOld)->GetProperty(age, View::kOld), PropertyValue(1));
}

TEST_F(StorageBasicTest, EdgeIdentityIsStableAcrossPromotion) {
  Gid eg;
  {
    auto tx = db.Begin();
    eg = tx->CreateEdge(tx->CreateVertex(), tx->CreateVertex(), knows)->gid();
    ASSERT_TRUE(tx->Commit().HasValue());
  }
  auto reader = db.Begin();
  auto before = *reader->FindEdge(eg, View::kOld);
  {
    auto tx = db.Begin();  // a concurrent transaction gives the edge an object
    ASSERT_TRUE(tx->FindEdge(eg, View::kOld)->SetProperty(age, PropertyValue(1)).HasValue());
    ASSERT_TRUE(tx->Commit().HasValue());
  }
  auto after = Out(before.From(), View::kOld);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].raw(), before.raw());
  EXPECT_EQ(after[0], before);
  EXPECT_EQ(In(before.To(), View::kOld)[0].raw(), before.raw());
}

TEST_F(StorageBasicTest, DeleteEdgeAndVertex) {
  Gid a_gid, b_gid, e_gid;
  {
    auto tx = db.Begin();
    auto a = tx->CreateVertex();
    auto b = tx->CreateVertex();
    a_gid = a.gid();
    b_gid = b.gid();
    e_gid = tx->CreateEdge(a, b, knows)->gid();
    ASSERT_TRUE(tx->Commit().HasValue());
  }
  auto reader = db.Begin();
  {
    auto tx = db.Begin();
    auto a = *tx->FindVertex(a_gid, View::kOld);
    EXPECT_EQ(tx->DeleteVertex(a).Error().code, ErrorCode::kVertexHasEdges);
    auto e = *tx->FindEdge(e_gid, View::kOld);
    ASSERT_TRUE(tx->DeleteEdge(e).HasValue());
    ASSERT_TRUE(tx->DeleteEdge(e).HasValue());  // already deleted by us
    EXPECT_FALSE(e.IsVisible(View::kNew));
    EXPECT_TRUE(e.IsVisible(View::kOld));
    EXPECT_EQ(e.GetProperty(age, View::kNew).Error().code, ErrorCode::kDeletedObject);
    EXPECT_TRUE(Out(a, View::kNew).empty());
    EXPECT_EQ(Out(a, View::kOld).size(), 1u);
    ASSERT_TRUE(tx->DeleteVertex(a).HasValue());
    ASSERT_TRUE(tx->DeleteVertex(a).HasValue());
    EXPECT_FALSE(a.IsVisible(View::kNew));
    EXPECT_TRUE(a.IsVisible(View::kOld));
    EXPECT_EQ(a.GetProperty(age, View::kNew).Error().code, ErrorCode::kDeletedObject);
    EXPECT_EQ(a.SetProperty(age, PropertyValue(1)).Error().code, ErrorCode::kDeletedObject);
    EXPECT_EQ(a.AddLabel(person).Error().code, ErrorCode::kDeletedObject);
    ASSERT_TRUE(tx->Commit().HasValue());
  }
  // The old snapshot still sees both.
  EXPECT_TRUE(reader->FindVertex(a_gid, View::kOld).has_value());
  EXPECT_TRUE(reader->FindEdge(e_gid, View::kOld).has_value());
  auto tx = db.Begin();
  EXPECT_FALSE(tx->FindVertex(a_gid, View::kOld).has_value());
  EXPECT_FALSE(tx->FindEdge(e_gid, View::kOld).has_value());
  EXPECT_TRUE(In(*tx->FindVertex(b_gid, View::kOld), View::kOld).empty());
  EXPECT_EQ(db.ApproxVertexCount(), 1u);
  EXPECT_EQ(db.ApproxEdgeCount(), 0u);
}

TEST_F(StorageBasicTest, DetachDeleteRemovesAllEdgesIncludingLoops) {
  Gid a_gid, b_gid;
  {
    auto tx = db.Begin();
    auto a = tx->CreateVertex();
    auto b = tx->CreateVertex();
    a_gid = a.gid();
    b_gid = b.gid();
    ASSERT_TRUE(tx->CreateEdge(a, b, knows).HasValue());
    ASSERT_TRUE(tx->CreateEdge(b, a, knows).HasValue());
    ASSERT_TRUE(tx->CreateEdge(a, a, lives).HasValue());
    auto e = *tx->CreateEdge(a, b, lives);
    ASSERT_TRUE(e.SetProperty(age, PropertyValue(3)).HasValue());
    ASSERT_TRUE(tx->Commit().HasValue());
  }
  {
    auto tx = db.Begin();
    EXPECT_EQ(*tx->DetachDeleteVertex(*tx->FindVertex(a_gid, View::kOld)), 4u);
    ASSERT_TRUE(tx->Commit().HasValue());
  }
  auto tx = db.Begin();
  EXPECT_FALSE(tx->FindVertex(a_gid, View::kOld).has_value());
  auto b = *tx->FindVertex(b_gid, View::kOld);
  EXPECT_TRUE(Out(b, View::kOld).empty());
  EXPECT_TRUE(In(b, View::kOld).empty());
  EXPECT_EQ(db.ApproxEdgeCount(), 0u);
}

TEST_F(StorageBasicTest, ScanVerticesSeesOwnChangesPerView) {
  auto tx = db.Begin();
  auto a = tx->CreateVertex();
  auto b = tx->CreateVertex();
  ASSERT_TRUE(*a.AddLabel(person));
  EXPECT_TRUE(Gids(tx->ScanVertices(View::kOld)).empty());
  EXPECT_EQ(Gids(tx->ScanVertices(View::kNew)), (std::vector<Gid>{a.gid(), b.gid()}));
  EXPECT_EQ(Gids(tx->ScanLabel(person, View::kNew)), std::vector<Gid>{a.gid()});
  EXPECT_TRUE(Gids(tx->ScanLabel(person, View::kOld)).empty());
  tx->AdvanceCommand();
  ASSERT_TRUE(tx->DeleteVertex(b).HasValue());
  EXPECT_EQ(Gids(tx->ScanVertices(View::kOld)), (std::vector<Gid>{a.gid(), b.gid()}));
  EXPECT_EQ(Gids(tx->ScanVertices(View::kNew)), std::vector<Gid>{a.gid()});
}

TEST_F(StorageBasicTest, ScansWithoutIndexes) {
  std::vector<Gid> gids;
  {
    auto tx = db.Begin();
    for (int i = 0; i < 10; ++i) {
      auto v = tx->CreateVertex();
      gids.push_back(v.gid());
      if (i % 2 == 0) ASSERT_TRUE(*v.AddLabel(person));
      ASSERT_TRUE(
          v.SetProperty(age, i < 5 ? PropertyValue(i) : PropertyValue(double(i))).HasValue());
    }
    ASSERT_TRUE(tx->Commit().HasValue());
  }
  auto tx = db.Begin();
  EXPECT_EQ(Gids(tx->ScanLabel(person, View::kOld)), (std::vector<Gid>{0, 2, 4, 6, 8}));
  EXPECT_EQ(Gids(tx->ScanLabelPropertyEqual(person, age, PropertyValue(6), View::kOld)),
            std::vector<Gid>{6});
  EXPECT_EQ(Gids(tx->ScanLabelPropertyEqual(person, age, PropertyValue(2.0), View::kOld)),
            std::vector<Gid>{2});
  EXPECT_TRUE(Gids(tx->ScanLabelPropertyEqual(person, age, PropertyValue(3), View::kOld)).empty());
  EXPECT_EQ(Gids(tx->ScanLabelPropertyRange(person, age, Bound{PropertyValue(2), true},
                                            Bound{PropertyValue(6.0), true}, View::kOld)),
            (std::vector<Gid>{2, 4, 6}));
  EXPECT_EQ(Gids(tx->ScanLabelPropertyRange(person, age, Bound{PropertyValue(2), false},
                                            std::nullopt, View::kOld)),
            (std::vector<Gid>{4, 6, 8}));
  EXPECT_TRUE(Gids(tx->ScanLabelPropertyRange(person, age, Bound{PropertyValue("a"), false},
                                              std::nullopt, View::kOld))
                  .empty());
}

TEST_F(StorageBasicTest, RecoveryApisCreateObjectsWithGivenGids) {
  {
    auto tx = db.Begin();
    auto a = tx->CreateVertexWithGid(10);
    auto b = tx->CreateVertexWithGid(5);
    auto e = tx->CreateEdgeWithGid(42, a, b, knows);
    ASSERT_TRUE(e.HasValue());
    EXPECT_EQ(e->gid(), 42u);
    EXPECT_EQ(a.gid(), 10u);
    ASSERT_TRUE(tx->Commit().HasValue());
  }
  EXPECT_EQ(db.NextVertexGid(), 11u);
  EXPECT_EQ(db.NextEdgeGid(), 43u);
  db.AdvanceGids(100, 200);
  EXPECT_EQ(db.NextVertexGid(), 100u);
  EXPECT_EQ(db.NextEdgeGid(), 200u);
  db.AdvanceGids(50, 50);  // never moves back
  EXPECT_EQ(db.NextVertexGid(), 100u);
  auto tx = db.Begin();
  EXPECT_EQ(tx->CreateVertex().gid(), 100u);
  auto a = *tx->FindVertex(10, View::kOld);
  auto b = *tx->FindVertex(5, View::kOld);
  EXPECT_EQ(tx->CreateEdge(a, b, knows)->gid(), 200u);
  EXPECT_EQ(tx->FindEdge(42, View::kOld)->To().gid(), 5u);
}

TEST_F(StorageBasicTest, SystemKeysCommitAtomicallyAndByPrefix) {
  {
    auto tx = db.Begin();
    tx->PutSystemKey("stream/a", "1");
    tx->PutSystemKey("stream/b", "2");
    tx->PutSystemKey("other", "3");
    EXPECT_TRUE(db.SystemKeys("").empty());
    ASSERT_TRUE(tx->Commit().HasValue());
  }
  using KV = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(db.SystemKeys("stream/"), (KV{{"stream/a", "1"}, {"stream/b", "2"}}));
  {
    auto tx = db.Begin();
    tx->DeleteSystemKey("stream/a");
    tx->PutSystemKey("stream/b", "22");
    ASSERT_TRUE(tx->Commit().HasValue());
  }
  EXPECT_EQ(db.SystemKeys("stream/"), (KV{{"stream/b", "22"}}));
  EXPECT_EQ(db.SystemKeys("").size(), 2u);
}

}  // namespace
}  // namespace tributary::storage
