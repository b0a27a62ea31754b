// Cursor bookkeeping and the relational operators that neither read storage
// nor write it: Once, Filter, Produce, Unwind, Skip, Limit, Distinct,
// Accumulate, Union, Optional, Merge, ConstructPath, EdgeUniquenessFilter.
#include <algorithm>
#include <unordered_set>

#include "cypher/errors.hpp"
#include "cypher/exec/operator_base.hpp"

namespace tributary::cypher::exec {

bool Cursor::ProfiledNext(Frame& frame, ExecContext& ctx) {
  auto start = std::chrono::steady_clock::now();
  bool got = NextImpl(frame, ctx);
  profile_->time += std::chrono::steady_clock::now() - start;
  ++profile_->calls;
  if (got) ++profile_->rows;
  return got;
}

CursorPtr Operator::Open(ExecContext& ctx, std::map<const Operator*, ProfileEntry>* profile) const {
  CursorPtr c = MakeCursor(ctx, profile);
  if (profile != nullptr) c->profile_ = &(*profile)[this];
  return c;
}

namespace {

// ---- Once -----------------------------------------------------------------

class OnceOp final : public Operator {
 public:
  std::string Name() const override { return "Once"; }
  std::vector<const Operator*> Children() const override { return {}; }

 protected:
  CursorPtr MakeCursor(ExecContext& ctx, std::map<const Operator*, ProfileEntry>*) const override {
    class C final : public Cursor {
     public:
      void Reset() override { done_ = false; }

     private:
      bool NextImpl(Frame&, ExecContext&) override {
        if (done_) return false;
        done_ = true;
        return true;
      }
      bool done_ = false;
    };
    return NewCursor<C>(ctx);
  }
};

// ---- Filter ---------------------------------------------------------------

class FilterOp final : public UnaryOperator {
 public:
  FilterOp(OperatorPtr in, ExprPtr pred) : UnaryOperator(std::move(in)), pred_(std::move(pred)) {}
  std::string Name() const override { return "Filter"; }
  std::string Details() const override { return pred_->ToString(); }

  class C final : public Cursor {
   public:
    C(const FilterOp& op, CursorPtr in, ExecContext&) : op_(op), in_(std::move(in)) {}
    void Reset() override { in_->Reset(); }

   private:
    bool NextImpl(Frame& f, ExecContext& ctx) override {
      while (in_->Next(f, ctx)) {
        if (EvalPredicate(*op_.pred_, f, ctx)) return true;
      }
      return false;
    }
    const FilterOp& op_;
    CursorPtr in_;
  };
  TRIBUTARY_UNARY_CURSOR(FilterOp, C)

 private:
  ExprPtr pred_;
};

// ---- Produce --------------------------------------------------------------

class ProduceOp final : public UnaryOperator {
 public:
  ProduceOp(OperatorPtr in, std::vector<std::pair<size_t, ExprPtr>> items)
      : UnaryOperator(std::move(in)), items_(std::move(items)) {}
  std::string Name() const override { return "Produce"; }
  std::string Details() const override {
    std::string s;
    for (const auto& [slot, e] : items_) s += (s.empty() ? "" : ", ") + e->ToString();
    return s;
  }

  class C final : public Cursor {
   public:
    C(const ProduceOp& op, CursorPtr in, ExecContext&) : op_(op), in_(std::move(in)) {}
    void Reset() override { in_->Reset(); }

   private:
    bool NextImpl(Frame& f, ExecContext& ctx) override {
      if (!in_->Next(f, ctx)) return false;
      // Evaluate all first: an item may read a slot another item overwrites.
      if (op_.items_.size() == 1) {
        f[op_.items_[0].first] = op_.items_[0].second->Eval(f, ctx);
        return true;
      }
      scratch_.clear();
      for (const auto& [slot, e] : op_.items_) scratch_.push_back(e->Eval(f, ctx));
      for (size_t i = 0; i < scratch_.size(); ++i) f[op_.items_[i].first] = std::move(scratch_[i]);
      return true;
    }
    const ProduceOp& op_;
    CursorPtr in_;
    std::vector<Value> scratch_;
  };
  TRIBUTARY_UNARY_CURSOR(ProduceOp, C)

