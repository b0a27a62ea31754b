// WITH and RETURN: projection, aggregation, DISTINCT, ORDER BY, SKIP, LIMIT.
#include <algorithm>
#include <set>

#include "cypher/exec/expression.hpp"
#include "cypher/functions/function.hpp"
#include "cypher/planner/planner_impl.hpp"

namespace tributary::cypher::planning {

namespace ex = exec;

/// One output column during planning.
struct OutItem {
  std::string name;
  const Expr* expr = nullptr;  // null for `*` items
  size_t star_slot = 0;        // `*` items: the variable's slot
  SymbolType type = SymbolType::kAny;
  size_t slot = 0;
  bool aggregate = false;
  SourcePos pos;
};

namespace {

/// True if `e` yields equal values whenever its variables hold equal values
/// and the graph is unchanged: no rand()/timestamp(), no subqueries or
/// patterns (the same subset CollectVariables understands).
bool IsDeterministic(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kVariable:
    case ExprKind::kLiteral:
    case ExprKind::kParameter:
      return true;
    case ExprKind::kProperty:
      return IsDeterministic(*static_cast<const PropertyExpr&>(e).object);
    case ExprKind::kUnary:
      return IsDeterministic(*static_cast<const UnaryExpr&>(e).operand);
    case ExprKind::kBinary: {
      const auto& b = static_cast<const BinaryExpr&>(e);
      return IsDeterministic(*b.lhs) && IsDeterministic(*b.rhs);
    }
    case ExprKind::kFunctionCall: {
      const auto& f = static_cast<const FunctionCallExpr&>(e);
      const FunctionInfo* info = LookupFunction(f.name);
      if (info == nullptr || !info->deterministic) return false;
      for (const auto& a : f.args) {
        if (!IsDeterministic(*a)) return false;
      }
      return true;
    }
    case ExprKind::kList:
      for (const auto& i : static_cast<const ListExpr&>(e).items) {
        if (!IsDeterministic(*i)) return false;
      }
      return true;
    case ExprKind::kMap:
      for (const auto& i : static_cast<const MapExpr&>(e).entries) {
        if (!IsDeterministic(*i.value)) return false;
      }
      return true;
    default:
      return false;
  }
}

}  // namespace

std::optional<ex::NodeKeySpec> Planner::KeysNode(const std::vector<OutItem>& items,
                                                 const Scope& scope) const {
  // Writes earlier in the pipeline would run interleaved with the
  // consumption and could change a key between two rows of one node.
  if (writes_pending_) return std::nullopt;
  std::set<std::string> vars;
  bool any_key = false;
  for (const auto& it : items) {
    if (it.aggregate) continue;
    any_key = true;
    if (it.expr == nullptr) {
      vars.insert(it.name);
      continue;
    }
    if (!IsDeterministic(*it.expr)) return std::nullopt;
    CollectVariables(*it.expr, &vars);
  }
  if (!any_key || vars.size() != 1) return std::nullopt;
  const Symbol* sym = scope.Find(*vars.begin());
  if (sym == nullptr || sym->type != SymbolType::kNode) return std::nullopt;
  return ex::NodeKeySpec{sym->slot, *vars.begin(), expanded_slots_.count(sym->slot) > 0,
                         false,     std::nullopt,  std::nullopt};
}

