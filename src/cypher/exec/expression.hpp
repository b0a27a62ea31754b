#pragma once
// The executable expression tree the planner builds from the AST: variables
// resolved to frame slots, property and label names to storage ids,
// functions to their implementations, parameters to indexes.

#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "cypher/exec/context.hpp"
#include "cypher/exec/value.hpp"
#include "cypher/functions/function.hpp"

namespace tributary::cypher::exec {

/// The row being computed: one Value per symbol of the plan.
using Frame = std::vector<Value>;

class Operator;

/// An expression bound to a plan. Immutable after planning and shared by every
/// execution of a cached plan, so Eval must not modify the expression.
class Expr {
 public:
  virtual ~Expr() = default;
  /// Evaluates against the current row. Throws CypherError subclasses.
  virtual Value Eval(Frame& frame, ExecContext& ctx) const = 0;
  /// Text for EXPLAIN.
  virtual std::string ToString() const = 0;
};
using ExprPtr = std::unique_ptr<Expr>;

/// Evaluates a predicate: true only for boolean true; null and false reject.
/// Throws CypherTypeError for non-boolean values.
bool EvalPredicate(const Expr& e, Frame& frame, ExecContext& ctx);

// ---- Leaves -------------------------------------------------------------

ExprPtr MakeLiteral(Value v);
ExprPtr MakeParameter(size_t index, std::string name);
ExprPtr MakeSlot(size_t slot, std::string name);

// ---- Access -------------------------------------------------------------

/// `e.key` on a node, relationship or map (null on null).
ExprPtr MakeProperty(ExprPtr object, storage::PropertyId key, std::string key_name);
/// `e[i]` on a list (int index) or map/node/relationship (string key).
ExprPtr MakeSubscript(ExprPtr object, ExprPtr index);
/// `e[from..to]` with either bound optional.
ExprPtr MakeSlice(ExprPtr list, ExprPtr from, ExprPtr to);
/// `n:A:B` as a predicate.
ExprPtr MakeHasLabels(ExprPtr object, std::vector<storage::LabelId> labels,
                      std::vector<std::string> names = {});

// ---- Constructors -------------------------------------------------------

ExprPtr MakeList(std::vector<ExprPtr> items);
ExprPtr MakeMap(std::vector<std::pair<std::string, ExprPtr>> items);

// ---- Operators ----------------------------------------------------------

enum class UnaryOp : uint8_t { kNot, kNegate, kPlus };
enum class BinaryOp : uint8_t {
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kPow,
  kAnd,
  kOr,
  kXor,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kStartsWith,
  kEndsWith,
  kContains,
  kIn,
  kRegexMatch,
};
ExprPtr MakeUnary(UnaryOp op, ExprPtr operand);
ExprPtr MakeBinary(BinaryOp op, ExprPtr lhs, ExprPtr rhs);
ExprPtr MakeIsNull(ExprPtr operand, bool negated);

/// Generic CASE (subject null) or simple CASE.
ExprPtr MakeCase(ExprPtr subject, std::vector<std::pair<ExprPtr, ExprPtr>> whens,
                 ExprPtr otherwise);

/// A call of a scalar function.
ExprPtr MakeFunctionCall(const FunctionInfo* fn, std::vector<ExprPtr> args);

/// [x IN list WHERE pred | projection]; `where`/`projection` may be null.
ExprPtr MakeListComprehension(size_t var_slot, ExprPtr list, ExprPtr where, ExprPtr projection);

enum class Quantifier : uint8_t { kAll, kAny, kNone, kSingle };
ExprPtr MakeQuantifier(Quantifier q, size_t var_slot, ExprPtr list, ExprPtr where);

/// reduce(acc = init, x IN list | expr)
ExprPtr MakeReduce(size_t acc_slot, ExprPtr init, size_t var_slot, ExprPtr list, ExprPtr expr);

/// Value of an aggregation computed by the Aggregate operator into `slot`.
/// (Aggregations are planned as slots; this is just MakeSlot with a name.)

/// EXISTS { subplan } / pattern predicate: true when the subplan yields a row.
/// The subplan reads the outer row's slots from the same frame.
ExprPtr MakeExists(std::shared_ptr<const Operator> subplan);

/// [pattern WHERE pred | expr]: collects `projection` over the subplan's rows.
ExprPtr MakePatternComprehension(std::shared_ptr<const Operator> subplan, ExprPtr projection);

/// n{.a, .b, k: expr, .*}
struct MapProjectionItem {
  enum class Kind : uint8_t { kProperty, kLiteral, kAllProperties, kVariable } kind;
  std::string key;
  storage::PropertyId property = 0;
  ExprPtr value;  ///< kLiteral, kVariable
};
ExprPtr MakeMapProjection(ExprPtr object, std::vector<MapProjectionItem> items);

/// True when every entry of the map `props` equals the same-named property of
/// the node/relationship `object` (for `MATCH (n $props)`).
ExprPtr MakePropertiesMatch(ExprPtr object, ExprPtr props);

// ---- Helpers shared with functions and operators ------------------------

/// Property `key` of a node, relationship or map value; null otherwise
/// (throws CypherTypeError for other non-null kinds).
Value PropertyOf(const Value& object, storage::PropertyId key, const std::string& key_name,
                 ExecContext& ctx);
/// All properties of a node/relationship/map as a map.
Value::Map PropertiesOf(const Value& object, ExecContext& ctx);
/// Arithmetic with Cypher's rules (int overflow is an ArithmeticError).
Value Arithmetic(BinaryOp op, const Value& a, const Value& b);
/// Turns a storage error into the matching CypherError and throws it.
[[noreturn]] void ThrowStorageError(const storage::Error& e);
/// Unwraps a storage result or throws via ThrowStorageError.
template <typename T>
T Unwrap(storage::StorageResult<T>&& r) {
  if (r.HasError()) ThrowStorageError(r.Error());
  return std::move(*r);
}
inline void Unwrap(storage::StorageResult<void>&& r) {
  if (r.HasError()) ThrowStorageError(r.Error());
}

}  // namespace tributary::cypher::exec
