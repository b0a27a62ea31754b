// Materialising operators: Aggregate (grouping + aggregate functions) and
// OrderBy (stable sort in Cypher's orderability).
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "cypher/errors.hpp"
#include "cypher/exec/operator_base.hpp"
#include "cypher/exec/parallel_count.hpp"
#include "cypher/exec/pointer_map.hpp"

namespace tributary::cypher::exec {
namespace {

/// Running state of one aggregation in one group.
struct AggState {
  int64_t count = 0;
  Value value;                   // sum / min / max
  double sum_d = 0, sum_sq = 0;  // avg, stDev
  bool all_int = true;
  Value::List items;  // collect, percentiles
  std::unordered_set<Value, ValueHash, ValueEquivalent> distinct;
};

void ExpectNumeric(const Value& v, const char* fn) {
  if (!v.IsNumber()) {
    throw CypherTypeError("InvalidArgumentType",
                          std::string(fn) + "() expects numbers, got " + TypeName(v));
  }
}

void Update(const AggregationSpec& spec, AggState& st, Frame& f, ExecContext& ctx) {
  if (spec.kind == AggregateKind::kCountStar) {
    ++st.count;
    return;
  }
  Value v = spec.arg->Eval(f, ctx);
  if (v.IsNull()) return;
  if (spec.distinct) {
    if (!st.distinct.insert(v).second) return;
    ctx.ChargeMemory(ApproxSize(v));
  }
  switch (spec.kind) {
    case AggregateKind::kCount:
      ++st.count;
      break;
    case AggregateKind::kSum:
      ExpectNumeric(v, "sum");
      if (st.value.IsNull()) {
        st.value = v;
      } else {
        st.value = Arithmetic(BinaryOp::kAdd, st.value, v);
      }
      break;
    case AggregateKind::kAvg:
    case AggregateKind::kStDev:
    case AggregateKind::kStDevP: {
      ExpectNumeric(v, spec.kind == AggregateKind::kAvg ? "avg" : "stDev");
      double d = v.AsNumber();
      ++st.count;
      st.sum_d += d;
      st.sum_sq += d * d;
      if (spec.kind != AggregateKind::kAvg) st.items.push_back(v);
      break;
    }
    case AggregateKind::kMin:
      if (st.value.IsNull() || CompareOrder(v, st.value) < 0) st.value = v;
      break;
    case AggregateKind::kMax:
      if (st.value.IsNull() || CompareOrder(v, st.value) > 0) st.value = v;
      break;
    case AggregateKind::kCollect:
    case AggregateKind::kPercentileCont:
    case AggregateKind::kPercentileDisc:
      if (spec.kind != AggregateKind::kCollect) ExpectNumeric(v, "percentile");
      ctx.ChargeMemory(ApproxSize(v));
      st.items.push_back(std::move(v));
      break;
    case AggregateKind::kCountStar:
      break;
  }
}

double Percentile(const AggregationSpec& spec, Frame& f, ExecContext& ctx) {
  Value p = spec.percentile->Eval(f, ctx);
  if (!p.IsNumber() || p.AsNumber() < 0.0 || p.AsNumber() > 1.0) {
    throw ArgumentError("NumberOutOfRange", "percentile must be a number between 0.0 and 1.0");
  }
  return p.AsNumber();
}

Value Finish(const AggregationSpec& spec, AggState& st, Frame& f, ExecContext& ctx) {
  switch (spec.kind) {
    case AggregateKind::kCount:
    case AggregateKind::kCountStar:
      return Value(st.count);
    case AggregateKind::kSum:
      return st.value.IsNull() ? Value(int64_t{0}) : st.value;
    case AggregateKind::kAvg:
      return st.count == 0 ? Value() : Value(st.sum_d / static_cast<double>(st.count));
    case AggregateKind::kStDev:
    case AggregateKind::kStDevP: {
      bool sample = spec.kind == AggregateKind::kStDev;
      if (st.count == 0 || (sample && st.count < 2)) return Value(0.0);
      double n = static_cast<double>(st.count);
      double mean = st.sum_d / n;
      double acc = 0;
      for (const auto& v : st.items) acc += (v.AsNumber() - mean) * (v.AsNumber() - mean);
      return Value(std::sqrt(acc / (sample ? n - 1 : n)));
    }
    case AggregateKind::kMin:
    case AggregateKind::kMax:
      return st.value;
    case AggregateKind::kCollect:
      return Value(std::move(st.items));
    case AggregateKind::kPercentileCont:
    case AggregateKind::kPercentileDisc: {
      if (st.items.empty()) return Value();
      double p = Percentile(spec, f, ctx);
      std::sort(st.items.begin(), st.items.end(),
                [](const Value& a, const Value& b) { return CompareOrder(a, b) < 0; });
      auto n = static_cast<double>(st.items.size());
      if (spec.kind == AggregateKind::kPercentileDisc) {
        double idx = std::ceil(p * n) - 1;
        if (idx < 0) idx = 0;
        return st.items[static_cast<size_t>(idx)];
      }
      double pos = p * (n - 1);
      auto lo = static_cast<size_t>(std::floor(pos));
      auto hi = static_cast<size_t>(std::ceil(pos));
      double frac = pos - std::floor(pos);
      double a = st.items[lo].AsNumber(), b = st.items[hi].AsNumber();
      return Value(a + (b - a) * frac);
    }
  }
  return Value();
}

class AggregateOp final : public UnaryOperator {
 public:
  AggregateOp(OperatorPtr in, std::vector<std::pair<size_t, ExprPtr>> keys,
              std::vector<AggregationSpec> aggs, std::optional<NodeKeySpec> node)
      : UnaryOperator(std::move(in)),
        keys_(std::move(keys)),
        aggs_(std::move(aggs)),
        node_(std::move(node)) {}
  std::string Name() const override { return node_ ? "AggregateByNode" : "Aggregate"; }
  std::string Details() const override {
    if (!node_) return "";
    if (node_->expand) {
      return "keys of " + node_->name + ", memo, prefetched counts, fused Expand " +
             node_->expand->description + (node_->parallel_scan ? ", parallel scan" : "");
    }
    return "keys of " + node_->name +
           (node_->counts_only ? ", memo, prefetched counts"
            : node_->memo      ? ", memo"
                               : ", adjacent rows");
  }

