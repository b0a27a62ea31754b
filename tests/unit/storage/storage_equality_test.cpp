// The equality side of label+property indexes (ADR 011): the hash table,
// string keys compared through their inline prefix, and point lookups that
// must agree with a scan without an index, across MVCC views and GC.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "storage/equality_table.hpp"
#include "storage/index_key.hpp"
#include "storage/storage.hpp"
#include "test_util.hpp"

namespace tributary::storage {
namespace {

using testing::Gids;
using testing::NoGcThread;

// Random adds and removes against a model; few tags so that home slots
// collide, probe runs wrap around the table end and backward-shift
// deletion has work to do; several vertices per tag exercise the groups.
TEST(EqualityTableTest, MatchesAModelUnderRandomAddsAndRemoves) {
  std::mt19937 rng(5);
  EqualityTable table;
  std::map<std::pair<uint32_t, uintptr_t>, int> model;
  std::vector<std::pair<uint32_t, uintptr_t>> present;
  for (int step = 0; step < 200'000; ++step) {
    bool add = present.empty() || rng() % 100 < 55;
    if (add) {
      uint32_t tag = rng() % 3000;
      uintptr_t v = 8 * (1 + rng() % 5);
      table.Add(tag, reinterpret_cast<Vertex*>(v));
      if (model[{tag, v}]++ == 0) present.emplace_back(tag, v);
    } else {
      size_t i = rng() % present.size();
      auto key = present[i];
      table.Remove(key.first, reinterpret_cast<Vertex*>(key.second));
      if (--model[key] == 0) {
        model.erase(key);
        present[i] = present.back();
        present.pop_back();
      }
    }
    if (step % 997 == 0) {
      for (uint32_t tag = 0; tag < 3000; ++tag) {
        std::set<uintptr_t> got;
        table.ForEach(tag, [&](Vertex* v) {
          EXPECT_TRUE(got.insert(reinterpret_cast<uintptr_t>(v)).second) << "duplicate";
          return true;
        });
        std::set<uintptr_t> want;
        for (auto it = model.lower_bound({tag, 0}); it != model.end() && it->first.first == tag;
             ++it) {
          want.insert(it->first.second);
        }
        ASSERT_EQ(got, want) << "tag " << tag << " step " << step;
      }
    }
  }
}

TEST(IndexKeyTest, StringsOrderAsBytesThroughTheInlinePrefix) {
  std::vector<std::string> strings = {"",        "a",        "ab",        std::string("ab\0", 3),
                                      "abcdefg", "abcdefgh", "abcdefgha", "abcdefgz",
                                      "abcdefh", "\x7f",     "\x80",      "\xff\xff",
                                      "node-1",  "node-10",  "node-2",    "node-100000"};
  for (const auto& a : strings) {
    for (const auto& b : strings) {
      int want = a < b ? -1 : (b < a ? 1 : 0);
      EXPECT_EQ(IndexKey(PropertyValue(a)).Compare(IndexKey(PropertyValue(b))), want)
          << ToCypherLiteral(PropertyValue(a)) << " vs " << ToCypherLiteral(PropertyValue(b));
      EXPECT_EQ(CompareOrder(PropertyValue(a), PropertyValue(b)), want);
    }
  }
  // Copies and moves keep the prefix and the string.
  IndexKey k(PropertyValue("abcdefgh"));
  IndexKey copy(k);
  IndexKey moved(std::move(copy));
  EXPECT_EQ(moved.Compare(k), 0);
  EXPECT_TRUE(moved.Matches(PropertyValue("abcdefgh")));
}

TEST(IndexKeyTest, CypherEqualValuesHashAlike) {
  EXPECT_EQ(EqualityHash(PropertyValue(1)), EqualityHash(PropertyValue(1.0)));
  EXPECT_EQ(EqualityHash(PropertyValue(0)), EqualityHash(PropertyValue(-0.0)));
  EXPECT_EQ(EqualityHash(PropertyValue(int64_t{1} << 60)),
            EqualityHash(PropertyValue(std::ldexp(1.0, 60))));
  EXPECT_EQ(IndexKey(PropertyValue(2.0)).EqualityHash(), EqualityHash(PropertyValue(2)));
  EXPECT_EQ(IndexKey(PropertyValue("x")).EqualityHash(), EqualityHash(PropertyValue("x")));
}

class StorageEqualityTest : public ::testing::Test {
 protected:
  Gid Add(PropertyValue value) {
    auto tx = db.Begin();
    auto v = tx->CreateVertex();
    EXPECT_TRUE(*v.AddLabel(label));
    EXPECT_TRUE(v.SetProperty(prop, value).HasValue());
    EXPECT_TRUE(tx->Commit().HasValue());
    return v.gid();
  }
  void Set(Gid gid, PropertyValue value) {
    auto tx = db.Begin();
    ASSERT_TRUE(tx->FindVertex(gid, View::kOld)->SetProperty(prop, value).HasValue());
    ASSERT_TRUE(tx->Commit().HasValue());
  }
  std::vector<Gid> Equal(Transaction* tx, const PropertyValue& value, View view = View::kOld) {
    return Gids(tx->ScanLabelPropertyEqual(label, prop, value, view));
  }
  std::vector<Gid> Equal(const PropertyValue& value) {
    auto tx = db.Begin();
    return Equal(tx.get(), value);
  }