 private:
  std::vector<std::pair<size_t, ExprPtr>> items_;
};

// ---- Unwind ---------------------------------------------------------------

class UnwindOp final : public UnaryOperator {
 public:
  UnwindOp(OperatorPtr in, ExprPtr list, size_t slot)
      : UnaryOperator(std::move(in)), list_(std::move(list)), slot_(slot) {}
  std::string Name() const override { return "Unwind"; }
  std::string Details() const override { return list_->ToString(); }

  class C final : public Cursor {
   public:
    C(const UnwindOp& op, CursorPtr in, ExecContext&) : op_(op), in_(std::move(in)) {}
    void Reset() override {
      in_->Reset();
      items_.clear();
      pos_ = 0;
    }

   private:
    bool NextImpl(Frame& f, ExecContext& ctx) override {
      while (pos_ >= items_.size()) {
        if (!in_->Next(f, ctx)) return false;
        Value l = op_.list_->Eval(f, ctx);
        items_.clear();
        pos_ = 0;
        if (l.IsList()) {
          items_ = std::move(l.AsList());
        } else if (!l.IsNull()) {
          items_.push_back(std::move(l));
        }
      }
      f[op_.slot_] = std::move(items_[pos_++]);
      return true;
    }
    const UnwindOp& op_;
    CursorPtr in_;
    Value::List items_;
    size_t pos_ = 0;
  };
  TRIBUTARY_UNARY_CURSOR(UnwindOp, C)

 private:
  ExprPtr list_;
  size_t slot_;
};

// ---- Skip / Limit ---------------------------------------------------------

// A bad SKIP/LIMIT count (from a parameter; literals are rejected by the
// parser) is a SyntaxError raised at run time, as the TCK's ReturnSkipLimit1
// [6] and [8] specify, not an ArgumentError.
int64_t EvalCount(const Expr& e, Frame& f, ExecContext& ctx, const char* what) {
  Value v = e.Eval(f, ctx);
  if (v.IsDouble() && v.AsDouble() == static_cast<double>(static_cast<int64_t>(v.AsDouble()))) {
    v = Value(static_cast<int64_t>(v.AsDouble()));
  }
  if (!v.IsInt()) {
    throw CypherError(ErrorKind::kSyntax, "InvalidArgumentType",
                      std::string(what) + " expects a non-negative Integer, got " + TypeName(v));
  }
  if (v.AsInt() < 0) {
    throw CypherError(
        ErrorKind::kSyntax, "NegativeIntegerArgument",
        std::string(what) + " expects a non-negative Integer, got " + std::to_string(v.AsInt()));
  }
  return v.AsInt();
}

class SkipLimitOp final : public UnaryOperator {
 public:
  SkipLimitOp(OperatorPtr in, ExprPtr count, bool is_limit, LimitDrain drain)
      : UnaryOperator(std::move(in)),
        count_(std::move(count)),
        is_limit_(is_limit),
        drain_(drain) {}
  std::string Name() const override { return is_limit_ ? "Limit" : "Skip"; }
  std::string Details() const override { return count_->ToString(); }

  class C final : public Cursor {
   public:
    C(const SkipLimitOp& op, CursorPtr in, ExecContext&) : op_(op), in_(std::move(in)) {}
    void Reset() override {
      in_->Reset();
      n_ = -1;
      seen_ = 0;
      touched_ = false;
    }

   private:
    bool NextImpl(Frame& f, ExecContext& ctx) override {
      if (n_ < 0) n_ = EvalCount(*op_.count_, f, ctx, op_.is_limit_ ? "LIMIT" : "SKIP");
      if (op_.is_limit_) {
        if (seen_ >= n_) {
          // Updates below the limit happen for every row, returned or not.
          if (op_.drain_ == LimitDrain::kAll) {
            while (in_->Next(f, ctx)) {
            }
          } else if (op_.drain_ == LimitDrain::kFirstRow && seen_ == 0 && !touched_) {
            touched_ = true;
            (void)in_->Next(f, ctx);
          }
          return false;
        }
        if (!in_->Next(f, ctx)) return false;
        ++seen_;
        return true;
      }
      while (seen_ < n_) {
        if (!in_->Next(f, ctx)) return false;
        ++seen_;
      }
      return in_->Next(f, ctx);
    }
    const SkipLimitOp& op_;
    CursorPtr in_;
    int64_t n_ = -1;
    int64_t seen_ = 0;
    bool touched_ = false;
  };
  TRIBUTARY_UNARY_CURSOR(SkipLimitOp, C)

