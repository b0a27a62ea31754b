#include "streams/batch_applier.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "query/engine.hpp"
#include "storage/storage.hpp"

namespace tributary::streams {
namespace {

using python::QueryWithParams;

class BatchApplierTest : public ::testing::Test {
 protected:
  BatchApplierTest() : engine_(storage_, query::EngineOptions{}), session_(engine_) {}

  // Runs `text` in its own auto-commit transaction; returns the first column
  // of every row as integers.
  std::vector<int64_t> Ints(const std::string& text) {
    query::Session session(engine_);
    std::vector<int64_t> out;
    session.Run(text, {})->Pull(
        -1, [&](query::QueryResult::Row&& row) { out.push_back(row.at(0).AsInt()); });
    return out;
  }
  int64_t Count(const std::string& label) {
    return Ints("MATCH (n:" + label + ") RETURN count(n)").at(0);
  }
  std::optional<std::string> Key(const std::string& key) {
    for (auto& [k, v] : storage_.SystemKeys(key)) {
      if (k == key) return v;
    }
    return std::nullopt;
  }

  static QueryWithParams Create(const std::string& id) {
    return {"CREATE (:Node {id: $id})", {{"id", PropertyValue(id)}}};
  }

  storage::Storage storage_;
  query::QueryEngine engine_;
  query::Session session_;
};

const auto kAlways = [] { return true; };

TEST_F(BatchApplierTest, AppliesEveryQueryAndTheKeysInOneCommit) {
  std::vector<QueryWithParams> queries = {Create("1"), Create("2"), Create("3")};
  auto applied = ApplyBatch(session_, queries, {{"streams/progress/s", "p1"}}, {}, kAlways);
  ASSERT_TRUE(applied) << applied.Error().message;
  EXPECT_EQ(applied->attempts, 1);
  EXPECT_GE(applied->apply_ms, applied->commit_ms);
  EXPECT_EQ(Count("Node"), 3);
  EXPECT_EQ(Key("streams/progress/s"), "p1");
  EXPECT_FALSE(session_.InTransaction());
}

TEST_F(BatchApplierTest, ParametersOfEveryTypeReachTheQuery) {
  PropertyValue::Map params = {{"i", PropertyValue(int64_t{7})},
                               {"f", PropertyValue(1.5)},
                               {"b", PropertyValue(true)},
                               {"n", PropertyValue()},
                               {"l", PropertyValue(PropertyValue::List{1, "x"})},
                               {"m", PropertyValue(PropertyValue::Map{{"k", PropertyValue(2)}})}};
  std::vector<QueryWithParams> queries = {
      {"CREATE (:P {i: $i, f: $f, b: $b, n: $n, l: $l, k: $m.k})", params}};
  ASSERT_TRUE(ApplyBatch(session_, queries, {}, {}, kAlways));
  EXPECT_EQ(Ints("MATCH (p:P) RETURN p.i + p.k + size(p.l)").at(0), 11);
}

TEST_F(BatchApplierTest, AMissingParameterFailsTheBatchNamingIt) {
  // The transform's parameters are bound directly (RunWithPropertyValues);
  // an absent one is the engine's usual MissingParameter error.
  std::vector<QueryWithParams> queries = {
      Create("1"), {"CREATE (:Node {id: $id, other: $other})", {{"id", PropertyValue("2")}}}};
  auto applied = ApplyBatch(session_, queries, {}, {}, kAlways);
  ASSERT_FALSE(applied);
  EXPECT_EQ(applied.Error().kind, ApplyError::Kind::kQuery);
  EXPECT_NE(applied.Error().message.find("Expected parameter(s): $other"), std::string::npos)
      << applied.Error().message;
  EXPECT_EQ(Count("Node"), 0);
}

TEST_F(BatchApplierTest, AnEmptyBatchStillStoresItsKeys) {
  ASSERT_TRUE(ApplyBatch(session_, {}, {{"streams/progress/s", "p2"}}, {}, kAlways));
  EXPECT_EQ(Key("streams/progress/s"), "p2");
}

TEST_F(BatchApplierTest, AQueryFailingMidBatchLeavesNothingOfTheBatch) {
  // The third query fails at run time, on its second row.
  std::vector<QueryWithParams> queries = {
      Create("1"), Create("2"), {"UNWIND [1, 0] AS x RETURN 10 / x", {}}, Create("3")};
  auto applied = ApplyBatch(session_, queries, {{"streams/progress/s", "p3"}}, {}, kAlways);
  ASSERT_FALSE(applied);
  EXPECT_EQ(applied.Error().kind, ApplyError::Kind::kQuery);
  EXPECT_NE(applied.Error().message.find("query failed: "), std::string::npos)
      << applied.Error().message;
  EXPECT_NE(applied.Error().message.find("(query: UNWIND [1, 0] AS x RETURN 10 / x)"),
            std::string::npos)
      << applied.Error().message;
  EXPECT_EQ(Count("Node"), 0);
  EXPECT_EQ(Key("streams/progress/s"), std::nullopt);
  EXPECT_FALSE(session_.InTransaction());

  std::vector<QueryWithParams> syntax = {Create("1"), {"CREATE (", {}}};
  applied = ApplyBatch(session_, syntax, {}, {}, kAlways);
  ASSERT_FALSE(applied);
  EXPECT_EQ(applied.Error().kind, ApplyError::Kind::kQuery);
  EXPECT_EQ(Count("Node"), 0);
  // The session is usable again.
  EXPECT_TRUE(ApplyBatch(session_, {Create("9")}, {}, {}, kAlways));
  EXPECT_EQ(Count("Node"), 1);
}

TEST_F(BatchApplierTest, StreamStatementsAreRefusedInsideTheBatch) {
  auto applied = ApplyBatch(session_, {{"SHOW STREAMS", {}}}, {}, {}, kAlways);
  ASSERT_FALSE(applied);
  EXPECT_NE(applied.Error().message.find("Stream clause not allowed in multicommand transactions."),
            std::string::npos)
      << applied.Error().message;
}

TEST_F(BatchApplierTest, RetriesSerializationConflictsUntilTheyClear) {
  Ints("CREATE (:Hot {c: 0}) RETURN 0");
  query::Session other(engine_);
  other.Begin();
  other.Run("MATCH (n:Hot) SET n.c = 100", {})->Discard();  // Holds the write, uncommitted.

  RetryPolicy retry{std::chrono::milliseconds(5), std::chrono::milliseconds(40)};
  auto result = std::async(std::launch::async, [&] {
    return ApplyBatch(session_, {{"MATCH (n:Hot) SET n.c = n.c + 1", {}}},
                      {{"streams/progress/s", "p4"}}, retry, kAlways);
  });
  EXPECT_EQ(result.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);
  other.Commit();
  auto applied = result.get();
  ASSERT_TRUE(applied) << applied.Error().message;
  EXPECT_GT(applied->attempts, 1);
  EXPECT_EQ(Ints("MATCH (n:Hot) RETURN n.c").at(0), 101);
  EXPECT_EQ(Key("streams/progress/s"), "p4");
}

TEST_F(BatchApplierTest, StopsRetryingWhenAsked) {
  Ints("CREATE (:Hot {c: 0}) RETURN 0");
  query::Session other(engine_);
  other.Begin();
  other.Run("MATCH (n:Hot) SET n.c = 100", {})->Discard();
  std::atomic<bool> keep{true};
  auto result = std::async(std::launch::async, [&] {
    return ApplyBatch(session_, {{"MATCH (n:Hot) SET n.c = n.c + 1", {}}},
                      {{"streams/progress/s", "p5"}}, {}, [&] { return keep.load(); });
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  keep = false;
  auto applied = result.get();
  ASSERT_FALSE(applied);
  EXPECT_EQ(applied.Error().kind, ApplyError::Kind::kStopped);
  other.Rollback();
  EXPECT_EQ(Ints("MATCH (n:Hot) RETURN n.c").at(0), 0);
  EXPECT_EQ(Key("streams/progress/s"), std::nullopt);
}

}  // namespace
}  // namespace tributary::streams
