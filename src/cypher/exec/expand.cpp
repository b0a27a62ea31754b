// Traversal operators: Expand (one hop) and VarExpand (variable length, with
// relationship uniqueness along each path).
#include <algorithm>

#include "cypher/errors.hpp"
#include "cypher/exec/operator_base.hpp"

namespace tributary::cypher::exec {
namespace {

using storage::EdgeAccessor;
using storage::VertexAccessor;

/// One step candidate: the edge and the vertex it leads to.
struct Step {
  EdgeAccessor edge;
  VertexAccessor next;
};

/// Appends the steps from `from` in `dir`, keeping only edges to `other`
/// when given. An undirected self-loop is reported once.
void CollectSteps(const VertexAccessor& from, Direction dir,
                  const std::vector<storage::EdgeTypeId>& types, const VertexAccessor* other,
                  storage::View view, std::vector<EdgeAccessor>* scratch, std::vector<Step>* out) {
  if (dir == Direction::kOut || dir == Direction::kBoth) {
    scratch->clear();
    Unwrap(from.OutEdges(view, types, scratch, other));
    out->reserve(out->size() + scratch->size());
    for (const auto& e : *scratch) out->push_back({e, e.To()});
  }
  if (dir == Direction::kIn || dir == Direction::kBoth) {
    scratch->clear();
    Unwrap(from.InEdges(view, types, scratch, other));
    out->reserve(out->size() + scratch->size());
    for (const auto& e : *scratch) {
      if (dir == Direction::kBoth && e.From() == e.To()) continue;
      out->push_back({e, e.From()});
    }
  }
}

std::string DirText(const ExpandSpec& s) { return s.description; }

class ExpandOp final : public UnaryOperator {
 public:
  ExpandOp(OperatorPtr in, ExpandSpec spec) : UnaryOperator(std::move(in)), s_(std::move(spec)) {}
  std::string Name() const override { return "Expand"; }
  std::string Details() const override { return DirText(s_); }

  class C final : public Cursor {
   public:
    C(const ExpandOp& op, CursorPtr in, ExecContext&) : op_(op), in_(std::move(in)) {}
    void Reset() override {
      in_->Reset();
      steps_.clear();
      pos_ = 0;
    }

   private:
    bool NextImpl(Frame& f, ExecContext& ctx) override {
      const ExpandSpec& s = op_.s_;
      for (;;) {
        while (pos_ < steps_.size()) {
          const Step& st = steps_[pos_++];
          if (s.edge_bound) {
            const Value& bound = f[s.edge_slot];
            if (!bound.IsRelationship() || !(bound.AsRelationship() == st.edge)) continue;
          } else {
            f[s.edge_slot] = Value(st.edge);
          }
          if (!s.to_bound) f[s.to_slot] = Value(st.next);
          return true;
        }
        if (!in_->Next(f, ctx)) return false;
        steps_.clear();
        pos_ = 0;
        const Value& from = f[s.from_slot];
        if (!from.IsNode()) {
          if (from.IsNull()) continue;
          throw CypherTypeError(
              "InvalidArgumentType",
              std::string("Expected a Node to expand from, got ") + TypeName(from));
        }
        const VertexAccessor* other = nullptr;
        if (s.to_bound) {
          const Value& to = f[s.to_slot];
          if (!to.IsNode()) continue;
          other = &to.AsNode();
        }
        CollectSteps(from.AsNode(), s.direction, s.types, other, s.view, &scratch_, &steps_);
      }
    }
    const ExpandOp& op_;
    CursorPtr in_;
    std::vector<Step> steps_;
    std::vector<EdgeAccessor> scratch_;
    size_t pos_ = 0;
  };
  TRIBUTARY_UNARY_CURSOR(ExpandOp, C)

 private:
  ExpandSpec s_;
};

class VarExpandOp final : public UnaryOperator {
 public:
  VarExpandOp(OperatorPtr in, VarExpandSpec spec)
      : UnaryOperator(std::move(in)), s_(std::move(spec)) {}
  std::string Name() const override { return "VarExpand"; }
  std::string Details() const override {
    return DirText(s_.hop) + " *" + std::to_string(s_.min_hops) + ".." +
           (s_.max_hops < 0 ? "" : std::to_string(s_.max_hops));
  }

  class C final : public Cursor {
   public:
    C(const VarExpandOp& op, CursorPtr in, ExecContext&) : op_(op), in_(std::move(in)) {}
    void Reset() override {
      in_->Reset();
      levels_.clear();
      path_.clear();
      pending_start_ = false;
    }

   private:
    struct Level {
      std::vector<Step> steps;
      size_t pos = 0;
    };

    bool EdgeOk(const EdgeAccessor& e, Frame& f, ExecContext& ctx) {
      for (const auto& e2 : path_) {
        if (e2 == e) return false;
      }
      for (const auto& [key, expr] : op_.s_.edge_filters) {
        Value want = expr->Eval(f, ctx);
        Value got = ToValue(Unwrap(e.GetProperty(key, op_.s_.hop.view)));
        if (Equals(got, want) != Tri::kTrue) return false;
      }
      return true;
    }

