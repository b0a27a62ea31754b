#pragma once
// Abstract syntax tree of one openCypher statement, as produced by
// cypher::Parse() (parser.hpp). The tree is a faithful image of the text: no
// name resolution, no constant folding, no desugaring except where noted.
//
// Checks already done by the parser (semantic analysis may rely on them):
// CREATE relationships are directed, single-typed and fixed-length; MERGE
// relationships single-typed and fixed-length; MATCH/MERGE patterns take no
// parameter maps; literal SKIP/LIMIT are non-negative integers; UNION and
// UNION ALL are not mixed; YIELD * only in a standalone CALL; DELETE has no
// label expressions; pattern predicates (PatternExpr) appear only in boolean
// contexts (WHERE, exists(), generic CASE WHEN, through AND/OR/XOR/NOT).
// Tree height is bounded by ParseOptions::max_depth (times a small constant),
// so recursive walks are safe.
//
// How to walk it: every node family has a `kind` enum (ExprKind, ClauseKind,
// StatementKind); switch on it and static_cast to the matching struct named in
// the enumerator's comment, e.g.
//   case ExprKind::kProperty: { auto& p = static_cast<const PropertyExpr&>(e); ... }
// Ownership is strictly by std::unique_ptr / by value, parent to child. All
// nodes carry the 1-based source position of their first character.
//
// Thread-safety: plain data; a tree may be read from many threads, mutated
// from one.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/property_value.hpp"

namespace tributary::cypher {

/// A position in the statement text. line and column are 1-based; column
/// counts bytes. offset is the 0-based byte offset of the same character.
struct SourcePos {
  uint32_t line = 1;
  uint32_t column = 1;
  uint32_t offset = 0;
};

// ---------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------

/// Discriminator of Expr; each enumerator names the struct to static_cast to.
enum class ExprKind : uint8_t {
  kLiteral,               ///< LiteralExpr: null, bool, integer, float, string.
  kParameter,             ///< ParameterExpr: `$name` or `$0`.
  kVariable,              ///< VariableExpr: `n`.
  kProperty,              ///< PropertyExpr: `e.key`.
  kLabelsTest,            ///< LabelsTestExpr: `e:A:B`.
  kUnary,                 ///< UnaryExpr: NOT e, -e, +e.
  kBinary,                ///< BinaryExpr: arithmetic, boolean, string and list operators,
                          ///< and single comparisons.
  kComparisonChain,       ///< ComparisonChainExpr: `a < b <= c` (two or more comparisons).
  kIsNull,                ///< IsNullExpr: `e IS NULL`, `e IS NOT NULL`.
  kSubscript,             ///< SubscriptExpr: `e[i]` (list index or dynamic property).
  kSlice,                 ///< SliceExpr: `e[a..b]`, `e[..b]`, `e[a..]`.
  kFunctionCall,          ///< FunctionCallExpr: `f(x)`, `ns.f(x)`, `count(DISTINCT x)`.
  kCountStar,             ///< CountStarExpr: `count(*)`.
  kCase,                  ///< CaseExpr: simple and generic CASE.
  kList,                  ///< ListExpr: `[a, b]`.
  kMap,                   ///< MapExpr: `{k: v}`.
  kMapProjection,         ///< MapProjectionExpr: `n{.a, b: 1, .*}`.
  kListComprehension,     ///< ListComprehensionExpr: `[x IN l WHERE p | e]`.
  kPatternComprehension,  ///< PatternComprehensionExpr: `[(a)-->(b) WHERE p | e]`.
  kPattern,               ///< PatternExpr: a relationship pattern used as a predicate.
  kExistsSubquery,        ///< ExistsSubqueryExpr: `EXISTS { ... }`.
  kQuantifier,            ///< QuantifierExpr: all/any/none/single(x IN l WHERE p).
  kReduce,                ///< ReduceExpr: reduce(acc = init, x IN l | e).
};

/// Base of every expression node. Owned through ExprPtr.
struct Expr {
  /// Constructs a node of the given kind at pos.
  Expr(ExprKind k, SourcePos p) : kind(k), pos(p) {}
  virtual ~Expr() = default;
  Expr(const Expr&) = delete;
  Expr& operator=(const Expr&) = delete;