 private:
  ExprPtr count_;
  bool is_limit_;
  LimitDrain drain_;
};

// ---- Distinct -------------------------------------------------------------

class DistinctOp final : public UnaryOperator {
 public:
  DistinctOp(OperatorPtr in, std::vector<size_t> slots)
      : UnaryOperator(std::move(in)), slots_(std::move(slots)) {}
  std::string Name() const override { return "Distinct"; }

  class C final : public Cursor {
   public:
    C(const DistinctOp& op, CursorPtr in, ExecContext&) : op_(op), in_(std::move(in)) {}
    void Reset() override {
      in_->Reset();
      seen_.clear();
    }

   private:
    bool NextImpl(Frame& f, ExecContext& ctx) override {
      while (in_->Next(f, ctx)) {
        std::vector<Value> key;
        key.reserve(op_.slots_.size());
        uint64_t bytes = 0;
        for (size_t s : op_.slots_) {
          key.push_back(f[s]);
          bytes += ApproxSize(f[s]);
        }
        if (seen_.insert(std::move(key)).second) {
          ctx.ChargeMemory(bytes);
          return true;
        }
      }
      return false;
    }
    const DistinctOp& op_;
    CursorPtr in_;
    std::unordered_set<std::vector<Value>, ValueHash, ValueEquivalent> seen_;
  };
  TRIBUTARY_UNARY_CURSOR(DistinctOp, C)

 private:
  std::vector<size_t> slots_;
};

// ---- Accumulate -----------------------------------------------------------

class AccumulateOp final : public UnaryOperator {
 public:
  AccumulateOp(OperatorPtr in, bool advance) : UnaryOperator(std::move(in)), advance_(advance) {}
  std::string Name() const override { return "Accumulate"; }

  class C final : public Cursor {
   public:
    C(const AccumulateOp& op, CursorPtr in, ExecContext&) : op_(op), in_(std::move(in)) {}
    void Reset() override {
      in_->Reset();
      rows_.clear();
      pos_ = 0;
      filled_ = false;
    }

   private:
    bool NextImpl(Frame& f, ExecContext& ctx) override {
      if (!filled_) {
        filled_ = true;
        while (in_->Next(f, ctx)) {
          uint64_t bytes = 0;
          for (const auto& v : f) bytes += ApproxSize(v);
          ctx.ChargeMemory(bytes);
          rows_.push_back(f);
        }
        if (op_.advance_) ctx.tx->AdvanceCommand();
      }
      if (pos_ >= rows_.size()) return false;
      f = std::move(rows_[pos_++]);
      return true;
    }
    const AccumulateOp& op_;
    CursorPtr in_;
    std::vector<Frame> rows_;
    size_t pos_ = 0;
    bool filled_ = false;
  };
  TRIBUTARY_UNARY_CURSOR(AccumulateOp, C)

 private:
  bool advance_;
};

// ---- EmptyResult ----------------------------------------------------------

/// Runs the input to the end and yields nothing: the root of a query that
/// ends in an update clause instead of RETURN.
class EmptyResultOp final : public UnaryOperator {
 public:
  using UnaryOperator::UnaryOperator;
  std::string Name() const override { return "EmptyResult"; }

  class C final : public Cursor {
   public:
    C(const EmptyResultOp&, CursorPtr in, ExecContext&) : in_(std::move(in)) {}
    void Reset() override { in_->Reset(); }

