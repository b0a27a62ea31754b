// Operators that change the graph: CreateNode, CreateEdge, SetProperty,
// SetProperties, SetLabels, RemoveProperty, RemoveLabels, Delete.
#include "cypher/errors.hpp"
#include "cypher/exec/operator_base.hpp"

namespace tributary::cypher::exec {
namespace {

using storage::View;

/// An operator that applies an effect to each input row and passes it on.
class EffectOperator : public UnaryOperator {
 public:
  using UnaryOperator::UnaryOperator;
  /// Applies the effect for the current row.
  virtual void Apply(Frame& f, ExecContext& ctx) const = 0;

  class C final : public Cursor {
   public:
    C(const EffectOperator& op, CursorPtr in, ExecContext&) : op_(op), in_(std::move(in)) {}
    void Reset() override { in_->Reset(); }

   private:
    bool NextImpl(Frame& f, ExecContext& ctx) override {
      if (!in_->Next(f, ctx)) return false;
      op_.Apply(f, ctx);
      return true;
    }
    const EffectOperator& op_;
    CursorPtr in_;
  };
  TRIBUTARY_UNARY_CURSOR(EffectOperator, C)
};

template <typename Accessor>
void SetProp(Accessor& a, storage::PropertyId key, const Value& v, ExecContext& ctx) {
  PropertyValue old = Unwrap(a.SetProperty(key, ToPropertyValue(v)));
  if (!v.IsNull() || !old.IsNull()) ++ctx.stats.properties_set;
}

[[noreturn]] void ThrowMergeNull(std::string_view key) {
  throw SemanticError(
      "MergeReadOwnWrites",
      "Cannot merge an entity with a null value for property `" + std::string(key) + "`");
}

template <typename Accessor>
void ApplyProperties(Accessor& a, const std::vector<PropertyAssignment>& props,
                     const ExprPtr& map_expr, bool merge, Frame& f, ExecContext& ctx) {
  for (const auto& p : props) {
    Value v = p.value->Eval(f, ctx);
    if (v.IsNull()) {
      if (merge) ThrowMergeNull(ctx.storage->PropertyName(p.key));
      continue;
    }
    SetProp(a, p.key, v, ctx);
  }
  if (map_expr) {
    Value m = map_expr->Eval(f, ctx);
    if (m.IsNull()) return;
    if (!m.IsMap()) {
      throw CypherTypeError("InvalidArgumentType",
                            std::string("Expected a Map of properties, got ") + TypeName(m));
    }
    for (const auto& [k, v] : m.AsMap()) {
      if (v.IsNull()) {
        if (merge) ThrowMergeNull(k);
        continue;
      }
      SetProp(a, ctx.storage->PropertyIdFor(k), v, ctx);
    }
  }
}

class CreateNodeOp final : public EffectOperator {
 public:
  CreateNodeOp(OperatorPtr in, NodeSpec n) : EffectOperator(std::move(in)), n_(std::move(n)) {}
  std::string Name() const override { return "CreateNode"; }
  std::string Details() const override { return n_.description; }
  void Apply(Frame& f, ExecContext& ctx) const override {
    storage::VertexAccessor v = ctx.tx->CreateVertex();
    ++ctx.stats.nodes_created;
    for (auto l : n_.labels) {
      if (Unwrap(v.AddLabel(l))) ++ctx.stats.labels_added;
    }
    ApplyProperties(v, n_.properties, n_.properties_map, n_.merge, f, ctx);
    f[n_.slot] = Value(v);
  }

 private:
  NodeSpec n_;
};

const storage::VertexAccessor& NodeIn(const Frame& f, size_t slot) {
  const Value& v = f[slot];
  if (!v.IsNode()) {
    throw CypherTypeError(
        "InvalidArgumentType",
        std::string("Expected a Node to create a relationship, got ") + TypeName(v));
  }
  return v.AsNode();
}

class CreateEdgeOp final : public EffectOperator {
 public:
  CreateEdgeOp(OperatorPtr in, EdgeSpec e) : EffectOperator(std::move(in)), e_(std::move(e)) {}
  std::string Name() const override { return "CreateExpand"; }
  std::string Details() const override { return e_.description; }
  void Apply(Frame& f, ExecContext& ctx) const override {
    storage::EdgeAccessor e =
        Unwrap(ctx.tx->CreateEdge(NodeIn(f, e_.from_slot), NodeIn(f, e_.to_slot), e_.type));
    ++ctx.stats.relationships_created;
    ApplyProperties(e, e_.properties, e_.properties_map, e_.merge, f, ctx);
    f[e_.slot] = Value(e);
  }

