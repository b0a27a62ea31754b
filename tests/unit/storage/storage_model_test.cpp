// Property-based test: random operation sequences run against the store and
// against a std::map reference model; after every commit and abort the
// store's snapshot must equal the model, also through the indexes, and a
// reader that began earlier must still see its old state.

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <set>

#include "storage/storage.hpp"
#include "storage/storage_impl.hpp"
#include "test_util.hpp"

namespace tributary::storage {
namespace {

struct VertexModel {
  std::set<LabelId> labels;
  std::map<PropertyId, PropertyValue> props;
  bool operator==(const VertexModel&) const = default;
};
struct EdgeModel {
  Gid from;
  Gid to;
  EdgeTypeId type;
  std::map<PropertyId, PropertyValue> props;
  bool operator==(const EdgeModel&) const = default;
};
struct Model {
  std::map<Gid, VertexModel> vertices;
  std::map<Gid, EdgeModel> edges;
  bool operator==(const Model&) const = default;
};

const std::vector<PropertyValue>& Palette() {
  static const std::vector<PropertyValue> values = {PropertyValue(),
                                                    PropertyValue(0),
                                                    PropertyValue(1),
                                                    PropertyValue(1.0),
                                                    PropertyValue(2),
                                                    PropertyValue(2.5),
                                                    PropertyValue("a"),
                                                    PropertyValue("b"),
                                                    PropertyValue(true),
                                                    PropertyValue(PropertyValue::List{1, 2}),
                                                    PropertyValue(PropertyValue::Map{{"k", 1}})};
  return values;
}

std::map<PropertyId, PropertyValue> ToMap(std::vector<std::pair<PropertyId, PropertyValue>> v) {
  return {v.begin(), v.end()};
}

// Reads the whole graph as `tx` sees it in `view`.
Model ReadAll(Transaction& tx, View view) {
  Model m;
  auto cursor = tx.ScanVertices(view);
  VertexAccessor v(nullptr, nullptr);
  while (cursor->Next(&v)) {
    VertexModel vm;
    auto labels = *v.Labels(view);  // a named copy: range-for does not extend the Result
    vm.labels.insert(labels.begin(), labels.end());
    vm.props = ToMap(*v.Properties(view));
    m.vertices[v.gid()] = vm;
    std::vector<EdgeAccessor> out;
    RC_ASSERT(v.OutEdges(view, {}, &out).HasValue());
    for (const auto& e : out) {
      m.edges[e.gid()] =
          EdgeModel{e.From().gid(), e.To().gid(), e.type(), ToMap(*e.Properties(view))};
    }
    std::vector<EdgeAccessor> in;
    RC_ASSERT(v.InEdges(view, {}, &in).HasValue());
    for (const auto& e : in) RC_ASSERT(e.To().gid() == v.gid());
    RC_ASSERT(*v.OutDegree(view) == out.size());
    RC_ASSERT(*v.InDegree(view) == in.size());
  }
  return m;
}

// Checks label and label+property scans against the model.
void CheckScans(Transaction& tx, View view, const Model& m) {
  for (LabelId l = 0; l < 2; ++l) {
    std::vector<Gid> expect;
    for (const auto& [g, v] : m.vertices) {
      if (v.labels.count(l)) expect.push_back(g);
    }
    RC_ASSERT(testing::Gids(tx.ScanLabel(l, view)) == expect);
  }
  for (const auto& value : Palette()) {
    std::vector<Gid> expect;
    for (const auto& [g, v] : m.vertices) {
      auto it = v.props.find(0);
      if (v.labels.count(0) && it != v.props.end() && CypherEquals(it->second, value)) {
        expect.push_back(g);
      }
    }
    RC_ASSERT(testing::Gids(tx.ScanLabelPropertyEqual(0, 0, value, view)) == expect);
  }
  std::vector<Gid> expect;
  for (const auto& [g, v] : m.vertices) {
    auto it = v.props.find(0);
    if (v.labels.count(0) && it != v.props.end() && it->second.IsNumber() &&
        it->second.AsNumber() >= 1 && it->second.AsNumber() < 2.5) {
      expect.push_back(g);
    }
  }
  RC_ASSERT(testing::Gids(tx.ScanLabelPropertyRange(0, 0, Bound{PropertyValue(1.0), true},
                                                    Bound{PropertyValue(2.5), false}, view)) ==
            expect);
}

std::string Dump(const Model& m) {
  std::string out;
  for (const auto& [g, v] : m.vertices) {
    out += "v" + std::to_string(g) + "(";
    for (LabelId l : v.labels) out += ":" + std::to_string(l);
    for (const auto& [k, p] : v.props) out += " " + std::to_string(k) + "=" + ToCypherLiteral(p);
    out += ") ";
  }
  for (const auto& [g, e] : m.edges) {
    out += "e" + std::to_string(g) + "(" + std::to_string(e.from) + "->" + std::to_string(e.to) +
           " t" + std::to_string(e.type);
    for (const auto& [k, p] : e.props) out += " " + std::to_string(k) + "=" + ToCypherLiteral(p);
    out += ") ";
  }
  return out;
}

#define RC_ASSERT_MODEL(actual, expected)                                    \
  do {                                                                       \
    auto a_ = (actual);                                                      \
    const auto& e_ = (expected);                                             \
    if (!(a_ == e_)) RC_FAIL("store: " + Dump(a_) + "\nmodel: " + Dump(e_)); \
  } while (0)

template <typename Map>
Gid Pick(const Map& m, uint32_t r) {
  auto it = m.begin();
  std::advance(it, r % m.size());
  return it->first;
}

void RunModel(const std::vector<uint32_t>& script, bool indexed) {
  Storage db(testing::NoGcThread());
  for (int i = 0; i < 2; ++i) db.LabelIdFor("L" + std::to_string(i));
  if (indexed) {
    RC_ASSERT(db.CreateLabelIndex(0).HasValue());
    RC_ASSERT(db.CreateLabelPropertyIndex(0, 0).HasValue());
  }
  Model committed;
  Model pending;
  auto tx = db.Begin();
  std::unique_ptr<Transaction> reader;
  Model reader_model;

  auto finish = [&](bool commit) {
    RC_ASSERT_MODEL(ReadAll(*tx, View::kNew), pending);
    if (commit) {
      RC_ASSERT(tx->Commit().HasValue());
      committed = pending;
    } else {
      tx->Abort();
      pending = committed;
    }
    auto check = db.Begin();
    RC_ASSERT_MODEL(ReadAll(*check, View::kOld), committed);
    CheckScans(*check, View::kOld, committed);
    if (reader) {
      RC_ASSERT_MODEL(ReadAll(*reader, View::kOld), reader_model);
      CheckScans(*reader, View::kOld, reader_model);
    }
    tx = db.Begin();
  };

  for (size_t i = 0; i + 3 < script.size(); i += 4) {
    uint32_t op = script[i] % 16, a = script[i + 1], b = script[i + 2], c = script[i + 3];
    const PropertyValue& value = Palette()[c % Palette().size()];
    switch (op) {
      case 0:
      case 1: {
        auto v = tx->CreateVertex();
        pending.vertices[v.gid()];
        break;
      }
      case 2: {
        if (pending.vertices.empty()) break;
        Gid g = Pick(pending.vertices, a);
        auto v = *tx->FindVertex(g, View::kNew);
        bool has_edges = false;
        for (const auto& [eg, e] : pending.edges) has_edges |= e.from == g || e.to == g;
        if (b % 2 == 0) {
          auto r = tx->DeleteVertex(v);
          RC_ASSERT(r.HasValue() == !has_edges);
          if (!r) break;
        } else {
          RC_ASSERT(tx->DetachDeleteVertex(v).HasValue());
          std::erase_if(pending.edges,
                        [g](const auto& kv) { return kv.second.from == g || kv.second.to == g; });
        }
        pending.vertices.erase(g);
        break;
      }
      case 3:
      case 4: {
        if (pending.vertices.empty()) break;
        Gid g = Pick(pending.vertices, a);
        LabelId l = b % 2;
        auto v = *tx->FindVertex(g, View::kNew);
        if (op == 3) {
          RC_ASSERT(*v.AddLabel(l) == pending.vertices[g].labels.insert(l).second);
        } else {
          RC_ASSERT(*v.RemoveLabel(l) == (pending.vertices[g].labels.erase(l) == 1));
        }
        break;
      }
      case 5:
      case 6: {
        if (pending.vertices.empty()) break;
        Gid g = Pick(pending.vertices, a);
        PropertyId p = b % 2;
        auto v = *tx->FindVertex(g, View::kNew);
        auto old = v.SetProperty(p, value);
        RC_ASSERT(old.HasValue());
        auto& props = pending.vertices[g].props;
        PropertyValue expect_old = props.count(p) ? props[p] : PropertyValue();
        RC_ASSERT(*old == expect_old);
        if (value.IsNull()) {
          props.erase(p);
        } else {
          props[p] = value;
        }
        break;
      }
      case 7:
      case 8: {
        if (pending.vertices.empty()) break;
        Gid f = Pick(pending.vertices, a);
        Gid t = Pick(pending.vertices, b);
        auto e =
            tx->CreateEdge(*tx->FindVertex(f, View::kNew), *tx->FindVertex(t, View::kNew), c % 2);
        RC_ASSERT(e.HasValue());
        pending.edges[e->gid()] = EdgeModel{f, t, c % 2, {}};
        break;
      }
      case 9: {
        if (pending.edges.empty()) break;
        Gid g = Pick(pending.edges, a);
        auto e = tx->FindEdge(g, View::kNew);
        RC_ASSERT(e.has_value());
        RC_ASSERT(tx->DeleteEdge(*e).HasValue());
        pending.edges.erase(g);
        break;
      }
      case 10: {
        if (pending.edges.empty()) break;
        Gid g = Pick(pending.edges, a);
        auto e = tx->FindEdge(g, View::kNew);
        RC_ASSERT(e.has_value());
        RC_ASSERT(e->SetProperty(b % 2, value).HasValue());
        auto& props = pending.edges[g].props;
        if (value.IsNull()) {
          props.erase(b % 2);
        } else {
          props[b % 2] = value;
        }
        break;
      }
      case 11:
        tx->AdvanceCommand();
        break;
      case 12:
        finish(true);
        break;
      case 13:
        finish(a % 3 == 0);
        break;
      case 14:
        if (a % 2 == 0) {
          reader = db.Begin();
          reader_model = committed;
        } else {
          reader.reset();
        }
        break;
      case 15:
        db.CollectGarbage();
        break;
    }
  }
  finish(true);
  reader.reset();
  tx.reset();
  db.CollectGarbage();
  db.CollectGarbage();
  RC_ASSERT(db.impl().Stats().live_deltas == 0u);
  auto check = db.Begin();
  RC_ASSERT_MODEL(ReadAll(*check, View::kOld), committed);
}

RC_GTEST_PROP(StorageModelTest, MatchesReferenceModel, (const std::vector<uint32_t>& script)) {
  RunModel(script, false);
}

RC_GTEST_PROP(StorageModelTest, MatchesReferenceModelWithIndexes,
              (const std::vector<uint32_t>& script)) {
  RunModel(script, true);
}

TEST(StorageModelTest, LongScriptWithIndexes) {
  std::vector<uint32_t> script;
  uint64_t x = 88172645463325252ull;
  for (int i = 0; i < 40000; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    script.push_back(static_cast<uint32_t>(x));
  }
  // One fixed script of 10,000 operations, run once (not as a property).
  try {
    RunModel(script, true);
  } catch (const rc::detail::CaseResult& r) {
    FAIL() << r.description;
  }
}

}  // namespace
}  // namespace tributary::storage