   private:
    bool NextImpl(Frame& f, ExecContext& ctx) override {
      while (in_->Next(f, ctx)) {
      }
      return false;
    }
    CursorPtr in_;
  };
  TRIBUTARY_UNARY_CURSOR(EmptyResultOp, C)
};

// ---- Union ----------------------------------------------------------------

class UnionOp final : public Operator {
 public:
  UnionOp(OperatorPtr l, std::vector<size_t> ls, OperatorPtr r, std::vector<size_t> rs,
          std::vector<size_t> out, bool distinct)
      : l_(std::move(l)),
        ls_(std::move(ls)),
        r_(std::move(r)),
        rs_(std::move(rs)),
        out_(std::move(out)),
        distinct_(distinct) {}
  std::string Name() const override { return distinct_ ? "Union" : "UnionAll"; }
  std::vector<const Operator*> Children() const override { return {l_.get(), r_.get()}; }

 protected:
  CursorPtr MakeCursor(ExecContext& ctx,
                       std::map<const Operator*, ProfileEntry>* profile) const override {
    return NewCursor<C>(ctx, *this, l_->Open(ctx, profile), r_->Open(ctx, profile));
  }

 private:
  class C final : public Cursor {
   public:
    C(const UnionOp& op, CursorPtr l, CursorPtr r) : op_(op), l_(std::move(l)), r_(std::move(r)) {}
    void Reset() override {
      l_->Reset();
      r_->Reset();
      left_done_ = false;
      seen_.clear();
    }

   private:
    bool NextImpl(Frame& f, ExecContext& ctx) override {
      for (;;) {
        bool got = false;
        const std::vector<size_t>* from = nullptr;
        if (!left_done_) {
          got = l_->Next(f, ctx);
          from = &op_.ls_;
          if (!got) left_done_ = true;
        }
        if (left_done_) {
          got = r_->Next(f, ctx);
          from = &op_.rs_;
        }
        if (!got) return false;
        std::vector<Value> row;
        row.reserve(from->size());
        for (size_t s : *from) row.push_back(f[s]);
        if (op_.distinct_ && !seen_.insert(row).second) continue;
        for (size_t i = 0; i < row.size(); ++i) f[op_.out_[i]] = std::move(row[i]);
        return true;
      }
    }
    const UnionOp& op_;
    CursorPtr l_, r_;
    bool left_done_ = false;
    std::unordered_set<std::vector<Value>, ValueHash, ValueEquivalent> seen_;
  };

  OperatorPtr l_;
  std::vector<size_t> ls_;
  OperatorPtr r_;
  std::vector<size_t> rs_;
  std::vector<size_t> out_;
  bool distinct_;
};

// ---- Optional -------------------------------------------------------------

class OptionalOp final : public UnaryOperator {
 public:
  OptionalOp(OperatorPtr in, OperatorPtr sub, std::vector<size_t> slots)
      : UnaryOperator(std::move(in)), sub_(std::move(sub)), slots_(std::move(slots)) {}
  std::string Name() const override { return "Optional"; }
  std::vector<const Operator*> Children() const override { return {input_.get(), sub_.get()}; }

 protected:
  CursorPtr MakeCursor(ExecContext& ctx,
                       std::map<const Operator*, ProfileEntry>* profile) const override {
    return NewCursor<C>(ctx, *this, OpenInput(ctx, profile), sub_->Open(ctx, profile));
  }

 private:
  class C final : public Cursor {
   public:
    C(const OptionalOp& op, CursorPtr in, CursorPtr sub)
        : op_(op), in_(std::move(in)), sub_(std::move(sub)) {}
    void Reset() override {
      in_->Reset();
      active_ = false;
    }

   private:
    bool NextImpl(Frame& f, ExecContext& ctx) override {
      for (;;) {
        if (active_) {
          if (sub_->Next(f, ctx)) {
            matched_ = true;
            return true;
          }
          active_ = false;
          if (!matched_) {
            for (size_t s : op_.slots_) f[s] = Value();
            return true;
          }
        }
        if (!in_->Next(f, ctx)) return false;
        sub_->Reset();
        active_ = true;
        matched_ = false;
      }
    }
    const OptionalOp& op_;
    CursorPtr in_, sub_;
    bool active_ = false;
    bool matched_ = false;
  };

