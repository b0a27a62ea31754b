#pragma once
// Internal: the planner's state and per-clause methods (one .cpp per family:
// expression_compiler.cpp, pattern_planner.cpp, projection_planner.cpp,
// planner.cpp).

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cypher/errors.hpp"
#include "cypher/exec/operator.hpp"
#include "cypher/parser/ast.hpp"
#include "cypher/planner/plan.hpp"
#include "storage/storage.hpp"

namespace tributary::cypher::planning {

/// What a variable is known to hold, for VariableTypeConflict checks.
enum class SymbolType : uint8_t {
  kAny,  ///< unknown at compile time
  kNode,
  kRelationship,
  kRelationshipList,  ///< bound by a variable-length pattern
  kPath,
  kList,     ///< a list expression (may hold relationships)
  kMap,      ///< a map literal or projection
  kString,   ///< a string
  kBoolean,  ///< a boolean (predicates, comparisons)
  kValue,    ///< a number (or another scalar)
};

/// True for the kinds that are never a number: arithmetic other than `+`
/// rejects them at compile time.
constexpr bool IsNonNumeric(SymbolType t) {
  return t != SymbolType::kAny && t != SymbolType::kValue;
}

/// True when a variable known to hold `have` may be used where `want` is
/// required (a pattern position); false means VariableTypeConflict.
constexpr bool Compatible(SymbolType have, SymbolType want) {
  if (have == want || have == SymbolType::kAny) return true;
  return have == SymbolType::kList && want == SymbolType::kRelationshipList;
}

struct Symbol {
  size_t slot;
  SymbolType type;
};

/// The variables visible at a point of the query.
struct Scope {
  std::map<std::string, Symbol, std::less<>> vars;

  const Symbol* Find(std::string_view name) const {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : &it->second;
  }
};

/// Collects aggregations met while compiling a projection item.
struct AggregationCollector {
  std::vector<exec::AggregationSpec> specs;
  /// Scope the aggregation arguments are compiled in (pre-projection rows).
  const Scope* input_scope = nullptr;
};

/// Projected items that ORDER BY may refer to by repeating the expression.
struct ProjectedExprs {
  std::vector<std::pair<const Expr*, size_t>> items;
  std::vector<std::string> names;  ///< names[i]: column name of items[i]
};

[[noreturn]] void Fail(const char* detail, const std::string& message, SourcePos pos);

/// Structural equality of two AST expressions (enough for ORDER BY lookups).
bool AstEqual(const Expr& a, const Expr& b);

struct OutItem;

class Planner {
 public:
  Planner(storage::Storage& storage, Plan& plan) : storage_(storage), plan_(plan) {}

  /// Plans a whole query (UNION parts included) on top of `input`.
  /// Fills columns/slots of the final RETURN (empty when there is none).
  exec::OperatorPtr PlanQuery(const Query& q, exec::OperatorPtr input, Scope& scope,
                              std::vector<std::string>* columns, std::vector<size_t>* slots);

  // ---- Expressions (expression_compiler.cpp) ----
  exec::ExprPtr Compile(const Expr& e, const Scope& scope, AggregationCollector* agg = nullptr,
                        const ProjectedExprs* projected = nullptr);
  /// True if the expression contains an aggregate function call.
  bool ContainsAggregate(const Expr& e) const;
  /// Fails with AmbiguousAggregationExpression when `e`, an expression
  /// holding aggregates, reads a variable outside its aggregates that is not
  /// a grouping key. `keys` are the grouping-key expressions (only variables
  /// and property lookups count), `key_vars` the variable names allowed.
  void CheckAmbiguousAggregation(const Expr& e, const std::vector<const Expr*>& keys,
                                 const std::set<std::string>& key_vars) const;
  /// What an expression is known to produce, for VariableTypeConflict checks.
  SymbolType StaticType(const Expr& e, const Scope& scope) const;
  /// The common static type of a list literal's elements (kAny when unknown
  /// or mixed), for the variable of a comprehension, quantifier or reduce.
  SymbolType ElementType(const Expr& list, const Scope& scope) const;
  /// Free variables used by the expression (for index applicability).
  void CollectVariables(const Expr& e, std::set<std::string>* out) const;

  size_t NewSlot() { return plan_.num_slots++; }
  storage::Storage& storage() { return storage_; }

