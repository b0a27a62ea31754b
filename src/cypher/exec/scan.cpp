// Operators that produce vertices from storage: ScanAll, ScanByLabel,
// IndexSeek, IndexRange, ScanById. Each re-scans per input row.
#include "cypher/errors.hpp"
#include "cypher/exec/operator_base.hpp"

namespace tributary::cypher::exec {
namespace {

using storage::View;

/// Common shape: per input row, open a storage cursor (or nothing) and yield
/// its vertices into `slot`.
class ScanOp : public UnaryOperator {
 public:
  ScanOp(OperatorPtr in, size_t slot, std::string name, View view)
      : UnaryOperator(std::move(in)), slot_(slot), name_(std::move(name)), view_(view) {}
  /// Opens the storage cursor for the current row; null means no rows.
  virtual std::unique_ptr<storage::VertexCursor> OpenScan(Frame& f, ExecContext& ctx) const = 0;

  class C final : public Cursor {
   public:
    C(const ScanOp& op, CursorPtr in, ExecContext&) : op_(op), in_(std::move(in)) {}
    void Reset() override {
      in_->Reset();
      scan_.reset();
    }

   private:
    bool NextImpl(Frame& f, ExecContext& ctx) override {
      for (;;) {
        if (scan_) {
          storage::VertexAccessor v(nullptr, nullptr);
          if (scan_->Next(&v)) {
            f[op_.slot_] = Value(v);
            return true;
          }
          scan_.reset();
        }
        if (!in_->Next(f, ctx)) return false;
        scan_ = op_.OpenScan(f, ctx);
      }
    }
    const ScanOp& op_;
    CursorPtr in_;
    std::unique_ptr<storage::VertexCursor> scan_;
  };
  TRIBUTARY_UNARY_CURSOR(ScanOp, C)

 protected:
  size_t slot_;
  std::string name_;
  View view_;
};

class ScanAllOp final : public ScanOp {
 public:
  using ScanOp::ScanOp;
  std::string Name() const override { return "ScanAll"; }
  std::string Details() const override { return "(" + name_ + ")"; }
  std::unique_ptr<storage::VertexCursor> OpenScan(Frame&, ExecContext& ctx) const override {
    return ctx.tx->ScanVertices(view_);
  }
};

class ScanByLabelOp final : public ScanOp {
 public:
  ScanByLabelOp(OperatorPtr in, size_t slot, std::string name, storage::LabelId label,
                std::string label_name, View view)
      : ScanOp(std::move(in), slot, std::move(name), view),
        label_(label),
        label_name_(std::move(label_name)) {}
  std::string Name() const override { return "ScanAllByLabel"; }
  std::string Details() const override { return "(" + name_ + ":" + label_name_ + ")"; }
  std::unique_ptr<storage::VertexCursor> OpenScan(Frame&, ExecContext& ctx) const override {
    return ctx.tx->ScanLabel(label_, view_);
  }

 private:
  storage::LabelId label_;
  std::string label_name_;
};

class IndexSeekOp final : public ScanOp {
 public:
  IndexSeekOp(OperatorPtr in, size_t slot, std::string name, storage::LabelId label,
              storage::PropertyId prop, std::string desc, ExprPtr value, View view)
      : ScanOp(std::move(in), slot, std::move(name), view),
        label_(label),
        prop_(prop),
        desc_(std::move(desc)),
        value_(std::move(value)) {}
  std::string Name() const override { return "ScanAllByLabelPropertyValue"; }
  std::string Details() const override {
    return "(" + name_ + ":" + desc_ + " = " + value_->ToString() + ")";
  }
  std::unique_ptr<storage::VertexCursor> OpenScan(Frame& f, ExecContext& ctx) const override {
    Value v = value_->Eval(f, ctx);
    if (v.IsNull()) return nullptr;
    if (v.IsNode() || v.IsRelationship() || v.IsPath()) return nullptr;
    return ctx.tx->ScanLabelPropertyEqual(label_, prop_, ToPropertyValue(v), view_);
  }