  /// What this node is; selects the subclass.
  const ExprKind kind;
  /// Where the expression starts in the statement text.
  SourcePos pos;
};

/// Owning pointer to an expression; null means "absent" where allowed.
using ExprPtr = std::unique_ptr<Expr>;

/// A constant. Integers are int64 (the parser rejects overflow, folding a
/// leading minus into the literal so -9223372036854775808 is representable),
/// floats are double, strings are unescaped UTF-8.
struct LiteralExpr : Expr {
  /// Builds a literal holding v.
  LiteralExpr(SourcePos p, PropertyValue v) : Expr(ExprKind::kLiteral, p), value(std::move(v)) {}
  /// The value: null, bool, int, double or string (never list or map).
  PropertyValue value;
};

/// A query parameter. `$name` gives name "name"; `$0` gives name "0".
struct ParameterExpr : Expr {
  /// Builds a parameter reference.
  ParameterExpr(SourcePos p, std::string n) : Expr(ExprKind::kParameter, p), name(std::move(n)) {}
  /// The parameter's name as written (without the `$`).
  std::string name;
};

/// A reference to a variable in scope.
struct VariableExpr : Expr {
  /// Builds a variable reference.
  VariableExpr(SourcePos p, std::string n) : Expr(ExprKind::kVariable, p), name(std::move(n)) {}
  /// The variable's name (backticks removed).
  std::string name;
};

/// Static property lookup `object.key`.
struct PropertyExpr : Expr {
  /// Builds `object.key`.
  PropertyExpr(SourcePos p, ExprPtr obj, std::string k)
      : Expr(ExprKind::kProperty, p), object(std::move(obj)), key(std::move(k)) {}
  /// The expression whose property is read (node, relationship or map). Not null.
  ExprPtr object;
  /// The property key (backticks removed).
  std::string key;
};

/// Label predicate `subject:A:B` (true when the node has every label).
struct LabelsTestExpr : Expr {
  /// Builds `subject:labels...`.
  LabelsTestExpr(SourcePos p, ExprPtr s, std::vector<std::string> l)
      : Expr(ExprKind::kLabelsTest, p), subject(std::move(s)), labels(std::move(l)) {}
  /// The node expression tested. Not null.
  ExprPtr subject;
  /// Labels, in source order; at least one.
  std::vector<std::string> labels;
};

/// Prefix operators.
enum class UnaryOp : uint8_t {
  kNot,    ///< NOT e
  kMinus,  ///< -e (a minus directly before a number literal is folded into it)
  kPlus,   ///< +e
};

/// A prefix-operator application.
struct UnaryExpr : Expr {
  /// Builds `op operand`.
  UnaryExpr(SourcePos p, UnaryOp o, ExprPtr e)
      : Expr(ExprKind::kUnary, p), op(o), operand(std::move(e)) {}
  /// The operator.
  UnaryOp op;
  /// The operand. Not null.
  ExprPtr operand;
};

/// Infix operators. Comparison operators appear here for a single comparison
/// and in ComparisonChainExpr for chains. A run of the same associative
/// boolean operator (`a OR b OR c OR ...`) is built as a balanced tree, so
/// generated queries with thousands of terms stay shallow; evaluation order
/// within such a run is unspecified, as in openCypher.
enum class BinaryOp : uint8_t {
  kOr,          ///< OR
  kXor,         ///< XOR
  kAnd,         ///< AND
  kEq,          ///< =
  kNe,          ///< <>
  kLt,          ///< <
  kGt,          ///< >
  kLe,          ///< <=
  kGe,          ///< >=
  kRegexMatch,  ///< =~
  kIn,          ///< IN
  kStartsWith,  ///< STARTS WITH
  kEndsWith,    ///< ENDS WITH
  kContains,    ///< CONTAINS
  kAdd,         ///< + (numbers, string and list concatenation)
  kSub,         ///< -
  kMul,         ///< *
  kDiv,         ///< /
  kMod,         ///< %
  kPow,         ///< ^ (left-associative, as in the openCypher grammar)
};

/// True for =, <>, <, >, <=, >=.
constexpr bool IsComparison(BinaryOp op) { return op >= BinaryOp::kEq && op <= BinaryOp::kGe; }

/// An infix-operator application `lhs op rhs`.
struct BinaryExpr : Expr {
  /// Builds `lhs op rhs`.
  BinaryExpr(SourcePos p, BinaryOp o, ExprPtr l, ExprPtr r)
      : Expr(ExprKind::kBinary, p), op(o), lhs(std::move(l)), rhs(std::move(r)) {}
  /// The operator.
  BinaryOp op;
  /// Left operand. Not null.
  ExprPtr lhs;
  /// Right operand. Not null.
  ExprPtr rhs;
};

/// A chain of two or more comparisons `o0 op0 o1 op1 o2 ...`, meaning
/// `o0 op0 o1 AND o1 op1 o2 AND ...` with each operand evaluated once.
struct ComparisonChainExpr : Expr {
  /// Builds an empty chain; the parser fills it.
  explicit ComparisonChainExpr(SourcePos p) : Expr(ExprKind::kComparisonChain, p) {}
  /// The operands; size() == ops.size() + 1 >= 3. None null.
  std::vector<ExprPtr> operands;
  /// The comparison operators (each IsComparison()).
  std::vector<BinaryOp> ops;
};

/// `operand IS NULL` (negated == false) or `operand IS NOT NULL`.
struct IsNullExpr : Expr {
  /// Builds an IS [NOT] NULL test.
  IsNullExpr(SourcePos p, ExprPtr e, bool neg)
      : Expr(ExprKind::kIsNull, p), operand(std::move(e)), negated(neg) {}
  /// The tested expression. Not null.
  ExprPtr operand;
  /// True for IS NOT NULL.
  bool negated;
};

/// `object[index]`: list element, or map/node/relationship property by name.
struct SubscriptExpr : Expr {
  /// Builds `object[index]`.
  SubscriptExpr(SourcePos p, ExprPtr o, ExprPtr i)
      : Expr(ExprKind::kSubscript, p), object(std::move(o)), index(std::move(i)) {}
  /// The indexed expression. Not null.
  ExprPtr object;
  /// The index or key. Not null.
  ExprPtr index;
};

/// `object[from..to]`; either bound may be absent.
struct SliceExpr : Expr {
  /// Builds a slice.
  SliceExpr(SourcePos p, ExprPtr o, ExprPtr f, ExprPtr t)
      : Expr(ExprKind::kSlice, p), object(std::move(o)), from(std::move(f)), to(std::move(t)) {}
  /// The sliced list. Not null.
  ExprPtr object;
  /// Inclusive lower bound; null when omitted (`[..b]`).
  ExprPtr from;
  /// Exclusive upper bound; null when omitted (`[a..]`).
  ExprPtr to;
};

/// A function invocation. Aggregates (count, sum, collect, ...) are ordinary
/// calls here; deciding which names aggregate is semantic analysis's job.
struct FunctionCallExpr : Expr {
  /// Builds a call; the parser fills the fields.
  explicit FunctionCallExpr(SourcePos p) : Expr(ExprKind::kFunctionCall, p) {}
  /// The name as written, namespaces joined by '.', case preserved
  /// (e.g. "toUpper", "ns.f"). Function names are case-insensitive in Cypher.
  std::string name;
  /// True for `f(DISTINCT ...)`.
  bool distinct = false;
  /// Arguments in order. None null.
  std::vector<ExprPtr> args;
};

/// `count(*)`.
struct CountStarExpr : Expr {
  /// Builds count(*).
  explicit CountStarExpr(SourcePos p) : Expr(ExprKind::kCountStar, p) {}
};

/// One WHEN ... THEN ... arm of a CASE.
struct CaseAlternative {
  /// The WHEN expression (a value in simple CASE, a predicate in generic CASE).
  ExprPtr when;
  /// The THEN expression.
  ExprPtr then;
};

/// `CASE [subject] WHEN w THEN t ... [ELSE e] END`.
struct CaseExpr : Expr {
  /// Builds an empty CASE; the parser fills it.
  explicit CaseExpr(SourcePos p) : Expr(ExprKind::kCase, p) {}
  /// The compared value for simple CASE; null for generic CASE.
  ExprPtr subject;
  /// One or more alternatives, in order.
  std::vector<CaseAlternative> alternatives;
  /// The ELSE expression; null when absent (result is then null).
  ExprPtr otherwise;
};

/// `[e1, e2, ...]`.
struct ListExpr : Expr {
  /// Builds an empty list literal; the parser fills it.
  explicit ListExpr(SourcePos p) : Expr(ExprKind::kList, p) {}
  /// The elements. None null.
  std::vector<ExprPtr> items;
};

/// One `key: value` entry of a map literal.
struct MapEntry {
  /// The key (a property key name; keywords allowed, backticks removed).
  std::string key;
  /// The value. Not null.
  ExprPtr value;
  /// Where the key is written.
  SourcePos pos;
};

/// `{k1: v1, k2: v2}`. Entries keep source order; duplicates are kept (the
/// last one wins at evaluation, as in Neo4j).
struct MapExpr : Expr {
  /// Builds an empty map literal; the parser fills it.
  explicit MapExpr(SourcePos p) : Expr(ExprKind::kMap, p) {}
  /// The entries in source order.
  std::vector<MapEntry> entries;
};

/// Kinds of map projection selectors.
enum class MapProjectionItemKind : uint8_t {
  kProperty,       ///< `.key`: the subject's property `key`.
  kAllProperties,  ///< `.*`: all the subject's properties.
  kVariable,       ///< `v`: the variable v under key "v".
  kLiteral,        ///< `key: expr`.
};

/// One selector of a map projection.
struct MapProjectionItem {
  /// What the selector is.
  MapProjectionItemKind kind;
  /// The key (kProperty, kLiteral) or the variable's name (kVariable); empty
  /// for kAllProperties.
  std::string key;
  /// The value for kLiteral; null otherwise.
  ExprPtr value;
  /// Where the selector is written.
  SourcePos pos;
};

/// `subject{.a, b: 1, v, .*}`.
struct MapProjectionExpr : Expr {
  /// Builds an empty projection; the parser fills it.
  explicit MapProjectionExpr(SourcePos p) : Expr(ExprKind::kMapProjection, p) {}
  /// The variable projected (openCypher allows only a variable here).
  std::string variable;
  /// Selectors in source order (possibly none: `n{}`).
  std::vector<MapProjectionItem> items;
};

/// `[variable IN list WHERE predicate | projection]`.
struct ListComprehensionExpr : Expr {
  /// Builds an empty comprehension; the parser fills it.
  explicit ListComprehensionExpr(SourcePos p) : Expr(ExprKind::kListComprehension, p) {}
  /// The iteration variable.
  std::string variable;
  /// The iterated list. Not null.
  ExprPtr list;
  /// The filter; null when absent.
  ExprPtr where;
  /// The mapped expression; null when absent (elements kept as they are).
  ExprPtr projection;
};

// ---------------------------------------------------------------------------
// Patterns
// ---------------------------------------------------------------------------

/// `(variable:L1:L2 {props})`.
struct NodePattern {
  /// Where the '(' is.
  SourcePos pos;
  /// The variable; empty when anonymous.
  std::string variable;
  /// Labels in source order (possibly none).
  std::vector<std::string> labels;
  /// A MapExpr or ParameterExpr; null when absent.
  ExprPtr properties;
};

/// Direction of a relationship pattern as written.
enum class RelDirection : uint8_t {
  kRight,  ///< `-[]->`: from the left node to the right node.
  kLeft,   ///< `<-[]-`: from the right node to the left node.
  kBoth,   ///< `-[]-` or `<-[]->`: either direction.
};

/// `-[variable:T|U *min..max {props}]->`.
struct RelationshipPattern {
  /// Where the first '-' or '<' is.
  SourcePos pos;
  /// The variable; empty when anonymous.
  std::string variable;
  /// Alternative types (`:T|U`, `:T|:U` also accepted); empty means any type.
  std::vector<std::string> types;
  /// Direction as written.
  RelDirection direction = RelDirection::kBoth;
  /// True when a `*` range is present.
  bool variable_length = false;
  /// Lower hop bound; absent means the default (1). Only with variable_length.
  std::optional<int64_t> min_hops;
  /// Upper hop bound; absent means unbounded. Only with variable_length.
  /// `*2` sets both min_hops and max_hops to 2.
  std::optional<int64_t> max_hops;
  /// A MapExpr or ParameterExpr; null when absent.
  ExprPtr properties;
};

/// One path pattern: `[p =] (n0)-[r0]-(n1)-[r1]-(n2)...`.
struct PatternPart {
  /// Where the pattern (or its `p =`) starts.
  SourcePos pos;
  /// The named-path variable `p`; empty when unnamed.
  std::string path_variable;
  /// Nodes along the path; nodes.size() == relationships.size() + 1.
  std::vector<NodePattern> nodes;
  /// relationships[i] joins nodes[i] and nodes[i + 1].
  std::vector<RelationshipPattern> relationships;
};

/// Comma-separated pattern parts, as in `MATCH (a), (b)-->(c)`.
struct Pattern {
  /// The parts, in source order; at least one.
  std::vector<PatternPart> parts;
};

/// `[p = (a)-->(b) WHERE predicate | projection]`.
struct PatternComprehensionExpr : Expr {
  /// Builds an empty comprehension; the parser fills it.
  explicit PatternComprehensionExpr(SourcePos p) : Expr(ExprKind::kPatternComprehension, p) {}
  /// The pattern (path_variable set when named). Has at least one relationship.
  PatternPart pattern;
  /// The filter; null when absent.
  ExprPtr where;
  /// The collected expression. Not null.
  ExprPtr projection;
};

/// A relationship pattern used as a boolean predicate, `(a)-[:T]->(b)`
/// (also the argument of `exists((a)-->())`, which stays a FunctionCallExpr).
/// True when at least one match exists.
struct PatternExpr : Expr {
  /// Builds an empty pattern predicate; the parser fills it.
  explicit PatternExpr(SourcePos p) : Expr(ExprKind::kPattern, p) {}
  /// The pattern; has at least one relationship, no path variable.
  PatternPart pattern;
};

struct Query;

/// `EXISTS { ... }`: true when the subquery produces at least one row.
/// The short form `EXISTS { (a)-->(b) WHERE p }` is desugared by the parser
/// into a Query holding a single MatchClause (pattern + where) and no RETURN.
struct ExistsSubqueryExpr : Expr {
  /// Builds the node; the parser fills it.
  explicit ExistsSubqueryExpr(SourcePos p);
  ~ExistsSubqueryExpr() override;
  /// The subquery. Not null. Its last clause may be a MatchClause (short form)
  /// or any clause sequence ending in RETURN (full form).
  std::unique_ptr<Query> query;
};

/// The four list quantifiers.
enum class Quantifier : uint8_t {
  kAll,     ///< all(x IN l WHERE p)
  kAny,     ///< any(x IN l WHERE p)
  kNone,    ///< none(x IN l WHERE p)
  kSingle,  ///< single(x IN l WHERE p)
};

/// `quantifier(variable IN list WHERE predicate)`.
struct QuantifierExpr : Expr {
  /// Builds the node; the parser fills it.
  QuantifierExpr(SourcePos p, Quantifier q) : Expr(ExprKind::kQuantifier, p), quantifier(q) {}
  /// Which quantifier.
  Quantifier quantifier;
  /// The iteration variable.
  std::string variable;
  /// The list. Not null.
  ExprPtr list;
  /// The predicate; null when omitted (then each element itself is tested
  /// as in Neo4j, i.e. treated as `WHERE x`). openCypher requires WHERE.
  ExprPtr where;
};

/// `reduce(accumulator = init, variable IN list | expression)`.
struct ReduceExpr : Expr {
  /// Builds the node; the parser fills it.
  explicit ReduceExpr(SourcePos p) : Expr(ExprKind::kReduce, p) {}
  /// The accumulator variable.
  std::string accumulator;
  /// Its initial value. Not null.
  ExprPtr init;
  /// The iteration variable.
  std::string variable;
  /// The list. Not null.
  ExprPtr list;
  /// The next accumulator value. Not null.
  ExprPtr expression;
};

// ---------------------------------------------------------------------------
// Clauses
// ---------------------------------------------------------------------------

/// Discriminator of Clause; each enumerator names the struct to static_cast to.
enum class ClauseKind : uint8_t {
  kMatch,         ///< MatchClause (also OPTIONAL MATCH)
  kUnwind,        ///< UnwindClause
  kCreate,        ///< CreateClause
  kMerge,         ///< MergeClause
  kSet,           ///< SetClause
  kRemove,        ///< RemoveClause
  kDelete,        ///< DeleteClause (also DETACH DELETE)
  kWith,          ///< WithClause
  kReturn,        ///< ReturnClause
  kCall,          ///< CallClause: CALL proc(...) [YIELD ...]
  kCallSubquery,  ///< CallSubqueryClause: CALL { ... }
};

/// Base of every clause. Owned through ClausePtr.
struct Clause {
  /// Constructs a clause of the given kind at pos.
  Clause(ClauseKind k, SourcePos p) : kind(k), pos(p) {}
  virtual ~Clause() = default;
  Clause(const Clause&) = delete;
  Clause& operator=(const Clause&) = delete;