  // ---- Patterns (pattern_planner.cpp) ----
  /// MATCH: binds the pattern's variables in `scope` and returns the operator
  /// tree producing its matches (filtered by `where`, may be null).
  exec::OperatorPtr PlanMatch(exec::OperatorPtr input, const std::vector<const PatternPart*>& parts,
                              const Expr* where, Scope& scope, storage::View view);
  exec::OperatorPtr PlanMatch(exec::OperatorPtr input, const Pattern& pattern, const Expr* where,
                              Scope& scope, storage::View view) {
    std::vector<const PatternPart*> parts;
    for (const auto& p : pattern.parts) parts.push_back(&p);
    return PlanMatch(std::move(input), parts, where, scope, view);
  }
  /// CREATE of a pattern. `preassigned` gives slots for new variables (MERGE).
  exec::OperatorPtr PlanCreate(exec::OperatorPtr input,
                               const std::vector<const PatternPart*>& parts, Scope& scope,
                               const Scope* preassigned = nullptr);
  exec::OperatorPtr PlanMerge(exec::OperatorPtr input, const MergeClause& merge, Scope& scope);
  exec::OperatorPtr PlanSetItems(exec::OperatorPtr input, const std::vector<SetItem>& items,
                                 const Scope& scope);

  // ---- Projections (projection_planner.cpp) ----
  /// WITH/RETURN; replaces `scope` with the projected variables.
  exec::OperatorPtr PlanProjection(exec::OperatorPtr input, const ProjectionBody& body,
                                   const Expr* where, Scope& scope, bool is_return,
                                   std::vector<std::string>* columns, std::vector<size_t>* slots,
                                   SourcePos pos);

  /// The node variable every grouping key of an aggregating projection
  /// depends on (deterministically, with nothing writing before it), if
  /// there is one: the projection then plans AggregateByNode.
  std::optional<exec::NodeKeySpec> KeysNode(const std::vector<OutItem>& items,
                                            const Scope& scope) const;

  bool wrote() const { return wrote_; }
  bool read() const { return read_; }

 private:
  exec::OperatorPtr PlanSingle(const SingleQuery& q, exec::OperatorPtr input, Scope& scope,
                               std::vector<std::string>* columns, std::vector<size_t>* slots);
  exec::OperatorPtr PlanClause(const Clause& c, exec::OperatorPtr input, Scope& scope, bool is_last,
                               std::vector<std::string>* columns, std::vector<size_t>* slots);
  exec::OperatorPtr PlanCall(const CallClause& call, exec::OperatorPtr input, Scope& scope,
                             bool is_last, std::vector<std::string>* columns,
                             std::vector<size_t>* slots);
  exec::OperatorPtr PlanCallSubquery(const CallSubqueryClause& call, exec::OperatorPtr input,
                                     Scope& scope, bool is_last);
  /// Inserts an eager barrier if writes happened since the last one, so a
  /// following read sees them.
  exec::OperatorPtr BarrierBeforeRead(exec::OperatorPtr input);
  exec::ExprPtr CompileFunction(const FunctionCallExpr& f, const Scope& scope,
                                AggregationCollector* agg, const ProjectedExprs* projected);
  /// Rejects arguments whose static type a function can never accept
  /// (`labels(path)`, `type(node)`): SyntaxError InvalidArgumentType.
  void CheckArgumentTypes(const FunctionCallExpr& f, const Scope& scope) const;
  /// Rejects a WHERE predicate that can never be a Boolean (`WHERE n`).
  void CheckPredicateType(const Expr& where, const Scope& scope) const;
  exec::ExprPtr CompileAggregate(const Expr& e, const Scope& scope, AggregationCollector* agg);
  size_t ParameterIndex(const std::string& name);

  storage::Storage& storage_;
  Plan& plan_;
  bool wrote_ = false;           ///< any write clause so far
  bool writes_pending_ = false;  ///< writes since the last barrier
  bool read_ = false;
  bool graph_touched_later_ = false;  ///< a later clause of the current part reads/writes
  int subquery_depth_ = 0;            ///< > 0 while planning EXISTS { ... }
  /// Slots bound as the far end of an expansion: a node there may recur in
  /// rows that are not adjacent (AggregateByNode then keeps a hash memo).
  std::set<size_t> expanded_slots_;
  /// The last single-hop Expand planned, with its input: an AggregateByNode
  /// directly above it may fuse it in (projection_planner.cpp).
  struct PlannedExpand {
    exec::OperatorPtr op;  // held, so its address is not reused
    exec::OperatorPtr input;
    exec::ExpandSpec spec;
  };
  PlannedExpand last_expand_;
  /// The last label or all-vertex scan planned, with its input: a fused
  /// AggregateByNode over an Expand from it may split it across threads
  /// when its input is the query's Once (ADR 018).
  struct PlannedScan {
    exec::OperatorPtr op;  // held, so its address is not reused
    exec::OperatorPtr input;
    size_t slot = 0;
    std::optional<storage::LabelId> label;
    storage::View view = storage::View::kOld;
  };
  PlannedScan last_scan_;
};

}  // namespace tributary::cypher::planning