ex::OperatorPtr Planner::PlanProjection(ex::OperatorPtr cur, const ProjectionBody& body,
                                        const Expr* where, Scope& scope, bool is_return,
                                        std::vector<std::string>* columns,
                                        std::vector<size_t>* slots, SourcePos pos) {
  std::vector<OutItem> items;
  std::set<std::string> names;
  if (body.star) {
    for (const auto& [name, sym] : scope.vars) {
      OutItem it;
      it.name = name;
      it.star_slot = sym.slot;
      it.type = sym.type;
      it.pos = pos;
      items.push_back(it);
      names.insert(name);
    }
    if (is_return && items.empty() && body.items.empty()) {
      Fail("NoVariablesInScope", "RETURN * / WITH * is not allowed when there are no variables",
           pos);
    }
  }
  for (const auto& pi : body.items) {
    OutItem it;
    it.name = pi.Name();
    it.expr = pi.expr.get();
    it.pos = pi.pos;
    it.type = StaticType(*pi.expr, scope);
    it.aggregate = ContainsAggregate(*pi.expr);
    if (!names.insert(it.name).second) {
      Fail("ColumnNameConflict", "Multiple result columns with the same name `" + it.name + "`",
           pi.pos);
    }
    items.push_back(std::move(it));
  }
  bool aggregating = false;
  for (const auto& it : items) aggregating |= it.aggregate;
  // Grouping keys an aggregating expression may mention outside its
  // aggregates (`RETURN n.a, n.a + count(*)` is fine, `RETURN n.a + count(*)`
  // is ambiguous).
  std::vector<const Expr*> grouping_keys;
  std::set<std::string> grouping_vars;
  if (aggregating) {
    for (const auto& it : items) {
      if (it.aggregate) continue;
      if (it.expr == nullptr) {
        grouping_vars.insert(it.name);
        continue;
      }
      grouping_keys.push_back(it.expr);
      if (it.expr->kind == ExprKind::kVariable) {
        grouping_vars.insert(static_cast<const VariableExpr&>(*it.expr).name);
      }
    }
    for (const auto& it : items) {
      if (it.aggregate) CheckAmbiguousAggregation(*it.expr, grouping_keys, grouping_vars);
    }
  }

  ProjectedExprs projected;
  if (aggregating) {
    std::vector<std::pair<size_t, ex::ExprPtr>> keys;
    AggregationCollector collector;
    collector.input_scope = &scope;
    std::vector<std::pair<size_t, ex::ExprPtr>> post;
    for (auto& it : items) {
      it.slot = NewSlot();
      if (it.expr == nullptr) {
        keys.emplace_back(it.slot, ex::MakeSlot(it.star_slot, it.name));
      } else if (!it.aggregate) {
        keys.emplace_back(it.slot, Compile(*it.expr, scope));
      } else {
        post.emplace_back(it.slot, Compile(*it.expr, scope, &collector));
      }
      if (it.expr != nullptr) {
        projected.items.emplace_back(it.expr, it.slot);
        projected.names.push_back(it.name);
      }
    }
    std::optional<ex::NodeKeySpec> node = KeysNode(items, scope);
    if (node) {
      node->counts_only =
          node->memo && std::all_of(collector.specs.begin(), collector.specs.end(),
                                    [](const ex::AggregationSpec& a) {
                                      return a.kind == ex::AggregateKind::kCountStar;
                                    });
      // The Expand right below that produced the node: fuse it in.
      if (node->counts_only && last_expand_.op != nullptr && last_expand_.op == cur &&
          last_expand_.spec.to_slot == node->slot && !last_expand_.spec.to_bound &&
          !last_expand_.spec.edge_bound) {
        node->expand = last_expand_.spec;
        cur = last_expand_.input;
        // A plain scan from the query's single starting row: its gid
        // ranges can be expanded on several threads.
        const PlannedScan& scan = last_scan_;
        if (scan.op != nullptr && scan.op == cur && scan.slot == node->expand->from_slot &&
            scan.input->Children().empty() && scan.input->Name() == "Once") {
          node->parallel_scan = ex::NodeKeySpec::ParallelScan{scan.label, scan.view};
        }
      }
      cur = ex::MakeAggregateByNode(std::move(cur), std::move(keys), std::move(collector.specs),
                                    std::move(*node));
    } else {
      cur = ex::MakeAggregate(std::move(cur), std::move(keys), std::move(collector.specs));
    }
    if (!post.empty()) cur = ex::MakeProduce(std::move(cur), std::move(post));
  } else {
    std::vector<std::pair<size_t, ex::ExprPtr>> produce;
    for (auto& it : items) {
      it.slot = NewSlot();
      produce.emplace_back(
          it.slot, it.expr ? Compile(*it.expr, scope) : ex::MakeSlot(it.star_slot, it.name));
      if (it.expr != nullptr) {
        projected.items.emplace_back(it.expr, it.slot);
        projected.names.push_back(it.name);
      }
    }
    if (!produce.empty()) cur = ex::MakeProduce(std::move(cur), std::move(produce));
  }

  Scope out;
  for (const auto& it : items) out.vars[it.name] = Symbol{it.slot, it.type};

  if (body.distinct) {
    std::vector<size_t> s;
    for (const auto& it : items) s.push_back(it.slot);
    cur = ex::MakeDistinct(std::move(cur), std::move(s));
  }
  // ORDER BY (and WITH's WHERE) may also read the input variables unless
  // aggregation or DISTINCT dropped them.
  Scope order_scope = out;
  if (!aggregating && !body.distinct) {
    order_scope = scope;
    for (const auto& [name, sym] : out.vars) order_scope.vars[name] = sym;
  }
  if (!body.order_by.empty()) {
    std::vector<ex::SortKey> keys;
    std::set<std::string> order_vars = grouping_vars;
    for (const auto& it : items) order_vars.insert(it.name);
    for (const auto& si : body.order_by) {
      // Aggregates in ORDER BY must repeat projected ones; they compile to
      // the projected slots (a new aggregate fails as InvalidAggregation).
      keys.push_back({Compile(*si.expr, order_scope, nullptr, &projected), !si.descending});
      if (aggregating && ContainsAggregate(*si.expr)) {
        CheckAmbiguousAggregation(*si.expr, grouping_keys, order_vars);
      }
    }
    cur = ex::MakeOrderBy(std::move(cur), std::move(keys));
  }
  auto constant = [&](const ExprPtr& e, const char* what) {
    std::set<std::string> vars;
    CollectVariables(*e, &vars);
    if (!vars.empty()) {
      Fail("NonConstantExpression", std::string(what) + " must be a constant expression", e->pos);
    }
    return Compile(*e, Scope{});
  };
  if (body.skip) cur = ex::MakeSkip(std::move(cur), constant(body.skip, "SKIP"));
  if (body.limit) {
    ex::LimitDrain drain = writes_pending_ ? ex::LimitDrain::kAll
                           : wrote_        ? ex::LimitDrain::kFirstRow
                                           : ex::LimitDrain::kNone;
    cur = ex::MakeLimit(std::move(cur), constant(body.limit, "LIMIT"), drain);
  }
  if (where != nullptr) {
    // After DISTINCT the input variables hold the values of the first row
    // of each distinct group, as in Neo4j.
    Scope where_scope = order_scope;
    if (!aggregating && body.distinct) {
      where_scope = scope;
      for (const auto& [name, sym] : out.vars) where_scope.vars[name] = sym;
    }
    CheckPredicateType(*where, where_scope);
    if (ContainsAggregate(*where)) {
      Fail("InvalidAggregation", "Aggregation is not allowed in WHERE", where->pos);
    }
    cur = ex::MakeFilter(std::move(cur), Compile(*where, where_scope));
  }
  // Checked last so that errors of the expressions themselves come first.
  if (!is_return) {
    for (const auto& pi : body.items) {
      if (pi.alias.empty() && pi.expr->kind != ExprKind::kVariable) {
        Fail("NoExpressionAlias", "Expression in WITH must be aliased (use AS)", pi.pos);
      }
    }
  }
  if (is_return) {
    columns->clear();
    slots->clear();
    for (const auto& it : items) {
      columns->push_back(it.name);
      slots->push_back(it.slot);
    }
  }
  scope = std::move(out);
  return cur;
}

}  // namespace tributary::cypher::planning