 private:
  EdgeSpec e_;
};

class SetPropertyOp final : public EffectOperator {
 public:
  SetPropertyOp(OperatorPtr in, ExprPtr obj, storage::PropertyId key, ExprPtr value)
      : EffectOperator(std::move(in)), obj_(std::move(obj)), key_(key), value_(std::move(value)) {}
  std::string Name() const override { return "SetProperty"; }
  void Apply(Frame& f, ExecContext& ctx) const override {
    Value o = obj_->Eval(f, ctx);
    Value v = value_->Eval(f, ctx);
    if (o.IsNull()) return;
    if (o.IsNode()) {
      auto a = o.AsNode();
      SetProp(a, key_, v, ctx);
    } else if (o.IsRelationship()) {
      auto a = o.AsRelationship();
      SetProp(a, key_, v, ctx);
    } else {
      throw CypherTypeError("InvalidArgumentType",
                            std::string("Cannot set a property on a ") + TypeName(o));
    }
  }

 private:
  ExprPtr obj_;
  storage::PropertyId key_;
  ExprPtr value_;
};

template <typename Accessor>
void AssignMap(Accessor& a, const Value& m, bool replace, ExecContext& ctx) {
  Value::Map props = m.IsMap() ? m.AsMap() : PropertiesOf(m, ctx);
  if (replace) {
    for (auto& [k, old] : Unwrap(a.Properties(View::kNew))) {
      if (props.count(ctx.storage->PropertyName(k)) == 0) {
        Unwrap(a.SetProperty(k, PropertyValue()));
        ++ctx.stats.properties_set;
      }
    }
  }
  for (const auto& [k, v] : props) SetProp(a, ctx.storage->PropertyIdFor(k), v, ctx);
}

class SetPropertiesOp final : public EffectOperator {
 public:
  SetPropertiesOp(OperatorPtr in, ExprPtr obj, ExprPtr map, bool replace)
      : EffectOperator(std::move(in)),
        obj_(std::move(obj)),
        map_(std::move(map)),
        replace_(replace) {}
  std::string Name() const override { return "SetProperties"; }
  void Apply(Frame& f, ExecContext& ctx) const override {
    Value o = obj_->Eval(f, ctx);
    Value m = map_->Eval(f, ctx);
    if (o.IsNull()) return;
    if (m.IsNull()) m = Value(Value::Map{});
    if (!m.IsMap() && !m.IsNode() && !m.IsRelationship()) {
      throw CypherTypeError(
          "InvalidArgumentType",
          std::string("Expected a Map to set properties from, got ") + TypeName(m));
    }
    if (o.IsNode()) {
      auto a = o.AsNode();
      AssignMap(a, m, replace_, ctx);
    } else if (o.IsRelationship()) {
      auto a = o.AsRelationship();
      AssignMap(a, m, replace_, ctx);
    } else {
      throw CypherTypeError("InvalidArgumentType",
                            std::string("Cannot set properties on a ") + TypeName(o));
    }
  }

 private:
  ExprPtr obj_, map_;
  bool replace_;
};

class LabelsOp final : public EffectOperator {
 public:
  LabelsOp(OperatorPtr in, size_t slot, std::vector<storage::LabelId> labels, bool add)
      : EffectOperator(std::move(in)), slot_(slot), labels_(std::move(labels)), add_(add) {}
  std::string Name() const override { return add_ ? "SetLabels" : "RemoveLabels"; }
  void Apply(Frame& f, ExecContext& ctx) const override {
    const Value& o = f[slot_];
    if (o.IsNull()) return;
    if (!o.IsNode()) {
      throw CypherTypeError(
          "InvalidArgumentType",
          std::string("Labels can only be changed on a Node, got ") + TypeName(o));
    }
    auto v = o.AsNode();
    for (auto l : labels_) {
      if (add_) {
        if (Unwrap(v.AddLabel(l))) ++ctx.stats.labels_added;
      } else if (Unwrap(v.RemoveLabel(l))) {
        ++ctx.stats.labels_removed;
      }
    }
  }

 private:
  size_t slot_;
  std::vector<storage::LabelId> labels_;
  bool add_;
};

class RemovePropertyOp final : public EffectOperator {
 public:
  RemovePropertyOp(OperatorPtr in, ExprPtr obj, storage::PropertyId key)
      : EffectOperator(std::move(in)), obj_(std::move(obj)), key_(key) {}
  std::string Name() const override { return "RemoveProperty"; }
  void Apply(Frame& f, ExecContext& ctx) const override {
    Value o = obj_->Eval(f, ctx);
    if (o.IsNull()) return;
    PropertyValue old;
    if (o.IsNode()) {
      auto a = o.AsNode();
      old = Unwrap(a.SetProperty(key_, PropertyValue()));
    } else if (o.IsRelationship()) {
      auto a = o.AsRelationship();
      old = Unwrap(a.SetProperty(key_, PropertyValue()));
    } else {
      throw CypherTypeError("InvalidArgumentType",
                            std::string("Cannot remove a property from a ") + TypeName(o));
    }
    if (!old.IsNull()) ++ctx.stats.properties_set;
  }

