// Query-level planning: clause sequencing, UNION, EXPLAIN rendering.
#include "cypher/planner/planner.hpp"

#include <algorithm>

#include "cypher/exec/expression.hpp"
#include "cypher/functions/procedure.hpp"
#include "cypher/planner/planner_impl.hpp"

namespace tributary::cypher {

namespace ex = exec;
using planning::Fail;
using planning::Scope;
using planning::Symbol;
using planning::SymbolType;

const char* QueryTypeCode(QueryType t) {
  switch (t) {
    case QueryType::kRead:
      return "r";
    case QueryType::kWrite:
      return "w";
    case QueryType::kReadWrite:
      return "rw";
    case QueryType::kSchema:
      return "s";
  }
  return "r";
}

namespace {

void Explain(const ex::Operator& op, int depth, std::vector<std::string>* out) {
  std::string line(static_cast<size_t>(depth) * 2, ' ');
  line += "* " + op.Name();
  std::string d = op.Details();
  if (!d.empty()) line += " " + d;
  out->push_back(std::move(line));
  for (const auto* c : op.Children()) Explain(*c, depth + 1, out);
}

}  // namespace

std::vector<std::string> ExplainLines(const Plan& plan) {
  std::vector<std::string> out;
  Explain(*plan.root, 0, &out);
  return out;
}

namespace planning {

ex::OperatorPtr Planner::BarrierBeforeRead(ex::OperatorPtr input) {
  if (!writes_pending_) return input;
  writes_pending_ = false;
  return ex::MakeAccumulate(std::move(input), true);
}

ex::OperatorPtr Planner::PlanQuery(const Query& q, ex::OperatorPtr input, Scope& scope,
                                   std::vector<std::string>* columns, std::vector<size_t>* slots) {
  if (q.parts.size() == 1) return PlanSingle(q.parts[0], std::move(input), scope, columns, slots);
  for (size_t i = 1; i < q.union_all.size(); ++i) {
    if (q.union_all[i] != q.union_all[0]) {
      Fail("InvalidClauseComposition", "Invalid combination of UNION and UNION ALL", q.pos);
    }
  }
  bool distinct = !q.union_all[0];
  Scope s0 = scope;
  std::vector<std::string> cols;
  std::vector<size_t> left_slots;
  ex::OperatorPtr left = PlanSingle(q.parts[0], ex::MakeOnce(), s0, &cols, &left_slots);
  for (size_t i = 1; i < q.parts.size(); ++i) {
    Scope si = scope;
    std::vector<std::string> cols_i;
    std::vector<size_t> right_slots;
    ex::OperatorPtr right = PlanSingle(q.parts[i], ex::MakeOnce(), si, &cols_i, &right_slots);
    if (cols_i != cols) {
      Fail("DifferentColumnsInUnion", "All sub queries in an UNION must have the same column names",
           q.parts[i].pos);
    }
    std::vector<size_t> out;
    for (size_t k = 0; k < cols.size(); ++k) out.push_back(NewSlot());
    left = ex::MakeUnion(std::move(left), left_slots, std::move(right), right_slots, out, distinct);
    left_slots = out;
  }
  *columns = cols;
  *slots = left_slots;
  scope = Scope{};
  for (size_t k = 0; k < cols.size(); ++k)
    scope.vars[cols[k]] = Symbol{left_slots[k], SymbolType::kAny};
  return left;
}

ex::OperatorPtr Planner::PlanSingle(const SingleQuery& q, ex::OperatorPtr cur, Scope& scope,
                                    std::vector<std::string>* columns, std::vector<size_t>* slots) {
  columns->clear();
  slots->clear();
  // touches_after[i]: a clause after i reads or writes the graph.
  std::vector<bool> touches_after(q.clauses.size(), false);
  for (size_t i = q.clauses.size(); i-- > 1;) {
    ClauseKind k = q.clauses[i]->kind;
    touches_after[i - 1] =
        touches_after[i] ||
        (k != ClauseKind::kWith && k != ClauseKind::kReturn && k != ClauseKind::kUnwind);
  }
  for (size_t i = 0; i < q.clauses.size(); ++i) {
    const Clause& c = *q.clauses[i];
    bool last = i + 1 == q.clauses.size();
    graph_touched_later_ = touches_after[i];
    if (c.kind == ClauseKind::kReturn && !last) {
      Fail("InvalidClauseComposition", "RETURN can only be used at the end of the query", c.pos);
    }
    cur = PlanClause(c, std::move(cur), scope, last, columns, slots);
  }
  return cur;
}

ex::OperatorPtr Planner::PlanClause(const Clause& c, ex::OperatorPtr cur, Scope& scope,
                                    bool is_last, std::vector<std::string>* columns,
                                    std::vector<size_t>* slots) {
  switch (c.kind) {
    case ClauseKind::kMatch: {
      const auto& m = static_cast<const MatchClause&>(c);
      if (is_last && subquery_depth_ == 0) {
        Fail("InvalidClauseComposition",
             "Query cannot conclude with MATCH (must be RETURN or an "
             "update clause)",
             c.pos);
      }
      cur = BarrierBeforeRead(std::move(cur));
      if (!m.optional)
        return PlanMatch(std::move(cur), m.pattern, m.where.get(), scope, storage::View::kOld);
      Scope inner = scope;
      ex::OperatorPtr sub =
          PlanMatch(ex::MakeOnce(), m.pattern, m.where.get(), inner, storage::View::kOld);
      std::vector<size_t> new_slots;
      for (const auto& [name, sym] : inner.vars) {
        if (scope.Find(name) == nullptr) new_slots.push_back(sym.slot);
      }
      scope = std::move(inner);
      return ex::MakeOptional(std::move(cur), std::move(sub), std::move(new_slots));
    }
    case ClauseKind::kUnwind: {
      const auto& u = static_cast<const UnwindClause&>(c);
      if (is_last) Fail("InvalidClauseComposition", "Query cannot conclude with UNWIND", c.pos);
      if (scope.Find(u.variable)) {
        Fail("VariableAlreadyBound", "Variable `" + u.variable + "` already declared", c.pos);
      }
      auto list = Compile(*u.list, scope);
      size_t slot = NewSlot();
      scope.vars[u.variable] = Symbol{slot, SymbolType::kAny};
      return ex::MakeUnwind(std::move(cur), std::move(list), slot);
    }
    case ClauseKind::kCreate: {
      const auto& cr = static_cast<const CreateClause&>(c);
      std::vector<const PatternPart*> parts;
      for (const auto& p : cr.pattern.parts) parts.push_back(&p);
      return PlanCreate(std::move(cur), parts, scope);
    }
    case ClauseKind::kMerge: {
      // MERGE reads what earlier clauses wrote (View::kNew) and its own
      // creations for earlier rows; later clauses must not feed back into its
      // match, so it is eager when anything follows.
      cur = PlanMerge(std::move(cur), static_cast<const MergeClause&>(c), scope);
      if (!graph_touched_later_) return cur;
      writes_pending_ = false;
      return ex::MakeAccumulate(std::move(cur), true);
    }
    case ClauseKind::kSet:
      return PlanSetItems(std::move(cur), static_cast<const SetClause&>(c).items, scope);
    case ClauseKind::kRemove: {
      for (const auto& item : static_cast<const RemoveClause&>(c).items) {
        wrote_ = writes_pending_ = true;
        if (item.kind == RemoveItemKind::kProperty) {
          cur = ex::MakeRemoveProperty(std::move(cur), Compile(*item.property->object, scope),
                                       storage_.PropertyIdFor(item.property->key));
        } else {
          const Symbol* s = scope.Find(item.variable);
          if (s == nullptr) {
            Fail("UndefinedVariable", "Variable `" + item.variable + "` not defined", item.pos);
          }
          std::vector<storage::LabelId> labels;
          for (const auto& l : item.labels) labels.push_back(storage_.LabelIdFor(l));
          cur = ex::MakeRemoveLabels(std::move(cur), s->slot, std::move(labels));
        }
      }
      return cur;
    }
    case ClauseKind::kDelete: {
      const auto& d = static_cast<const DeleteClause&>(c);
      wrote_ = writes_pending_ = true;
      std::vector<ex::ExprPtr> targets;
      for (const auto& e : d.exprs) {
        if (e->kind == ExprKind::kLiteral || e->kind == ExprKind::kBinary ||
            e->kind == ExprKind::kLabelsTest) {
          Fail("InvalidDelete", "DELETE expects a node, relationship or path expression", e->pos);
        }
        targets.push_back(Compile(*e, scope));
      }
      return ex::MakeDelete(std::move(cur), std::move(targets), d.detach);
    }
    case ClauseKind::kWith: {
      const auto& w = static_cast<const WithClause&>(c);
      if (is_last) Fail("InvalidClauseComposition", "Query cannot conclude with WITH", c.pos);
      return PlanProjection(std::move(cur), w.body, w.where.get(), scope, false, columns, slots,
                            c.pos);
    }
    case ClauseKind::kReturn: {
      const auto& r = static_cast<const ReturnClause&>(c);
      return PlanProjection(std::move(cur), r.body, nullptr, scope, true, columns, slots, c.pos);
    }
    case ClauseKind::kCall:
      return PlanCall(static_cast<const CallClause&>(c), std::move(cur), scope, is_last, columns,
                      slots);
    case ClauseKind::kCallSubquery:
      return PlanCallSubquery(static_cast<const CallSubqueryClause&>(c), std::move(cur), scope,
                              is_last);
  }
  Fail("UnexpectedSyntax", "Unsupported clause", c.pos);
}

namespace {

/// The runtime type an argument expression is known to have at compile time
/// (literals, list and map expressions, variables of a known kind); false
/// when it is only known at runtime.
bool KnownArgumentType(const planning::Planner& planner, const Expr& e, const Scope& scope,
                       ValueType* out) {
  switch (e.kind) {
    case ExprKind::kLiteral:
      *out = ToValue(static_cast<const LiteralExpr&>(e).value).type();
      return true;
    case ExprKind::kList:
    case ExprKind::kListComprehension:
    case ExprKind::kPatternComprehension:
      *out = ValueType::kList;
      return true;
    case ExprKind::kMap:
    case ExprKind::kMapProjection:
      *out = ValueType::kMap;
      return true;
    default:
      break;
  }
  switch (planner.StaticType(e, scope)) {
    case SymbolType::kNode:
      *out = ValueType::kNode;
      return true;
    case SymbolType::kRelationship:
      *out = ValueType::kRelationship;
      return true;
    case SymbolType::kPath:
      *out = ValueType::kPath;
      return true;
    case SymbolType::kList:
    case SymbolType::kRelationshipList:
      *out = ValueType::kList;
      return true;
    case SymbolType::kMap:
      *out = ValueType::kMap;
      return true;
    case SymbolType::kString:
      *out = ValueType::kString;
      return true;
    case SymbolType::kBoolean:
      *out = ValueType::kBool;
      return true;
    default:
      return false;
  }
}

}  // namespace

ex::OperatorPtr Planner::PlanCall(const CallClause& call, ex::OperatorPtr cur, Scope& scope,
                                  bool is_last, std::vector<std::string>* columns,
                                  std::vector<size_t>* slots) {
  // A call that ends the query is standalone (`CALL proc(...) [YIELD ...]`):
  // it may take its arguments implicitly and yield every output. Inside a
  // query a call must pass its arguments and name what it yields.
  ProcedureRef ref = FindProcedure(call.procedure);
  if (!ref) {
    throw ProcedureError("ProcedureNotFound",
                         "There is no procedure with the name `" + call.procedure + "` registered");
  }
  const ProcedureInfo* proc = ref.info;
  std::vector<ex::ExprPtr> args;
  if (call.explicit_args) {
    for (const auto& a : call.args) {
      if (ContainsAggregate(*a)) {
        Fail("InvalidAggregation", "Procedure arguments cannot contain aggregating functions",
             a->pos);
      }
    }
    auto n = static_cast<int>(call.args.size());
    if (n < proc->min_args || n > proc->max_args) {
      Fail("InvalidNumberOfArguments",
           "Procedure " + call.procedure + " called with " + std::to_string(n) + " argument(s)",
           call.pos);
    }
    for (size_t i = 0; i < call.args.size(); ++i) {
      const Expr& a = *call.args[i];
      ValueType t;
      if (i < proc->inputs.size() && KnownArgumentType(*this, a, scope, &t) &&
          !ProcedureAccepts(proc->inputs[i].type, t)) {
        Fail("InvalidArgumentType",
             "Procedure " + call.procedure + " expects " + ProcedureTypeName(proc->inputs[i].type) +
                 " for `" + std::string(proc->inputs[i].name) + "`, got " + TypeName(t),
             a.pos);
      }
      args.push_back(Compile(a, scope));
    }
  } else if (proc->max_args > 0) {
    // `CALL proc`: the arguments are the parameters named like the inputs
    // (absent ones fail with ParameterMissing before the query runs).
    if (!is_last) {
      Fail("InvalidArgumentPassingMode",
           "Procedure call inside a query does not support passing arguments implicitly "
           "(pass explicitly after procedure name instead)",
           call.pos);
    }
    if (static_cast<int>(proc->inputs.size()) != proc->max_args) {
      Fail("InvalidArgumentPassingMode",
           "Procedure " + call.procedure + " does not support implicit arguments", call.pos);
    }
    for (const auto& in : proc->inputs) {
      std::string name(in.name);
      args.push_back(ex::MakeParameter(ParameterIndex(name), name));
    }
  }
  if (call.yield_star && !is_last) {
    Fail("UnexpectedSyntax", "YIELD * is only allowed in a standalone procedure call", call.pos);
  }
  // Which outputs become which variables. An in-query call without YIELD
  // binds nothing (openCypher's grammar makes YIELD optional there).
  std::vector<std::pair<size_t, std::string>> bound;  // output index, variable
  if (!call.has_yield || call.yield_star) {
    if (is_last) {
      for (size_t i = 0; i < proc->outputs.size(); ++i) {
        bound.emplace_back(i, std::string(proc->outputs[i]));
      }
    }
  } else {
    for (const auto& y : call.yields) {
      auto it = std::find(proc->outputs.begin(), proc->outputs.end(), y.field);
      if (it == proc->outputs.end()) {
        Fail("UndefinedVariable", "Unknown procedure output `" + y.field + "` of " + call.procedure,
             y.pos);
      }
      bound.emplace_back(static_cast<size_t>(it - proc->outputs.begin()), y.Name());
    }
  }
  std::vector<std::pair<size_t, size_t>> yields;
  for (const auto& [output, name] : bound) {
    if (scope.Find(name) != nullptr) {
      Fail("VariableAlreadyBound", "Variable `" + name + "` already declared", call.pos);
    }
    size_t slot = NewSlot();
    scope.vars[name] = Symbol{slot, SymbolType::kAny};
    yields.emplace_back(output, slot);
  }
  read_ = true;
  cur = BarrierBeforeRead(std::move(cur));
  cur = ex::MakeCallProcedure(std::move(cur), proc, std::move(ref.owner), std::move(args),
                              std::move(yields), /*void_passes_rows=*/!is_last);
  if (call.where) {
    CheckPredicateType(*call.where, scope);
    cur = ex::MakeFilter(std::move(cur), Compile(*call.where, scope));
  }
  if (is_last) {
    columns->clear();
    slots->clear();
    for (const auto& [output, name] : bound) {
      columns->push_back(name);
      slots->push_back(scope.Find(name)->slot);
    }
  }
  return cur;
}

ex::OperatorPtr Planner::PlanCallSubquery(const CallSubqueryClause& call, ex::OperatorPtr cur,
                                          Scope& scope, bool is_last) {
  // Outer variables are visible only through an importing WITH at the start
  // of the subquery (of every UNION part).
  bool importing = true;
  for (const auto& part : call.query->parts) {
    importing &= !part.clauses.empty() && part.clauses[0]->kind == ClauseKind::kWith;
  }
  Scope inner = importing ? scope : Scope{};
  bool touched = graph_touched_later_;
  cur = BarrierBeforeRead(std::move(cur));
  std::vector<std::string> cols;
  std::vector<size_t> cols_slots;
  ex::OperatorPtr sub = PlanQuery(*call.query, ex::MakeOnce(), inner, &cols, &cols_slots);
  graph_touched_later_ = touched;
  if (is_last && !cols.empty()) {
    Fail("InvalidClauseComposition", "Query cannot conclude with a CALL subquery that returns rows",
         call.pos);
  }
  for (size_t k = 0; k < cols.size(); ++k) {
    if (scope.Find(cols[k]) != nullptr) {
      Fail("VariableAlreadyBound", "Variable `" + cols[k] + "` already declared", call.pos);
    }
    const Symbol* s = inner.Find(cols[k]);
    scope.vars[cols[k]] = Symbol{cols_slots[k], s ? s->type : SymbolType::kAny};
  }
  return ex::MakeApply(std::move(cur), std::move(sub), cols.empty());
}

}  // namespace planning

std::shared_ptr<const Plan> PlanQuery(const Query& query, storage::Storage& storage) {
  auto plan = std::make_shared<Plan>();
  planning::Planner planner(storage, *plan);
  Scope scope;
  plan->root = planner.PlanQuery(query, ex::MakeOnce(), scope, &plan->columns, &plan->column_slots);
  // A query ending in an update clause returns no rows (but runs to the end).
  if (plan->columns.empty()) plan->root = ex::MakeEmptyResult(std::move(plan->root));
  if (planner.wrote()) {
    plan->type = planner.read() ? QueryType::kReadWrite : QueryType::kWrite;
  } else {
    plan->type = QueryType::kRead;
  }
  return plan;
}

}  // namespace tributary::cypher
