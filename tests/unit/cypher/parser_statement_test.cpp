// Parser unit tests: clauses, patterns, queries and the administrative and
// stream statements.

#include <gtest/gtest.h>

#include <string>

#include "cypher/parser/ast_printer.hpp"
#include "cypher/parser/parser.hpp"

namespace tributary::cypher {
namespace {

/// Parses and renders a statement.
std::string S(const std::string& text) { return DebugString(*Parse(text)); }

const Query& QueryOf(const Statement& statement) {
  EXPECT_EQ(statement.kind, StatementKind::kQuery);
  return static_cast<const QueryStatement&>(statement).query;
}

template <typename T>
const T& ClauseAt(const Statement& statement, size_t index, size_t part = 0) {
  return static_cast<const T&>(*QueryOf(statement).parts.at(part).clauses.at(index));
}

SyntaxError SyntaxErrorOf(const std::string& text) {
  try {
    Parse(text);
  } catch (const SyntaxError& e) {
    return e;
  }
  ADD_FAILURE() << "expected a SyntaxError for: " << text;
  return SyntaxError("None", "none", 1, 1);
}

std::string DetailOf(const std::string& text) { return SyntaxErrorOf(text).Detail(); }

// ---------------------------------------------------------------------------
// Patterns
// ---------------------------------------------------------------------------

TEST(ParserPatternTest, NodePatterns) {
  EXPECT_EQ(S("MATCH () RETURN 1"), "MATCH () RETURN 1");
  EXPECT_EQ(S("MATCH (n) RETURN n"), "MATCH (n) RETURN n");
  EXPECT_EQ(S("MATCH (:A) RETURN 1"), "MATCH (:A) RETURN 1");
  EXPECT_EQ(S("MATCH (n:A:B) RETURN n"), "MATCH (n:A:B) RETURN n");
  EXPECT_EQ(S("MATCH (n : A : B) RETURN n"), "MATCH (n:A:B) RETURN n");
  EXPECT_EQ(S("MATCH (n:A {name: 'x', age: 3}) RETURN n"),
            "MATCH (n:A {name: 'x', age: 3}) RETURN n");
  EXPECT_EQ(S("MATCH (n {}) RETURN n"), "MATCH (n {}) RETURN n");
  EXPECT_EQ(S("CREATE (n $props)"), "CREATE (n $props)");
  StatementPtr s = Parse("MATCH (n:A:B {k: 1}) RETURN n");
  const NodePattern& node = ClauseAt<MatchClause>(*s, 0).pattern.parts[0].nodes[0];
  EXPECT_EQ(node.variable, "n");
  EXPECT_EQ(node.labels, (std::vector<std::string>{"A", "B"}));
  ASSERT_NE(node.properties, nullptr);
  EXPECT_EQ(node.properties->kind, ExprKind::kMap);
  EXPECT_EQ(node.pos.column, 7u);
}

TEST(ParserPatternTest, RelationshipDirections) {
  StatementPtr s = Parse("MATCH (a)-->(b)<--(c)--(d)<-->(e)-[r]->(f)<-[s]-(g)-[t]-(h) RETURN a");
  const PatternPart& part = ClauseAt<MatchClause>(*s, 0).pattern.parts[0];
  ASSERT_EQ(part.nodes.size(), 8u);
  ASSERT_EQ(part.relationships.size(), 7u);
  EXPECT_EQ(part.relationships[0].direction, RelDirection::kRight);
  EXPECT_EQ(part.relationships[1].direction, RelDirection::kLeft);
  EXPECT_EQ(part.relationships[2].direction, RelDirection::kBoth);
  EXPECT_EQ(part.relationships[3].direction, RelDirection::kBoth);
  EXPECT_EQ(part.relationships[4].direction, RelDirection::kRight);
  EXPECT_EQ(part.relationships[4].variable, "r");
  EXPECT_EQ(part.relationships[5].direction, RelDirection::kLeft);
  EXPECT_EQ(part.relationships[6].direction, RelDirection::kBoth);
  EXPECT_EQ(part.nodes[7].variable, "h");
}

TEST(ParserPatternTest, RelationshipDetails) {
  EXPECT_EQ(S("MATCH (a)-[r:T]->(b) RETURN r"), "MATCH (a)-[r:T]->(b) RETURN r");
  EXPECT_EQ(S("MATCH (a)-[:T|U]->(b) RETURN a"), "MATCH (a)-[:T|U]->(b) RETURN a");
  EXPECT_EQ(S("MATCH (a)-[:T|:U|V]->(b) RETURN a"), "MATCH (a)-[:T|U|V]->(b) RETURN a");
  EXPECT_EQ(S("MATCH (a)-[r {w: 1}]->(b) RETURN a"), "MATCH (a)-[r {w: 1}]->(b) RETURN a");
  EXPECT_EQ(S("MATCH (a)-[r:T|U *1..3 {p: 1}]->(b) RETURN a"),
            "MATCH (a)-[r:T|U*1..3 {p: 1}]->(b) RETURN a");
  EXPECT_EQ(S("MATCH (a)-[:`weird type`]->(b) RETURN a"), "MATCH (a)-[:weird type]->(b) RETURN a");
}

TEST(ParserPatternTest, VariableLengthRanges) {
  struct Case {
    const char* rel;
    std::optional<int64_t> min, max;
  };
  for (const Case& c :
       {Case{"*", std::nullopt, std::nullopt}, Case{"*2", 2, 2}, Case{"*1..3", 1, 3},
        Case{"*..5", std::nullopt, 5}, Case{"*3..", 3, std::nullopt}, Case{"* 1 .. 3", 1, 3},
        Case{"*0..", 0, std::nullopt}, Case{"*0x2..0o7", 2, 7}}) {
    StatementPtr s = Parse(std::string("MATCH (a)-[r:T") + c.rel + "]->(b) RETURN a");
    const RelationshipPattern& rel = ClauseAt<MatchClause>(*s, 0).pattern.parts[0].relationships[0];
    EXPECT_TRUE(rel.variable_length) << c.rel;
    EXPECT_EQ(rel.min_hops, c.min) << c.rel;
    EXPECT_EQ(rel.max_hops, c.max) << c.rel;
  }
  StatementPtr s = Parse("MATCH (a)-[r]->(b) RETURN a");
  EXPECT_FALSE(ClauseAt<MatchClause>(*s, 0).pattern.parts[0].relationships[0].variable_length);
  EXPECT_EQ(DetailOf("MATCH (a)-[:LIKES..]->(c) RETURN c"), "InvalidRelationshipPattern");
  EXPECT_EQ(DetailOf("MATCH (a)-[:LIKES*-2]->(c) RETURN c"), "InvalidRelationshipPattern");
  EXPECT_EQ(DetailOf("MATCH (a)-[*1.5]->(c) RETURN c"), "InvalidRelationshipPattern");
  EXPECT_EQ(DetailOf("MATCH (a)-[*99999999999999999999]->(c) RETURN c"), "IntegerOverflow");
}

TEST(ParserPatternTest, NamedPathsAndSeveralParts) {
  StatementPtr s = Parse("MATCH p = (a)-->(b), (c), q = ((d)-[:T]-(e)) RETURN p");
  const Pattern& pattern = ClauseAt<MatchClause>(*s, 0).pattern;
  ASSERT_EQ(pattern.parts.size(), 3u);
  EXPECT_EQ(pattern.parts[0].path_variable, "p");
  EXPECT_EQ(pattern.parts[1].path_variable, "");
  EXPECT_EQ(pattern.parts[1].nodes.size(), 1u);
  EXPECT_EQ(pattern.parts[2].path_variable, "q");
  EXPECT_EQ(DebugString(pattern.parts[2]), "q = (d)-[:T]-(e)");
}

TEST(ParserPatternTest, MalformedPatterns) {
  EXPECT_EQ(DetailOf("MATCH (a)-(b) RETURN a"), "UnexpectedSyntax");
  EXPECT_EQ(DetailOf("MATCH (a)-[r->(b) RETURN a"), "InvalidRelationshipPattern");
  EXPECT_EQ(DetailOf("MATCH (a:) RETURN a"), "UnexpectedSyntax");
  EXPECT_EQ(DetailOf("MATCH (a {x}) RETURN a"), "UnexpectedSyntax");
  EXPECT_EQ(DetailOf("MATCH a RETURN a"), "UnexpectedSyntax");
  EXPECT_EQ(DetailOf("MATCH (a)-[r:]->(b) RETURN a"), "UnexpectedSyntax");
  EXPECT_EQ(DetailOf("MATCH (a)-[r]>(b) RETURN a"), "UnexpectedSyntax");
}

// ---------------------------------------------------------------------------
// Clauses
// ---------------------------------------------------------------------------

TEST(ParserClauseTest, MatchAndOptionalMatch) {
  StatementPtr s = Parse("MATCH (n) OPTIONAL MATCH (n)-[r]->(m) WHERE m.x = 1 RETURN n, m");
  EXPECT_FALSE(ClauseAt<MatchClause>(*s, 0).optional);
  EXPECT_EQ(ClauseAt<MatchClause>(*s, 0).where, nullptr);
  const auto& opt = ClauseAt<MatchClause>(*s, 1);
  EXPECT_TRUE(opt.optional);
  ASSERT_NE(opt.where, nullptr);
  EXPECT_EQ(DebugString(*opt.where), "(= (. m x) 1)");
  EXPECT_EQ(DetailOf("OPTIONAL (n) RETURN n"), "UnexpectedSyntax");
  EXPECT_EQ(DetailOf("MATCH (n $param) RETURN n"), "InvalidParameterUse");
  EXPECT_EQ(DetailOf("MATCH ()-[r:FOO $param]->() RETURN r"), "InvalidParameterUse");
}

TEST(ParserClauseTest, ReturnAndWith) {
  EXPECT_EQ(S("RETURN *"), "RETURN *");
  EXPECT_EQ(S("MATCH (n) RETURN *, n.x AS x"), "MATCH (n) RETURN *, (. n x) AS x");
  EXPECT_EQ(S("MATCH (n) RETURN DISTINCT n.x AS x ORDER BY x DESC, n.y ASC SKIP $s LIMIT 10"),
            "MATCH (n) RETURN DISTINCT (. n x) AS x ORDER BY x DESC, (. n y) SKIP $s LIMIT 10");
  EXPECT_EQ(S("MATCH (n) RETURN n ORDER BY n.a ASCENDING, n.b DESCENDING"),
            "MATCH (n) RETURN n ORDER BY (. n a), (. n b) DESC");
  EXPECT_EQ(S("MATCH (n) WITH n, count(*) AS c WHERE c > 1 RETURN n"),
            "MATCH (n) WITH n, (count *) AS c WHERE (> c 1) RETURN n");
  EXPECT_EQ(S("WITH DISTINCT 1 AS a ORDER BY a SKIP 1 LIMIT 1 WHERE a > 0 RETURN a"),
            "WITH DISTINCT 1 AS a ORDER BY a SKIP 1 LIMIT 1 WHERE (> a 0) RETURN a");
  EXPECT_EQ(S("WITH * RETURN 1"), "WITH * RETURN 1");
  EXPECT_EQ(S("RETURN 1 LIMIT 1 + 1"), "RETURN 1 LIMIT (+ 1 1)");
  StatementPtr s = Parse("MATCH (n) RETURN n SKIP 2 LIMIT 3");
  const auto& ret = ClauseAt<ReturnClause>(*s, 1);
  EXPECT_EQ(DebugString(*ret.body.skip), "2");
  EXPECT_EQ(DebugString(*ret.body.limit), "3");
  EXPECT_EQ(DetailOf("MATCH (n) RETURN n SKIP -1"), "NegativeIntegerArgument");
  EXPECT_EQ(DetailOf("MATCH (n) RETURN n LIMIT -1"), "NegativeIntegerArgument");
  EXPECT_EQ(DetailOf("MATCH (n) RETURN n LIMIT 1.5"), "InvalidArgumentType");
  EXPECT_EQ(DetailOf("RETURN"), "UnexpectedSyntax");
  EXPECT_EQ(DetailOf("RETURN 1 ORDER n"), "UnexpectedSyntax");
  EXPECT_EQ(DetailOf("RETURN 1 AS"), "UnexpectedSyntax");
}

TEST(ParserClauseTest, Unwind) {
  EXPECT_EQ(S("UNWIND [1, 2] AS x RETURN x"), "UNWIND [1, 2] AS x RETURN x");
  EXPECT_EQ(S("UNWIND $rows AS row CREATE (:N {id: row.id})"),
            "UNWIND $rows AS row CREATE (:N {id: (. row id)})");
  EXPECT_EQ(DetailOf("UNWIND [1] x RETURN x"), "UnexpectedSyntax");
}

TEST(ParserClauseTest, Create) {
  EXPECT_EQ(S("CREATE (a:A {x: 1})-[:T {w: 2}]->(b), (c)"),
            "CREATE (a:A {x: 1})-[:T {w: 2}]->(b), (c)");
  EXPECT_EQ(S("CREATE p = (a)<-[:T]-(b) RETURN p"), "CREATE p = (a)<-[:T]-(b) RETURN p");
  EXPECT_EQ(DetailOf("CREATE ()-->()"), "NoSingleRelationshipType");
  EXPECT_EQ(DetailOf("CREATE ()-[:A|:B]->()"), "NoSingleRelationshipType");
  EXPECT_EQ(DetailOf("CREATE (a)-[:FOO]-(b)"), "RequiresDirectedRelationship");
  EXPECT_EQ(DetailOf("CREATE (a)<-[:FOO]->(b)"), "RequiresDirectedRelationship");
  EXPECT_EQ(DetailOf("CREATE ()-[:FOO*2]->()"), "CreatingVarLength");
}

TEST(ParserClauseTest, Merge) {
  StatementPtr s = Parse(
      "MERGE (n:A {id: 1}) ON CREATE SET n.created = 1, n:New ON MATCH SET n.seen = true "
      "ON CREATE SET n += {x: 1}");
  const auto& merge = ClauseAt<MergeClause>(*s, 0);
  EXPECT_EQ(merge.pattern.nodes[0].variable, "n");
  ASSERT_EQ(merge.on_create.size(), 3u);
  ASSERT_EQ(merge.on_match.size(), 1u);
  EXPECT_EQ(merge.on_create[1].kind, SetItemKind::kLabels);
  EXPECT_EQ(merge.on_create[2].kind, SetItemKind::kMergeMap);
  EXPECT_EQ(S("MERGE (a)-[r:T]-(b) RETURN r"), "MERGE (a)-[r:T]-(b) RETURN r");
  EXPECT_EQ(DetailOf("MERGE (n $param) RETURN n"), "InvalidParameterUse");
  EXPECT_EQ(DetailOf("MERGE (a)-[]->(b)"), "NoSingleRelationshipType");
  // A named relationship's type count is checked by the planner, after it
  // knows whether the name is already bound (VariableAlreadyBound first).
  EXPECT_NO_THROW(Parse("MERGE (a)-[r]->(b)"));
  EXPECT_EQ(DetailOf("MERGE (a)-[:T*]->(b)"), "CreatingVarLength");
  EXPECT_EQ(DetailOf("MERGE (a) ON DELETE SET a.x = 1"), "UnexpectedSyntax");
  EXPECT_EQ(DetailOf("MERGE (a), (b)"), "UnexpectedSyntax");
}

TEST(ParserClauseTest, SetItems) {
  StatementPtr s = Parse("MATCH (n) SET n.p = 1, n = {a: 1}, n += $m, n:L:M, n.a.b = 2, (n).q = 3");
  const auto& set = ClauseAt<SetClause>(*s, 1);
  ASSERT_EQ(set.items.size(), 6u);
  EXPECT_EQ(set.items[0].kind, SetItemKind::kProperty);
  EXPECT_EQ(DebugString(*set.items[0].property), "(. n p)");
  EXPECT_EQ(DebugString(*set.items[0].value), "1");
  EXPECT_EQ(set.items[1].kind, SetItemKind::kReplaceMap);
  EXPECT_EQ(set.items[1].variable, "n");
  EXPECT_EQ(set.items[2].kind, SetItemKind::kMergeMap);
  EXPECT_EQ(DebugString(*set.items[2].value), "$m");
  EXPECT_EQ(set.items[3].kind, SetItemKind::kLabels);
  EXPECT_EQ(set.items[3].labels, (std::vector<std::string>{"L", "M"}));
  EXPECT_EQ(set.items[3].value, nullptr);
  EXPECT_EQ(DebugString(*set.items[4].property), "(. (. n a) b)");
  EXPECT_EQ(DebugString(*set.items[5].property), "(. n q)");
  EXPECT_EQ(DetailOf("MATCH (n) SET n"), "UnexpectedSyntax");
  EXPECT_EQ(DetailOf("MATCH (n) SET n.p"), "UnexpectedSyntax");
  EXPECT_EQ(DetailOf("MATCH (n) SET n.p += 1"), "UnexpectedSyntax");
}

TEST(ParserClauseTest, Remove) {
  StatementPtr s = Parse("MATCH (n) REMOVE n.p, n:L:M, (n).q");
  const auto& remove = ClauseAt<RemoveClause>(*s, 1);
  ASSERT_EQ(remove.items.size(), 3u);
  EXPECT_EQ(remove.items[0].kind, RemoveItemKind::kProperty);
  EXPECT_EQ(DebugString(*remove.items[0].property), "(. n p)");
  EXPECT_EQ(remove.items[1].kind, RemoveItemKind::kLabels);
  EXPECT_EQ(remove.items[1].variable, "n");
  EXPECT_EQ(remove.items[1].labels, (std::vector<std::string>{"L", "M"}));
  EXPECT_EQ(DetailOf("MATCH (n) REMOVE n"), "UnexpectedSyntax");
}

TEST(ParserClauseTest, Delete) {
  StatementPtr s = Parse("MATCH (n)-[r]-() DELETE r, n DETACH DELETE n");
  EXPECT_FALSE(ClauseAt<DeleteClause>(*s, 1).detach);
  EXPECT_EQ(ClauseAt<DeleteClause>(*s, 1).exprs.size(), 2u);
  EXPECT_TRUE(ClauseAt<DeleteClause>(*s, 2).detach);
  EXPECT_EQ(S("MATCH p = ()-->() DELETE nodes(p)[0]"),
            "MATCH p = ()-[]->() DELETE ([] (call nodes p) 0)");
  EXPECT_EQ(DetailOf("MATCH (n) DELETE n:Person"), "InvalidDelete");
  EXPECT_EQ(DetailOf("MATCH (n) DETACH n"), "UnexpectedSyntax");
}

TEST(ParserClauseTest, ProcedureCalls) {
  StatementPtr s = Parse("CALL db.labels()");
  const auto& call = ClauseAt<CallClause>(*s, 0);
  EXPECT_EQ(call.procedure, "db.labels");
  EXPECT_TRUE(call.explicit_args);
  EXPECT_FALSE(call.has_yield);

  s = Parse("CALL test.my.proc");
  EXPECT_FALSE(ClauseAt<CallClause>(*s, 0).explicit_args);
  EXPECT_EQ(ClauseAt<CallClause>(*s, 0).procedure, "test.my.proc");

  EXPECT_EQ(S("CALL test.my.proc('Stefan', 1) YIELD city, country_code AS cc WHERE cc > 1 "
              "RETURN city"),
            "CALL test.my.proc('Stefan', 1) YIELD city, country_code AS cc WHERE (> cc 1) "
            "RETURN city");
  s = Parse("CALL proc(1) YIELD *");
  EXPECT_TRUE(ClauseAt<CallClause>(*s, 0).yield_star);
  s = Parse("MATCH (n) CALL proc(n) YIELD a AS b RETURN b");
  const auto& in_query = ClauseAt<CallClause>(*s, 1);
  ASSERT_EQ(in_query.yields.size(), 1u);
  EXPECT_EQ(in_query.yields[0].field, "a");
  EXPECT_EQ(in_query.yields[0].Name(), "b");
  EXPECT_EQ(DetailOf("CALL test.my.proc('Stefan', 1) YIELD * RETURN city"), "UnexpectedSyntax");
  EXPECT_EQ(DetailOf("CALL proc(1,"), "UnexpectedSyntax");
}

TEST(ParserClauseTest, CallSubquery) {
  StatementPtr s = Parse("UNWIND [1, 2] AS x CALL { WITH x RETURN x * 2 AS y } RETURN y");
  const auto& sub = ClauseAt<CallSubqueryClause>(*s, 1);
  ASSERT_NE(sub.query, nullptr);
  EXPECT_EQ(DebugString(*sub.query), "WITH x RETURN (* x 2) AS y");
  EXPECT_EQ(S("CALL { RETURN 1 AS a UNION RETURN 2 AS a } RETURN a"),
            "CALL { RETURN 1 AS a UNION RETURN 2 AS a } RETURN a");
  EXPECT_EQ(DetailOf("CALL { RETURN 1 RETURN 1"), "UnexpectedSyntax");
}

TEST(ParserClauseTest, Union) {
  StatementPtr s = Parse("RETURN 1 AS a UNION RETURN 2 AS a UNION RETURN 3 AS a");
  const Query& q = QueryOf(*s);
  ASSERT_EQ(q.parts.size(), 3u);
  EXPECT_EQ(q.union_all, (std::vector<bool>{false, false}));
  s = Parse("MATCH (n) RETURN n.x AS a UNION ALL MATCH (m) RETURN m.x AS a");
  EXPECT_EQ(QueryOf(*s).union_all, (std::vector<bool>{true}));
  EXPECT_EQ(DetailOf("RETURN 1 AS a UNION ALL RETURN 2 AS a UNION RETURN 3 AS a"),
            "InvalidClauseComposition");
  EXPECT_EQ(DetailOf("RETURN 1 AS a UNION"), "UnexpectedSyntax");
}

TEST(ParserClauseTest, ExplainProfileAndSemicolon) {
  StatementPtr s = Parse("EXPLAIN MATCH (n) RETURN n;");
  EXPECT_EQ(static_cast<QueryStatement&>(*s).mode, QueryMode::kExplain);
  s = Parse("profile MATCH (n) RETURN n");
  EXPECT_EQ(static_cast<QueryStatement&>(*s).mode, QueryMode::kProfile);
  s = Parse("MATCH (n) RETURN n");
  EXPECT_EQ(static_cast<QueryStatement&>(*s).mode, QueryMode::kNormal);
  EXPECT_EQ(DetailOf("EXPLAIN"), "UnexpectedSyntax");
  EXPECT_EQ(DetailOf("EXPLAIN CREATE INDEX ON :L(p)"), "UnexpectedSyntax");
}

TEST(ParserClauseTest, TheEdgeInsertQuery) {
  StatementPtr s =
      Parse("MATCH (n:Node {id: $from_id}), (m:Node {id: $to_id}) CREATE (n)-[:Edge]->(m)");
  const auto& match = ClauseAt<MatchClause>(*s, 0);
  ASSERT_EQ(match.pattern.parts.size(), 2u);
  const auto& props = static_cast<const MapExpr&>(*match.pattern.parts[1].nodes[0].properties);
  EXPECT_EQ(props.entries[0].key, "id");
  EXPECT_EQ(static_cast<const ParameterExpr&>(*props.entries[0].value).name, "to_id");
  const auto& create = ClauseAt<CreateClause>(*s, 1);
  EXPECT_EQ(create.pattern.parts[0].relationships[0].types, (std::vector<std::string>{"Edge"}));
}

// ---------------------------------------------------------------------------
// Index, constraint and snapshot statements
// ---------------------------------------------------------------------------

TEST(ParserAdminTest, MemgraphIndexes) {
  StatementPtr s = Parse("CREATE INDEX ON :Person(name)");
  ASSERT_EQ(s->kind, StatementKind::kCreateIndex);
  const auto& index = static_cast<const IndexStatement&>(*s);
  EXPECT_EQ(index.label, "Person");
  EXPECT_EQ(index.properties, (std::vector<std::string>{"name"}));
  s = Parse("create index on :Person");
  EXPECT_TRUE(static_cast<const IndexStatement&>(*s).properties.empty());
  EXPECT_EQ(S("CREATE INDEX ON :L(a, b)"), "CREATE INDEX ON :L(a, b)");
  s = Parse("DROP INDEX ON :Person(name);");
  ASSERT_EQ(s->kind, StatementKind::kDropIndex);
  EXPECT_EQ(static_cast<const IndexStatement&>(*s).label, "Person");
  EXPECT_EQ(S("DROP INDEX ON :Person"), "DROP INDEX ON :Person");
}

TEST(ParserAdminTest, Neo4jIndexes) {
  StatementPtr s = Parse("CREATE INDEX person_name IF NOT EXISTS FOR (p:Person) ON (p.name)");
  const auto& index = static_cast<const IndexStatement&>(*s);
  EXPECT_EQ(index.kind, StatementKind::kCreateIndex);
  EXPECT_EQ(index.name, "person_name");
  EXPECT_TRUE(index.if_exists_clause);
  EXPECT_EQ(index.label, "Person");
  EXPECT_EQ(index.properties, (std::vector<std::string>{"name"}));
  EXPECT_EQ(S("CREATE INDEX FOR (n:L) ON (n.a, n.b)"), "CREATE INDEX ON :L(a, b)");
  EXPECT_EQ(S("CREATE INDEX IF NOT EXISTS FOR (n:L) ON (n.a)"),
            "CREATE INDEX ON :L(a) IF NOT EXISTS");
  s = Parse("DROP INDEX person_name IF EXISTS");
  const auto& drop = static_cast<const IndexStatement&>(*s);
  EXPECT_EQ(drop.kind, StatementKind::kDropIndex);
  EXPECT_EQ(drop.name, "person_name");
  EXPECT_TRUE(drop.label.empty());
  EXPECT_TRUE(drop.if_exists_clause);
  EXPECT_EQ(DetailOf("CREATE INDEX FOR (n:L) ON (m.a)"), "UndefinedVariable");
  EXPECT_EQ(DetailOf("CREATE INDEX ON Person(name)"), "UnexpectedSyntax");
  EXPECT_EQ(DetailOf("CREATE INDEX ON :Person(name"), "UnexpectedSyntax");
  EXPECT_EQ(DetailOf("DROP INDEX"), "UnexpectedSyntax");
}

TEST(ParserAdminTest, Constraints) {
  StatementPtr s = Parse("CREATE CONSTRAINT ON (n:Person) ASSERT n.email IS UNIQUE");
  ASSERT_EQ(s->kind, StatementKind::kCreateConstraint);
  const auto& c = static_cast<const ConstraintStatement&>(*s);
  EXPECT_EQ(c.type, ConstraintType::kUnique);
  EXPECT_EQ(c.variable, "n");
  EXPECT_EQ(c.label, "Person");
  EXPECT_EQ(c.properties, (std::vector<std::string>{"email"}));
  s = Parse("drop constraint on (n:Person) assert n.email is unique");
  EXPECT_EQ(s->kind, StatementKind::kDropConstraint);
  EXPECT_EQ(S("CREATE CONSTRAINT ON (n:L) ASSERT n.a, n.b IS UNIQUE"),
            "CREATE CONSTRAINT ON (n:L) ASSERT n.a, n.b IS UNIQUE");
  EXPECT_EQ(S("CREATE CONSTRAINT ON (n:L) ASSERT EXISTS (n.a)"),
            "CREATE CONSTRAINT ON (n:L) ASSERT n.a IS NOT NULL");
  EXPECT_EQ(S("CREATE CONSTRAINT ON (n:L) ASSERT n.a IS NOT NULL"),
            "CREATE CONSTRAINT ON (n:L) ASSERT n.a IS NOT NULL");
  EXPECT_EQ(DetailOf("CREATE CONSTRAINT ON (n:L) ASSERT m.a IS UNIQUE"), "UndefinedVariable");
  EXPECT_EQ(DetailOf("CREATE CONSTRAINT ON (n:L) ASSERT n.a IS"), "UnexpectedSyntax");
  EXPECT_EQ(DetailOf("CREATE CONSTRAINT ON (n) ASSERT n.a IS UNIQUE"), "UnexpectedSyntax");
}

TEST(ParserAdminTest, InfoAndSnapshot) {
  EXPECT_EQ(Parse("SHOW INDEX INFO")->kind, StatementKind::kShowIndexInfo);
  EXPECT_EQ(Parse("show constraint info;")->kind, StatementKind::kShowConstraintInfo);
  EXPECT_EQ(Parse("CREATE SNAPSHOT")->kind, StatementKind::kCreateSnapshot);
  EXPECT_EQ(DetailOf("SHOW INDEXES"), "UnexpectedSyntax");
  EXPECT_EQ(DetailOf("CREATE SNAPSHOT now"), "UnexpectedSyntax");
}

// ---------------------------------------------------------------------------
// Streams
// ---------------------------------------------------------------------------

TEST(ParserStreamTest, CreateStream) {
  StatementPtr s = Parse(
      "CREATE STREAM people AS LOAD DATA KAFKA 'localhost:9092' WITH TOPIC 'people' "
      "WITH TRANSFORM 'file:///t.py' BATCH_INTERVAL 100 BATCH_SIZE 10");
  ASSERT_EQ(s->kind, StatementKind::kCreateStream);
  const auto& c = static_cast<const CreateStreamStatement&>(*s);
  EXPECT_EQ(c.name, "people");
  EXPECT_EQ(c.kafka_uri, "localhost:9092");
  EXPECT_EQ(c.topic, "people");
  EXPECT_EQ(c.transform_uri, "file:///t.py");
  EXPECT_EQ(c.batch_interval_ms, 100);
  EXPECT_EQ(c.batch_size, 10);

  s = Parse("create stream s as load data kafka \"k:1\" with topic \"t\" with transform \"x\"");
  const auto& d = static_cast<const CreateStreamStatement&>(*s);
  EXPECT_FALSE(d.batch_interval_ms.has_value());
  EXPECT_FALSE(d.batch_size.has_value());

  // Two-word spellings, either order.
  s = Parse(
      "CREATE STREAM s AS LOAD DATA KAFKA 'k' WITH TOPIC 't' WITH TRANSFORM 'x' "
      "BATCH SIZE 5 BATCH INTERVAL 7");
  const auto& e = static_cast<const CreateStreamStatement&>(*s);
  EXPECT_EQ(e.batch_interval_ms, 7);
  EXPECT_EQ(e.batch_size, 5);
}

TEST(ParserStreamTest, BadStreamOptionsNameTheOption) {
  const std::string prefix = "CREATE STREAM s AS LOAD DATA KAFKA ";
  struct Case {
    std::string text;
    std::string option;
    std::string detail;
  };
  for (const Case& c : {
           Case{prefix + "42 WITH TOPIC 't' WITH TRANSFORM 'x'", "KAFKA", "InvalidArgumentType"},
           Case{prefix + "'' WITH TOPIC 't' WITH TRANSFORM 'x'", "KAFKA", "InvalidArgumentValue"},
           Case{prefix + "'k' WITH TOPIC $t WITH TRANSFORM 'x'", "TOPIC", "InvalidArgumentType"},
           Case{prefix + "'k' WITH TOPIC 't' WITH TRANSFORM true", "TRANSFORM",
                "InvalidArgumentType"},
           Case{prefix + "'k' WITH TOPIC 't' WITH TRANSFORM 'x' BATCH_INTERVAL 0", "BATCH_INTERVAL",
                "InvalidArgumentValue"},
           Case{prefix + "'k' WITH TOPIC 't' WITH TRANSFORM 'x' BATCH_INTERVAL -5",
                "BATCH_INTERVAL", "InvalidArgumentValue"},
           Case{prefix + "'k' WITH TOPIC 't' WITH TRANSFORM 'x' BATCH_INTERVAL 1.5",
                "BATCH_INTERVAL", "InvalidArgumentType"},
           Case{prefix + "'k' WITH TOPIC 't' WITH TRANSFORM 'x' BATCH_SIZE '10'", "BATCH_SIZE",
                "InvalidArgumentType"},
           Case{prefix + "'k' WITH TOPIC 't' WITH TRANSFORM 'x' BATCH SIZE 0", "BATCH_SIZE",
                "InvalidArgumentValue"},
           Case{prefix + "'k' WITH TOPIC 't' WITH TRANSFORM 'x' BATCH_SIZE 1 BATCH_SIZE 2",
                "BATCH_SIZE", "InvalidArgumentValue"},
           Case{"START STREAM s LIMIT 0 BATCHES", "LIMIT", "InvalidArgumentValue"},
           Case{"TEST STREAM s LIMIT 'x' BATCHES", "LIMIT", "InvalidArgumentType"},
       }) {
    SyntaxError e = SyntaxErrorOf(c.text);
    EXPECT_EQ(e.Detail(), c.detail) << c.text;
    EXPECT_NE(std::string(e.what()).find(c.option), std::string::npos)
        << c.text << " -> " << e.what();
  }
  EXPECT_EQ(DetailOf(prefix + "'k' WITH TRANSFORM 'x'"), "UnexpectedSyntax");
  EXPECT_EQ(DetailOf(prefix + "'k' WITH TOPIC 't' WITH TRANSFORM 'x' BATCH_SIZE"),
            "InvalidArgumentType");
  EXPECT_EQ(DetailOf(prefix + "'k' WITH TOPIC 't' WITH TRANSFORM 'x' BATCH COUNT 1"),
            "UnexpectedSyntax");
  EXPECT_EQ(DetailOf(prefix + "'k' WITH TOPIC 't' WITH TRANSFORM 'x' BATCH_SIZE "
                              "99999999999999999999"),
            "IntegerOverflow");
}

TEST(ParserStreamTest, StreamCommands) {
  struct Case {
    const char* text;
    StatementKind kind;
    const char* name;
    std::optional<int64_t> limit;
  };
  for (const Case& c : {
           Case{"DROP STREAM s", StatementKind::kDropStream, "s", std::nullopt},
           Case{"SHOW STREAM s", StatementKind::kShowStream, "s", std::nullopt},
           Case{"START STREAM s", StatementKind::kStartStream, "s", std::nullopt},
           Case{"start stream `my stream` limit 3 batches", StatementKind::kStartStream,
                "my stream", 3},
           Case{"STOP STREAM s;", StatementKind::kStopStream, "s", std::nullopt},
           Case{"TEST STREAM s", StatementKind::kTestStream, "s", std::nullopt},
           Case{"TEST STREAM s LIMIT 2 BATCHES", StatementKind::kTestStream, "s", 2},
       }) {
    StatementPtr s = Parse(c.text);
    ASSERT_EQ(s->kind, c.kind) << c.text;
    const auto& st = static_cast<const StreamStatement&>(*s);
    EXPECT_EQ(st.name, c.name) << c.text;
    EXPECT_EQ(st.limit_batches, c.limit) << c.text;
  }
  EXPECT_EQ(Parse("SHOW STREAMS")->kind, StatementKind::kShowStreams);
  EXPECT_EQ(Parse("START ALL STREAMS")->kind, StatementKind::kStartAllStreams);
  EXPECT_EQ(Parse("stop all streams")->kind, StatementKind::kStopAllStreams);
  EXPECT_EQ(DetailOf("STOP STREAM s LIMIT 1 BATCHES"), "UnexpectedSyntax");
  EXPECT_EQ(DetailOf("START STREAM s LIMIT 1"), "UnexpectedSyntax");
  EXPECT_EQ(DetailOf("START STREAMS"), "UnexpectedSyntax");
  EXPECT_EQ(DetailOf("DROP STREAM"), "UnexpectedSyntax");
  EXPECT_EQ(DetailOf("TEST s"), "UnexpectedSyntax");
}

}  // namespace
}  // namespace tributary::cypher