  OperatorPtr sub_;
  std::vector<size_t> slots_;
};

// ---- Merge ----------------------------------------------------------------

class MergeOp final : public UnaryOperator {
 public:
  MergeOp(OperatorPtr in, OperatorPtr match, OperatorPtr create)
      : UnaryOperator(std::move(in)), match_(std::move(match)), create_(std::move(create)) {}
  std::string Name() const override { return "Merge"; }
  std::vector<const Operator*> Children() const override {
    return {input_.get(), match_.get(), create_.get()};
  }

 protected:
  CursorPtr MakeCursor(ExecContext& ctx,
                       std::map<const Operator*, ProfileEntry>* profile) const override {
    return NewCursor<C>(ctx, OpenInput(ctx, profile), match_->Open(ctx, profile),
                        create_->Open(ctx, profile));
  }

 private:
  class C final : public Cursor {
   public:
    C(CursorPtr in, CursorPtr match, CursorPtr create)
        : in_(std::move(in)), match_(std::move(match)), create_(std::move(create)) {}
    void Reset() override {
      in_->Reset();
      state_ = State::kNeedInput;
    }

   private:
    enum class State { kNeedInput, kMatching };
    bool NextImpl(Frame& f, ExecContext& ctx) override {
      for (;;) {
        if (state_ == State::kMatching) {
          if (match_->Next(f, ctx)) {
            matched_ = true;
            return true;
          }
          state_ = State::kNeedInput;
          if (!matched_) {
            create_->Reset();
            if (create_->Next(f, ctx)) return true;
          }
        }
        if (!in_->Next(f, ctx)) return false;
        match_->Reset();
        matched_ = false;
        state_ = State::kMatching;
      }
    }
    CursorPtr in_, match_, create_;
    State state_ = State::kNeedInput;
    bool matched_ = false;
  };

  OperatorPtr match_, create_;
};

// ---- ConstructPath --------------------------------------------------------

class ConstructPathOp final : public UnaryOperator {
 public:
  ConstructPathOp(OperatorPtr in, size_t slot, std::vector<PathElement> el)
      : UnaryOperator(std::move(in)), slot_(slot), el_(std::move(el)) {}
  std::string Name() const override { return "ConstructNamedPath"; }

  class C final : public Cursor {
   public:
    C(const ConstructPathOp& op, CursorPtr in, ExecContext&) : op_(op), in_(std::move(in)) {}
    void Reset() override { in_->Reset(); }

   private:
    bool NextImpl(Frame& f, ExecContext& ctx) override {
      if (!in_->Next(f, ctx)) return false;
      Path p;
      bool null_path = false;
      for (size_t i = 0; i < op_.el_.size(); ++i) {
        const Value& v = f[op_.el_[i].slot];
        if (v.IsNull()) {
          null_path = true;
          break;
        }
        if (i % 2 == 0) {
          if (p.nodes.empty()) p.nodes.push_back(v.AsNode());
          continue;
        }
        // Relationship(s): append each edge and the node it leads to.
        auto append = [&](const storage::EdgeAccessor& e) {
          const auto& last = p.nodes.back();
          p.edges.push_back(e);
          p.nodes.push_back(e.From() == last ? e.To() : e.From());
        };
        if (op_.el_[i].is_edge_list) {
          for (const auto& e : v.AsList()) append(e.AsRelationship());
        } else {
          append(v.AsRelationship());
        }
      }
      f[op_.slot_] = null_path ? Value() : Value(std::move(p));
      return true;
    }
    const ConstructPathOp& op_;
    CursorPtr in_;
  };
  TRIBUTARY_UNARY_CURSOR(ConstructPathOp, C)

 private:
  size_t slot_;
  std::vector<PathElement> el_;
};

// ---- EdgeUniquenessFilter -------------------------------------------------

class EdgeUniquenessOp final : public UnaryOperator {
 public:
  EdgeUniquenessOp(OperatorPtr in, std::vector<size_t> single, std::vector<size_t> lists)
      : UnaryOperator(std::move(in)), single_(std::move(single)), lists_(std::move(lists)) {}
  std::string Name() const override { return "EdgeUniquenessFilter"; }

