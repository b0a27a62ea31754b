// Parallel AggregateByNode (ADR 018): count(*) by a function of the far end
// of one expansion from a plain scan, on several threads, must give exactly
// the single-thread result (rows, group order, errors), also inside a
// transaction with its own uncommitted changes while other transactions
// commit, and must honour the limits.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "cypher/errors.hpp"
#include "query/engine.hpp"
#include "storage/storage.hpp"

namespace tributary {
namespace {

using namespace std::chrono_literals;

constexpr int kNodes = 20000;
constexpr int kEdges = 120000;

// Order-sensitive queries (no ORDER BY): the group order is the first
// appearance of each group in the sequential row order.
const char* const kQueries[] = {
    "MATCH (n:N)-[:E]->(m) RETURN m.id % 97 AS k, count(*) AS c",
    "MATCH (n:N)<-[:E]-(m) RETURN m.g AS k, count(*) AS c",
    "MATCH (n:N)-[:E|F]-(m) RETURN m.id % 13 AS k, m.g AS g, count(*) AS c",
    "MATCH (n)-[]->(m) RETURN m.id % 31 AS k, count(*) AS c",
    "MATCH (n:N)-[:F]->(m) RETURN m.id % 7 + $p AS k, count(*) AS c",
    "MATCH (n:M)-[:E]->(m) RETURN m.g AS k, count(*) AS c",
};

class ParallelAggregateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Labels N (most), M (every tenth, also N), properties id and g, edge
    // types E and F, self-loops, built through the storage API.
    auto tx = storage_.Begin();
    auto n = storage_.LabelIdFor("N");
    auto m = storage_.LabelIdFor("M");
    auto id = storage_.PropertyIdFor("id");
    auto g = storage_.PropertyIdFor("g");
    auto e = storage_.EdgeTypeIdFor("E");
    auto f = storage_.EdgeTypeIdFor("F");
    std::vector<storage::VertexAccessor> vs;
    for (int i = 0; i < kNodes; ++i) {
      auto v = tx->CreateVertex();
      if (i % 50 != 0) {
        ASSERT_TRUE(v.AddLabel(n));
      }
      if (i % 10 == 0) {
        ASSERT_TRUE(v.AddLabel(m));
      }
      ASSERT_TRUE(v.SetProperty(id, PropertyValue(int64_t{i})));
      if (i % 3 != 0) {
        ASSERT_TRUE(v.SetProperty(g, PropertyValue("g" + std::to_string(i % 11))));
      }
      vs.push_back(v);
    }
    std::mt19937_64 rng(7);
    for (int i = 0; i < kEdges; ++i) {
      auto& from = vs[rng() % kNodes];
      auto& to = i % 1000 == 0 ? from : vs[rng() % kNodes];
      ASSERT_TRUE(tx->CreateEdge(from, to, i % 4 == 0 ? f : e));
    }
    ASSERT_TRUE(tx->Commit());
  }

  static query::EngineOptions Options(uint32_t threads) {
    query::EngineOptions o;
    o.query_threads = threads;
    o.parallel_min_vertices = 1;
    return o;
  }

  /// Every row of `text`, as display strings.
  std::vector<std::string> Rows(query::Session& session, const std::string& text) {
    std::vector<std::string> rows;
    query::Params params{{"p", cypher::Value(int64_t{5})}};
    auto result = session.Run(text, params);
    while (result->Pull(-1, [&](query::QueryResult::Row&& r) {
      std::string line;
      for (const auto& v : r) line += cypher::ToDisplayString(v, storage_) + " | ";
      rows.push_back(line);
    })) {
    }
    return rows;
  }

  /// Runs `text` to the end in its own auto-commit transaction.
  void Execute(const std::string& text) {
    query::QueryEngine engine(storage_, Options(1));
    query::Session session(engine);
    Rows(session, text);
  }

  /// The EXPLAIN lines of `text`, joined.
  std::string Plan(query::Session& session, const std::string& text) {
    std::string plan;
    for (const auto& line : Rows(session, "EXPLAIN " + text)) plan += line + "\n";
    return plan;
  }

  storage::Storage storage_{storage::StorageConfig{.gc_interval_ms = 0}};
};

TEST_F(ParallelAggregateTest, SameRowsInSameOrderAsOneThread) {
  query::QueryEngine one(storage_, Options(1));
  query::QueryEngine four(storage_, Options(4));
  query::Session s1(one), s4(four);
  for (const char* q : kQueries) {
    ASSERT_NE(Plan(s4, q).find("parallel scan"), std::string::npos) << Plan(s4, q);
    auto expected = Rows(s1, q);
    ASSERT_FALSE(expected.empty()) << q;
    // Several runs: thread timing varies, the result must not.
    for (int run = 0; run < 3; ++run) EXPECT_EQ(Rows(s4, q), expected) << q;
  }
}