  class C final : public Cursor {
   public:
    C(const AggregateOp& op, CursorPtr in, bool profiled)
        : op_(op), in_(std::move(in)), profiled_(profiled) {}
    void Reset() override {
      in_->Reset();
      groups_.clear();
      order_.clear();
      pos_ = 0;
      done_ = false;
      memo_.Clear();
      pending_.clear();
      pending_head_ = 0;
      fresh_head_ = fresh_tail_ = 0;
      last_node_ = nullptr;
      last_group_ = nullptr;
    }

   private:
    struct Group {
      Frame sample;  // a frame of the group, so later expressions can read keys
      std::vector<AggState> states;
    };
    /// counts_only: `rows` rows of `node` not yet added to a group.
    struct Pending {
      storage::VertexAccessor node;
      int64_t rows;
    };

    bool NextImpl(Frame& f, ExecContext& ctx) override {
      if (!done_) {
        done_ = true;
        Consume(f, ctx);
      }
      if (pos_ >= order_.size()) return false;
      Group& g = groups_.at(order_[pos_++]);
      f = g.sample;
      for (size_t i = 0; i < op_.aggs_.size(); ++i) {
        f[op_.aggs_[i].out_slot] = Finish(op_.aggs_[i], g.states[i], f, ctx);
      }
      return true;
    }