    // Emits the current path if it ends where required. Returns true if emitted.
    bool Emit(Frame& f, const VertexAccessor& end) {
      const ExpandSpec& h = op_.s_.hop;
      if (h.to_bound) {
        const Value& to = f[h.to_slot];
        if (!to.IsNode() || !(to.AsNode() == end)) return false;
      } else {
        f[h.to_slot] = Value(end);
      }
      Value::List edges;
      edges.reserve(path_.size());
      for (const auto& e : path_) edges.emplace_back(e);
      if (op_.s_.reversed) std::reverse(edges.begin(), edges.end());
      f[h.edge_slot] = Value(std::move(edges));
      return true;
    }

    void Push(const VertexAccessor& v) {
      levels_.emplace_back();
      CollectSteps(v, op_.s_.hop.direction, op_.s_.hop.types, nullptr, op_.s_.hop.view, &scratch_,
                   &levels_.back().steps);
    }

    // The relationship list is already bound (`WITH [r1, r2] AS rs MATCH
    // (a)-[rs*]->(b)`): the path must follow exactly those relationships.
    bool FollowBound(Frame& f, ExecContext& ctx) {
      const auto& s = op_.s_;
      const Value& bound = f[s.hop.edge_slot];
      if (bound.IsNull()) return false;
      if (!bound.IsList()) {
        throw CypherTypeError(
            "InvalidArgumentType",
            std::string("Expected a List of Relationships, got ") + TypeName(bound));
      }
      const auto& rels = bound.AsList();
      auto n = static_cast<int64_t>(rels.size());
      if (n < s.min_hops || (s.max_hops >= 0 && n > s.max_hops)) return false;
      VertexAccessor cur = start_;
      path_.clear();
      for (size_t k = 0; k < rels.size(); ++k) {
        const Value& v = rels[s.reversed ? rels.size() - 1 - k : k];
        if (!v.IsRelationship()) {
          throw CypherTypeError("InvalidArgumentType",
                                std::string("Expected a List of Relationships, got an element "
                                            "of type ") +
                                    TypeName(v));
        }
        const EdgeAccessor& e = v.AsRelationship();
        if (!s.hop.types.empty() &&
            std::find(s.hop.types.begin(), s.hop.types.end(), e.type()) == s.hop.types.end()) {
          return false;
        }
        bool out_ok = s.hop.direction != Direction::kIn && e.From() == cur;
        bool in_ok = s.hop.direction != Direction::kOut && e.To() == cur;
        if (!out_ok && !in_ok) return false;
        if (!EdgeOk(e, f, ctx)) return false;
        path_.push_back(e);
        cur = out_ok ? e.To() : e.From();
      }
      const ExpandSpec& h = s.hop;
      if (h.to_bound) {
        const Value& to = f[h.to_slot];
        return to.IsNode() && to.AsNode() == cur;
      }
      f[h.to_slot] = Value(cur);
      return true;
    }

    bool NextImpl(Frame& f, ExecContext& ctx) override {
      const auto& s = op_.s_;
      if (s.hop.edge_bound) {
        for (;;) {
          if (!in_->Next(f, ctx)) return false;
          const Value& from = f[s.hop.from_slot];
          if (!from.IsNode()) continue;
          start_ = from.AsNode();
          if (FollowBound(f, ctx)) return true;
        }
      }
      for (;;) {
        if (pending_start_) {
          pending_start_ = false;
          if (s.max_hops != 0) Push(start_);
          if (s.min_hops == 0 && Emit(f, start_)) return true;
        }
        while (!levels_.empty()) {
          ctx.CheckLimits();
          Level& lv = levels_.back();
          if (lv.pos >= lv.steps.size()) {
            levels_.pop_back();
            if (!path_.empty()) path_.pop_back();
            continue;
          }
          Step st = lv.steps[lv.pos++];
          if (!EdgeOk(st.edge, f, ctx)) continue;
          path_.push_back(st.edge);
          auto depth = static_cast<int64_t>(path_.size());
          bool can_go_deeper = s.max_hops < 0 || depth < s.max_hops;
          if (can_go_deeper) {
            Push(st.next);
          }
          bool emitted = depth >= s.min_hops && Emit(f, st.next);
          if (!can_go_deeper) path_.pop_back();
          if (emitted) return true;
        }
        if (!in_->Next(f, ctx)) return false;
        const Value& from = f[s.hop.from_slot];
        if (!from.IsNode()) {
          if (from.IsNull()) continue;
          throw CypherTypeError("InvalidArgumentType", "Expected a Node to expand from");
        }
        start_ = from.AsNode();
        path_.clear();
        pending_start_ = true;
      }
    }

    const VarExpandOp& op_;
    CursorPtr in_;
    std::vector<Level> levels_;
    std::vector<EdgeAccessor> path_;
    std::vector<EdgeAccessor> scratch_;
    VertexAccessor start_{nullptr, nullptr};
    bool pending_start_ = false;
  };
  TRIBUTARY_UNARY_CURSOR(VarExpandOp, C)

 private:
  VarExpandSpec s_;
};

}  // namespace

OperatorPtr MakeExpand(OperatorPtr input, ExpandSpec spec) {
  return std::make_shared<ExpandOp>(std::move(input), std::move(spec));
}
OperatorPtr MakeVarExpand(OperatorPtr input, VarExpandSpec spec) {
  return std::make_shared<VarExpandOp>(std::move(input), std::move(spec));
}

}  // namespace tributary::cypher::exec