TEST_F(ParallelAggregateTest, SeesItsTransactionsSnapshotWhileOthersCommit) {
  query::QueryEngine one(storage_, Options(1));
  query::QueryEngine four(storage_, Options(4));
  query::Session s4(four);
  s4.Begin();
  // Uncommitted changes of the reading transaction itself: new nodes and
  // edges, deleted edges, a changed key property.
  Rows(s4, "MATCH (a:N) WHERE a.id % 101 = 0 CREATE (a)-[:E]->(:N {id: a.id + 100000, g: 'new'})");
  Rows(s4, "MATCH (a:N)-[r:E]->() WHERE a.id % 7 = 0 DELETE r");
  Rows(s4, "MATCH (a:N) WHERE a.id % 5 = 0 SET a.g = 'changed'");
  std::atomic<bool> done{false};
  std::thread writer([&] {
    // Commits the reader must not see (its snapshot is older).
    query::Session w(one);
    for (int i = 0; !done.load(); ++i) {
      int id = i % kNodes;
      // Nodes the reader's transaction changed (also the far ends of the
      // edges it deleted) refuse other writers until it ends: skip those.
      try {
        Rows(w, "MATCH (a:N {id: " + std::to_string(id) +
                    "}) CREATE (a)-[:E]->(:N {id: -1, g: 'other'}) SET a.g = 'moved'");
      } catch (const cypher::TransientError&) {
      }
    }
  });
  std::vector<std::vector<std::string>> parallel;
  for (const char* q : kQueries) parallel.push_back(Rows(s4, q));
  done.store(true);
  writer.join();
  // The same transaction on one thread: each query's twin with its key
  // behind CASE plans the ordinary Aggregate, which never runs in parallel.
  std::vector<std::vector<std::string>> sequential;
  for (const char* q : kQueries) {
    std::string twin = q;
    auto at = twin.find("RETURN ") + 7;
    auto comma = twin.find(" AS k");
    twin = twin.substr(0, at) + "CASE WHEN true THEN " + twin.substr(at, comma - at) + " END" +
           twin.substr(comma);
    sequential.push_back(Rows(s4, twin));
  }
  EXPECT_EQ(parallel, sequential);
  s4.Rollback();
}

TEST_F(ParallelAggregateTest, MemoryLimitBelowItsTablesFallsBackToOneThread) {
  query::QueryEngine one(storage_, Options(1));
  auto limited_options = Options(4);
  // The parallel tables (64 Ki slots of 16 bytes plus 4 bytes per thread,
  // 2 MiB) do not fit; the single-thread memo (1 MiB) does.
  limited_options.query_memory_limit = 3u << 19;
  query::QueryEngine limited(storage_, limited_options);
  query::Session s1(one), sl(limited);
  for (const char* q : kQueries) EXPECT_EQ(Rows(sl, q), Rows(s1, q)) << q;
}

TEST_F(ParallelAggregateTest, KeyErrorOfTheEarliestRowWins) {
  // Two kinds of bad key values; the row order decides which error the
  // single-thread run reports, and the parallel run must report the same.
  Execute("MATCH (a:N) WHERE a.id % 997 = 5 SET a.bad = 'text'");
  Execute("MATCH (a:N) WHERE a.id % 991 = 3 SET a.bad = true");
  const std::string q = "MATCH (n:N)-[:E]->(m) RETURN m.id - coalesce(m.bad, 0) AS k, count(*)";
  auto message = [&](uint32_t threads) {
    query::QueryEngine engine(storage_, Options(threads));
    query::Session s(engine);
    // The plan allows threads; the engine's option decides.
    EXPECT_NE(Plan(s, q).find("parallel scan"), std::string::npos);
    try {
      Rows(s, q);
    } catch (const cypher::CypherError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string expected = message(1);
  ASSERT_NE(expected, "no error");
  for (int run = 0; run < 5; ++run) EXPECT_EQ(message(4), expected);
}

TEST_F(ParallelAggregateTest, InterruptStopsTheThreads) {
  query::QueryEngine four(storage_, Options(4));
  query::Session s(four);
  // Many runs, one interrupted at a random point of each phase.
  int terminated = 0;
  for (int run = 0; run < 20; ++run) {
    std::thread interrupter([&, run] {
      std::this_thread::sleep_for(std::chrono::microseconds(200 * run));
      s.Interrupt();
    });
    try {
      Rows(s, kQueries[0]);
    } catch (const cypher::CypherError& e) {
      EXPECT_EQ(e.Kind(), cypher::ErrorKind::kTerminated);
      ++terminated;
    }
    interrupter.join();
  }
  EXPECT_GT(terminated, 0);
}

}  // namespace
}  // namespace tributary