 private:
  ExprPtr obj_;
  storage::PropertyId key_;
};

/// DELETE is eager: relationships go first, nodes after every row was seen,
/// so `MATCH (n)-[r]-() DELETE n, r` works whatever the row order (Neo4j
/// checks dangling relationships at the end, not per row).
class DeleteOp final : public UnaryOperator {
 public:
  DeleteOp(OperatorPtr in, std::vector<ExprPtr> targets, bool detach)
      : UnaryOperator(std::move(in)), targets_(std::move(targets)), detach_(detach) {}
  std::string Name() const override { return detach_ ? "DetachDelete" : "Delete"; }

  class C final : public Cursor {
   public:
    C(const DeleteOp& op, CursorPtr in, ExecContext&) : op_(op), in_(std::move(in)) {}
    void Reset() override {
      in_->Reset();
      rows_.clear();
      pos_ = 0;
      done_ = false;
    }

   private:
    void DeleteEdge(const storage::EdgeAccessor& e, ExecContext& ctx) {
      if (!e.IsVisible(View::kNew)) return;
      Unwrap(ctx.tx->DeleteEdge(e));
      ++ctx.stats.relationships_deleted;
    }
    void Collect(const Value& v, ExecContext& ctx) {
      switch (v.type()) {
        case ValueType::kNull:
          return;
        case ValueType::kNode:
          nodes_.push_back(v.AsNode());
          return;
        case ValueType::kRelationship:
          DeleteEdge(v.AsRelationship(), ctx);
          return;
        case ValueType::kPath:
          for (const auto& e : v.AsPath().edges) DeleteEdge(e, ctx);
          for (const auto& n : v.AsPath().nodes) nodes_.push_back(n);
          return;
        default:
          throw CypherTypeError(
              "InvalidArgumentType",
              std::string("DELETE expects a Node, Relationship or Path, got ") + TypeName(v));
      }
    }
    bool NextImpl(Frame& f, ExecContext& ctx) override {
      if (!done_) {
        done_ = true;
        // Read every row before deleting anything: later input rows may
        // still read the entities (an undirected match yields each
        // relationship twice, filters read properties).
        std::vector<Value> targets;
        while (in_->Next(f, ctx)) {
          for (const auto& t : op_.targets_) {
            targets.push_back(t->Eval(f, ctx));
            ctx.ChargeMemory(sizeof(Value));
          }
          uint64_t bytes = 0;
          for (const auto& v : f) bytes += ApproxSize(v);
          ctx.ChargeMemory(bytes);
          rows_.push_back(f);
        }
        for (const auto& v : targets) Collect(v, ctx);
        for (const auto& n : nodes_) {
          if (!n.IsVisible(View::kNew)) continue;
          if (op_.detach_) {
            ctx.stats.relationships_deleted +=
                static_cast<int64_t>(Unwrap(ctx.tx->DetachDeleteVertex(n)));
          } else {
            Unwrap(ctx.tx->DeleteVertex(n));
          }
          ++ctx.stats.nodes_deleted;
        }
      }
      if (pos_ >= rows_.size()) return false;
      f = std::move(rows_[pos_++]);
      return true;
    }
    const DeleteOp& op_;
    CursorPtr in_;
    std::vector<storage::VertexAccessor> nodes_;
    std::vector<Frame> rows_;
    size_t pos_ = 0;
    bool done_ = false;
  };
  TRIBUTARY_UNARY_CURSOR(DeleteOp, C)

 private:
  std::vector<ExprPtr> targets_;
  bool detach_;
};

}  // namespace

OperatorPtr MakeCreateNode(OperatorPtr input, NodeSpec node) {
  return std::make_shared<CreateNodeOp>(std::move(input), std::move(node));
}
OperatorPtr MakeCreateEdge(OperatorPtr input, EdgeSpec edge) {
  return std::make_shared<CreateEdgeOp>(std::move(input), std::move(edge));
}
OperatorPtr MakeSetProperty(OperatorPtr input, ExprPtr object, storage::PropertyId key,
                            ExprPtr value) {
  return std::make_shared<SetPropertyOp>(std::move(input), std::move(object), key,
                                         std::move(value));
}
OperatorPtr MakeSetProperties(OperatorPtr input, ExprPtr object, ExprPtr map, bool replace) {
  return std::make_shared<SetPropertiesOp>(std::move(input), std::move(object), std::move(map),
                                           replace);
}
OperatorPtr MakeSetLabels(OperatorPtr input, size_t slot, std::vector<storage::LabelId> labels) {
  return std::make_shared<LabelsOp>(std::move(input), slot, std::move(labels), true);
}
OperatorPtr MakeRemoveProperty(OperatorPtr input, ExprPtr object, storage::PropertyId key) {
  return std::make_shared<RemovePropertyOp>(std::move(input), std::move(object), key);
}
OperatorPtr MakeRemoveLabels(OperatorPtr input, size_t slot, std::vector<storage::LabelId> labels) {
  return std::make_shared<LabelsOp>(std::move(input), slot, std::move(labels), false);
}
OperatorPtr MakeDelete(OperatorPtr input, std::vector<ExprPtr> targets, bool detach) {
  return std::make_shared<DeleteOp>(std::move(input), std::move(targets), detach);
}

}  // namespace tributary::cypher::exec
