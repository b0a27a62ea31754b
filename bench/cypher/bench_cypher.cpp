// Micro-benchmarks of the two queries a Kafka stream sends millions of times:
//   CREATE (:Node {id: $id})
//   MATCH (n:Node {id: $from_id}), (m:Node {id: $to_id}) CREATE (n)-[:Edge]->(m)
// with an index on :Node(id) over a pre-populated graph. "Plan" benchmarks
// measure parse + plan (a plan-cache miss); "Run" benchmarks one execution
// through Session::Run + Pull with the plan cached, auto-commit included.
//
// Read benchmarks (BM_Read*) run bench-compare's read queries over a random
// graph of BENCH_CYPHER_GRAPH_NODES nodes (default 100,000) and ten times as
// many uniformly random edges, built once through the storage API.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
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

/// bench-compare's read graph: nodes :Node {id: 0..n-1}, 10 * n random
/// :Edge edges between distinct nodes (xorshift, fixed seed), :Node(id)
/// indexed. Built once per process and shared by the BM_Read* benchmarks.
struct ReadGraph {
  int64_t nodes = 0;
  std::unique_ptr<storage::Storage> storage;
  std::unique_ptr<query::QueryEngine> engine;
  std::unique_ptr<query::Session> session;
  /// The same graph through an engine that runs every query on one thread
  /// (query_threads = 1): the sequential plan, for comparison (ADR 018).
  std::unique_ptr<query::QueryEngine> one_thread_engine;
  std::unique_ptr<query::Session> one_thread_session;

  static ReadGraph& Get() {
    static ReadGraph graph;
    return graph;
  }

