// AST expressions -> executable expressions: variables to slots, names to
// ids, functions to implementations; aggregations to slots of an Aggregate.
#include <algorithm>

#include "cypher/exec/expression.hpp"
#include "cypher/functions/function.hpp"
#include "cypher/planner/planner_impl.hpp"

namespace tributary::cypher::planning {

namespace ex = exec;

void Fail(const char* detail, const std::string& message, SourcePos pos) {
  throw SyntaxError(detail, message, static_cast<int>(pos.line), static_cast<int>(pos.column));
}

namespace {

ex::BinaryOp MapBinary(BinaryOp op) {
  switch (op) {
    case BinaryOp::kOr:
      return ex::BinaryOp::kOr;
    case BinaryOp::kXor:
      return ex::BinaryOp::kXor;
    case BinaryOp::kAnd:
      return ex::BinaryOp::kAnd;
    case BinaryOp::kEq:
      return ex::BinaryOp::kEq;
    case BinaryOp::kNe:
      return ex::BinaryOp::kNe;
    case BinaryOp::kLt:
      return ex::BinaryOp::kLt;
    case BinaryOp::kGt:
      return ex::BinaryOp::kGt;
    case BinaryOp::kLe:
      return ex::BinaryOp::kLe;
    case BinaryOp::kGe:
      return ex::BinaryOp::kGe;
    case BinaryOp::kRegexMatch:
      return ex::BinaryOp::kRegexMatch;
    case BinaryOp::kIn:
      return ex::BinaryOp::kIn;
    case BinaryOp::kStartsWith:
      return ex::BinaryOp::kStartsWith;
    case BinaryOp::kEndsWith:
      return ex::BinaryOp::kEndsWith;
    case BinaryOp::kContains:
      return ex::BinaryOp::kContains;
    case BinaryOp::kAdd:
      return ex::BinaryOp::kAdd;
    case BinaryOp::kSub:
      return ex::BinaryOp::kSub;
    case BinaryOp::kMul:
      return ex::BinaryOp::kMul;
    case BinaryOp::kDiv:
      return ex::BinaryOp::kDiv;
    case BinaryOp::kMod:
      return ex::BinaryOp::kMod;
    case BinaryOp::kPow:
      return ex::BinaryOp::kPow;
  }
  return ex::BinaryOp::kAdd;
}

bool IsAggregateName(const std::string& name) { return LookupAggregate(name).has_value(); }

/// False when the expression calls rand(), randomUUID() or timestamp().
bool IsDeterministic(const Expr& e) {
  if (e.kind == ExprKind::kFunctionCall) {
    const auto& f = static_cast<const FunctionCallExpr&>(e);
    const FunctionInfo* fn = LookupFunction(f.name);
    if (fn != nullptr && !fn->deterministic) return false;
    for (const auto& a : f.args) {
      if (!IsDeterministic(*a)) return false;
    }
  }
  return true;
}

/// True for an expression that can never be a Boolean (or null): literals of
/// other types and list/map constructors. Boolean operators reject these at
/// compile time (SyntaxError InvalidArgumentType), as the TCK requires.
bool IsNonBooleanConstant(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kLiteral: {
      const auto& v = static_cast<const LiteralExpr&>(e).value;
      return !v.IsNull() && !v.IsBool();
    }
    case ExprKind::kList:
    case ExprKind::kMap:
      return true;
    default:
      return false;
  }
}

void CheckBooleanOperand(const Expr& e, const char* op) {
  if (IsNonBooleanConstant(e)) {
    Fail("InvalidArgumentType", std::string("Type mismatch: ") + op + " expects Boolean operands",
         e.pos);
  }
}

}  // namespace