    /// The group of the current row: evaluates the keys and finds or
    /// creates the group (the ordinary path).
    Group& FindGroup(std::vector<Value>& key, Frame& f, ExecContext& ctx) {
      key.clear();
      for (const auto& [slot, e] : op_.keys_) key.push_back(e->Eval(f, ctx));
      auto it = groups_.find(key);
      if (it == groups_.end()) {
        uint64_t bytes = 0;
        for (const auto& v : key) bytes += ApproxSize(v);
        ctx.ChargeMemory(bytes + 64 * op_.aggs_.size());
        Group g;
        for (size_t i = 0; i < op_.keys_.size(); ++i) f[op_.keys_[i].first] = key[i];
        g.sample = f;
        g.states.resize(op_.aggs_.size());
        it = groups_.emplace(key, std::move(g)).first;
        order_.push_back(key);
      }
      return it->second;
    }

    /// AggregateByNode: the group of the current row's node without
    /// evaluating the keys when the node was seen before. The keys are a
    /// deterministic function of the node and nothing writes during the
    /// consumption, so a node's first evaluation holds for all its rows.
    Group& FindGroupByNode(std::vector<Value>& key, Frame& f, ExecContext& ctx) {
      const Value& v = f[op_.node_->slot];
      if (!v.IsNode()) return FindGroup(key, f, ctx);
      const void* node = v.AsNode().raw();
      if (node == last_node_) return *last_group_;
      uintptr_t* found = op_.node_->memo ? memo_.Find(node) : nullptr;
      Group* g = found != nullptr ? reinterpret_cast<Group*>(*found) : nullptr;
      if (g == nullptr) {
        g = &FindGroup(key, f, ctx);
        if (op_.node_->memo) MemoInsert(node, reinterpret_cast<uintptr_t>(g), ctx);
      }
      last_node_ = node;
      last_group_ = g;
      return *g;
    }

    void MemoInsert(const void* node, uintptr_t value, ExecContext& ctx) {
      size_t before = memo_.Bytes();
      memo_.Insert(node, value);
      if (memo_.Bytes() > before) ctx.ChargeMemory(memo_.Bytes() - before);
    }

    // ---- counts_only: a two-stage software pipeline ----------------------
    // Stage 1 (pending_): a row's node waits kPrefetchDistance distinct
    // nodes after its memo slot was prefetched, then finds its group there.
    // Stage 2 (fresh_): a node seen for the first time gets a memo entry
    // marking it fresh ((sequence << 1) | 1; groups are aligned, so their
    // addresses are even) and waits while its vertex is prefetched; then its
    // keys are evaluated and its group found or created. Both stages are
    // FIFO, so groups are created in the order of first appearance, as row
    // at a time.
    static constexpr size_t kPrefetchDistance = 16;
    static constexpr size_t kFreshRing = 4 * kPrefetchDistance;

    /// Stage 1 exit: adds `p` to its group, or to its fresh entry.
    void Resolve(const Pending& p, std::vector<Value>& key, Frame& f, ExecContext& ctx) {
      uintptr_t* found = memo_.Find(p.node.raw());
      if (found == nullptr) {
        uint64_t seq = fresh_tail_++;
        fresh_[seq % kFreshRing] = p;
        MemoInsert(p.node.raw(), (seq << 1) | 1, ctx);
        // The key evaluation locks the vertex: fetch its line for writing.
        __builtin_prefetch(p.node.raw(), 1);
        if (fresh_tail_ - fresh_head_ > kPrefetchDistance) CreateOldestFresh(key, f, ctx);
      } else if ((*found & 1) != 0) {
        fresh_[(*found >> 1) % kFreshRing].rows += p.rows;
      } else {
        for (auto& st : reinterpret_cast<Group*>(*found)->states) st.count += p.rows;
      }
    }

    /// Stage 2 exit: evaluates the oldest fresh node's keys (on a frame
    /// holding the node) and adds its rows to its group.
    void CreateOldestFresh(std::vector<Value>& key, Frame& f, ExecContext& ctx) {
      Pending p = fresh_[fresh_head_ % kFreshRing];
      ++fresh_head_;
      // The keys read only this slot (and constants): the other slots of
      // the frame, and so of the group's sample, are never read again.
      Value saved = std::move(f[op_.node_->slot]);
      f[op_.node_->slot] = Value(p.node);
      Group& g = FindGroup(key, f, ctx);
      f[op_.node_->slot] = std::move(saved);
      *memo_.Find(p.node.raw()) = reinterpret_cast<uintptr_t>(&g);
      for (auto& st : g.states) st.count += p.rows;
    }