 private:
  storage::LabelId label_;
  storage::PropertyId prop_;
  std::string desc_;
  ExprPtr value_;
};

class IndexRangeOp final : public ScanOp {
 public:
  IndexRangeOp(OperatorPtr in, size_t slot, std::string name, storage::LabelId label,
               storage::PropertyId prop, std::string desc, ExprPtr lower, bool lower_inc,
               ExprPtr upper, bool upper_inc, View view)
      : ScanOp(std::move(in), slot, std::move(name), view),
        label_(label),
        prop_(prop),
        desc_(std::move(desc)),
        lower_(std::move(lower)),
        upper_(std::move(upper)),
        lower_inc_(lower_inc),
        upper_inc_(upper_inc) {}
  std::string Name() const override { return "ScanAllByLabelPropertyRange"; }
  std::string Details() const override {
    std::string s = "(" + name_ + ":" + desc_;
    if (lower_) s += (lower_inc_ ? " >= " : " > ") + lower_->ToString();
    if (upper_) s += (upper_inc_ ? " <= " : " < ") + upper_->ToString();
    return s + ")";
  }
  std::unique_ptr<storage::VertexCursor> OpenScan(Frame& f, ExecContext& ctx) const override {
    std::optional<storage::Bound> lo, hi;
    if (lower_) {
      Value v = lower_->Eval(f, ctx);
      if (v.IsNull()) return nullptr;
      lo = storage::Bound{ToPropertyValue(v), lower_inc_};
    }
    if (upper_) {
      Value v = upper_->Eval(f, ctx);
      if (v.IsNull()) return nullptr;
      hi = storage::Bound{ToPropertyValue(v), upper_inc_};
    }
    return ctx.tx->ScanLabelPropertyRange(label_, prop_, std::move(lo), std::move(hi), view_);
  }

 private:
  storage::LabelId label_;
  storage::PropertyId prop_;
  std::string desc_;
  ExprPtr lower_, upper_;
  bool lower_inc_, upper_inc_;
};

/// A cursor over at most one vertex.
class SingleVertexCursor final : public storage::VertexCursor {
 public:
  explicit SingleVertexCursor(std::optional<storage::VertexAccessor> v) : v_(v) {}
  bool Next(storage::VertexAccessor* out) override {
    if (!v_) return false;
    *out = *v_;
    v_.reset();
    return true;
  }

 private:
  std::optional<storage::VertexAccessor> v_;
};

class ScanByIdOp final : public ScanOp {
 public:
  ScanByIdOp(OperatorPtr in, size_t slot, std::string name, ExprPtr id, View view)
      : ScanOp(std::move(in), slot, std::move(name), view), id_(std::move(id)) {}
  std::string Name() const override { return "ScanAllById"; }
  std::string Details() const override { return "(" + name_ + ") id = " + id_->ToString(); }
  std::unique_ptr<storage::VertexCursor> OpenScan(Frame& f, ExecContext& ctx) const override {
    Value v = id_->Eval(f, ctx);
    if (!v.IsInt() || v.AsInt() < 0) return nullptr;
    return std::make_unique<SingleVertexCursor>(
        ctx.tx->FindVertex(static_cast<storage::Gid>(v.AsInt()), view_));
  }

 private:
  ExprPtr id_;
};

}  // namespace

OperatorPtr MakeScanAll(OperatorPtr input, size_t slot, std::string name, View view) {
  return std::make_shared<ScanAllOp>(std::move(input), slot, std::move(name), view);
}
OperatorPtr MakeScanByLabel(OperatorPtr input, size_t slot, std::string name,
                            storage::LabelId label, std::string label_name, View view) {
  return std::make_shared<ScanByLabelOp>(std::move(input), slot, std::move(name), label,
                                         std::move(label_name), view);
}
OperatorPtr MakeIndexSeek(OperatorPtr input, size_t slot, std::string name, storage::LabelId label,
                          storage::PropertyId property, std::string description, ExprPtr value,
                          View view) {
  return std::make_shared<IndexSeekOp>(std::move(input), slot, std::move(name), label, property,
                                       std::move(description), std::move(value), view);
}
OperatorPtr MakeIndexRange(OperatorPtr input, size_t slot, std::string name, storage::LabelId label,
                           storage::PropertyId property, std::string description, ExprPtr lower,
                           bool lower_inclusive, ExprPtr upper, bool upper_inclusive, View view) {
  return std::make_shared<IndexRangeOp>(std::move(input), slot, std::move(name), label, property,
                                        std::move(description), std::move(lower), lower_inclusive,
                                        std::move(upper), upper_inclusive, view);
}
OperatorPtr MakeScanById(OperatorPtr input, size_t slot, std::string name, ExprPtr id, View view) {
  return std::make_shared<ScanByIdOp>(std::move(input), slot, std::move(name), std::move(id), view);
}

}  // namespace tributary::cypher::exec