bool AstEqual(const Expr& a, const Expr& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case ExprKind::kVariable:
      return static_cast<const VariableExpr&>(a).name == static_cast<const VariableExpr&>(b).name;
    case ExprKind::kParameter:
      return static_cast<const ParameterExpr&>(a).name == static_cast<const ParameterExpr&>(b).name;
    case ExprKind::kLiteral:
      return static_cast<const LiteralExpr&>(a).value == static_cast<const LiteralExpr&>(b).value;
    case ExprKind::kProperty: {
      const auto& x = static_cast<const PropertyExpr&>(a);
      const auto& y = static_cast<const PropertyExpr&>(b);
      return x.key == y.key && AstEqual(*x.object, *y.object);
    }
    case ExprKind::kCountStar:
      return true;
    case ExprKind::kFunctionCall: {
      const auto& x = static_cast<const FunctionCallExpr&>(a);
      const auto& y = static_cast<const FunctionCallExpr&>(b);
      if (x.args.size() != y.args.size() || x.distinct != y.distinct) return false;
      std::string n1 = x.name, n2 = y.name;
      std::transform(n1.begin(), n1.end(), n1.begin(), ::tolower);
      std::transform(n2.begin(), n2.end(), n2.begin(), ::tolower);
      if (n1 != n2) return false;
      for (size_t i = 0; i < x.args.size(); ++i) {
        if (!AstEqual(*x.args[i], *y.args[i])) return false;
      }
      return true;
    }
    case ExprKind::kBinary: {
      const auto& x = static_cast<const BinaryExpr&>(a);
      const auto& y = static_cast<const BinaryExpr&>(b);
      return x.op == y.op && AstEqual(*x.lhs, *y.lhs) && AstEqual(*x.rhs, *y.rhs);
    }
    case ExprKind::kUnary: {
      const auto& x = static_cast<const UnaryExpr&>(a);
      const auto& y = static_cast<const UnaryExpr&>(b);
      return x.op == y.op && AstEqual(*x.operand, *y.operand);
    }
    default:
      return false;
  }
}

size_t Planner::ParameterIndex(const std::string& name) {
  for (size_t i = 0; i < plan_.parameters.size(); ++i) {
    if (plan_.parameters[i] == name) return i;
  }
  plan_.parameters.push_back(name);
  return plan_.parameters.size() - 1;
}

bool Planner::ContainsAggregate(const Expr& e) const {
  switch (e.kind) {
    case ExprKind::kCountStar:
      return true;
    case ExprKind::kFunctionCall: {
      const auto& f = static_cast<const FunctionCallExpr&>(e);
      if (IsAggregateName(f.name)) return true;
      for (const auto& a : f.args) {
        if (ContainsAggregate(*a)) return true;
      }
      return false;
    }
    case ExprKind::kProperty:
      return ContainsAggregate(*static_cast<const PropertyExpr&>(e).object);
    case ExprKind::kUnary:
      return ContainsAggregate(*static_cast<const UnaryExpr&>(e).operand);
    case ExprKind::kBinary: {
      const auto& b = static_cast<const BinaryExpr&>(e);
      return ContainsAggregate(*b.lhs) || ContainsAggregate(*b.rhs);
    }
    case ExprKind::kComparisonChain:
      for (const auto& o : static_cast<const ComparisonChainExpr&>(e).operands) {
        if (ContainsAggregate(*o)) return true;
      }
      return false;
    case ExprKind::kIsNull:
      return ContainsAggregate(*static_cast<const IsNullExpr&>(e).operand);
    case ExprKind::kSubscript: {
      const auto& s = static_cast<const SubscriptExpr&>(e);
      return ContainsAggregate(*s.object) || ContainsAggregate(*s.index);
    }
    case ExprKind::kList:
      for (const auto& i : static_cast<const ListExpr&>(e).items) {
        if (ContainsAggregate(*i)) return true;
      }
      return false;
    case ExprKind::kMap:
      for (const auto& i : static_cast<const MapExpr&>(e).entries) {
        if (ContainsAggregate(*i.value)) return true;
      }
      return false;
    case ExprKind::kSlice: {
      const auto& s = static_cast<const SliceExpr&>(e);
      return ContainsAggregate(*s.object) || (s.from && ContainsAggregate(*s.from)) ||
             (s.to && ContainsAggregate(*s.to));
    }
    case ExprKind::kLabelsTest:
      return ContainsAggregate(*static_cast<const LabelsTestExpr&>(e).subject);
    case ExprKind::kListComprehension:
      return ContainsAggregate(*static_cast<const ListComprehensionExpr&>(e).list);
    case ExprKind::kQuantifier:
      return ContainsAggregate(*static_cast<const QuantifierExpr&>(e).list);
    case ExprKind::kReduce: {
      const auto& r = static_cast<const ReduceExpr&>(e);
      return ContainsAggregate(*r.init) || ContainsAggregate(*r.list);
    }
    case ExprKind::kMapProjection:
      for (const auto& i : static_cast<const MapProjectionExpr&>(e).items) {
        if (i.value && ContainsAggregate(*i.value)) return true;
      }
      return false;
    case ExprKind::kCase: {
      const auto& c = static_cast<const CaseExpr&>(e);
      if (c.subject && ContainsAggregate(*c.subject)) return true;
      if (c.otherwise && ContainsAggregate(*c.otherwise)) return true;
      for (const auto& alt : c.alternatives) {
        if (ContainsAggregate(*alt.when) || ContainsAggregate(*alt.then)) return true;
      }
      return false;
    }
    default:
      return false;
  }
}

