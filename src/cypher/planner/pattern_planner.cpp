// MATCH, CREATE, MERGE and SET planning.
#include <limits>

#include "cypher/exec/expression.hpp"
#include "cypher/planner/planner_impl.hpp"

namespace tributary::cypher::planning {

namespace ex = exec;
using storage::View;

namespace {

/// Splits a predicate into its AND-ed conjuncts.
void SplitConjuncts(const Expr* e, std::vector<const Expr*>* out) {
  if (e == nullptr) return;
  if (e->kind == ExprKind::kBinary) {
    const auto& b = static_cast<const BinaryExpr&>(*e);
    if (b.op == BinaryOp::kAnd) {
      SplitConjuncts(b.lhs.get(), out);
      SplitConjuncts(b.rhs.get(), out);
      return;
    }
  }
  out->push_back(e);
}

/// A way to produce the start node of a pattern part.
struct StartChoice {
  double cost = std::numeric_limits<double>::infinity();
  enum class Kind { kBound, kIndexSeek, kIndexRange, kLabel, kAll } kind = Kind::kAll;
  size_t node = 0;
  storage::LabelId label = 0;
  std::string label_name;
  storage::PropertyId property = 0;
  std::string property_name;
  const Expr* value = nullptr;  // seek value
  const Expr* lower = nullptr;  // range bounds
  const Expr* upper = nullptr;
  bool lower_inclusive = true, upper_inclusive = true;
  const Expr* used_conjunct = nullptr;  // WHERE conjunct consumed by the seek
  std::string used_inline_key;          // inline property consumed by the seek
};

/// " {key: expr, ...}" for EXPLAIN, or "" without properties.
std::string PropertiesText(const std::vector<ex::PropertyAssignment>& props, const ex::ExprPtr& map,
                           storage::Storage& storage) {
  if (map) return " " + map->ToString();
  if (props.empty()) return "";
  std::string s = " {";
  for (size_t i = 0; i < props.size(); ++i) {
    s += (i ? ", " : "") + std::string(storage.PropertyName(props[i].key)) + ": " +
         props[i].value->ToString();
  }
  return s + "}";
}

ex::Direction Dir(RelDirection d, bool reversed) {
  switch (d) {
    case RelDirection::kRight:
      return reversed ? ex::Direction::kIn : ex::Direction::kOut;
    case RelDirection::kLeft:
      return reversed ? ex::Direction::kOut : ex::Direction::kIn;
    case RelDirection::kBoth:
      return ex::Direction::kBoth;
  }
  return ex::Direction::kBoth;
}

}  // namespace

ex::OperatorPtr Planner::PlanMatch(ex::OperatorPtr cur,
                                   const std::vector<const PatternPart*>& parts, const Expr* where,
                                   Scope& scope, View view) {
  read_ = true;
  const Scope before = scope;
  std::vector<size_t> edge_slots, edge_list_slots;

  // 1. Bind every variable of the pattern, checking types.
  auto bind = [&](const std::string& name, SymbolType type, SourcePos pos) -> size_t {
    if (name.empty()) return NewSlot();
    if (const Symbol* s = scope.Find(name)) {
      if (!Compatible(s->type, type)) {
        Fail("VariableTypeConflict", "Variable `" + name + "` already declared with another type",
             pos);
      }
      if (type != SymbolType::kNode && before.Find(name) == nullptr) {
        Fail("VariableAlreadyBound", "Variable `" + name + "` already declared", pos);
      }
      return s->slot;
    }
    size_t slot = NewSlot();
    scope.vars[name] = Symbol{slot, type};
    return slot;
  };
  std::vector<std::vector<size_t>> node_slots(parts.size()), rel_slots(parts.size());
  for (size_t p = 0; p < parts.size(); ++p) {
    for (const auto& n : parts[p]->nodes) {
      node_slots[p].push_back(bind(n.variable, SymbolType::kNode, n.pos));
    }
    for (const auto& r : parts[p]->relationships) {
      size_t slot = bind(
          r.variable, r.variable_length ? SymbolType::kRelationshipList : SymbolType::kRelationship,
          r.pos);
      rel_slots[p].push_back(slot);
      (r.variable_length ? edge_list_slots : edge_slots).push_back(slot);
    }
    if (!parts[p]->path_variable.empty()) {
      if (scope.Find(parts[p]->path_variable)) {
        Fail("VariableAlreadyBound", "Variable `" + parts[p]->path_variable + "` already declared",
             parts[p]->pos);
      }
      scope.vars[parts[p]->path_variable] = Symbol{NewSlot(), SymbolType::kPath};
    }
  }

  if (where != nullptr) CheckPredicateType(*where, scope);
  std::vector<const Expr*> conjuncts;
  SplitConjuncts(where, &conjuncts);
  std::vector<bool> used(conjuncts.size(), false);
  std::set<size_t> bound_slots;
  for (const auto& [name, sym] : before.vars) bound_slots.insert(sym.slot);

  // True when `e` can be evaluated before the node being scanned is bound.
  auto independent = [&](const Expr& e) {
    std::set<std::string> vars;
    CollectVariables(e, &vars);
    for (const auto& v : vars) {
      const Symbol* s = scope.Find(v);
      if (s == nullptr || bound_slots.count(s->slot) == 0) return false;
    }
    return true;
  };

  auto filter_eq = [&](ex::OperatorPtr in, size_t slot, const std::string& var,
                       const std::string& key, const Expr& value) {
    auto lhs = ex::MakeProperty(ex::MakeSlot(slot, var), storage_.PropertyIdFor(key), key);
    return ex::MakeFilter(std::move(in),
                          ex::MakeBinary(ex::BinaryOp::kEq, std::move(lhs), Compile(value, scope)));
  };

  // Filters for a node's labels and inline properties (minus what a seek used).
  auto node_filters = [&](ex::OperatorPtr in, const NodePattern& n, size_t slot,
                          const StartChoice* choice) {
    std::vector<storage::LabelId> labels;
    std::vector<std::string> names;
    for (const auto& l : n.labels) {
      storage::LabelId id = storage_.LabelIdFor(l);
      bool scanned = choice && choice->kind != StartChoice::Kind::kAll &&
                     choice->kind != StartChoice::Kind::kBound && choice->label == id;
      if (!scanned) {
        labels.push_back(id);
        names.push_back(l);
      }
    }
    if (!labels.empty()) {
      in = ex::MakeFilter(std::move(in), ex::MakeHasLabels(ex::MakeSlot(slot, n.variable),
                                                           std::move(labels), std::move(names)));
    }
    if (n.properties) {
      if (n.properties->kind == ExprKind::kMap) {
        for (const auto& entry : static_cast<const MapExpr&>(*n.properties).entries) {
          if (choice && choice->used_inline_key == entry.key) continue;
          in = filter_eq(std::move(in), slot, n.variable, entry.key, *entry.value);
        }
      } else {
        // `(n $props)`: every entry of the map must match.
        in = ex::MakeFilter(std::move(in), MakePropertiesMatch(ex::MakeSlot(slot, n.variable),
                                                               Compile(*n.properties, scope)));
      }
    }
    return in;
  };

  // Chooses the cheapest way to start a part.
  auto choose_start = [&](size_t p) {
    StartChoice best;
    const PatternPart& part = *parts[p];
    for (size_t i = 0; i < part.nodes.size(); ++i) {
      const NodePattern& n = part.nodes[i];
      size_t slot = node_slots[p][i];
      if (bound_slots.count(slot)) {
        StartChoice c;
        c.kind = StartChoice::Kind::kBound;
        c.cost = 0;
        c.node = i;
        if (c.cost < best.cost) best = c;
        continue;
      }
      for (const auto& lname : n.labels) {
        storage::LabelId label = storage_.LabelIdFor(lname);
        double label_count = static_cast<double>(storage_.ApproxLabelCount(label));
        StartChoice c;
        c.node = i;
        c.label = label;
        c.label_name = lname;
        c.kind = StartChoice::Kind::kLabel;
        c.cost = 10 + label_count;
        // Inline `{key: value}` with an index.
        if (n.properties && n.properties->kind == ExprKind::kMap) {
          for (const auto& entry : static_cast<const MapExpr&>(*n.properties).entries) {
            storage::PropertyId prop = storage_.PropertyIdFor(entry.key);
            if (storage_.HasLabelPropertyIndex(label, prop) && independent(*entry.value)) {
              c.kind = StartChoice::Kind::kIndexSeek;
              c.cost = 1;
              c.property = prop;
              c.property_name = entry.key;
              c.value = entry.value.get();
              c.used_inline_key = entry.key;
              break;
            }
          }
        }
        // WHERE n.p = v / n.p < v ...
        for (size_t k = 0; k < conjuncts.size() && c.kind != StartChoice::Kind::kIndexSeek; ++k) {
          if (used[k] || conjuncts[k]->kind != ExprKind::kBinary) continue;
          const auto& b = static_cast<const BinaryExpr&>(*conjuncts[k]);
          auto prop_of_n = [&](const Expr& x) -> const PropertyExpr* {
            if (x.kind != ExprKind::kProperty) return nullptr;
            const auto& pe = static_cast<const PropertyExpr&>(x);
            if (pe.object->kind != ExprKind::kVariable) return nullptr;
            if (static_cast<const VariableExpr&>(*pe.object).name != n.variable) return nullptr;
            return &pe;
          };
          const PropertyExpr* pe = prop_of_n(*b.lhs);
          const Expr* other = b.rhs.get();
          bool flipped = false;
          if (pe == nullptr) {
            pe = prop_of_n(*b.rhs);
            other = b.lhs.get();
            flipped = true;
          }
          if (pe == nullptr || n.variable.empty() || !independent(*other)) continue;
          storage::PropertyId prop = storage_.PropertyIdFor(pe->key);
          if (!storage_.HasLabelPropertyIndex(label, prop)) continue;
          BinaryOp op = b.op;
          if (flipped) {
            if (op == BinaryOp::kLt)
              op = BinaryOp::kGt;
            else if (op == BinaryOp::kGt)
              op = BinaryOp::kLt;
            else if (op == BinaryOp::kLe)
              op = BinaryOp::kGe;
            else if (op == BinaryOp::kGe)
              op = BinaryOp::kLe;
          }
          if (op == BinaryOp::kEq) {
            c.kind = StartChoice::Kind::kIndexSeek;
            c.cost = 1;
            c.value = other;
          } else if (op == BinaryOp::kLt || op == BinaryOp::kLe || op == BinaryOp::kGt ||
                     op == BinaryOp::kGe) {
            bool upper = op == BinaryOp::kLt || op == BinaryOp::kLe;
            if (c.kind == StartChoice::Kind::kIndexRange) {
              // A second bound on the same property narrows the range
              // (`n.p > 1 AND n.p < 5`); both conjuncts stay as filters.
              if (c.property != prop || (upper ? c.upper : c.lower) != nullptr) continue;
              (upper ? c.upper : c.lower) = other;
              (upper ? c.upper_inclusive : c.lower_inclusive) =
                  op == BinaryOp::kLe || op == BinaryOp::kGe;
              c.cost = 2 + label_count / 16;
              continue;
            }
            c.kind = StartChoice::Kind::kIndexRange;
            c.cost = 2 + label_count / 4;
            (upper ? c.upper : c.lower) = other;
            (upper ? c.upper_inclusive : c.lower_inclusive) =
                op == BinaryOp::kLe || op == BinaryOp::kGe;
          } else {
            continue;
          }
          c.property = prop;
          c.property_name = pe->key;
          c.used_conjunct = conjuncts[k];
        }
        if (c.cost < best.cost) best = c;
      }
      if (best.cost == std::numeric_limits<double>::infinity()) {
        best.kind = StartChoice::Kind::kAll;
        best.cost = 1e18;
        best.node = i;
      }
    }
    return best;
  };

  for (size_t p = 0; p < parts.size(); ++p) {
    const PatternPart& part = *parts[p];
    StartChoice start = choose_start(p);
    const NodePattern& sn = part.nodes[start.node];
    size_t sslot = node_slots[p][start.node];
    std::string sname = sn.variable.empty() ? "anon" : sn.variable;
    switch (start.kind) {
      case StartChoice::Kind::kBound:
        break;
      case StartChoice::Kind::kAll: {
        ex::OperatorPtr input = cur;
        cur = ex::MakeScanAll(std::move(cur), sslot, sname, view);
        last_scan_ = PlannedScan{cur, std::move(input), sslot, std::nullopt, view};
        break;
      }
      case StartChoice::Kind::kLabel: {
        ex::OperatorPtr input = cur;
        cur =
            ex::MakeScanByLabel(std::move(cur), sslot, sname, start.label, start.label_name, view);
        last_scan_ = PlannedScan{cur, std::move(input), sslot, start.label, view};
        break;
      }
      case StartChoice::Kind::kIndexSeek:
        cur = ex::MakeIndexSeek(std::move(cur), sslot, sname, start.label, start.property,
                                start.label_name + " {" + start.property_name + "}",
                                Compile(*start.value, scope), view);
        break;
      case StartChoice::Kind::kIndexRange:
        cur = ex::MakeIndexRange(
            std::move(cur), sslot, sname, start.label, start.property,
            start.label_name + " {" + start.property_name + "}",
            start.lower ? Compile(*start.lower, scope) : nullptr, start.lower_inclusive,
            start.upper ? Compile(*start.upper, scope) : nullptr, start.upper_inclusive, view);
        break;
    }
    if (start.used_conjunct) {
      for (size_t k = 0; k < conjuncts.size(); ++k) {
        if (conjuncts[k] == start.used_conjunct && start.kind == StartChoice::Kind::kIndexSeek) {
          used[k] = true;
        }
      }
    }
    cur = node_filters(std::move(cur), sn, sslot, &start);
    bound_slots.insert(sslot);

    // Expand from the start to the right, then to the left.
    auto expand = [&](size_t rel, bool reversed) {
      const RelationshipPattern& r = part.relationships[rel];
      size_t from_node = reversed ? rel + 1 : rel;
      size_t to_node = reversed ? rel : rel + 1;
      ex::ExpandSpec spec;
      spec.from_slot = node_slots[p][from_node];
      spec.to_slot = node_slots[p][to_node];
      spec.edge_slot = rel_slots[p][rel];
      spec.direction = Dir(r.direction, reversed);
      spec.view = view;
      for (const auto& t : r.types) spec.types.push_back(storage_.EdgeTypeIdFor(t));
      spec.to_bound = bound_slots.count(spec.to_slot) > 0;
      spec.edge_bound = bound_slots.count(spec.edge_slot) > 0;
      if (!spec.to_bound) expanded_slots_.insert(spec.to_slot);
      const NodePattern& fn = part.nodes[from_node];
      const NodePattern& tn = part.nodes[to_node];
      spec.description = "(" + fn.variable + ")-[" + r.variable + "]-(" + tn.variable + ")";
      if (r.variable_length) {
        ex::VarExpandSpec v;
        v.hop = std::move(spec);
        v.reversed = reversed;
        v.min_hops = r.min_hops.value_or(1);
        v.max_hops = r.max_hops.value_or(-1);
        if (r.properties) {
          if (r.properties->kind != ExprKind::kMap) {
            Fail("UnexpectedSyntax", "Relationship property maps must be literal maps", r.pos);
          }
          for (const auto& entry : static_cast<const MapExpr&>(*r.properties).entries) {
            v.edge_filters.emplace_back(storage_.PropertyIdFor(entry.key),
                                        Compile(*entry.value, scope));
          }
        }
        cur = ex::MakeVarExpand(std::move(cur), std::move(v));
      } else {
        last_expand_.input = cur;
        last_expand_.spec = spec;
        cur = ex::MakeExpand(std::move(cur), std::move(spec));
        last_expand_.op = cur;
        if (r.properties) {
          if (r.properties->kind != ExprKind::kMap) {
            Fail("UnexpectedSyntax", "Relationship property maps must be literal maps", r.pos);
          }
          for (const auto& entry : static_cast<const MapExpr&>(*r.properties).entries) {
            cur = filter_eq(std::move(cur), rel_slots[p][rel], r.variable, entry.key, *entry.value);
          }
        }
      }
      bound_slots.insert(node_slots[p][to_node]);
      bound_slots.insert(rel_slots[p][rel]);
      // Labels and properties are checked even when the node was bound
      // before (`WHERE (a)-->(b:L)` with b from the outer query).
      cur = node_filters(std::move(cur), tn, node_slots[p][to_node], nullptr);
    };
    for (size_t rel = start.node; rel < part.relationships.size(); ++rel) expand(rel, false);
    for (size_t rel = start.node; rel-- > 0;) expand(rel, true);

    if (!part.path_variable.empty()) {
      std::vector<ex::PathElement> elements;
      for (size_t i = 0; i < part.nodes.size(); ++i) {
        elements.push_back({node_slots[p][i], false});
        if (i < part.relationships.size()) {
          elements.push_back({rel_slots[p][i], part.relationships[i].variable_length});
        }
      }
      cur = ex::MakeConstructPath(std::move(cur), scope.Find(part.path_variable)->slot,
                                  std::move(elements));
    }
  }

  if (edge_slots.size() + edge_list_slots.size() >= 2) {
    cur = ex::MakeEdgeUniquenessFilter(std::move(cur), edge_slots, edge_list_slots);
  }
  for (size_t k = 0; k < conjuncts.size(); ++k) {
    if (!used[k]) cur = ex::MakeFilter(std::move(cur), Compile(*conjuncts[k], scope));
  }
  return cur;
}

ex::OperatorPtr Planner::PlanCreate(ex::OperatorPtr cur,
                                    const std::vector<const PatternPart*>& parts, Scope& scope,
                                    const Scope* preassigned) {
  wrote_ = writes_pending_ = true;
  auto new_slot = [&](const std::string& name) {
    if (preassigned != nullptr && !name.empty()) {
      if (const Symbol* s = preassigned->Find(name)) return s->slot;
    }
    return NewSlot();
  };
  auto assignments = [&](const ExprPtr& props, std::vector<ex::PropertyAssignment>* out,
                         ex::ExprPtr* map) {
    if (!props) return;
    if (props->kind == ExprKind::kMap) {
      for (const auto& entry : static_cast<const MapExpr&>(*props).entries) {
        out->push_back({storage_.PropertyIdFor(entry.key), Compile(*entry.value, scope)});
      }
    } else {
      *map = Compile(*props, scope);
    }
  };
  for (const PatternPart* part : parts) {
    std::vector<size_t> node_slots;
    for (const auto& n : part->nodes) {
      const Symbol* s = n.variable.empty() ? nullptr : scope.Find(n.variable);
      if (s != nullptr) {
        if (!n.labels.empty() || n.properties || part->relationships.empty()) {
          Fail("VariableAlreadyBound", "Variable `" + n.variable + "` already declared", n.pos);
        }
        if (!Compatible(s->type, SymbolType::kNode)) {
          Fail("VariableTypeConflict", "Variable `" + n.variable + "` is not a node", n.pos);
        }
        node_slots.push_back(s->slot);
        continue;
      }
      ex::NodeSpec spec;
      spec.merge = preassigned != nullptr;
      spec.slot = new_slot(n.variable);
      for (const auto& l : n.labels) spec.labels.push_back(storage_.LabelIdFor(l));
      assignments(n.properties, &spec.properties, &spec.properties_map);
      spec.description = "(" + n.variable;
      for (const auto& l : n.labels) spec.description += ":" + l;
      spec.description += PropertiesText(spec.properties, spec.properties_map, storage_) + ")";
      if (!n.variable.empty()) scope.vars[n.variable] = Symbol{spec.slot, SymbolType::kNode};
      node_slots.push_back(spec.slot);
      cur = ex::MakeCreateNode(std::move(cur), std::move(spec));
    }
    std::vector<size_t> rel_slots;
    for (size_t i = 0; i < part->relationships.size(); ++i) {
      const RelationshipPattern& r = part->relationships[i];
      if (!r.variable.empty() && scope.Find(r.variable)) {
        Fail("VariableAlreadyBound", "Variable `" + r.variable + "` already declared", r.pos);
      }
      if (r.variable_length) {
        Fail("CreatingVarLength", "Variable length relationships cannot be created", r.pos);
      }
      if (r.types.size() != 1) {
        Fail("NoSingleRelationshipType", "A relationship must have exactly one type to be created",
             r.pos);
      }
      // MERGE may use an undirected relationship: it matches either
      // direction and creates it left to right.
      if (r.direction == RelDirection::kBoth && preassigned == nullptr) {
        Fail("RequiresDirectedRelationship", "Only directed relationships can be created", r.pos);
      }
      ex::EdgeSpec spec;
      spec.merge = preassigned != nullptr;
      spec.slot = new_slot(r.variable);
      bool right = r.direction != RelDirection::kLeft;
      spec.from_slot = right ? node_slots[i] : node_slots[i + 1];
      spec.to_slot = right ? node_slots[i + 1] : node_slots[i];
      spec.type = storage_.EdgeTypeIdFor(r.types[0]);
      assignments(r.properties, &spec.properties, &spec.properties_map);
      const std::string& from = part->nodes[right ? i : i + 1].variable;
      const std::string& to = part->nodes[right ? i + 1 : i].variable;
      spec.description = "(" + from + ")-[" + r.variable + ":" + r.types[0] +
                         PropertiesText(spec.properties, spec.properties_map, storage_) + "]->(" +
                         to + ")";
      if (!r.variable.empty())
        scope.vars[r.variable] = Symbol{spec.slot, SymbolType::kRelationship};
      rel_slots.push_back(spec.slot);
      cur = ex::MakeCreateEdge(std::move(cur), std::move(spec));
    }
    if (!part->path_variable.empty()) {
      if (scope.Find(part->path_variable)) {
        Fail("VariableAlreadyBound", "Variable `" + part->path_variable + "` already declared",
             part->pos);
      }
      size_t slot = new_slot(part->path_variable);
      scope.vars[part->path_variable] = Symbol{slot, SymbolType::kPath};
      std::vector<ex::PathElement> elements;
      for (size_t i = 0; i < node_slots.size(); ++i) {
        elements.push_back({node_slots[i], false});
        if (i < rel_slots.size()) elements.push_back({rel_slots[i], false});
      }
      cur = ex::MakeConstructPath(std::move(cur), slot, std::move(elements));
    }
  }
  return cur;
}

ex::OperatorPtr Planner::PlanMerge(ex::OperatorPtr cur, const MergeClause& merge, Scope& scope) {
  for (const auto& r : merge.pattern.relationships) {
    if (!r.variable.empty() && scope.Find(r.variable)) {
      Fail("VariableAlreadyBound", "Variable `" + r.variable + "` already declared", r.pos);
    }
    if (r.types.size() != 1) {
      Fail("NoSingleRelationshipType", "MERGE needs exactly one relationship type", r.pos);
    }
    if (r.variable_length) Fail("CreatingVarLength", "MERGE cannot use variable length", r.pos);
  }
  for (const auto& n : merge.pattern.nodes) {
    const Symbol* s = n.variable.empty() ? nullptr : scope.Find(n.variable);
    if (s != nullptr && (!n.labels.empty() || n.properties) && merge.pattern.nodes.size() == 1) {
      Fail("VariableAlreadyBound", "Variable `" + n.variable + "` already declared", n.pos);
    }
  }
  Scope match_scope = scope;
  ex::OperatorPtr match =
      PlanMatch(ex::MakeOnce(), {&merge.pattern}, nullptr, match_scope, View::kNew);
  match = PlanSetItems(std::move(match), merge.on_match, match_scope);
  Scope create_scope = scope;
  ex::OperatorPtr create = PlanCreate(ex::MakeOnce(), {&merge.pattern}, create_scope, &match_scope);
  create = PlanSetItems(std::move(create), merge.on_create, create_scope);
  wrote_ = writes_pending_ = true;
  scope = match_scope;
  return ex::MakeMerge(std::move(cur), std::move(match), std::move(create));
}

ex::OperatorPtr Planner::PlanSetItems(ex::OperatorPtr cur, const std::vector<SetItem>& items,
                                      const Scope& scope) {
  for (const auto& item : items) {
    wrote_ = writes_pending_ = true;
    switch (item.kind) {
      case SetItemKind::kProperty:
        cur = ex::MakeSetProperty(std::move(cur), Compile(*item.property->object, scope),
                                  storage_.PropertyIdFor(item.property->key),
                                  Compile(*item.value, scope));
        break;
      case SetItemKind::kReplaceMap:
      case SetItemKind::kMergeMap: {
        const Symbol* s = scope.Find(item.variable);
        if (s == nullptr) {
          Fail("UndefinedVariable", "Variable `" + item.variable + "` not defined", item.pos);
        }
        cur = ex::MakeSetProperties(std::move(cur), ex::MakeSlot(s->slot, item.variable),
                                    Compile(*item.value, scope),
                                    item.kind == SetItemKind::kReplaceMap);
        break;
      }
      case SetItemKind::kLabels: {
        const Symbol* s = scope.Find(item.variable);
        if (s == nullptr) {
          Fail("UndefinedVariable", "Variable `" + item.variable + "` not defined", item.pos);
        }
        std::vector<storage::LabelId> labels;
        for (const auto& l : item.labels) labels.push_back(storage_.LabelIdFor(l));
        cur = ex::MakeSetLabels(std::move(cur), s->slot, std::move(labels));
        break;
      }
    }
  }
  return cur;
}

}  // namespace tributary::cypher::planning