    /// Runs both stages empty, oldest first.
    void Drain(std::vector<Value>& key, Frame& f, ExecContext& ctx) {
      while (pending_head_ < pending_.size()) {
        Pending p = pending_[pending_head_++];
        Resolve(p, key, f, ctx);
      }
      pending_.clear();
      pending_head_ = 0;
      while (fresh_head_ < fresh_tail_) CreateOldestFresh(key, f, ctx);
    }

    /// counts_only: queues one row of `node` (stage 1 entry).
    void PushNode(const storage::VertexAccessor& node, std::vector<Value>& key, Frame& f,
                  ExecContext& ctx) {
      if (pending_head_ < pending_.size() && pending_.back().node == node) {
        ++pending_.back().rows;
        return;
      }
      memo_.Prefetch(node.raw());
      pending_.push_back({node, 1});
      if (pending_.size() - pending_head_ > kPrefetchDistance) {
        Pending p = pending_[pending_head_++];
        Resolve(p, key, f, ctx);
        if (pending_head_ >= 4 * kPrefetchDistance) {
          pending_.erase(pending_.begin(),
                         pending_.begin() + static_cast<std::ptrdiff_t>(pending_head_));
          pending_head_ = 0;
        }
      }
    }

    /// Fused Expand: appends the far ends of the edges of the node in the
    /// expansion's start slot to ends_, as ExpandOp would produce them (an
    /// undirected self-loop once).
    void GatherEnds(const Frame& f) {
      const ExpandSpec& s = *op_.node_->expand;
      const Value& from = f[s.from_slot];
      if (!from.IsNode()) {
        if (from.IsNull()) return;
        throw CypherTypeError("InvalidArgumentType",
                              std::string("Expected a Node to expand from, got ") + TypeName(from));
      }
      const storage::VertexAccessor& v = from.AsNode();
      if (s.direction == Direction::kOut || s.direction == Direction::kBoth) {
        edges_.clear();
        Unwrap(v.OutEdges(s.view, s.types, &edges_));
        for (const auto& e : edges_) ends_.push_back(e.To());
      }
      if (s.direction == Direction::kIn || s.direction == Direction::kBoth) {
        edges_.clear();
        Unwrap(v.InEdges(s.view, s.types, &edges_));
        for (const auto& e : edges_) {
          if (s.direction == Direction::kBoth && e.From() == e.To()) continue;
          ends_.push_back(e.From());
        }
      }
    }

    /// counts_only with the Expand fused in: start nodes are expanded in
    /// batches (their adjacency misses overlap), then every far end goes
    /// through the pipeline.
    void ConsumeExpandedCounts(std::vector<Value>& key, Frame& f, ExecContext& ctx) {
      constexpr size_t kBatchStarts = 16;
      constexpr size_t kBatchEnds = 1024;
      bool more = true;
      while (more) {
        ends_.clear();
        try {
          for (size_t starts = 0; starts < kBatchStarts && ends_.size() < kBatchEnds; ++starts) {
            if (!in_->Next(f, ctx)) {
              more = false;
              break;
            }
            GatherEnds(f);
          }
        } catch (...) {
          // Rows gathered before the error come first, as row at a time.
          for (const auto& n : ends_) PushNode(n, key, f, ctx);
          Drain(key, f, ctx);
          throw;
        }
        for (const auto& n : ends_) PushNode(n, key, f, ctx);
      }
      Drain(key, f, ctx);
    }