void Planner::CheckAmbiguousAggregation(const Expr& e, const std::vector<const Expr*>& keys,
                                        const std::set<std::string>& key_vars) const {
  for (const Expr* k : keys) {
    if ((k->kind == ExprKind::kVariable || k->kind == ExprKind::kProperty) && AstEqual(*k, e)) {
      return;
    }
  }
  auto check = [&](const Expr& child) { CheckAmbiguousAggregation(child, keys, key_vars); };
  switch (e.kind) {
    case ExprKind::kVariable: {
      const auto& name = static_cast<const VariableExpr&>(e).name;
      if (key_vars.count(name) == 0) {
        Fail("AmbiguousAggregationExpression",
             "Aggregation expression uses `" + name + "`, which is not a grouping key", e.pos);
      }
      return;
    }
    case ExprKind::kFunctionCall: {
      const auto& f = static_cast<const FunctionCallExpr&>(e);
      if (IsAggregateName(f.name)) return;
      for (const auto& a : f.args) check(*a);
      return;
    }
    case ExprKind::kProperty:
      check(*static_cast<const PropertyExpr&>(e).object);
      return;
    case ExprKind::kUnary:
      check(*static_cast<const UnaryExpr&>(e).operand);
      return;
    case ExprKind::kBinary:
      check(*static_cast<const BinaryExpr&>(e).lhs);
      check(*static_cast<const BinaryExpr&>(e).rhs);
      return;
    case ExprKind::kComparisonChain:
      for (const auto& o : static_cast<const ComparisonChainExpr&>(e).operands) check(*o);
      return;
    case ExprKind::kIsNull:
      check(*static_cast<const IsNullExpr&>(e).operand);
      return;
    case ExprKind::kSubscript:
      check(*static_cast<const SubscriptExpr&>(e).object);
      check(*static_cast<const SubscriptExpr&>(e).index);
      return;
    case ExprKind::kList:
      for (const auto& i : static_cast<const ListExpr&>(e).items) check(*i);
      return;
    case ExprKind::kMap:
      for (const auto& i : static_cast<const MapExpr&>(e).entries) check(*i.value);
      return;
    case ExprKind::kCase: {
      const auto& c = static_cast<const CaseExpr&>(e);
      if (c.subject) check(*c.subject);
      for (const auto& alt : c.alternatives) {
        check(*alt.when);
        check(*alt.then);
      }
      if (c.otherwise) check(*c.otherwise);
      return;
    }
    default:
      return;
  }
}

void Planner::CheckArgumentTypes(const FunctionCallExpr& f, const Scope& scope) const {
  if (f.args.empty()) return;
  std::string name = f.name;
  std::transform(name.begin(), name.end(), name.begin(), ::tolower);
  const Expr& arg = *f.args[0];
  SymbolType t = StaticType(arg, scope);
  if (t == SymbolType::kAny) return;
  bool ok = true;
  if (name == "labels") {
    ok = t == SymbolType::kNode;
  } else if (name == "type" || name == "startnode" || name == "endnode") {
    ok = t == SymbolType::kRelationship;
  } else if (name == "nodes" || name == "relationships") {
    ok = t == SymbolType::kPath;
  } else if (name == "length") {
    ok = t != SymbolType::kNode && t != SymbolType::kRelationship && t != SymbolType::kMap;
  } else if (name == "size") {
    ok = t != SymbolType::kNode && t != SymbolType::kRelationship && t != SymbolType::kPath;
  } else if (name == "properties" || name == "keys") {
    ok = t == SymbolType::kNode || t == SymbolType::kRelationship || t == SymbolType::kMap;
  }
  if (!ok) {
    Fail("InvalidArgumentType", "Type mismatch: invalid argument for " + f.name + "()", arg.pos);
  }
}