  /// What this clause is; selects the subclass.
  const ClauseKind kind;
  /// Where the clause's first keyword is.
  SourcePos pos;
};

/// Owning pointer to a clause.
using ClausePtr = std::unique_ptr<Clause>;

/// `[OPTIONAL] MATCH pattern [WHERE predicate]`.
struct MatchClause : Clause {
  /// Builds the clause; the parser fills it.
  explicit MatchClause(SourcePos p) : Clause(ClauseKind::kMatch, p) {}
  /// True for OPTIONAL MATCH.
  bool optional = false;
  /// The pattern to match.
  Pattern pattern;
  /// The filter; null when absent.
  ExprPtr where;
};

/// `UNWIND list AS variable`.
struct UnwindClause : Clause {
  /// Builds the clause; the parser fills it.
  explicit UnwindClause(SourcePos p) : Clause(ClauseKind::kUnwind, p) {}
  /// The list expression. Not null.
  ExprPtr list;
  /// The bound variable.
  std::string variable;
};

/// `CREATE pattern`.
struct CreateClause : Clause {
  /// Builds the clause; the parser fills it.
  explicit CreateClause(SourcePos p) : Clause(ClauseKind::kCreate, p) {}
  /// The pattern to create.
  Pattern pattern;
};

/// Kinds of SET items.
enum class SetItemKind : uint8_t {
  kProperty,    ///< `e.key = value`
  kReplaceMap,  ///< `n = map` (replaces all properties)
  kMergeMap,    ///< `n += map` (adds/overwrites properties)
  kLabels,      ///< `n:L:M`
};

/// One item of SET (also of ON CREATE SET / ON MATCH SET).
struct SetItem {
  /// What the item does.
  SetItemKind kind;
  /// Where the item starts.
  SourcePos pos;
  /// kProperty: the target; a PropertyExpr (its object is the entity or map,
  /// its key the property). Null otherwise.
  std::unique_ptr<PropertyExpr> property;
  /// kReplaceMap, kMergeMap, kLabels: the variable whose entity is changed.
  std::string variable;
  /// kLabels: labels to add.
  std::vector<std::string> labels;
  /// kProperty, kReplaceMap, kMergeMap: the new value. Null for kLabels.
  ExprPtr value;
};

/// `SET item, item, ...`.
struct SetClause : Clause {
  /// Builds the clause; the parser fills it.
  explicit SetClause(SourcePos p) : Clause(ClauseKind::kSet, p) {}
  /// The items, applied in order.
  std::vector<SetItem> items;
};

/// Kinds of REMOVE items.
enum class RemoveItemKind : uint8_t {
  kProperty,  ///< `e.key`
  kLabels,    ///< `n:L:M`
};

/// One item of REMOVE.
struct RemoveItem {
  /// What the item removes.
  RemoveItemKind kind;
  /// Where the item starts.
  SourcePos pos;
  /// kProperty: the property to remove. Null otherwise.
  std::unique_ptr<PropertyExpr> property;
  /// kLabels: the variable whose node loses labels.
  std::string variable;
  /// kLabels: labels to remove.
  std::vector<std::string> labels;
};

/// `REMOVE item, item, ...`.
struct RemoveClause : Clause {
  /// Builds the clause; the parser fills it.
  explicit RemoveClause(SourcePos p) : Clause(ClauseKind::kRemove, p) {}
  /// The items, applied in order.
  std::vector<RemoveItem> items;
};

/// `MERGE part [ON CREATE SET ...] [ON MATCH SET ...]` (the ON actions may
/// repeat and interleave; each list keeps source order).
struct MergeClause : Clause {
  /// Builds the clause; the parser fills it.
  explicit MergeClause(SourcePos p) : Clause(ClauseKind::kMerge, p) {}
  /// The single pattern part to merge.
  PatternPart pattern;
  /// Items of all ON CREATE SET actions, in order.
  std::vector<SetItem> on_create;
  /// Items of all ON MATCH SET actions, in order.
  std::vector<SetItem> on_match;
};

/// `[DETACH] DELETE e, e, ...`.
struct DeleteClause : Clause {
  /// Builds the clause; the parser fills it.
  explicit DeleteClause(SourcePos p) : Clause(ClauseKind::kDelete, p) {}
  /// True for DETACH DELETE.
  bool detach = false;
  /// Expressions yielding nodes, relationships, paths (or null). None null.
  std::vector<ExprPtr> exprs;
};

/// One RETURN/WITH item `expr [AS alias]`.
struct ProjectionItem {
  /// The projected expression. Not null.
  ExprPtr expr;
  /// The alias; empty when there is no AS.
  std::string alias;
  /// The exact source text of expr (not including AS ...), whitespace and
  /// case as written: the result column name when there is no alias.
  std::string text;
  /// Where the item starts.
  SourcePos pos;

