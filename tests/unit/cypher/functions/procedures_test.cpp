// The TCK's fixture procedures (`there exists a procedure ...`), registered as
// `tributary serve --tck-fixture-procedures` does, and called through the
// query engine. The registry is process-wide: every test enables it and
// clears what it registered.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cypher/errors.hpp"
#include "cypher/functions/procedure.hpp"
#include "query/engine.hpp"
#include "storage/storage.hpp"

namespace tributary {
namespace {

using cypher::Value;

class FixtureProcedures : public ::testing::Test {
 protected:
  void SetUp() override {
    cypher::EnableTestFixtureProcedures([this] { engine_.InvalidatePlans(); });
  }
  void TearDown() override { cypher::ClearFixtureProcedures(); }

  /// Runs `text`; the rows as values.
  std::vector<std::vector<Value>> Rows(const std::string& text, const query::Params& params = {},
                                       std::vector<std::string>* columns = nullptr) {
    auto result = session_.Run(text, params);
    if (columns != nullptr) *columns = result->columns();
    std::vector<std::vector<Value>> rows;
    while (result->Pull(-1, [&](query::QueryResult::Row&& r) { rows.push_back(std::move(r)); })) {
    }
    return rows;
  }

  /// The TCK detail of the error `text` raises, or "" when it succeeds.
  std::string ErrorDetail(const std::string& text, const query::Params& params = {}) {
    try {
      Rows(text, params);
    } catch (const cypher::CypherError& e) {
      return e.Detail();
    }
    return "";
  }

  void RegisterCities() {
    cypher::RegisterFixtureProcedure(
        "test.my.proc(name :: STRING?, id :: INTEGER?) :: (city :: STRING?, country_code :: "
        "INTEGER?)",
        {"name", "id", "city", "country_code"},
        {{Value("Stefan"), Value(int64_t{1}), Value("Berlin"), Value(int64_t{49})},
         {Value("Stefan"), Value(int64_t{2}), Value("München"), Value(int64_t{49})},
         {Value("Petra"), Value(int64_t{1}), Value("London"), Value(int64_t{44})}});
  }

  storage::Storage storage_{storage::StorageConfig{.gc_interval_ms = 0}};
  query::QueryEngine engine_{storage_, query::EngineOptions{}};
  query::Session session_{engine_};
};

TEST_F(FixtureProcedures, ExplicitArgumentsSelectTheMatchingRows) {
  RegisterCities();
  std::vector<std::string> columns;
  auto rows = Rows("CALL test.my.proc('Stefan', 1)", {}, &columns);
  EXPECT_EQ(columns, (std::vector<std::string>{"city", "country_code"}));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0].AsString(), "Berlin");
  EXPECT_EQ(rows[0][1].AsInt(), 49);

  rows = Rows("CALL test.my.proc('Stefan', 2) YIELD city AS c RETURN c");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0].AsString(), "München");
  EXPECT_TRUE(Rows("CALL test.my.proc('Nobody', 1)").empty());
}

TEST_F(FixtureProcedures, ImplicitArgumentsComeFromParameters) {
  RegisterCities();
  auto rows = Rows("CALL test.my.proc", {{"name", Value("Petra")}, {"id", Value(int64_t{1})}});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0].AsString(), "London");
  EXPECT_EQ(ErrorDetail("CALL test.my.proc", {{"name", Value("Petra")}}), "MissingParameter");
  EXPECT_EQ(ErrorDetail("CALL test.my.proc YIELD city RETURN city"), "InvalidArgumentPassingMode");
}

TEST_F(FixtureProcedures, CompileTimeChecks) {
  RegisterCities();
  EXPECT_EQ(ErrorDetail("CALL test.my.proc('Stefan')"), "InvalidNumberOfArguments");
  EXPECT_EQ(ErrorDetail("CALL test.my.proc('Stefan', true)"), "InvalidArgumentType");
  EXPECT_EQ(ErrorDetail("CALL test.my.proc(1, 1)"), "InvalidArgumentType");
  EXPECT_EQ(ErrorDetail("MATCH (n) CALL test.my.proc('a', count(n)) YIELD city RETURN city"),
            "InvalidAggregation");
  EXPECT_EQ(ErrorDetail("CALL test.my.proc('Stefan', 1) YIELD * RETURN city"), "UnexpectedSyntax");
  EXPECT_EQ(ErrorDetail("CALL test.my.proc('Stefan', 1) YIELD city, country_code AS city "
                        "RETURN city"),
            "VariableAlreadyBound");
  EXPECT_EQ(ErrorDetail("CALL test.my.proc('Stefan', 1) RETURN city"), "UndefinedVariable");
}