void Planner::CheckPredicateType(const Expr& where, const Scope& scope) const {
  switch (StaticType(where, scope)) {
    case SymbolType::kNode:
    case SymbolType::kRelationship:
    case SymbolType::kRelationshipList:
    case SymbolType::kPath:
    case SymbolType::kList:
    case SymbolType::kMap:
    case SymbolType::kString:
    case SymbolType::kValue:
      Fail("InvalidArgumentType", "Type mismatch: WHERE expects a Boolean", where.pos);
    default:
      return;
  }
}

SymbolType Planner::StaticType(const Expr& e, const Scope& scope) const {
  switch (e.kind) {
    case ExprKind::kVariable: {
      const Symbol* s = scope.Find(static_cast<const VariableExpr&>(e).name);
      return s == nullptr ? SymbolType::kAny : s->type;
    }
    case ExprKind::kLiteral: {
      const auto& v = static_cast<const LiteralExpr&>(e).value;
      if (v.IsNull()) return SymbolType::kAny;
      if (v.IsString()) return SymbolType::kString;
      if (v.IsBool()) return SymbolType::kBoolean;
      return SymbolType::kValue;
    }
    case ExprKind::kList:
    case ExprKind::kListComprehension:
    case ExprKind::kPatternComprehension:
      return SymbolType::kList;
    case ExprKind::kMap:
    case ExprKind::kMapProjection:
      return SymbolType::kMap;
    case ExprKind::kComparisonChain:
    case ExprKind::kIsNull:
    case ExprKind::kLabelsTest:
    case ExprKind::kPattern:
    case ExprKind::kExistsSubquery:
    case ExprKind::kQuantifier:
      return SymbolType::kBoolean;
    case ExprKind::kCountStar:
      return SymbolType::kValue;
    case ExprKind::kUnary:
      return static_cast<const UnaryExpr&>(e).op == UnaryOp::kNot ? SymbolType::kBoolean
                                                                  : SymbolType::kValue;
    case ExprKind::kBinary: {
      const auto& b = static_cast<const BinaryExpr&>(e);
      switch (b.op) {
        case BinaryOp::kAdd:
          return SymbolType::kAny;  // numbers, strings or lists
        case BinaryOp::kSub:
        case BinaryOp::kMul:
        case BinaryOp::kDiv:
        case BinaryOp::kMod:
        case BinaryOp::kPow:
          return SymbolType::kValue;
        default:
          return SymbolType::kBoolean;
      }
    }
    default:
      return SymbolType::kAny;
  }
}

SymbolType Planner::ElementType(const Expr& list, const Scope& scope) const {
  if (list.kind != ExprKind::kList) return SymbolType::kAny;
  const auto& items = static_cast<const ListExpr&>(list).items;
  if (items.empty()) return SymbolType::kAny;
  SymbolType t = StaticType(*items[0], scope);
  for (const auto& i : items) {
    if (StaticType(*i, scope) != t) return SymbolType::kAny;
  }
  // Graph values inside a literal list keep their kind only as `kAny`.
  return t == SymbolType::kString || t == SymbolType::kBoolean || t == SymbolType::kValue
             ? t
             : SymbolType::kAny;
}

void Planner::CollectVariables(const Expr& e, std::set<std::string>* out) const {
  switch (e.kind) {
    case ExprKind::kVariable:
      out->insert(static_cast<const VariableExpr&>(e).name);
      return;
    case ExprKind::kLiteral:
    case ExprKind::kParameter:
    case ExprKind::kCountStar:
      return;
    case ExprKind::kProperty:
      CollectVariables(*static_cast<const PropertyExpr&>(e).object, out);
      return;
    case ExprKind::kUnary:
      CollectVariables(*static_cast<const UnaryExpr&>(e).operand, out);
      return;
    case ExprKind::kBinary: {
      const auto& b = static_cast<const BinaryExpr&>(e);
      CollectVariables(*b.lhs, out);
      CollectVariables(*b.rhs, out);
      return;
    }
    case ExprKind::kFunctionCall:
      for (const auto& a : static_cast<const FunctionCallExpr&>(e).args) CollectVariables(*a, out);
      return;
    case ExprKind::kList:
      for (const auto& i : static_cast<const ListExpr&>(e).items) CollectVariables(*i, out);
      return;
    case ExprKind::kMap:
      for (const auto& i : static_cast<const MapExpr&>(e).entries) CollectVariables(*i.value, out);
      return;
    default:
      // Anything more complex: treat as depending on an unknown variable.
      out->insert("\x01complex");
      return;
  }
}