  class C final : public Cursor {
   public:
    C(const EdgeUniquenessOp& op, CursorPtr in, ExecContext&) : op_(op), in_(std::move(in)) {}
    void Reset() override { in_->Reset(); }

   private:
    bool NextImpl(Frame& f, ExecContext& ctx) override {
      while (in_->Next(f, ctx)) {
        if (Unique(f)) return true;
      }
      return false;
    }
    bool Unique(const Frame& f) {
      edges_.clear();
      for (size_t s : op_.single_) {
        if (f[s].IsRelationship()) edges_.push_back(f[s].AsRelationship().raw());
      }
      for (size_t s : op_.lists_) {
        if (!f[s].IsList()) continue;
        for (const auto& e : f[s].AsList()) edges_.push_back(e.AsRelationship().raw());
      }
      std::sort(edges_.begin(), edges_.end());
      return std::adjacent_find(edges_.begin(), edges_.end()) == edges_.end();
    }
    const EdgeUniquenessOp& op_;
    CursorPtr in_;
    std::vector<storage::Edge*> edges_;
  };
  TRIBUTARY_UNARY_CURSOR(EdgeUniquenessOp, C)

 private:
  std::vector<size_t> single_, lists_;
};

}  // namespace

OperatorPtr MakeOnce() { return std::make_shared<OnceOp>(); }
OperatorPtr MakeFilter(OperatorPtr input, ExprPtr predicate) {
  return std::make_shared<FilterOp>(std::move(input), std::move(predicate));
}
OperatorPtr MakeProduce(OperatorPtr input, std::vector<std::pair<size_t, ExprPtr>> items) {
  return std::make_shared<ProduceOp>(std::move(input), std::move(items));
}
OperatorPtr MakeUnwind(OperatorPtr input, ExprPtr list, size_t slot) {
  return std::make_shared<UnwindOp>(std::move(input), std::move(list), slot);
}
OperatorPtr MakeSkip(OperatorPtr input, ExprPtr count) {
  return std::make_shared<SkipLimitOp>(std::move(input), std::move(count), false,
                                       LimitDrain::kNone);
}
OperatorPtr MakeLimit(OperatorPtr input, ExprPtr count, LimitDrain drain) {
  return std::make_shared<SkipLimitOp>(std::move(input), std::move(count), true, drain);
}
OperatorPtr MakeDistinct(OperatorPtr input, std::vector<size_t> slots) {
  return std::make_shared<DistinctOp>(std::move(input), std::move(slots));
}
OperatorPtr MakeAccumulate(OperatorPtr input, bool advance_command) {
  return std::make_shared<AccumulateOp>(std::move(input), advance_command);
}
OperatorPtr MakeEmptyResult(OperatorPtr input) {
  return std::make_shared<EmptyResultOp>(std::move(input));
}
OperatorPtr MakeUnion(OperatorPtr left, std::vector<size_t> left_slots, OperatorPtr right,
                      std::vector<size_t> right_slots, std::vector<size_t> out_slots,
                      bool distinct) {
  return std::make_shared<UnionOp>(std::move(left), std::move(left_slots), std::move(right),
                                   std::move(right_slots), std::move(out_slots), distinct);
}
OperatorPtr MakeOptional(OperatorPtr input, OperatorPtr subplan, std::vector<size_t> slots) {
  return std::make_shared<OptionalOp>(std::move(input), std::move(subplan), std::move(slots));
}
OperatorPtr MakeMerge(OperatorPtr input, OperatorPtr match, OperatorPtr create) {
  return std::make_shared<MergeOp>(std::move(input), std::move(match), std::move(create));
}
OperatorPtr MakeConstructPath(OperatorPtr input, size_t path_slot,
                              std::vector<PathElement> elements) {
  return std::make_shared<ConstructPathOp>(std::move(input), path_slot, std::move(elements));
}
OperatorPtr MakeEdgeUniquenessFilter(OperatorPtr input, std::vector<size_t> edge_slots,
                                     std::vector<size_t> edge_list_slots) {
  return std::make_shared<EdgeUniquenessOp>(std::move(input), std::move(edge_slots),
                                            std::move(edge_list_slots));
}

}  // namespace tributary::cypher::exec