TEST_F(FixtureProcedures, ArgumentTypesAreWidened) {
  cypher::RegisterFixtureProcedure("test.f(in :: FLOAT?) :: (out :: STRING?)", {"in", "out"},
                                   {{Value(42.0), Value("close enough")}});
  cypher::RegisterFixtureProcedure("test.n(in :: NUMBER?) :: (out :: STRING?)", {"in", "out"},
                                   {{Value(int64_t{42}), Value("wisdom")},
                                    {Value(42.3), Value("about right")},
                                    {Value(), Value("nix")}});
  auto rows = Rows("CALL test.f(42)");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0].AsString(), "close enough");
  rows = Rows("CALL test.n(42.3)");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0].AsString(), "about right");
  rows = Rows("CALL test.n(null)");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0].AsString(), "nix");
  // A wrong type only known at run time (a parameter) fails then.
  EXPECT_EQ(ErrorDetail("CALL test.n($p) YIELD out RETURN out", {{"p", Value("x")}}),
            "InvalidArgumentType");
}

TEST_F(FixtureProcedures, VoidProcedureKeepsRowsInsideAQuery) {
  cypher::RegisterFixtureProcedure("test.doNothing() :: ()", {}, {});
  EXPECT_TRUE(Rows("CALL test.doNothing()").empty());
  EXPECT_TRUE(Rows("CALL test.doNothing").empty());
  auto rows = Rows("UNWIND [1, 2, 3] AS x CALL test.doNothing() RETURN sum(x) AS s");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0].AsInt(), 6);
}

TEST_F(FixtureProcedures, ReRegisteringReplacesCachedPlans) {
  cypher::RegisterFixtureProcedure("test.p() :: (out :: INTEGER?)", {"out"}, {{Value(int64_t{1})}});
  EXPECT_EQ(Rows("CALL test.p()")[0][0].AsInt(), 1);
  cypher::RegisterFixtureProcedure("test.p() :: (out :: INTEGER?)", {"out"}, {{Value(int64_t{2})}});
  EXPECT_EQ(Rows("CALL test.p()")[0][0].AsInt(), 2);
  cypher::ClearFixtureProcedures();
  EXPECT_EQ(ErrorDetail("CALL test.p()"), "ProcedureNotFound");
}

TEST_F(FixtureProcedures, RegistrationThroughCypher) {
  query::Params params{
      {"signature", Value("test.q(in :: INTEGER?) :: (out :: STRING?)")},
      {"header", Value(Value::List{Value("in"), Value("out")})},
      {"rows", Value(Value::List{Value(Value::List{Value(int64_t{7}), Value("seven")})})}};
  EXPECT_TRUE(
      Rows("CALL tributary.tck.registerProcedure($signature, $header, $rows)", params).empty());
  auto rows = Rows("CALL test.q(7) YIELD out RETURN out");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0].AsString(), "seven");
  Rows("CALL tributary.tck.clearProcedures()");
  EXPECT_EQ(ErrorDetail("CALL test.q(7)"), "ProcedureNotFound");
}

TEST_F(FixtureProcedures, MalformedFixturesAreRejected) {
  EXPECT_THROW(cypher::RegisterFixtureProcedure("test.x(in :: WHATEVER?) :: ()", {"in"}, {}),
               cypher::CypherError);
  EXPECT_THROW(cypher::RegisterFixtureProcedure("test.x(in :: INTEGER?) :: ()", {"other"}, {}),
               cypher::CypherError);
  EXPECT_THROW(cypher::RegisterFixtureProcedure("test.x() :: (out :: INTEGER?)", {"out"},
                                                {{Value(int64_t{1}), Value(int64_t{2})}}),
               cypher::CypherError);
  EXPECT_THROW(cypher::RegisterFixtureProcedure("db.labels() :: ()", {}, {}), cypher::CypherError);
}

}  // namespace
}  // namespace tributary