ex::ExprPtr Planner::CompileAggregate(const Expr& e, const Scope& scope,
                                      AggregationCollector* agg) {
  if (agg == nullptr) {
    // Unknown variables in the argument are the more useful error.
    if (e.kind == ExprKind::kFunctionCall) {
      for (const auto& a : static_cast<const FunctionCallExpr&>(e).args) Compile(*a, scope);
    }
    Fail("InvalidAggregation", "Aggregation is not allowed here", e.pos);
  }
  ex::AggregationSpec spec;
  spec.out_slot = NewSlot();
  std::string text;
  if (e.kind == ExprKind::kCountStar) {
    spec.kind = ex::AggregateKind::kCountStar;
    text = "count(*)";
  } else {
    const auto& f = static_cast<const FunctionCallExpr&>(e);
    spec.kind = *LookupAggregate(f.name);
    spec.distinct = f.distinct;
    bool percentile = spec.kind == ex::AggregateKind::kPercentileCont ||
                      spec.kind == ex::AggregateKind::kPercentileDisc;
    size_t want = percentile ? 2 : 1;
    if (f.args.size() != want) {
      Fail("InvalidNumberOfArguments",
           "Function " + f.name + "() takes " + std::to_string(want) + " argument(s)", f.pos);
    }
    const Scope& in = agg->input_scope ? *agg->input_scope : scope;
    for (const auto& a : f.args) {
      if (ContainsAggregate(*a)) {
        Fail("NestedAggregation", "Aggregations cannot be nested", a->pos);
      }
      if (!IsDeterministic(*a)) {
        Fail("NonConstantExpression",
             "Aggregation arguments must not call non-deterministic functions", a->pos);
      }
    }
    spec.arg = Compile(*f.args[0], in);
    if (percentile) spec.percentile = Compile(*f.args[1], in);
    text = f.name + "(...)";
  }
  size_t slot = spec.out_slot;
  agg->specs.push_back(std::move(spec));
  return ex::MakeSlot(slot, text);
}

ex::ExprPtr Planner::CompileFunction(const FunctionCallExpr& f, const Scope& scope,
                                     AggregationCollector* agg, const ProjectedExprs* projected) {
  if (IsAggregateName(f.name)) return CompileAggregate(f, scope, agg);
  std::string lower = f.name;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  if (lower == "exists" && f.args.size() == 1) {
    const Expr& arg = *f.args[0];
    if (arg.kind == ExprKind::kPattern) return Compile(arg, scope, agg, projected);
    if (arg.kind != ExprKind::kProperty) {
      Fail("InvalidArgumentType", "exists() expects a property or a pattern", arg.pos);
    }
    return ex::MakeIsNull(Compile(arg, scope, agg, projected), true);
  }
  const FunctionInfo* fn = LookupFunction(f.name);
  if (fn == nullptr) Fail("UnknownFunction", "Unknown function '" + f.name + "'", f.pos);
  auto n = static_cast<int>(f.args.size());
  if (n < fn->min_args || (fn->max_args >= 0 && n > fn->max_args)) {
    Fail("InvalidNumberOfArguments",
         "Function " + f.name + "() called with " + std::to_string(n) + " argument(s)", f.pos);
  }
  if (f.distinct) Fail("InvalidArgumentType", "DISTINCT is only allowed in aggregations", f.pos);
  CheckArgumentTypes(f, scope);
  std::vector<ex::ExprPtr> args;
  for (const auto& a : f.args) args.push_back(Compile(*a, scope, agg, projected));
  return ex::MakeFunctionCall(fn, std::move(args));
}

namespace {

// Scope extended with one more variable (comprehensions, quantifiers).
Scope With(const Scope& scope, const std::string& name, size_t slot,
           SymbolType type = SymbolType::kAny) {
  Scope s = scope;
  s.vars[name] = Symbol{slot, type};
  return s;
}

}  // namespace

