// Throughput of the storage layer, single-threaded: vertex creation, edge
// creation, indexed point lookups and typed edge expansion. Rates are the
// items/s column (vertices, edges, lookups, expanded edges per second).

#include <benchmark/benchmark.h>

#include <algorithm>
#include <memory>
#include <numeric>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "storage/storage.hpp"

namespace tributary::storage {
namespace {

constexpr int kBatch = 1000;  // objects per transaction

void CreateVertices(benchmark::State& state) {
  Storage db;
  LabelId label = db.LabelIdFor("Person");
  PropertyId prop = db.PropertyIdFor("id");
  int64_t next = 0;
  for (auto _ : state) {
    auto tx = db.Begin();
    for (int i = 0; i < kBatch; ++i) {
      auto v = tx->CreateVertex();
      (void)v.AddLabel(label);
      (void)v.SetProperty(prop, PropertyValue(next++));
    }
    if (!tx->Commit()) state.SkipWithError("commit failed");
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(CreateVertices)->Unit(benchmark::kMicrosecond);

void CreateEdges(benchmark::State& state) {
  constexpr int kVertices = 100'000;
  Storage db;
  EdgeTypeId type = db.EdgeTypeIdFor("KNOWS");
  std::vector<Gid> gids;
  {
    auto tx = db.Begin();
    for (int i = 0; i < kVertices; ++i) gids.push_back(tx->CreateVertex().gid());
    (void)tx->Commit();
  }
  std::mt19937_64 rng(7);
  for (auto _ : state) {
    auto tx = db.Begin();
    for (int i = 0; i < kBatch; ++i) {
      auto from = tx->FindVertex(gids[rng() % kVertices], View::kNew);
      auto to = tx->FindVertex(gids[rng() % kVertices], View::kNew);
      if (!tx->CreateEdge(*from, *to, type)) state.SkipWithError("create failed");
    }
    if (!tx->Commit()) state.SkipWithError("commit failed");
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(CreateEdges)->Unit(benchmark::kMicrosecond);

// 1M vertices :Person {id} with an index on :Person(id); random ids.
void IndexedPointLookup(benchmark::State& state) {
  const int64_t n = state.range(0);
  Storage db;
  LabelId label = db.LabelIdFor("Person");
  PropertyId prop = db.PropertyIdFor("id");
  for (int64_t base = 0; base < n; base += 10'000) {
    auto tx = db.Begin();
    for (int64_t i = base; i < std::min(n, base + 10'000); ++i) {
      auto v = tx->CreateVertex();
      (void)v.AddLabel(label);
      (void)v.SetProperty(prop, PropertyValue(i));
    }
    (void)tx->Commit();
  }
  if (!db.CreateUniqueConstraint(label, prop)) state.SkipWithError("constraint failed");
  db.CollectGarbage();
  std::vector<int64_t> keys(1 << 16);
  std::mt19937_64 rng(11);
  for (auto& k : keys) k = static_cast<int64_t>(rng() % n);
  auto tx = db.Begin();
  size_t i = 0;
  int64_t found = 0;
  for (auto _ : state) {
    auto cursor =
        tx->ScanLabelPropertyEqual(label, prop, PropertyValue(keys[i++ & 0xFFFF]), View::kOld);
    VertexAccessor v(nullptr, nullptr);
    found += cursor->Next(&v);
  }
  if (found != static_cast<int64_t>(state.iterations())) state.SkipWithError("missed keys");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(IndexedPointLookup)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kNanosecond);

// As IndexedPointLookup with string ids "node-<i>" (as Kafka streams send
// them), through a non-unique index as `CREATE INDEX ON :Node(id)` makes.
void IndexedPointLookupString(benchmark::State& state) {
  const int64_t n = state.range(0);
  Storage db;
  LabelId label = db.LabelIdFor("Node");
  PropertyId prop = db.PropertyIdFor("id");
  if (!db.CreateLabelPropertyIndex(label, prop)) state.SkipWithError("index failed");
  for (int64_t base = 0; base < n; base += 10'000) {
    auto tx = db.Begin();
    for (int64_t i = base; i < std::min(n, base + 10'000); ++i) {
      auto v = tx->CreateVertex();
      (void)v.AddLabel(label);
      (void)v.SetProperty(prop, PropertyValue("node-" + std::to_string(i)));
    }
    (void)tx->Commit();
  }
  db.CollectGarbage();
  std::vector<PropertyValue> keys;
  std::mt19937_64 rng(13);
  for (int i = 0; i < (1 << 16); ++i) keys.emplace_back("node-" + std::to_string(rng() % n));
  auto tx = db.Begin();
  size_t i = 0;
  int64_t found = 0;
  for (auto _ : state) {
    auto cursor = tx->ScanLabelPropertyEqual(label, prop, keys[i++ & 0xFFFF], View::kOld);
    VertexAccessor v(nullptr, nullptr);
    found += cursor->Next(&v);
  }
  if (found != static_cast<int64_t>(state.iterations())) state.SkipWithError("missed keys");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(IndexedPointLookupString)->Arg(100'000)->Unit(benchmark::kNanosecond);

// 1M edges of two types between random vertices, average out-degree
// state.range(0); expands every vertex's out-edges of one type (half of
// them) into a reused vector. items/s = edges returned per second.
// Expands every vertex's out-edges in turn, over a graph of 1M edges with
// state.range(0) out-edges per vertex on average, half of type A and half of
// type B, inserted in random order. `typed`: only type A is asked for (and
// counted); otherwise every edge is. Items = edges returned.
void Expand(benchmark::State& state, bool typed) {
  constexpr int kEdges = 1'000'000;
  const int kVertices = static_cast<int>(kEdges / state.range(0));
  Storage db;
  EdgeTypeId a = db.EdgeTypeIdFor("A");
  EdgeTypeId b = db.EdgeTypeIdFor("B");
  std::vector<Gid> gids;
  {
    auto tx = db.Begin();
    for (int i = 0; i < kVertices; ++i) gids.push_back(tx->CreateVertex().gid());
    (void)tx->Commit();
  }
  std::mt19937_64 rng(3);
  for (int base = 0; base < kEdges; base += 10'000) {
    auto tx = db.Begin();
    for (int i = 0; i < 10'000; ++i) {
      auto from = tx->FindVertex(gids[rng() % kVertices], View::kNew);
      auto to = tx->FindVertex(gids[rng() % kVertices], View::kNew);
      (void)tx->CreateEdge(*from, *to, i % 2 ? a : b);
    }
    (void)tx->Commit();
  }
  db.CollectGarbage();
  auto tx = db.Begin();
  std::vector<VertexAccessor> vertices;
  for (Gid g : gids) vertices.push_back(*tx->FindVertex(g, View::kOld));
  std::vector<EdgeAccessor> out;
  out.reserve(64);
  const EdgeTypeId types[] = {a};
  const std::span<const EdgeTypeId> filter =
      typed ? std::span<const EdgeTypeId>(types) : std::span<const EdgeTypeId>();
  int64_t expanded = 0;
  size_t i = 0;
  for (auto _ : state) {
    out.clear();
    (void)vertices[i].OutEdges(View::kOld, filter, &out);
    if (++i == vertices.size()) i = 0;
    expanded += static_cast<int64_t>(out.size());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(expanded);
}
void ExpandOutEdges(benchmark::State& state) { Expand(state, /*typed=*/true); }
void ExpandOutEdgesAnyType(benchmark::State& state) { Expand(state, /*typed=*/false); }
BENCHMARK(ExpandOutEdges)->Arg(10)->Arg(100)->Unit(benchmark::kNanosecond);
BENCHMARK(ExpandOutEdgesAnyType)->Arg(10)->Arg(100)->Unit(benchmark::kNanosecond);

}  // namespace
}  // namespace tributary::storage

BENCHMARK_MAIN();