  Storage db{NoGcThread()};
  LabelId label = db.LabelIdFor("L");
  PropertyId prop = db.PropertyIdFor("p");
};

// Every lookup through the index (hash probe, and the ordered fallback for
// values held by more than four vertices) equals a scan without one.
TEST_F(StorageEqualityTest, LookupsAgreeWithAScanWithoutIndex) {
  const double two53 = std::ldexp(1.0, 53);
  std::vector<PropertyValue> values = {0,
                                       -0.0,
                                       0.0,
                                       1,
                                       1.0,
                                       -7,
                                       2.5,
                                       int64_t{1} << 53,
                                       two53,
                                       (int64_t{1} << 53) + 1,
                                       int64_t{1} << 60,
                                       std::ldexp(1.0, 60),
                                       std::numeric_limits<int64_t>::max(),
                                       1e300,
                                       true,
                                       false,
                                       "",
                                       "abcdefg",
                                       "abcdefgh",
                                       "abcdefgi",
                                       std::string("ab\0", 3),
                                       "ab"};
  for (size_t i = 0; i < values.size(); ++i) {
    for (size_t k = 0; k <= i % 7; ++k) Add(values[i]);  // 1..7 holders
  }
  std::vector<PropertyValue> probes = values;
  probes.emplace_back(3);
  probes.emplace_back("abcdefgj");
  probes.emplace_back(two53 + 2);
  std::vector<std::vector<Gid>> without;
  for (const auto& v : probes) without.push_back(Equal(v));
  ASSERT_TRUE(db.CreateLabelPropertyIndex(label, prop).HasValue());
  for (size_t i = 0; i < probes.size(); ++i) {
    EXPECT_EQ(Equal(probes[i]), without[i]) << ToCypherLiteral(probes[i]);
  }
  EXPECT_EQ(Equal(PropertyValue(1)).size(), Equal(PropertyValue(1.0)).size());
  EXPECT_FALSE(Equal(PropertyValue(1)).empty());
}

// Snapshots see the value of their own view; an uncommitted change is
// invisible to others and visible to its writer in View::kNew only.
TEST_F(StorageEqualityTest, LookupsFollowSnapshotsAndViews) {
  ASSERT_TRUE(db.CreateUniqueConstraint(label, prop).HasValue());
  Gid a = Add(PropertyValue("alpha"));
  auto old_reader = db.Begin();
  Set(a, PropertyValue("beta"));
  EXPECT_EQ(Equal(old_reader.get(), PropertyValue("alpha")), std::vector<Gid>{a});
  EXPECT_TRUE(Equal(old_reader.get(), PropertyValue("beta")).empty());
  EXPECT_TRUE(Equal(PropertyValue("alpha")).empty());
  EXPECT_EQ(Equal(PropertyValue("beta")), std::vector<Gid>{a});

  auto writer = db.Begin();
  ASSERT_TRUE(writer->FindVertex(a, View::kOld)->SetProperty(prop, PropertyValue(5)).HasValue());
  EXPECT_TRUE(Equal(writer.get(), PropertyValue(5.0), View::kOld).empty());
  EXPECT_EQ(Equal(writer.get(), PropertyValue(5.0), View::kNew), std::vector<Gid>{a});
  EXPECT_TRUE(Equal(PropertyValue(5)).empty());
  EXPECT_EQ(Equal(PropertyValue("beta")), std::vector<Gid>{a});
  writer->Abort();
  EXPECT_TRUE(Equal(PropertyValue(5)).empty());
  EXPECT_EQ(Equal(PropertyValue("beta")), std::vector<Gid>{a});
}

// Values moving between 1, 1.0 and 2 leave entries of both forms of one
// equality class for the same vertex: it must be found once, and GC must
// drop the table's share of exactly the entries it removes.
TEST_F(StorageEqualityTest, EqualFormsAndGcKeepLookupsExact) {
  ASSERT_TRUE(db.CreateLabelPropertyIndex(label, prop).HasValue());
  Gid a = Add(PropertyValue(1));
  Gid b = Add(PropertyValue(2));
  auto pinned = db.Begin();  // keeps every version alive until released
  const PropertyValue cycle[] = {PropertyValue(1.0), PropertyValue(2), PropertyValue(1)};
  for (int round = 0; round < 5; ++round) {
    for (const auto& v : cycle) Set(a, v);
  }
  EXPECT_EQ(Equal(PropertyValue(1)), std::vector<Gid>{a});
  EXPECT_EQ(Equal(PropertyValue(1.0)), std::vector<Gid>{a});
  EXPECT_EQ(Equal(PropertyValue(2)), std::vector<Gid>{b});
  EXPECT_EQ(Equal(pinned.get(), PropertyValue(1.0)), std::vector<Gid>{a});
  db.CollectGarbage();
  EXPECT_EQ(Equal(PropertyValue(1.0)), std::vector<Gid>{a});
  pinned.reset();
  db.CollectGarbage();
  EXPECT_EQ(db.ListIndexes()[0].entries, 2u);
  EXPECT_EQ(Equal(PropertyValue(1.0)), std::vector<Gid>{a});
  EXPECT_EQ(Equal(PropertyValue(2)), std::vector<Gid>{b});
  Set(a, PropertyValue(2.0));
  db.CollectGarbage();
  EXPECT_TRUE(Equal(PropertyValue(1)).empty());
  EXPECT_EQ(Equal(PropertyValue(2)), (std::vector<Gid>{a, b}));
}

}  // namespace
}  // namespace tributary::storage