ex::ExprPtr Planner::Compile(const Expr& e, const Scope& scope, AggregationCollector* agg,
                             const ProjectedExprs* projected) {
  if (projected != nullptr) {
    for (size_t i = 0; i < projected->items.size(); ++i) {
      const auto& [pe, slot] = projected->items[i];
      if (AstEqual(*pe, e)) return ex::MakeSlot(slot, projected->names[i]);
    }
  }
  switch (e.kind) {
    case ExprKind::kLiteral:
      return ex::MakeLiteral(ToValue(static_cast<const LiteralExpr&>(e).value));
    case ExprKind::kParameter: {
      const auto& p = static_cast<const ParameterExpr&>(e);
      return ex::MakeParameter(ParameterIndex(p.name), p.name);
    }
    case ExprKind::kVariable: {
      const auto& v = static_cast<const VariableExpr&>(e);
      const Symbol* s = scope.Find(v.name);
      if (s == nullptr) Fail("UndefinedVariable", "Variable `" + v.name + "` not defined", e.pos);
      return ex::MakeSlot(s->slot, v.name);
    }
    case ExprKind::kProperty: {
      const auto& p = static_cast<const PropertyExpr&>(e);
      if (p.object->kind == ExprKind::kVariable) {
        const Symbol* s = scope.Find(static_cast<const VariableExpr&>(*p.object).name);
        if (s != nullptr &&
            (s->type == SymbolType::kPath || s->type == SymbolType::kValue ||
             s->type == SymbolType::kString || s->type == SymbolType::kBoolean ||
             s->type == SymbolType::kList || s->type == SymbolType::kRelationshipList)) {
          const std::string message =
              "Type mismatch: expected a Node, Relationship or Map for `." + p.key + "`";
          if (s->type == SymbolType::kPath || s->type == SymbolType::kRelationshipList) {
            Fail("InvalidArgumentType", message, e.pos);  // MatchWhere1 [14]
          }
          // On a value (a number, string, boolean or list bound by WITH) it is
          // a TypeError, still raised at compile time (the TCK's Map1 [6]).
          throw CypherError(ErrorKind::kType, "InvalidArgumentType",
                            message + " (line " + std::to_string(e.pos.line) + ", column " +
                                std::to_string(e.pos.column) + ")",
                            static_cast<int>(e.pos.line), static_cast<int>(e.pos.column));
        }
      }
      return ex::MakeProperty(Compile(*p.object, scope, agg, projected),
                              storage_.PropertyIdFor(p.key), p.key);
    }
    case ExprKind::kLabelsTest: {
      const auto& l = static_cast<const LabelsTestExpr&>(e);
      std::vector<storage::LabelId> ids;
      for (const auto& name : l.labels) ids.push_back(storage_.LabelIdFor(name));
      return ex::MakeHasLabels(Compile(*l.subject, scope, agg, projected), std::move(ids),
                               l.labels);
    }
    case ExprKind::kUnary: {
      const auto& u = static_cast<const UnaryExpr&>(e);
      if (u.op == UnaryOp::kNot) CheckBooleanOperand(*u.operand, "NOT");
      ex::UnaryOp op = u.op == UnaryOp::kNot     ? ex::UnaryOp::kNot
                       : u.op == UnaryOp::kMinus ? ex::UnaryOp::kNegate
                                                 : ex::UnaryOp::kPlus;
      return ex::MakeUnary(op, Compile(*u.operand, scope, agg, projected));
    }
    case ExprKind::kBinary: {
      const auto& b = static_cast<const BinaryExpr&>(e);
      if (b.op == BinaryOp::kAnd || b.op == BinaryOp::kOr || b.op == BinaryOp::kXor) {
        const char* name = b.op == BinaryOp::kAnd ? "AND" : b.op == BinaryOp::kOr ? "OR" : "XOR";
        CheckBooleanOperand(*b.lhs, name);
        CheckBooleanOperand(*b.rhs, name);
      }
      if (b.op == BinaryOp::kSub || b.op == BinaryOp::kMul || b.op == BinaryOp::kDiv ||
          b.op == BinaryOp::kMod || b.op == BinaryOp::kPow) {
        for (const Expr* operand : {b.lhs.get(), b.rhs.get()}) {
          if (IsNonNumeric(StaticType(*operand, scope))) {
            Fail("InvalidArgumentType", "Type mismatch: arithmetic expects numbers", operand->pos);
          }
        }
      }
      return ex::MakeBinary(MapBinary(b.op), Compile(*b.lhs, scope, agg, projected),
                            Compile(*b.rhs, scope, agg, projected));
    }
    case ExprKind::kComparisonChain: {
      const auto& c = static_cast<const ComparisonChainExpr&>(e);
      ex::ExprPtr result;
      for (size_t i = 0; i < c.ops.size(); ++i) {
        auto cmp =
            ex::MakeBinary(MapBinary(c.ops[i]), Compile(*c.operands[i], scope, agg, projected),
                           Compile(*c.operands[i + 1], scope, agg, projected));
        result = result ? ex::MakeBinary(ex::BinaryOp::kAnd, std::move(result), std::move(cmp))
                        : std::move(cmp);
      }
      return result;
    }
    case ExprKind::kIsNull: {
      const auto& n = static_cast<const IsNullExpr&>(e);
      return ex::MakeIsNull(Compile(*n.operand, scope, agg, projected), n.negated);
    }
    case ExprKind::kSubscript: {
      const auto& s = static_cast<const SubscriptExpr&>(e);
      return ex::MakeSubscript(Compile(*s.object, scope, agg, projected),
                               Compile(*s.index, scope, agg, projected));
    }
    case ExprKind::kSlice: {
      const auto& s = static_cast<const SliceExpr&>(e);
      return ex::MakeSlice(Compile(*s.object, scope, agg, projected),
                           s.from ? Compile(*s.from, scope, agg, projected) : nullptr,
                           s.to ? Compile(*s.to, scope, agg, projected) : nullptr);
    }
    case ExprKind::kFunctionCall:
      return CompileFunction(static_cast<const FunctionCallExpr&>(e), scope, agg, projected);
    case ExprKind::kCountStar:
      return CompileAggregate(e, scope, agg);
    case ExprKind::kCase: {
      const auto& c = static_cast<const CaseExpr&>(e);
      std::vector<std::pair<ex::ExprPtr, ex::ExprPtr>> whens;
      for (const auto& alt : c.alternatives) {
        whens.emplace_back(Compile(*alt.when, scope, agg, projected),
                           Compile(*alt.then, scope, agg, projected));
      }
      return ex::MakeCase(c.subject ? Compile(*c.subject, scope, agg, projected) : nullptr,
                          std::move(whens),
                          c.otherwise ? Compile(*c.otherwise, scope, agg, projected) : nullptr);
    }
    case ExprKind::kList: {
      std::vector<ex::ExprPtr> items;
      for (const auto& i : static_cast<const ListExpr&>(e).items) {
        items.push_back(Compile(*i, scope, agg, projected));
      }
      return ex::MakeList(std::move(items));
    }
    case ExprKind::kMap: {
      std::vector<std::pair<std::string, ex::ExprPtr>> items;
      for (const auto& i : static_cast<const MapExpr&>(e).entries) {
        items.emplace_back(i.key, Compile(*i.value, scope, agg, projected));
      }
      return ex::MakeMap(std::move(items));
    }
    case ExprKind::kMapProjection: {
      const auto& m = static_cast<const MapProjectionExpr&>(e);
      const Symbol* s = scope.Find(m.variable);
      if (s == nullptr) {
        Fail("UndefinedVariable", "Variable `" + m.variable + "` not defined", e.pos);
      }
      std::vector<ex::MapProjectionItem> items;
      for (const auto& it : m.items) {
        ex::MapProjectionItem out;
        out.key = it.key;
        switch (it.kind) {
          case MapProjectionItemKind::kProperty:
            out.kind = ex::MapProjectionItem::Kind::kProperty;
            out.property = storage_.PropertyIdFor(it.key);
            break;
          case MapProjectionItemKind::kAllProperties:
            out.kind = ex::MapProjectionItem::Kind::kAllProperties;
            break;
          case MapProjectionItemKind::kVariable: {
            out.kind = ex::MapProjectionItem::Kind::kVariable;
            const Symbol* v = scope.Find(it.key);
            if (v == nullptr) {
              Fail("UndefinedVariable", "Variable `" + it.key + "` not defined", it.pos);
            }
            out.value = ex::MakeSlot(v->slot, it.key);
            break;
          }
          case MapProjectionItemKind::kLiteral:
            out.kind = ex::MapProjectionItem::Kind::kLiteral;
            out.value = Compile(*it.value, scope, agg, projected);
            break;
        }
        items.push_back(std::move(out));
      }
      return ex::MakeMapProjection(ex::MakeSlot(s->slot, m.variable), std::move(items));
    }
    case ExprKind::kListComprehension: {
      const auto& l = static_cast<const ListComprehensionExpr&>(e);
      auto list = Compile(*l.list, scope, agg, projected);
      size_t slot = NewSlot();
      Scope inner = With(scope, l.variable, slot, ElementType(*l.list, scope));
      return ex::MakeListComprehension(slot, std::move(list),
                                       l.where ? Compile(*l.where, inner) : nullptr,
                                       l.projection ? Compile(*l.projection, inner, agg) : nullptr);
    }
    case ExprKind::kQuantifier: {
      const auto& q = static_cast<const QuantifierExpr&>(e);
      auto list = Compile(*q.list, scope, agg, projected);
      size_t slot = NewSlot();
      Scope inner = With(scope, q.variable, slot, ElementType(*q.list, scope));
      ex::Quantifier kind = q.quantifier == Quantifier::kAll    ? ex::Quantifier::kAll
                            : q.quantifier == Quantifier::kAny  ? ex::Quantifier::kAny
                            : q.quantifier == Quantifier::kNone ? ex::Quantifier::kNone
                                                                : ex::Quantifier::kSingle;
      ex::ExprPtr where = q.where ? Compile(*q.where, inner) : ex::MakeSlot(slot, q.variable);
      return ex::MakeQuantifier(kind, slot, std::move(list), std::move(where));
    }
    case ExprKind::kReduce: {
      const auto& r = static_cast<const ReduceExpr&>(e);
      auto init = Compile(*r.init, scope, agg, projected);
      auto list = Compile(*r.list, scope, agg, projected);
      size_t acc = NewSlot();
      size_t var = NewSlot();
      Scope inner =
          With(With(scope, r.accumulator, acc), r.variable, var, ElementType(*r.list, scope));
      return ex::MakeReduce(acc, std::move(init), var, std::move(list),
                            Compile(*r.expression, inner));
    }
    case ExprKind::kPattern: {
      const auto& p = static_cast<const PatternExpr&>(e);
      // A pattern predicate only tests variables bound outside it.
      auto require_bound = [&](const std::string& name, SourcePos pos) {
        if (!name.empty() && scope.Find(name) == nullptr) {
          Fail("UndefinedVariable", "Variable `" + name + "` not defined", pos);
        }
      };
      for (const auto& n : p.pattern.nodes) require_bound(n.variable, n.pos);
      for (const auto& r : p.pattern.relationships) require_bound(r.variable, r.pos);
      Scope inner = scope;
      auto plan = PlanMatch(ex::MakeOnce(), {&p.pattern}, nullptr, inner, storage::View::kNew);
      return ex::MakeExists(std::move(plan));
    }
    case ExprKind::kPatternComprehension: {
      const auto& p = static_cast<const PatternComprehensionExpr&>(e);
      Scope inner = scope;
      auto plan =
          PlanMatch(ex::MakeOnce(), {&p.pattern}, p.where.get(), inner, storage::View::kNew);
      return ex::MakePatternComprehension(std::move(plan), Compile(*p.projection, inner));
    }
    case ExprKind::kExistsSubquery: {
      const auto& x = static_cast<const ExistsSubqueryExpr&>(e);
      Scope inner = scope;
      std::vector<std::string> cols;
      std::vector<size_t> slots;
      // The subquery is planned with the same planner; keep the clause
      // sequencing state of the enclosing query.
      bool touched = graph_touched_later_;
      bool pending = writes_pending_;
      ++subquery_depth_;
      auto plan = PlanQuery(*x.query, ex::MakeOnce(), inner, &cols, &slots);
      --subquery_depth_;
      graph_touched_later_ = touched;
      writes_pending_ = pending;
      return ex::MakeExists(std::move(plan));
    }
  }
  Fail("UnexpectedSyntax", "Unsupported expression", e.pos);
}

}  // namespace tributary::cypher::planning