 private:
  ReadGraph() {
    const char* env = std::getenv("BENCH_CYPHER_GRAPH_NODES");
    nodes = env != nullptr ? std::max<int64_t>(2, std::atoll(env)) : int64_t{100000};
    auto start = std::chrono::steady_clock::now();
    storage = std::make_unique<storage::Storage>();
    engine = std::make_unique<query::QueryEngine>(*storage, query::EngineOptions{});
    session = std::make_unique<query::Session>(*engine);
    query::EngineOptions one_thread;
    one_thread.query_threads = 1;
    one_thread_engine = std::make_unique<query::QueryEngine>(*storage, one_thread);
    one_thread_session = std::make_unique<query::Session>(*one_thread_engine);
    session->Run("CREATE INDEX ON :Node(id)", {})->Discard();
    auto label = storage->LabelIdFor("Node");
    auto id = storage->PropertyIdFor("id");
    auto type = storage->EdgeTypeIdFor("Edge");
    std::vector<storage::Gid> gids;
    gids.reserve(static_cast<size_t>(nodes));
    constexpr int64_t kBatch = 100000;
    for (int64_t i = 0; i < nodes; i += kBatch) {
      auto tx = storage->Begin();
      for (int64_t j = i; j < std::min(nodes, i + kBatch); ++j) {
        auto v = tx->CreateVertex();
        (void)v.AddLabel(label);
        (void)v.SetProperty(id, PropertyValue(j));
        gids.push_back(v.gid());
      }
      (void)tx->Commit();
    }
    uint64_t x = 88172645463325252ull;
    auto next = [&x, this] {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      return static_cast<size_t>(x % static_cast<uint64_t>(nodes));
    };
    const int64_t edges = 10 * nodes;
    for (int64_t i = 0; i < edges; i += kBatch) {
      auto tx = storage->Begin();
      for (int64_t j = i; j < std::min(edges, i + kBatch); ++j) {
        size_t a = next();
        size_t b = next();
        while (b == a) b = next();
        auto from = tx->FindVertex(gids[a], storage::View::kOld);
        auto to = tx->FindVertex(gids[b], storage::View::kOld);
        (void)tx->CreateEdge(*from, *to, type);
      }
      (void)tx->Commit();
    }
    std::fprintf(stderr, "read graph: %lld nodes, %lld edges built in %.1f s\n",
                 static_cast<long long>(nodes), static_cast<long long>(edges),
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
};

constexpr const char* kAggregation =
    "MATCH (n:Node)-[:Edge]->(m) RETURN m.id % 100 AS bucket, count(*) ORDER BY bucket";
constexpr const char* kOneHop = "MATCH (n:Node {id: $id})-[:Edge]->(m) RETURN count(m)";

/// Pulls every row of `text` and returns the number of rows.
size_t RunAll(query::Session& session, const char* text, const query::Params& params) {
  auto result = session.Run(text, params);
  size_t rows = 0;
  while (result->Pull(-1, [&rows](query::QueryResult::Row&&) { ++rows; })) {
  }
  return rows;
}

void BM_ReadAggregation(benchmark::State& state) {
  auto& g = ReadGraph::Get();
  for (auto _ : state) {
    size_t rows = RunAll(*g.session, kAggregation, {});
    if (rows != std::min<size_t>(100, static_cast<size_t>(g.nodes))) {
      state.SkipWithError("wrong number of buckets");
    }
  }
  state.counters["edges/s"] = benchmark::Counter(static_cast<double>(10 * g.nodes),
                                                 benchmark::Counter::kIsIterationInvariantRate);
}

// The same aggregation on one thread (the engine's query_threads = 1): the
// plan before ADR 018, as a baseline in the same run.
void BM_ReadAggregationOneThread(benchmark::State& state) {
  auto& g = ReadGraph::Get();
  for (auto _ : state) {
    size_t rows = RunAll(*g.one_thread_session, kAggregation, {});
    if (rows != std::min<size_t>(100, static_cast<size_t>(g.nodes))) {
      state.SkipWithError("wrong number of buckets");
    }
  }
  state.counters["edges/s"] = benchmark::Counter(static_cast<double>(10 * g.nodes),
                                                 benchmark::Counter::kIsIterationInvariantRate);
}

// The same aggregation with the key behind CASE, which the planner does not
// see as a function of m alone: the ordinary Aggregate, evaluating m.id per
// row (the plan before ADR 016), as a baseline in the same run.
constexpr const char* kAggregationPerRowKeys =
    "MATCH (n:Node)-[:Edge]->(m) RETURN CASE WHEN true THEN m.id % 100 END AS bucket, count(*) "
    "ORDER BY bucket";

void BM_ReadAggregationPerRowKeys(benchmark::State& state) {
  auto& g = ReadGraph::Get();
  for (auto _ : state) {
    size_t rows = RunAll(*g.session, kAggregationPerRowKeys, {});
    if (rows != std::min<size_t>(100, static_cast<size_t>(g.nodes))) {
      state.SkipWithError("wrong number of buckets");
    }
  }
  state.counters["edges/s"] = benchmark::Counter(static_cast<double>(10 * g.nodes),
                                                 benchmark::Counter::kIsIterationInvariantRate);
}

void BM_ReadOneHop(benchmark::State& state) {
  auto& g = ReadGraph::Get();
  query::Params params;
  uint64_t x = 88172645463325252ull;
  for (auto _ : state) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    params.insert_or_assign(
        "id", cypher::Value(static_cast<int64_t>(x % static_cast<uint64_t>(g.nodes))));
    benchmark::DoNotOptimize(RunAll(*g.session, kOneHop, params));
  }
}

BENCHMARK(BM_StorageCreateNode);
BENCHMARK(BM_StorageCreateEdge);
BENCHMARK(BM_PlanCreateNode);
BENCHMARK(BM_PlanCreateEdge);
BENCHMARK(BM_RunCreateNode);
BENCHMARK(BM_RunCreateEdge);
// Wall time: the aggregation runs on several threads (ADR 018), and the
// CPU time column counts the calling thread only.
BENCHMARK(BM_ReadAggregation)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(std::getenv("BENCH_CYPHER_ITERATIONS")
                     ? std::atoi(std::getenv("BENCH_CYPHER_ITERATIONS"))
                     : 5);
BENCHMARK(BM_ReadAggregationOneThread)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(std::getenv("BENCH_CYPHER_ITERATIONS")
                     ? std::atoi(std::getenv("BENCH_CYPHER_ITERATIONS"))
                     : 5);
BENCHMARK(BM_ReadAggregationPerRowKeys)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(std::getenv("BENCH_CYPHER_ITERATIONS")
                     ? std::atoi(std::getenv("BENCH_CYPHER_ITERATIONS"))
                     : 5);
BENCHMARK(BM_ReadOneHop);

}  // namespace
}  // namespace tributary

BENCHMARK_MAIN();