    /// counts_only with the Expand fused in and a plain scan below it: the
    /// scan split across threads (ADR 018), when the context allows threads
    /// and the graph is large enough. Not under PROFILE, whose counters are
    /// per cursor. Returns false, having read nothing, when it did not run.
    bool ConsumeInParallel(Frame& f, ExecContext& ctx) {
      if (!op_.node_->parallel_scan || profiled_ || ctx.threads < 2) return false;
      if (ctx.tx->VertexGidEnd() < std::max<uint64_t>(ctx.parallel_min_vertices, 1)) return false;
      std::optional<std::vector<CountedGroup>> counted = CountByNodeInParallel(
          {*op_.node_->parallel_scan, *op_.node_->expand, op_.node_->slot, op_.keys_}, f, ctx);
      if (!counted) return false;
      // Groups in order of first appearance, charged as FindGroup does.
      for (CountedGroup& c : *counted) {
        uint64_t bytes = 0;
        for (const auto& v : c.key) bytes += ApproxSize(v);
        ctx.ChargeMemory(bytes + 64 * op_.aggs_.size());
        Group g;
        for (size_t i = 0; i < op_.keys_.size(); ++i) f[op_.keys_[i].first] = c.key[i];
        g.sample = f;
        g.states.resize(op_.aggs_.size());
        for (auto& st : g.states) st.count = c.count;
        order_.push_back(c.key);
        groups_.emplace(std::move(c.key), std::move(g));
      }
      return true;
    }

    /// counts_only consumption. Runs of the same node (one start node's
    /// adjacency, or a row source repeating a node) collapse into one entry.
    bool ConsumeCounts(std::vector<Value>& key, Frame& f, ExecContext& ctx) {
      if (fresh_.empty())
        fresh_.assign(kFreshRing, Pending{storage::VertexAccessor(nullptr, nullptr), 0});
      if (op_.node_->expand) {
        // Keys are never empty here, so whether a row came does not matter.
        if (!ConsumeInParallel(f, ctx)) ConsumeExpandedCounts(key, f, ctx);
        return true;
      }
      bool any = false;
      for (;;) {
        bool got = false;
        try {
          got = in_->Next(f, ctx);
        } catch (...) {
          // An error of the input surfaces after those of the keys of
          // earlier rows, as row at a time.
          Drain(key, f, ctx);
          throw;
        }
        if (!got) break;
        any = true;
        const Value& v = f[op_.node_->slot];
        if (!v.IsNode()) {
          // Keep first appearances in order: apply what is pending first.
          Drain(key, f, ctx);
          Group& g = FindGroup(key, f, ctx);
          for (auto& st : g.states) ++st.count;
          continue;
        }
        PushNode(v.AsNode(), key, f, ctx);
      }
      Drain(key, f, ctx);
      return any;
    }

    void Consume(Frame& f, ExecContext& ctx) {
      std::vector<Value> key;
      bool any = false;
      if (op_.node_ && op_.node_->counts_only) {
        any = ConsumeCounts(key, f, ctx);
      } else {
        while (in_->Next(f, ctx)) {
          any = true;
          Group& g = op_.node_ ? FindGroupByNode(key, f, ctx) : FindGroup(key, f, ctx);
          for (size_t i = 0; i < op_.aggs_.size(); ++i) Update(op_.aggs_[i], g.states[i], f, ctx);
        }
      }
      if (!any && op_.keys_.empty()) {
        // Aggregation over no rows still yields one row (count 0, ...).
        Group g;
        g.sample = f;
        g.states.resize(op_.aggs_.size());
        groups_.emplace(key, std::move(g));
        order_.push_back(key);
      }
    }

