// query::Session::Interrupt: what a Bolt RESET (or a shutdown) does to a
// statement that is running or being pulled on another thread.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "cypher/errors.hpp"
#include "query/engine.hpp"
#include "storage/storage.hpp"

namespace tributary {
namespace {

using namespace std::chrono_literals;

class InterruptTest : public ::testing::Test {
 protected:
  /// Pulls every row of `text`; returns the error kind it failed with, or
  /// nullopt when it completed.
  std::optional<cypher::ErrorKind> RunToEnd(const std::string& text) {
    try {
      auto result = session_.Run(text, {});
      while (result->Pull(-1, [](query::QueryResult::Row&&) {})) {
      }
    } catch (const cypher::CypherError& e) {
      return e.Kind();
    }
    return std::nullopt;
  }

  storage::Storage storage_{storage::StorageConfig{.gc_interval_ms = 0}};
  query::QueryEngine engine_{storage_, query::EngineOptions{}};
  query::Session session_{engine_};
};

TEST_F(InterruptTest, RunningStatementStopsWithTerminatedAndRollsBack) {
  ASSERT_FALSE(RunToEnd("UNWIND range(1, 200) AS i CREATE (:L {i: i})"));
  session_.Begin();
  ASSERT_FALSE(RunToEnd("CREATE (:Written)"));
  // 200^4 = 1.6e9 rows: runs for minutes unless interrupted.
  std::thread interrupter([&] {
    std::this_thread::sleep_for(100ms);
    session_.Interrupt();
  });
  const auto start = std::chrono::steady_clock::now();
  auto kind = RunToEnd("MATCH (a:L), (b:L), (c:L), (d:L) RETURN count(*) AS c");
  interrupter.join();
  ASSERT_TRUE(kind);
  EXPECT_EQ(*kind, cypher::ErrorKind::kTerminated);
  EXPECT_EQ(cypher::StatusCodeOf(*kind), "Neo.ClientError.Transaction.Terminated");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  // What RESET does next: the transaction is rolled back.
  session_.Reset();
  EXPECT_FALSE(session_.InTransaction());
  // The flag does not outlive the statement it stopped.
  auto rows = 0;
  auto result = session_.Run("MATCH (n:Written) RETURN count(n) AS c", {});
  while (result->Pull(-1, [&](query::QueryResult::Row&& r) {
    ++rows;
    EXPECT_EQ(r[0].AsInt(), 0);
  })) {
  }
  EXPECT_EQ(rows, 1);
}

TEST_F(InterruptTest, InterruptBetweenStatementsDoesNotStopTheNextOne) {
  session_.Interrupt();
  EXPECT_FALSE(RunToEnd("UNWIND range(1, 100000) AS i RETURN count(i)"));
}

}  // namespace
}  // namespace tributary