  /// The column name: the alias if given, otherwise the source text.
  const std::string& Name() const { return alias.empty() ? text : alias; }
};

/// One ORDER BY key.
struct SortItem {
  /// The sort key. Not null.
  ExprPtr expr;
  /// True for DESC/DESCENDING; false for ASC/ASCENDING or nothing.
  bool descending = false;
};

/// The body shared by RETURN and WITH.
struct ProjectionBody {
  /// True for `RETURN DISTINCT` / `WITH DISTINCT`.
  bool distinct = false;
  /// True when the item list starts with `*` (more items may follow).
  bool star = false;
  /// The explicit items, in order (empty for a bare `*`).
  std::vector<ProjectionItem> items;
  /// ORDER BY keys; empty when absent.
  std::vector<SortItem> order_by;
  /// SKIP expression; null when absent.
  ExprPtr skip;
  /// LIMIT expression; null when absent.
  ExprPtr limit;
};

/// `WITH body [WHERE predicate]`.
struct WithClause : Clause {
  /// Builds the clause; the parser fills it.
  explicit WithClause(SourcePos p) : Clause(ClauseKind::kWith, p) {}
  /// Projection, ordering and paging.
  ProjectionBody body;
  /// The filter applied after projection; null when absent.
  ExprPtr where;
};

/// `RETURN body`.
struct ReturnClause : Clause {
  /// Builds the clause; the parser fills it.
  explicit ReturnClause(SourcePos p) : Clause(ClauseKind::kReturn, p) {}
  /// Projection, ordering and paging.
  ProjectionBody body;
};

/// One `field [AS alias]` of YIELD.
struct YieldItem {
  /// The procedure's output field.
  std::string field;
  /// The variable it is bound to; empty when no AS (binds `field`).
  std::string alias;
  /// Where the item starts.
  SourcePos pos;

