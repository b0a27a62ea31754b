// Parser unit tests: literals, lexing, expressions and precedence, errors,
// nesting limits and speed. Clauses, patterns and statements are in
// parser_statement_test.cpp.

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <string>
#include <thread>

#include "cypher/parser/ast_printer.hpp"
#include "cypher/parser/parser.hpp"

namespace tributary::cypher {
namespace {

/// The first RETURN item of `RETURN <text>`.
const ProjectionItem& FirstItem(const Statement& statement) {
  const auto& query = static_cast<const QueryStatement&>(statement).query;
  const auto& ret = static_cast<const ReturnClause&>(*query.parts.back().clauses.back());
  return ret.body.items.at(0);
}

/// Parses `RETURN <text>` and renders the expression in prefix form.
std::string E(const std::string& text) {
  StatementPtr statement = Parse("RETURN " + text);
  return DebugString(*FirstItem(*statement).expr);
}

/// The literal value of `RETURN <text>`. REQUIRES: the expression is a literal.
PropertyValue Lit(const std::string& text) {
  StatementPtr statement = Parse("RETURN " + text);
  const Expr& expr = *FirstItem(*statement).expr;
  EXPECT_EQ(expr.kind, ExprKind::kLiteral) << text;
  if (expr.kind != ExprKind::kLiteral) return {};
  return static_cast<const LiteralExpr&>(expr).value;
}

/// Parses text expecting a SyntaxError and returns it.
SyntaxError SyntaxErrorOf(const std::string& text) {
  try {
    Parse(text);
  } catch (const SyntaxError& e) {
    return e;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "unexpected exception for: " << text << ": " << e.what();
    return SyntaxError("None", "none", 1, 1);
  }
  ADD_FAILURE() << "expected a SyntaxError for: " << text;
  return SyntaxError("None", "none", 1, 1);
}

std::string DetailOf(const std::string& text) { return SyntaxErrorOf(text).Detail(); }

// ---------------------------------------------------------------------------
// Literals
// ---------------------------------------------------------------------------

TEST(ParserLiteralTest, BooleansAndNullAnyCase) {
  EXPECT_EQ(Lit("true"), PropertyValue(true));
  EXPECT_EQ(Lit("TRUE"), PropertyValue(true));
  EXPECT_EQ(Lit("False"), PropertyValue(false));
  EXPECT_TRUE(Lit("null").IsNull());
  EXPECT_TRUE(Lit("NULL").IsNull());
}

TEST(ParserLiteralTest, DecimalIntegers) {
  EXPECT_EQ(Lit("0"), PropertyValue(0));
  EXPECT_EQ(Lit("-0"), PropertyValue(0));
  EXPECT_EQ(Lit("372036854"), PropertyValue(372036854));
  EXPECT_EQ(Lit("-372036854"), PropertyValue(-372036854));
  EXPECT_EQ(Lit("9223372036854775807"), PropertyValue(INT64_MAX));
  EXPECT_EQ(Lit("-9223372036854775808"), PropertyValue(INT64_MIN));
  EXPECT_EQ(Lit("- 9223372036854775808"), PropertyValue(INT64_MIN));
}

TEST(ParserLiteralTest, HexAndOctalIntegers) {
  EXPECT_EQ(Lit("0x1F"), PropertyValue(31));
  EXPECT_EQ(Lit("0X1f"), PropertyValue(31));
  EXPECT_EQ(Lit("0x162CD4F6"), PropertyValue(0x162CD4F6));
  EXPECT_EQ(Lit("0x1a2b3c4d5e6f7"), PropertyValue(int64_t{0x1a2b3c4d5e6f7}));
  EXPECT_EQ(Lit("0x7FFFFFFFFFFFFFFF"), PropertyValue(INT64_MAX));
  EXPECT_EQ(Lit("-0x8000000000000000"), PropertyValue(INT64_MIN));
  EXPECT_EQ(Lit("-0x0"), PropertyValue(0));
  EXPECT_EQ(Lit("0o17"), PropertyValue(15));
  EXPECT_EQ(Lit("0o2613152366"), PropertyValue(int64_t{0x162CD4F6}));
  EXPECT_EQ(Lit("0o777777777777777777777"), PropertyValue(INT64_MAX));
  EXPECT_EQ(Lit("-0o1000000000000000000000"), PropertyValue(INT64_MIN));
  EXPECT_EQ(Lit("017"), PropertyValue(15));  // openCypher 9 legacy octal
}

TEST(ParserLiteralTest, IntegerOverflowIsASyntaxError) {
  for (const char* text :
       {"9223372036854775808", "-9223372036854775809", "0x8000000000000000", "-0x8000000000000001",
        "0o1000000000000000000000", "-0o1000000000000000000001", "99999999999999999999999999"}) {
    SyntaxError e = SyntaxErrorOf(std::string("RETURN ") + text + " AS literal");
    EXPECT_EQ(e.Detail(), "IntegerOverflow") << text;
    EXPECT_NE(std::string(e.what()).find("IntegerOverflow"), std::string::npos);
  }
}

TEST(ParserLiteralTest, InvalidNumberLiterals) {
  for (const char* text : {"0x", "0x1A2b3j4D5E6f7", "0x1A2b3c4Z5E6f7", "9223372h54775808", "0o8",
                           "019", "1e", "1ex", "1.5e+", "12abc", "$1a"}) {
    EXPECT_EQ(DetailOf(std::string("RETURN ") + text + " AS literal"), "InvalidNumberLiteral")
        << text;
  }
  EXPECT_EQ(DetailOf("RETURN 9223372#54775808 AS literal"), "UnexpectedSyntax");
}

TEST(ParserLiteralTest, Floats) {
  EXPECT_EQ(Lit("1.5"), PropertyValue(1.5));
  EXPECT_EQ(Lit(".5"), PropertyValue(0.5));
  EXPECT_EQ(Lit("1e10"), PropertyValue(1e10));
  EXPECT_EQ(Lit("1E10"), PropertyValue(1e10));
  EXPECT_EQ(Lit("1.5E-3"), PropertyValue(1.5e-3));
  EXPECT_EQ(Lit("2E-01"), PropertyValue(0.2));
  EXPECT_EQ(Lit("1e+2"), PropertyValue(100.0));
  EXPECT_EQ(Lit("-.1e-5"), PropertyValue(-1e-6));
  EXPECT_EQ(Lit("0.0"), PropertyValue(0.0));
  EXPECT_TRUE(std::signbit(Lit("-0.0").AsDouble()));
  EXPECT_EQ(Lit("1e-400"), PropertyValue(0.0));  // underflow rounds to zero
  EXPECT_EQ(DetailOf("RETURN 1e400"), "FloatingPointOverflow");
  // A float literal is a double even without a fraction.
  EXPECT_TRUE(Lit("3e0").IsDouble());
}

TEST(ParserLiteralTest, StringsAndEscapes) {
  EXPECT_EQ(Lit("''"), PropertyValue(""));
  EXPECT_EQ(Lit("\"\""), PropertyValue(""));
  EXPECT_EQ(Lit("'a'"), PropertyValue("a"));
  EXPECT_EQ(Lit("\"it's\""), PropertyValue("it's"));
  EXPECT_EQ(Lit(R"('\'')"), PropertyValue("'"));
  EXPECT_EQ(Lit(R"("\"")"), PropertyValue("\""));
  EXPECT_EQ(Lit(R"('\\ \n \t \r \b \f')"), PropertyValue("\\ \n \t \r \b \f"));
  EXPECT_EQ(Lit(R"('a\\bcn5t\'"\\//\\"\'')"), PropertyValue(R"(a\bcn5t'"\//\"')"));
  EXPECT_EQ(Lit(R"('\u01FF')"), PropertyValue("\u01FF"));
  EXPECT_EQ(Lit(R"('\u0041\u00e9')"), PropertyValue("A\u00e9"));
  EXPECT_EQ(Lit(R"('\U0001F600')"), PropertyValue("\U0001F600"));
  EXPECT_EQ(Lit(R"('\uD83D\uDE00')"), PropertyValue("\U0001F600"));  // surrogate pair
  EXPECT_EQ(Lit("'🧐🍌❖⋙⚐'"), PropertyValue("🧐🍌❖⋙⚐"));
  EXPECT_EQ(Lit("'multi\nline'"), PropertyValue("multi\nline"));
}

TEST(ParserLiteralTest, BadStrings) {
  EXPECT_EQ(DetailOf(R"(RETURN '\uH')"), "InvalidUnicodeLiteral");
  EXPECT_EQ(DetailOf(R"(RETURN '\u12')"), "InvalidUnicodeLiteral");
  EXPECT_EQ(DetailOf(R"(RETURN '\UFFFFFFFF')"), "InvalidUnicodeLiteral");
  EXPECT_EQ(DetailOf(R"(RETURN '\uD800')"), "InvalidUnicodeLiteral");  // lone surrogate
  EXPECT_EQ(DetailOf(R"(RETURN '\q')"), "UnexpectedSyntax");
  SyntaxError e = SyntaxErrorOf("RETURN 'abc");
  EXPECT_NE(std::string(e.what()).find("Unterminated string"), std::string::npos);
  EXPECT_EQ(e.Column(), 8);
}

TEST(ParserLiteralTest, ListsAndMaps) {
  EXPECT_EQ(E("[]"), "[]");
  EXPECT_EQ(E("[1, 'a', null]"), "[1, 'a', null]");
  EXPECT_EQ(E("[[[]]]"), "[[[]]]");
  EXPECT_EQ(E("{}"), "{}");
  EXPECT_EQ(E("{a: 1, `b c`: [2], match: 3}"), "{a: 1, b c: [2], match: 3}");
  EXPECT_EQ(E("[ {\n a: 1 } ]"), "[{a: 1}]");
  EXPECT_EQ(DetailOf("RETURN [, ] AS literal"), "UnexpectedSyntax");
  EXPECT_EQ(DetailOf("RETURN [[[]] AS literal"), "UnexpectedSyntax");
  EXPECT_EQ(DetailOf("RETURN [[','[]',']] AS literal"), "UnexpectedSyntax");
  EXPECT_EQ(DetailOf("RETURN {a 1}"), "UnexpectedSyntax");
}

// ---------------------------------------------------------------------------
// Lexical details
// ---------------------------------------------------------------------------

TEST(ParserLexTest, CommentsAndWhitespace) {
  EXPECT_EQ(DebugString(*Parse("// leading\nMATCH /* inline */ (n) // trailing\nRETURN n")),
            "MATCH (n) RETURN n");
  EXPECT_EQ(DebugString(*Parse("RETURN 1 /* multi\nline */ + 2")), "RETURN (+ 1 2)");
  EXPECT_EQ(DebugString(*Parse("\t\r\n RETURN\u00a01")), "RETURN 1");
  EXPECT_EQ(DetailOf("RETURN 1 /* unterminated"), "UnexpectedSyntax");
  // `//` inside a string is not a comment.
  EXPECT_EQ(Lit("'http://x'"), PropertyValue("http://x"));
}

TEST(ParserLexTest, KeywordsAreCaseInsensitive) {
  EXPECT_EQ(DebugString(*Parse("match (n) where n.x > 1 return distinct n order by n.x desc "
                               "skip 1 limit 2")),
            "MATCH (n) WHERE (> (. n x) 1) RETURN DISTINCT n ORDER BY (. n x) DESC SKIP 1 "
            "LIMIT 2");
  EXPECT_EQ(DebugString(*Parse("MaTcH (n) ReTuRn n")), "MATCH (n) RETURN n");
}

TEST(ParserLexTest, BacktickIdentifiers) {
  StatementPtr s = Parse("MATCH (`my node`:`My Label` {`a``b`: 1}) RETURN `my node`.`x y`");
  EXPECT_EQ(DebugString(*s), "MATCH (my node:My Label {a`b: 1}) RETURN (. my node x y)");
  // Reserved words can be used as names when quoted.
  EXPECT_EQ(E("`match`"), "match");
  EXPECT_EQ(DetailOf("RETURN ``"), "UnexpectedSyntax");
  EXPECT_EQ(DetailOf("RETURN `abc"), "UnexpectedSyntax");
}

TEST(ParserLexTest, Parameters) {
  EXPECT_EQ(E("$name"), "$name");
  EXPECT_EQ(E("$0"), "$0");
  EXPECT_EQ(E("$`a b`"), "$a b");
  EXPECT_EQ(E("$p.x"), "(. $p x)");
  EXPECT_EQ(DetailOf("RETURN $"), "UnexpectedSyntax");
}

TEST(ParserLexTest, StrayCharacters) {
  SyntaxError e = SyntaxErrorOf("RETURN 1 # 2");
  EXPECT_EQ(e.Detail(), "UnexpectedSyntax");
  EXPECT_EQ(e.Column(), 10);
  EXPECT_EQ(DetailOf(std::string("RETURN 1\0", 9)), "UnexpectedSyntax");
}

// ---------------------------------------------------------------------------
// Expressions and precedence
// ---------------------------------------------------------------------------

TEST(ParserExpressionTest, ArithmeticPrecedence) {
  EXPECT_EQ(E("1 + 2 * 3"), "(+ 1 (* 2 3))");
  EXPECT_EQ(E("1 * 2 + 3"), "(+ (* 1 2) 3)");
  EXPECT_EQ(E("1 - 2 - 3"), "(- (- 1 2) 3)");
  EXPECT_EQ(E("8 / 4 % 3 * 2"), "(* (% (/ 8 4) 3) 2)");
  EXPECT_EQ(E("4 ^ 3 * 2 ^ 3"), "(* (^ 4 3) (^ 2 3))");
  EXPECT_EQ(E("2 ^ 3 ^ 2"), "(^ (^ 2 3) 2)");  // left-associative in openCypher
  EXPECT_EQ(E("(1 + 2) * 3"), "(* (+ 1 2) 3)");
}

TEST(ParserExpressionTest, UnaryOperators) {
  EXPECT_EQ(E("-3 ^ 2"), "(^ -3 2)");  // unary minus binds tighter than ^
  EXPECT_EQ(E("-(3 ^ 2)"), "(neg (^ 3 2))");
  EXPECT_EQ(E("-x ^ 2"), "(^ (neg x) 2)");
  EXPECT_EQ(E("- -1"), "(neg -1)");
  EXPECT_EQ(E("+1"), "(pos 1)");
  EXPECT_EQ(E("-n.x"), "(neg (. n x))");
  EXPECT_EQ(E("2 * -3"), "(* 2 -3)");
  EXPECT_EQ(E("2 ^ -1"), "(^ 2 -1)");
  EXPECT_EQ(E("1 - -1"), "(- 1 -1)");
  EXPECT_EQ(E("1--1"), "(- 1 -1)");
  // A minus before a number with a postfix operator stays an operator.
  EXPECT_EQ(E("-1[0]"), "(neg ([] 1 0))");
}

TEST(ParserExpressionTest, BooleanPrecedence) {
  EXPECT_EQ(E("a OR b AND c"), "(OR a (AND b c))");
  EXPECT_EQ(E("a AND b OR c"), "(OR (AND a b) c)");
  EXPECT_EQ(E("a XOR b OR c"), "(OR (XOR a b) c)");
  EXPECT_EQ(E("a OR b XOR c"), "(OR a (XOR b c))");
  EXPECT_EQ(E("a AND b XOR c"), "(XOR (AND a b) c)");
  EXPECT_EQ(E("NOT a AND b"), "(AND (NOT a) b)");
  EXPECT_EQ(E("NOT a = b"), "(NOT (= a b))");
  EXPECT_EQ(E("NOT NOT a"), "(NOT (NOT a))");
  EXPECT_EQ(E("a AND NOT b"), "(AND a (NOT b))");
  EXPECT_EQ(E("NOT(a)"), "(NOT a)");
  EXPECT_EQ(E("a or b and not c"), "(OR a (AND b (NOT c)))");
  // NOT cannot be an operand of a comparison or arithmetic.
  EXPECT_EQ(DetailOf("RETURN a = NOT b"), "UnexpectedSyntax");
  EXPECT_EQ(DetailOf("RETURN 1 + NOT b"), "UnexpectedSyntax");
}

TEST(ParserExpressionTest, LongBooleanChainsAreBalanced) {
  EXPECT_EQ(E("a OR b OR c"), "(OR (OR a b) c)");
  EXPECT_EQ(E("a AND b AND c AND d"), "(AND (AND a b) (AND c d))");
  std::string query = "MATCH (n) WHERE n.id = 0";
  for (int i = 1; i < 20000; ++i) query += " OR n.id = " + std::to_string(i);
  query += " RETURN n";
  StatementPtr s = Parse(query);
  const auto& match =
      static_cast<const MatchClause&>(*static_cast<QueryStatement&>(*s).query.parts[0].clauses[0]);
  int depth = 0;
  for (const Expr* e = match.where.get();
       e->kind == ExprKind::kBinary && static_cast<const BinaryExpr*>(e)->op == BinaryOp::kOr;
       e = static_cast<const BinaryExpr*>(e)->lhs.get()) {
    ++depth;
  }
  EXPECT_LE(depth, 16);
}

TEST(ParserExpressionTest, Comparisons) {
  EXPECT_EQ(E("a = b"), "(= a b)");
  EXPECT_EQ(E("a <> b"), "(<> a b)");
  EXPECT_EQ(E("a != b"), "(<> a b)");
  EXPECT_EQ(E("a < b"), "(< a b)");
  EXPECT_EQ(E("a >= b"), "(>= a b)");
  EXPECT_EQ(E("a < b < c"), "(chain a < b < c)");
  EXPECT_EQ(E("1 <= x < 10 = true"), "(chain 1 <= x < 10 = true)");
  EXPECT_EQ(E("a + 1 < b * 2"), "(< (+ a 1) (* b 2))");
  EXPECT_EQ(E("a = b AND c <> d"), "(AND (= a b) (<> c d))");
  StatementPtr s = Parse("RETURN a < b <= c");
  const auto& chain = static_cast<const ComparisonChainExpr&>(*FirstItem(*s).expr);
  ASSERT_EQ(chain.operands.size(), 3u);
  EXPECT_EQ(chain.ops[0], BinaryOp::kLt);
  EXPECT_EQ(chain.ops[1], BinaryOp::kLe);
  EXPECT_TRUE(IsComparison(chain.ops[1]));
}

TEST(ParserExpressionTest, StringListAndNullPredicates) {
  EXPECT_EQ(E("a STARTS WITH 'x'"), "(STARTS WITH a 'x')");
  EXPECT_EQ(E("a ends with 'x'"), "(ENDS WITH a 'x')");
  EXPECT_EQ(E("a CONTAINS 'x'"), "(CONTAINS a 'x')");
  EXPECT_EQ(E("a =~ 'x.*'"), "(=~ a 'x.*')");
  EXPECT_EQ(E("a IN [1, 2]"), "(IN a [1, 2])");
  EXPECT_EQ(E("a IS NULL"), "(IS NULL a)");
  EXPECT_EQ(E("a IS NOT NULL"), "(IS NOT NULL a)");
  // Precedence, as in the TCK's precedence features.
  EXPECT_EQ(E("[1]+2 IN [3]+4"), "(IN (+ [1] 2) (+ [3] 4))");
  EXPECT_EQ(E("[1, 2] = [3, 4] IN [[3, 4], false]"), "(= [1, 2] (IN [3, 4] [[3, 4], false]))");
  EXPECT_EQ(E("null IS NULL = null IS NOT NULL"), "(= (IS NULL null) (IS NOT NULL null))");
  EXPECT_EQ(E("NOT null IS NULL"), "(NOT (IS NULL null))");
  EXPECT_EQ(E("null IS NULL AND true"), "(AND (IS NULL null) true)");
  EXPECT_EQ(E("'ab' STARTS WITH 'a' AND true"), "(AND (STARTS WITH 'ab' 'a') true)");
  EXPECT_EQ(E("a + b STARTS WITH c + d"), "(STARTS WITH (+ a b) (+ c d))");
  EXPECT_EQ(E("x IN l IS NULL"), "(IS NULL (IN x l))");
  EXPECT_EQ(DetailOf("RETURN a STARTS 'x'"), "UnexpectedSyntax");
  EXPECT_EQ(DetailOf("RETURN a IS 1"), "UnexpectedSyntax");
}

TEST(ParserExpressionTest, PropertyIndexAndSlice) {
  EXPECT_EQ(E("a.b.c"), "(. (. a b) c)");
  EXPECT_EQ(E("n['p']"), "([] n 'p')");
  EXPECT_EQ(E("l[0]"), "([] l 0)");
  EXPECT_EQ(E("l[1..3]"), "([..] l 1 3)");
  EXPECT_EQ(E("l[..2]"), "([..] l _ 2)");
  EXPECT_EQ(E("l[1..]"), "([..] l 1 _)");
  EXPECT_EQ(E("l[..]"), "([..] l _ _)");
  EXPECT_EQ(E("l[-2..-1]"), "([..] l -2 -1)");
  EXPECT_EQ(E("l[0][1].x"), "(. ([] ([] l 0) 1) x)");
  EXPECT_EQ(E("[1, 2][0]"), "([] [1, 2] 0)");
  EXPECT_EQ(E("{a: 1}.a"), "(. {a: 1} a)");
  EXPECT_EQ(E("a.match.return"), "(. (. a match) return)");  // keywords as keys
  EXPECT_EQ(E("[[1], [2, 3]] + [5, [6, 7]][1]"), "(+ [[1], [2, 3]] ([] [5, [6, 7]] 1))");
  EXPECT_EQ(E("[5, 6, 7][1..3] + [1]"), "(+ ([..] [5, 6, 7] 1 3) [1])");
}

TEST(ParserExpressionTest, LabelsTest) {
  EXPECT_EQ(E("n:Person"), "(: n Person)");
  EXPECT_EQ(E("n:A:B"), "(: n A B)");
  EXPECT_EQ(E("n:A AND m:B"), "(AND (: n A) (: m B))");
  EXPECT_EQ(E("NOT n:A"), "(NOT (: n A))");
  EXPECT_EQ(E("(n:A)"), "(: n A)");
}

TEST(ParserExpressionTest, FunctionCalls) {
  EXPECT_EQ(E("f()"), "(call f)");
  EXPECT_EQ(E("toUpper(x)"), "(call toUpper x)");
  EXPECT_EQ(E("coalesce(a, b, 1)"), "(call coalesce a b 1)");
  EXPECT_EQ(E("ns.sub.f(x)"), "(call ns.sub.f x)");
  EXPECT_EQ(E("count(*)"), "(count *)");
  EXPECT_EQ(E("COUNT ( * )"), "(count *)");
  EXPECT_EQ(E("count(x)"), "(call count x)");
  EXPECT_EQ(E("count(DISTINCT x)"), "(call count DISTINCT x)");
  EXPECT_EQ(E("collect(distinct n.x)"), "(call collect DISTINCT (. n x))");
  EXPECT_EQ(E("exists(n.prop)"), "(call exists (. n prop))");
  EXPECT_EQ(E("`toUpper`('a')"), "(call toUpper 'a')");
  EXPECT_EQ(E("f(x).y"), "(. (call f x) y)");
  EXPECT_EQ(DetailOf("RETURN f(1,)"), "UnexpectedSyntax");
}

TEST(ParserExpressionTest, CaseExpressions) {
  EXPECT_EQ(E("CASE WHEN a THEN 1 ELSE 2 END"), "(case (when a 1) (else 2))");
  EXPECT_EQ(E("CASE WHEN a THEN 1 WHEN b THEN 2 END"), "(case (when a 1) (when b 2))");
  EXPECT_EQ(E("CASE n.x WHEN 1 THEN 'one' WHEN 2 THEN 'two' ELSE 'many' END"),
            "(case (. n x) (when 1 'one') (when 2 'two') (else 'many'))");
  EXPECT_EQ(E("case when a > 1 then a + 1 end * 2"), "(* (case (when (> a 1) (+ a 1))) 2)");
  EXPECT_EQ(DetailOf("RETURN CASE END"), "UnexpectedSyntax");
  EXPECT_EQ(DetailOf("RETURN CASE WHEN a THEN 1"), "UnexpectedSyntax");
}

TEST(ParserExpressionTest, Comprehensions) {
  EXPECT_EQ(E("[x IN l WHERE x > 1 | x * 2]"), "(listcomp x l (> x 1) (* x 2))");
  EXPECT_EQ(E("[x IN l WHERE x > 1]"), "(listcomp x l (> x 1) _)");
  EXPECT_EQ(E("[x IN l | x.name]"), "(listcomp x l _ (. x name))");
  EXPECT_EQ(E("[x IN range(1, 3)]"), "(listcomp x (call range 1 3) _ _)");
  EXPECT_EQ(E("[(a)-->(b) WHERE b.x | b.name]"), "(patterncomp (a)-[]->(b) (. b x) (. b name))");
  EXPECT_EQ(E("[p = (a)-[:T*]->() | length(p)]"),
            "(patterncomp p = (a)-[:T*]->() _ (call length p))");
  EXPECT_EQ(E("[(a:L {k: 1})<-[r]-(b) | r]"), "(patterncomp (a:L {k: 1})<-[r]-(b) _ r)");
  EXPECT_EQ(DetailOf("RETURN [(a)-->(b)]"), "UnexpectedSyntax");  // needs `| expr`
}

TEST(ParserExpressionTest, QuantifiersAndReduce) {
  EXPECT_EQ(E("all(x IN l WHERE x > 0)"), "(all x l (> x 0))");
  EXPECT_EQ(E("ANY(x IN l WHERE x > 0)"), "(any x l (> x 0))");
  EXPECT_EQ(E("none(x IN l WHERE x > 0)"), "(none x l (> x 0))");
  EXPECT_EQ(E("single(x IN l WHERE x > 0)"), "(single x l (> x 0))");
  EXPECT_EQ(E("any(x IN l)"), "(any x l _)");
  EXPECT_EQ(E("reduce(acc = 0, x IN l | acc + x)"), "(reduce acc 0 x l (+ acc x))");
  EXPECT_EQ(E("reduce(s = '', w IN ['a', 'b'] | s + w) + '!'"),
            "(+ (reduce s '' w ['a', 'b'] (+ s w)) '!')");
  // `any` etc. are ordinary names elsewhere.
  EXPECT_EQ(E("any"), "any");
  EXPECT_EQ(E("single + none"), "(+ single none)");
}

TEST(ParserExpressionTest, MapProjection) {
  EXPECT_EQ(E("n{.a, .b}"), "(mapproj n .a .b)");
  EXPECT_EQ(E("n {.*, c: 1 + 1, m}"), "(mapproj n .* c: (+ 1 1) m)");
  EXPECT_EQ(E("n{}"), "(mapproj n)");
  StatementPtr s = Parse("RETURN n{.a, k: 2, v, .*}");
  const auto& proj = static_cast<const MapProjectionExpr&>(*FirstItem(*s).expr);
  ASSERT_EQ(proj.items.size(), 4u);
  EXPECT_EQ(proj.items[0].kind, MapProjectionItemKind::kProperty);
  EXPECT_EQ(proj.items[1].kind, MapProjectionItemKind::kLiteral);
  EXPECT_EQ(proj.items[2].kind, MapProjectionItemKind::kVariable);
  EXPECT_EQ(proj.items[3].kind, MapProjectionItemKind::kAllProperties);
}

TEST(ParserExpressionTest, PatternPredicates) {
  StatementPtr s = Parse("MATCH (a) WHERE (a)-->() AND NOT (a)<-[:T]-(:L) RETURN a");
  EXPECT_EQ(DebugString(*s),
            "MATCH (a) WHERE (AND (pattern (a)-[]->()) (NOT (pattern (a)<-[:T]-(:L)))) RETURN a");
  EXPECT_EQ(E("exists((a)-[:T]->())"), "(call exists (pattern (a)-[:T]->()))");
  EXPECT_EQ(DebugString(*Parse("MATCH (a) WHERE ((a)--(b)) RETURN a")),
            "MATCH (a) WHERE (pattern (a)-[]-(b)) RETURN a");
  EXPECT_EQ(DebugString(*Parse("MATCH (a) RETURN CASE WHEN (a)-->() THEN 1 END")),
            "MATCH (a) RETURN (case (when (pattern (a)-[]->()) 1))");
  // Outside a boolean context a pattern expression is a syntax error (TCK).
  EXPECT_EQ(DetailOf("MATCH (n) RETURN (n)-[]->()"), "UnexpectedSyntax");
  EXPECT_EQ(DetailOf("MATCH (n) RETURN size((n)-->())"), "UnexpectedSyntax");
  EXPECT_EQ(DetailOf("MATCH (n) WHERE size((n)-->()) > 0 RETURN n"), "UnexpectedSyntax");
  // A parenthesized expression followed by a minus is still arithmetic.
  EXPECT_EQ(E("(a) - (b)"), "(- a b)");
  EXPECT_EQ(E("(a) < -1"), "(< a -1)");
}

TEST(ParserExpressionTest, ExistsSubqueries) {
  EXPECT_EQ(DebugString(*Parse("MATCH (n) WHERE exists { (n)-->(m) WHERE n.p = m.p } RETURN n")),
            "MATCH (n) WHERE (exists {MATCH (n)-[]->(m) WHERE (= (. n p) (. m p))}) RETURN n");
  EXPECT_EQ(DebugString(*Parse("MATCH (n) WHERE EXISTS { MATCH (m) WHERE exists { "
                               "MATCH (n)-->(m) RETURN true } RETURN true } RETURN n")),
            "MATCH (n) WHERE (exists {MATCH (m) WHERE (exists {MATCH (n)-[]->(m) RETURN true}) "
            "RETURN true}) RETURN n");
  StatementPtr s = Parse("RETURN EXISTS { (a)-->(b) } AS x");
  const auto& ex = static_cast<const ExistsSubqueryExpr&>(*FirstItem(*s).expr);
  ASSERT_NE(ex.query, nullptr);
  ASSERT_EQ(ex.query->parts.size(), 1u);
  EXPECT_EQ(ex.query->parts[0].clauses[0]->kind, ClauseKind::kMatch);
}

TEST(ParserExpressionTest, ReservedWordsAreNotVariables) {
  EXPECT_EQ(DetailOf("RETURN match"), "UnexpectedSyntax");
  EXPECT_EQ(DetailOf("RETURN 1 AS return"), "UnexpectedSyntax");
  EXPECT_EQ(DetailOf("MATCH (where) RETURN 1"), "UnexpectedSyntax");
  // Non-reserved words, including function names, are fine.
  EXPECT_EQ(E("count"), "count");
  EXPECT_EQ(E("exists(x) AND date"), "(AND (call exists x) date)");
}

TEST(ParserExpressionTest, StringOperatorWordsAreVariables) {
  // STARTS, ENDS and CONTAINS are operators only after an operand; in a
  // primary position they are names (Neo4j accepts them as variables too).
  EXPECT_EQ(E("starts"), "starts");
  EXPECT_EQ(E("contains CONTAINS ends"), "(CONTAINS contains ends)");
  EXPECT_EQ(E("starts STARTS WITH ends"), "(STARTS WITH starts ends)");
  EXPECT_EQ(E("ends ENDS WITH contains"), "(ENDS WITH ends contains)");
  EXPECT_NO_THROW(Parse("WITH 'a' AS starts, 'b' AS ends, 'c' AS contains RETURN starts"));
  EXPECT_NO_THROW(Parse("MATCH (starts)-[contains]->(ends) RETURN starts, contains, ends"));
  EXPECT_NO_THROW(Parse("UNWIND [1] AS ends RETURN [contains IN [ends] | contains] AS x"));
  // `STARTS` after an operand still needs its WITH.
  EXPECT_EQ(DetailOf("RETURN 'a' STARTS 'b'"), "UnexpectedSyntax");
}

// ---------------------------------------------------------------------------
// Projection text, positions and error reporting
// ---------------------------------------------------------------------------

TEST(ParserSourceTest, ProjectionTextIsVerbatim) {
  StatementPtr s = Parse(
      "MATCH (n) RETURN count(*), n.name,  a  +   b AS c, toUpper( n.x ) , "
      "n.name   AS  `x y`, -1, [1 , 2]");
  const auto& ret =
      static_cast<const ReturnClause&>(*static_cast<QueryStatement&>(*s).query.parts[0].clauses[1]);
  ASSERT_EQ(ret.body.items.size(), 7u);
  EXPECT_EQ(ret.body.items[0].text, "count(*)");
  EXPECT_EQ(ret.body.items[0].Name(), "count(*)");
  EXPECT_EQ(ret.body.items[1].text, "n.name");
  EXPECT_EQ(ret.body.items[2].text, "a  +   b");
  EXPECT_EQ(ret.body.items[2].Name(), "c");
  EXPECT_EQ(ret.body.items[3].text, "toUpper( n.x )");
  EXPECT_EQ(ret.body.items[4].Name(), "x y");
  EXPECT_EQ(ret.body.items[5].text, "-1");
  EXPECT_EQ(ret.body.items[6].text, "[1 , 2]");
}

TEST(ParserSourceTest, NodesCarryPositions) {
  StatementPtr s = Parse("MATCH (n)\nWHERE n.x > $p\nRETURN n");
  const auto& query = static_cast<QueryStatement&>(*s).query;
  const auto& match = static_cast<const MatchClause&>(*query.parts[0].clauses[0]);
  EXPECT_EQ(match.pos.line, 1u);
  EXPECT_EQ(match.pos.column, 1u);
  EXPECT_EQ(match.pattern.parts[0].nodes[0].pos.column, 7u);
  const auto& cmp = static_cast<const BinaryExpr&>(*match.where);
  EXPECT_EQ(cmp.pos.line, 2u);
  EXPECT_EQ(cmp.pos.column, 7u);
  EXPECT_EQ(cmp.rhs->pos.line, 2u);
  EXPECT_EQ(cmp.rhs->pos.column, 13u);
  EXPECT_EQ(cmp.rhs->pos.offset, 22u);
  EXPECT_EQ(query.parts[0].clauses[1]->pos.line, 3u);
}

TEST(ParserErrorTest, MessagesNameTheInputAndPosition) {
  SyntaxError e = SyntaxErrorOf("RETRUN 1");
  EXPECT_EQ(e.Line(), 1);
  EXPECT_EQ(e.Column(), 1);
  EXPECT_EQ(e.Detail(), "UnexpectedSyntax");
  EXPECT_EQ(e.StatusCode(), "Neo.ClientError.Statement.SyntaxError");
  std::string what = e.what();
  EXPECT_EQ(what.rfind("Invalid input 'RETRUN': expected a clause", 0), 0u) << what;
  EXPECT_NE(what.find("(line 1, column 1)"), std::string::npos) << what;
  EXPECT_NE(what.find("[UnexpectedSyntax]"), std::string::npos) << what;

  e = SyntaxErrorOf("MATCH (n)\nWHERE n.x = \nRETURN n");
  EXPECT_EQ(e.Line(), 3);
  EXPECT_EQ(e.Column(), 1);
  EXPECT_NE(std::string(e.what()).find("expected an expression"), std::string::npos);

  e = SyntaxErrorOf("MATCH (n RETURN n");
  EXPECT_EQ(e.Column(), 10);
  EXPECT_NE(std::string(e.what()).find("Invalid input 'RETURN'"), std::string::npos);

  e = SyntaxErrorOf("MATCH (n) RETURN n n");
  EXPECT_EQ(e.Column(), 20);

  e = SyntaxErrorOf("RETURN (1 + 2");
  EXPECT_NE(std::string(e.what()).find("Unexpected end of input: expected ')'"), std::string::npos)
      << e.what();
  EXPECT_EQ(e.Column(), 14);
}

TEST(ParserErrorTest, EmptyAndJunkInput) {
  EXPECT_EQ(DetailOf(""), "UnexpectedSyntax");
  EXPECT_EQ(DetailOf("   "), "UnexpectedSyntax");
  EXPECT_EQ(DetailOf(";"), "UnexpectedSyntax");
  EXPECT_EQ(DetailOf("RETURN 1;;"), "UnexpectedSyntax");
  EXPECT_EQ(DetailOf("RETURN 1; RETURN 2"), "UnexpectedSyntax");
  EXPECT_EQ(DetailOf("RETURN"), "UnexpectedSyntax");
  EXPECT_EQ(DetailOf(")))"), "UnexpectedSyntax");
  EXPECT_NO_THROW(Parse("RETURN 1;"));
  EXPECT_NO_THROW(Parse("RETURN 1 ; "));
}

// ---------------------------------------------------------------------------
// Robustness: nesting limits
// ---------------------------------------------------------------------------

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

TEST(ParserDepthTest, ModerateNestingParses) {
  EXPECT_NO_THROW(Parse("RETURN " + Repeat("(", 200) + "1" + Repeat(")", 200)));
  EXPECT_NO_THROW(Parse("RETURN " + Repeat("[", 200) + Repeat("]", 200)));
  EXPECT_NO_THROW(Parse("RETURN " + Repeat("-", 200) + "1"));
  EXPECT_NO_THROW(Parse("RETURN " + Repeat("NOT ", 200) + "true"));
  EXPECT_NO_THROW(Parse("RETURN 1" + Repeat(" + 1", 300)));
  EXPECT_NO_THROW(Parse("RETURN n" + Repeat(".a", 300)));
}

TEST(ParserDepthTest, DeepNestingIsACleanSyntaxError) {
  const int kDeep = 100000;
  for (const std::string& text :
       {"RETURN " + Repeat("(", kDeep) + "1" + Repeat(")", kDeep),
        "RETURN " + Repeat("[", kDeep) + Repeat("]", kDeep),
        "RETURN " + Repeat("{a:", kDeep) + "1" + Repeat("}", kDeep),
        "RETURN " + Repeat("-", kDeep) + "1", "RETURN " + Repeat("NOT ", kDeep) + "true",
        "RETURN " + Repeat("f(", kDeep) + Repeat(")", kDeep),
        "RETURN " + Repeat("[x IN ", kDeep) + "l" + Repeat("]", kDeep),
        "RETURN " + Repeat("CASE WHEN ", kDeep) + "1", "RETURN 1" + Repeat(" + 1", kDeep),
        "RETURN 1" + Repeat(" IN l", kDeep), "RETURN n" + Repeat(".a", kDeep),
        "RETURN l" + Repeat("[0]", kDeep), "RETURN 2" + Repeat("^2", kDeep),
        "MATCH (n) SET n" + Repeat(".a", kDeep) + " = 1",
        "MATCH " + Repeat("(", kDeep) + "(a)-->(b)" + Repeat(")", kDeep) + " RETURN a",
        Repeat("CALL { ", kDeep) + "RETURN 1" + Repeat(" }", kDeep),
        "MATCH (n) WHERE " + Repeat("EXISTS { MATCH (m) WHERE ", kDeep)}) {
    SyntaxError e = SyntaxErrorOf(text);
    EXPECT_EQ(e.Detail(), "NestingTooDeep") << text.substr(0, 40);
  }
}

TEST(ParserDepthTest, LargeFlatInputsParseInLinearTime) {
  auto start = std::chrono::steady_clock::now();
  StatementPtr list = Parse("RETURN [" + Repeat("1, ", 200000) + "1] AS l");
  EXPECT_EQ(static_cast<const ListExpr&>(*FirstItem(*list).expr).items.size(), 200001u);
  StatementPtr str = Parse("RETURN '" + std::string(1 << 20, 'x') + "' AS s");
  EXPECT_EQ(static_cast<const LiteralExpr&>(*FirstItem(*str).expr).value.AsString().size(),
            size_t{1} << 20);
  EXPECT_NO_THROW(Parse("/*" + std::string(1 << 20, '*') + "*/ RETURN 1"));
  // Many sibling node patterns with property maps: brace matching is linear.
  EXPECT_NO_THROW(
      Parse("MATCH (n) WHERE " + Repeat("(n {a: {b: 1}})-->() AND ", 20000) + "true RETURN n"));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 10.0);
}

TEST(ParserDepthTest, DepthLimitIsConfigurable) {
  ParseOptions options;
  options.max_depth = 10;
  EXPECT_THROW(Parse("RETURN " + Repeat("(", 20) + "1" + Repeat(")", 20), options), SyntaxError);
  options.max_depth = 5000;
  EXPECT_NO_THROW(Parse("RETURN " + Repeat("(", 2000) + "1" + Repeat(")", 2000), options));
}

TEST(ParserDepthTest, DefaultLimitFitsASmallThreadStack) {
  // Worker threads may have small stacks; the default limit must fit in
  // 1 MiB even with the deepest-nesting expression shape.
  std::string text =
      "RETURN " + Repeat("1 OR 1 XOR 1 AND 1 = 1 IN 1 + 1 * 1 ^ -(", 240) + "1" + Repeat(")", 240);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 1 << 20);
  struct Arg {
    const std::string* text;
    bool ok = false;
  } arg{&text};
  pthread_t thread;
  ASSERT_EQ(pthread_create(
                &thread, &attr,
                [](void* p) -> void* {
                  auto* a = static_cast<Arg*>(p);
                  try {
                    Parse(*a->text);
                    a->ok = true;
                  } catch (const SyntaxError&) {
                    a->ok = true;  // a clean error is fine too
                  }
                  return nullptr;
                },
                &arg),
            0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
  EXPECT_TRUE(arg.ok);
}

// ---------------------------------------------------------------------------
// Error hierarchy
// ---------------------------------------------------------------------------

TEST(CypherErrorTest, EachClassMapsToItsStatusCode) {
  EXPECT_EQ(SyntaxError("UnexpectedSyntax", "m", 1, 2).StatusCode(),
            "Neo.ClientError.Statement.SyntaxError");
  EXPECT_EQ(SemanticError("VariableAlreadyBound", "m").StatusCode(),
            "Neo.ClientError.Statement.SemanticError");
  EXPECT_EQ(CypherTypeError("InvalidArgumentType", "m").StatusCode(),
            "Neo.ClientError.Statement.TypeError");
  EXPECT_EQ(ArgumentError("NumberOutOfRange", "m").StatusCode(),
            "Neo.ClientError.Statement.ArgumentError");
  EXPECT_EQ(ArithmeticError("DivisionByZero", "m").StatusCode(),
            "Neo.ClientError.Statement.ArithmeticError");
  EXPECT_EQ(EntityNotFound("DeletedEntityAccess", "m").StatusCode(),
            "Neo.ClientError.Statement.EntityNotFound");
  EXPECT_EQ(ConstraintViolation("DeleteConnectedNode", "m").StatusCode(),
            "Neo.ClientError.Schema.ConstraintValidationFailed");
  EXPECT_EQ(TransientError("SerializationConflict", "m").StatusCode(),
            "Neo.TransientError.Transaction.Outdated");
  EXPECT_EQ(ParameterMissing("MissingParameter", "m").StatusCode(),
            "Neo.ClientError.Statement.ParameterMissing");
  EXPECT_EQ(ProcedureError("ProcedureNotFound", "m").StatusCode(),
            "Neo.ClientError.Procedure.ProcedureNotFound");
  EXPECT_EQ(QueryTimeout("m").StatusCode(), "Neo.ClientError.Transaction.TransactionTimedOut");
  EXPECT_EQ(MemoryLimitExceeded("m").StatusCode(),
            "Neo.TransientError.General.MemoryPoolOutOfMemoryError");
  EXPECT_EQ(DatabaseError("Internal", "m").StatusCode(), "Neo.DatabaseError.General.UnknownError");
}

TEST(CypherErrorTest, MessageCarriesDetailAndPosition) {
  SyntaxError e("IntegerOverflow", "Integer too large", 3, 7);
  EXPECT_STREQ(e.what(), "Integer too large (line 3, column 7) [IntegerOverflow]");
  EXPECT_EQ(e.Kind(), ErrorKind::kSyntax);
  const CypherError& base = e;
  EXPECT_EQ(base.Detail(), "IntegerOverflow");
  SemanticError s("UndefinedVariable", "Variable `x` not defined");
  EXPECT_STREQ(s.what(), "Variable `x` not defined [UndefinedVariable]");
  EXPECT_EQ(s.Line(), 0);
}

// ---------------------------------------------------------------------------
// Speed
// ---------------------------------------------------------------------------

TEST(ParserSpeedTest, TypicalWriteQueryTakesMicroseconds) {
  const std::string query =
      "MATCH (n:Node {id: $from_id}), (m:Node {id: $to_id}) CREATE (n)-[:Edge]->(m)";
  for (int i = 0; i < 1000; ++i) Parse(query);  // warm up
  const int kRuns = 20000;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kRuns; ++i) Parse(query);
  double micros =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() /
      kRuns;
  std::cout << "[ SPEED    ] parse of the edge-insert query: " << micros << " us\n";
  // Generous bound so sanitizer and debug builds pass; release is ~2 us.
  EXPECT_LT(micros, 200.0);
}

}  // namespace
}  // namespace tributary::cypher