    const AggregateOp& op_;
    CursorPtr in_;
    bool profiled_;
    std::unordered_map<std::vector<Value>, Group, ValueHash, ValueEquivalent> groups_;
    std::vector<std::vector<Value>> order_;
    size_t pos_ = 0;
    bool done_ = false;
    // AggregateByNode: groups by node address (groups_ never moves its
    // values, so the pointers stay valid).
    PointerMap<uintptr_t> memo_;
    std::vector<Pending> pending_;  ///< counts_only stage 1, from pending_head_
    size_t pending_head_ = 0;
    std::vector<Pending> fresh_;  ///< counts_only stage 2, a ring by sequence
    uint64_t fresh_head_ = 0;
    uint64_t fresh_tail_ = 0;
    std::vector<storage::VertexAccessor> ends_;  ///< fused Expand: a batch's far ends
    std::vector<storage::EdgeAccessor> edges_;   ///< fused Expand: scratch
    const void* last_node_ = nullptr;
    Group* last_group_ = nullptr;
  };
  CursorPtr MakeCursor(ExecContext& ctx,
                       std::map<const Operator*, ProfileEntry>* profile) const override {
    return NewCursor<C>(ctx, *this, OpenInput(ctx, profile), profile != nullptr);
  }

 private:
  std::vector<std::pair<size_t, ExprPtr>> keys_;
  std::vector<AggregationSpec> aggs_;
  std::optional<NodeKeySpec> node_;
};

class OrderByOp final : public UnaryOperator {
 public:
  OrderByOp(OperatorPtr in, std::vector<SortKey> keys)
      : UnaryOperator(std::move(in)), keys_(std::move(keys)) {}
  std::string Name() const override { return "OrderBy"; }
  std::string Details() const override {
    std::string s;
    for (const auto& k : keys_) {
      s += (s.empty() ? "" : ", ") + k.expr->ToString() + (k.ascending ? "" : " DESC");
    }
    return s;
  }

  class C final : public Cursor {
   public:
    C(const OrderByOp& op, CursorPtr in, ExecContext&) : op_(op), in_(std::move(in)) {}
    void Reset() override {
      in_->Reset();
      rows_.clear();
      pos_ = 0;
      done_ = false;
    }

   private:
    struct Row {
      std::vector<Value> keys;
      Frame frame;
    };
    bool NextImpl(Frame& f, ExecContext& ctx) override {
      if (!done_) {
        done_ = true;
        while (in_->Next(f, ctx)) {
          Row r;
          uint64_t bytes = 0;
          for (const auto& k : op_.keys_) r.keys.push_back(k.expr->Eval(f, ctx));
          for (const auto& v : f) bytes += ApproxSize(v);
          ctx.ChargeMemory(bytes);
          r.frame = f;
          rows_.push_back(std::move(r));
        }
        std::stable_sort(rows_.begin(), rows_.end(), [this](const Row& a, const Row& b) {
          for (size_t i = 0; i < op_.keys_.size(); ++i) {
            int c = CompareOrder(a.keys[i], b.keys[i]);
            if (c != 0) return op_.keys_[i].ascending ? c < 0 : c > 0;
          }
          return false;
        });
      }
      if (pos_ >= rows_.size()) return false;
      f = std::move(rows_[pos_++].frame);
      return true;
    }
    const OrderByOp& op_;
    CursorPtr in_;
    std::vector<Row> rows_;
    size_t pos_ = 0;
    bool done_ = false;
  };
  TRIBUTARY_UNARY_CURSOR(OrderByOp, C)

 private:
  std::vector<SortKey> keys_;
};

}  // namespace

OperatorPtr MakeAggregate(OperatorPtr input, std::vector<std::pair<size_t, ExprPtr>> keys,
                          std::vector<AggregationSpec> aggregations) {
  return std::make_shared<AggregateOp>(std::move(input), std::move(keys), std::move(aggregations),
                                       std::nullopt);
}
OperatorPtr MakeAggregateByNode(OperatorPtr input, std::vector<std::pair<size_t, ExprPtr>> keys,
                                std::vector<AggregationSpec> aggregations, NodeKeySpec node) {
  return std::make_shared<AggregateOp>(std::move(input), std::move(keys), std::move(aggregations),
                                       std::move(node));
}
OperatorPtr MakeOrderBy(OperatorPtr input, std::vector<SortKey> keys) {
  return std::make_shared<OrderByOp>(std::move(input), std::move(keys));
}

}  // namespace tributary::cypher::exec