  /// The bound variable name.
  const std::string& Name() const { return alias.empty() ? field : alias; }
};

/// `CALL ns.proc(args) [YIELD ... [WHERE p]]`, in a query or standalone.
struct CallClause : Clause {
  /// Builds the clause; the parser fills it.
  explicit CallClause(SourcePos p) : Clause(ClauseKind::kCall, p) {}
  /// The dotted procedure name as written, e.g. "db.labels".
  std::string procedure;
  /// False for the implicit-argument form `CALL proc` (no parentheses), whose
  /// arguments come from same-named parameters.
  bool explicit_args = true;
  /// The arguments (when explicit_args).
  std::vector<ExprPtr> args;
  /// True when a YIELD is present.
  bool has_yield = false;
  /// True for `YIELD *`.
  bool yield_star = false;
  /// The yielded fields (empty with yield_star or without YIELD).
  std::vector<YieldItem> yields;
  /// The filter after YIELD; null when absent.
  ExprPtr where;
};

/// `CALL { query }`: runs the subquery once per incoming row.
struct CallSubqueryClause : Clause {
  /// Builds the clause; the parser fills it.
  explicit CallSubqueryClause(SourcePos p);
  ~CallSubqueryClause() override;
  /// The subquery. Not null.
  std::unique_ptr<Query> query;
};

// ---------------------------------------------------------------------------
// Queries and statements
// ---------------------------------------------------------------------------

/// A sequence of clauses without UNION.
struct SingleQuery {
  /// Where the first clause starts.
  SourcePos pos;
  /// The clauses in order; at least one.
  std::vector<ClausePtr> clauses;
};

/// `part UNION [ALL] part ...`.
struct Query {
  /// Where the query starts.
  SourcePos pos;
  /// The parts; at least one.
  std::vector<SingleQuery> parts;
  /// union_all[i] is true when parts[i] and parts[i + 1] are joined by
  /// UNION ALL, false for plain UNION. size() == parts.size() - 1. The parser
  /// rejects mixing both kinds (InvalidClauseComposition), so all are equal.
  std::vector<bool> union_all;
};

/// Discriminator of Statement; each enumerator names the struct to cast to.
enum class StatementKind : uint8_t {
  kQuery,               ///< QueryStatement
  kCreateIndex,         ///< IndexStatement
  kDropIndex,           ///< IndexStatement
  kCreateConstraint,    ///< ConstraintStatement
  kDropConstraint,      ///< ConstraintStatement
  kShowIndexInfo,       ///< Statement (no payload)
  kShowConstraintInfo,  ///< Statement (no payload)
  kCreateSnapshot,      ///< Statement (no payload)
  kCreateStream,        ///< CreateStreamStatement
  kDropStream,          ///< StreamStatement
  kShowStreams,         ///< Statement (no payload)
  kShowStream,          ///< StreamStatement
  kStartStream,         ///< StreamStatement (limit_batches optional)
  kStopStream,          ///< StreamStatement
  kStartAllStreams,     ///< Statement (no payload)
  kStopAllStreams,      ///< Statement (no payload)
  kTestStream,          ///< StreamStatement (limit_batches optional)
};

/// Base of every statement; also the whole statement for payload-free kinds.
struct Statement {
  /// Constructs a statement of the given kind at pos.
  Statement(StatementKind k, SourcePos p) : kind(k), pos(p) {}
  virtual ~Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  /// What this statement is; selects the subclass.
  const StatementKind kind;
  /// Where the statement's first keyword is.
  SourcePos pos;
};

/// Owning pointer to a statement.
using StatementPtr = std::unique_ptr<Statement>;

/// How a query is to be run.
enum class QueryMode : uint8_t {
  kNormal,   ///< Run it.
  kExplain,  ///< EXPLAIN: plan only, return the plan.
  kProfile,  ///< PROFILE: run it and report per-operator statistics.
};

/// A (possibly EXPLAIN/PROFILE-prefixed) query.
struct QueryStatement : Statement {
  /// Builds the statement; the parser fills it.
  explicit QueryStatement(SourcePos p) : Statement(StatementKind::kQuery, p) {}
  /// EXPLAIN / PROFILE / neither.
  QueryMode mode = QueryMode::kNormal;
  /// The query.
  Query query;
};

/// CREATE INDEX / DROP INDEX in all accepted spellings:
///   CREATE INDEX ON :L(p)            label = L, properties = {p}
///   CREATE INDEX ON :L               label = L, properties = {} (label index)
///   CREATE INDEX [name] [IF NOT EXISTS] FOR (n:L) ON (n.p [, n.q])
///   DROP INDEX ON :L(p) / DROP INDEX ON :L
///   DROP INDEX name [IF EXISTS]      label empty, name set
struct IndexStatement : Statement {
  /// Builds the statement (kind kCreateIndex or kDropIndex).
  IndexStatement(StatementKind k, SourcePos p) : Statement(k, p) {}
  /// The index name; empty when not given.
  std::string name;
  /// The indexed label; empty only for `DROP INDEX name`.
  std::string label;
  /// The indexed properties in order; empty for a label index.
  std::vector<std::string> properties;
  /// `IF NOT EXISTS` (create) or `IF EXISTS` (drop) was given.
  bool if_exists_clause = false;
};

/// Kinds of constraints.
enum class ConstraintType : uint8_t {
  kUnique,  ///< `ASSERT n.p IS UNIQUE` (also `n.p, n.q IS UNIQUE`)
  kExists,  ///< `ASSERT EXISTS (n.p)` / `ASSERT n.p IS NOT NULL`
};

/// `CREATE|DROP CONSTRAINT ON (n:L) ASSERT ...`.
struct ConstraintStatement : Statement {
  /// Builds the statement (kind kCreateConstraint or kDropConstraint).
  ConstraintStatement(StatementKind k, SourcePos p) : Statement(k, p) {}
  /// The constraint type.
  ConstraintType type = ConstraintType::kUnique;
  /// The node variable of the ON clause (the parser checks the ASSERT part
  /// refers to it).
  std::string variable;
  /// The constrained label.
  std::string label;
  /// The constrained properties, in order; at least one.
  std::vector<std::string> properties;
};

/// `CREATE STREAM name AS LOAD DATA KAFKA 'uri' WITH TOPIC 'topic'
///  WITH TRANSFORM 'uri' [BATCH_INTERVAL ms] [BATCH_SIZE n]`.
/// The parser validates the options: uri/topic/transform must be string
/// literals, interval/size positive integer literals; otherwise it throws a
/// SyntaxError naming the option (details InvalidArgumentType /
/// InvalidArgumentValue).
struct CreateStreamStatement : Statement {
  /// Builds the statement; the parser fills it.
  explicit CreateStreamStatement(SourcePos p) : Statement(StatementKind::kCreateStream, p) {}
  /// The stream name.
  std::string name;
  /// The Kafka bootstrap URI, e.g. "localhost:9092".
  std::string kafka_uri;
  /// The topic.
  std::string topic;
  /// The transform script URI.
  std::string transform_uri;
  /// BATCH_INTERVAL in milliseconds (> 0); absent means the engine default.
  std::optional<int64_t> batch_interval_ms;
  /// BATCH_SIZE (> 0); absent means the engine default.
  std::optional<int64_t> batch_size;
};

/// DROP/SHOW/START/STOP/TEST STREAM name [LIMIT n BATCHES].
struct StreamStatement : Statement {
  /// Builds the statement (a stream kind with a name).
  StreamStatement(StatementKind k, SourcePos p) : Statement(k, p) {}
  /// The stream name.
  std::string name;
  /// `LIMIT n BATCHES` (> 0; only START and TEST); absent when not given.
  std::optional<int64_t> limit_batches;
};

}  // namespace tributary::cypher
