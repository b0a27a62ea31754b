// Micro-benchmarks of the two queries a Kafka stream sends millions of times:
//   CREATE (:Node {id: $id})
//   MATCH (n:Node {id: $from_id}), (m:Node {id: $to_id}) CREATE (n)-[:Edge]->(m)
// with an index on :Node(id) over a pre-populated graph. "Plan" benchmarks
// measure parse + plan (a plan-cache miss); "Run" benchmarks one execution
// through Session::Run + Pull with the plan cached, auto-commit included.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>

#include "cypher/parser/parser.hpp"
#include "cypher/planner/planner.hpp"
#include "query/engine.hpp"
#include "storage/storage.hpp"

namespace tributary {
namespace {

constexpr const char* kCreateNode = "CREATE (:Node {id: $id})";
constexpr const char* kCreateEdge =
    "MATCH (n:Node {id: $from_id}), (m:Node {id: $to_id}) CREATE (n)-[:Edge]->(m)";
/// Nodes in the pre-populated graph; BENCH_CYPHER_NODES overrides it (a
/// small graph keeps profiler runs short).
const int64_t kPopulation = [] {
  const char* env = std::getenv("BENCH_CYPHER_NODES");
  return env != nullptr ? std::max<int64_t>(2, std::atoll(env)) : int64_t{100000};
}();

/// A storage with :Node(id) indexed and ids 0..kPopulation-1 present.
struct Fixture {
  std::unique_ptr<storage::Storage> storage;
  std::unique_ptr<query::QueryEngine> engine;
  std::unique_ptr<query::Session> session;

  explicit Fixture(size_t cache_size = 1024) {
    storage = std::make_unique<storage::Storage>();
    engine = std::make_unique<query::QueryEngine>(
        *storage, query::EngineOptions{.plan_cache_size = cache_size});
    session = std::make_unique<query::Session>(*engine);
    session->Run("CREATE INDEX ON :Node(id)", {})->Discard();
    session
        ->Run(
            "UNWIND range(0, " + std::to_string(kPopulation - 1) + ") AS i CREATE (:Node {id: i})",
            {})
        ->Discard();
  }
};

void Plan(benchmark::State& state, const char* text) {
  Fixture f;
  for (auto _ : state) {
    auto statement = cypher::Parse(text);
    const auto& q = static_cast<const cypher::QueryStatement&>(*statement);
    auto plan = cypher::PlanQuery(q.query, *f.storage);
    benchmark::DoNotOptimize(plan);
  }
}

void BM_PlanCreateNode(benchmark::State& state) { Plan(state, kCreateNode); }
void BM_PlanCreateEdge(benchmark::State& state) { Plan(state, kCreateEdge); }

void BM_RunCreateNode(benchmark::State& state) {
  Fixture f;
  query::Params params;
  int64_t next = kPopulation;
  for (auto _ : state) {
    params.insert_or_assign("id", cypher::Value(next++));
    auto result = f.session->Run(kCreateNode, params);
    result->Discard();
  }
  state.counters["cache_misses"] = static_cast<double>(f.engine->CacheStats().misses);
}

void BM_RunCreateEdge(benchmark::State& state) {
  Fixture f;
  query::Params params;
  uint64_t x = 88172645463325252ull;  // xorshift: cheap, reproducible ids
  for (auto _ : state) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    params.insert_or_assign("from_id", cypher::Value(static_cast<int64_t>(x % kPopulation)));
    params.insert_or_assign("to_id", cypher::Value(static_cast<int64_t>((x >> 20) % kPopulation)));
    auto result = f.session->Run(kCreateEdge, params);
    result->Discard();
  }
  state.counters["cache_misses"] = static_cast<double>(f.engine->CacheStats().misses);
}

// Baselines: the same work through the storage API alone, so the engine's
// own overhead is the difference to the Run benchmarks.
void BM_StorageCreateNode(benchmark::State& state) {
  Fixture f;
  auto label = f.storage->LabelIdFor("Node");
  auto id = f.storage->PropertyIdFor("id");
  int64_t next = kPopulation;
  for (auto _ : state) {
    auto tx = f.storage->Begin();
    auto v = tx->CreateVertex();
    (void)v.AddLabel(label);
    (void)v.SetProperty(id, PropertyValue(next++));
    (void)tx->Commit();
  }
}

void BM_StorageCreateEdge(benchmark::State& state) {
  Fixture f;
  auto label = f.storage->LabelIdFor("Node");
  auto id = f.storage->PropertyIdFor("id");
  auto type = f.storage->EdgeTypeIdFor("Edge");
  uint64_t x = 88172645463325252ull;
  for (auto _ : state) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    auto tx = f.storage->Begin();
    storage::VertexAccessor a(nullptr, nullptr), b(nullptr, nullptr);
    auto c1 = tx->ScanLabelPropertyEqual(
        label, id, PropertyValue(static_cast<int64_t>(x % kPopulation)), storage::View::kOld);
    auto c2 = tx->ScanLabelPropertyEqual(
        label, id, PropertyValue(static_cast<int64_t>((x >> 20) % kPopulation)),
        storage::View::kOld);
    if (c1->Next(&a) && c2->Next(&b)) (void)tx->CreateEdge(a, b, type);
    (void)tx->Commit();
  }
}

BENCHMARK(BM_StorageCreateNode);
BENCHMARK(BM_StorageCreateEdge);
BENCHMARK(BM_PlanCreateNode);
BENCHMARK(BM_PlanCreateEdge);
BENCHMARK(BM_RunCreateNode);
BENCHMARK(BM_RunCreateEdge);

}  // namespace
}  // namespace tributary

BENCHMARK_MAIN();
