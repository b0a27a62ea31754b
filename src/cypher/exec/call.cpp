// Operators that run something per input row and join its rows to it:
// CallProcedure (`CALL db.labels() YIELD label`) and Apply (`CALL { ... }`).
#include "cypher/errors.hpp"
#include "cypher/exec/operator_base.hpp"
#include "cypher/functions/procedure.hpp"

namespace tributary::cypher::exec {
namespace {

class CallProcedureOp final : public UnaryOperator {
 public:
  CallProcedureOp(OperatorPtr in, const ProcedureInfo* proc, std::shared_ptr<const void> owner,
                  std::vector<ExprPtr> args, std::vector<std::pair<size_t, size_t>> yields,
                  bool void_passes_rows)
      : UnaryOperator(std::move(in)),
        proc_(proc),
        owner_(std::move(owner)),
        args_(std::move(args)),
        yields_(std::move(yields)),
        void_passes_rows_(void_passes_rows && proc->outputs.empty()) {}
  std::string Name() const override { return "CallProcedure"; }
  std::string Details() const override { return std::string(proc_->name) + "()"; }

  class C final : public Cursor {
   public:
    C(const CallProcedureOp& op, CursorPtr in, ExecContext&) : op_(op), in_(std::move(in)) {}
    void Reset() override {
      in_->Reset();
      rows_.clear();
      pos_ = 0;
    }

   private:
    bool NextImpl(Frame& f, ExecContext& ctx) override {
      while (pos_ >= rows_.size()) {
        if (!in_->Next(f, ctx)) return false;
        std::vector<Value> args;
        args.reserve(op_.args_.size());
        for (const auto& a : op_.args_) args.push_back(a->Eval(f, ctx));
        rows_ = op_.proc_->fn(*op_.proc_, args, ctx);
        pos_ = 0;
        // A procedure without outputs called inside a query keeps the row.
        if (op_.void_passes_rows_) return true;
      }
      auto& row = rows_[pos_++];
      for (const auto& [output, slot] : op_.yields_) f[slot] = std::move(row[output]);
      return true;
    }
    const CallProcedureOp& op_;
    CursorPtr in_;
    std::vector<std::vector<Value>> rows_;
    size_t pos_ = 0;
  };
  TRIBUTARY_UNARY_CURSOR(CallProcedureOp, C)

 private:
  const ProcedureInfo* proc_;
  std::shared_ptr<const void> owner_;
  std::vector<ExprPtr> args_;
  std::vector<std::pair<size_t, size_t>> yields_;
  bool void_passes_rows_;
};

class ApplyOp final : public UnaryOperator {
 public:
  ApplyOp(OperatorPtr in, OperatorPtr sub, bool unit)
      : UnaryOperator(std::move(in)), sub_(std::move(sub)), unit_(unit) {}
  std::string Name() const override { return unit_ ? "ApplyUnit" : "Apply"; }
  std::vector<const Operator*> Children() const override { return {input_.get(), sub_.get()}; }

 protected:
  CursorPtr MakeCursor(ExecContext& ctx,
                       std::map<const Operator*, ProfileEntry>* profile) const override {
    return NewCursor<C>(ctx, *this, OpenInput(ctx, profile), sub_->Open(ctx, profile));
  }

 private:
  class C final : public Cursor {
   public:
    C(const ApplyOp& op, CursorPtr in, CursorPtr sub)
        : op_(op), in_(std::move(in)), sub_(std::move(sub)) {}
    void Reset() override {
      in_->Reset();
      active_ = false;
    }

   private:
    bool NextImpl(Frame& f, ExecContext& ctx) override {
      for (;;) {
        if (active_) {
          if (sub_->Next(f, ctx)) return true;
          active_ = false;
        }
        if (!in_->Next(f, ctx)) return false;
        sub_->Reset();
        if (op_.unit_) {
          // A subquery without RETURN runs for its effects; the row goes on.
          while (sub_->Next(f, ctx)) {
          }
          return true;
        }
        active_ = true;
      }
    }
    const ApplyOp& op_;
    CursorPtr in_, sub_;
    bool active_ = false;
  };

  OperatorPtr sub_;
  bool unit_;
};

}  // namespace

OperatorPtr MakeCallProcedure(OperatorPtr input, const ProcedureInfo* procedure,
                              std::shared_ptr<const void> owner, std::vector<ExprPtr> args,
                              std::vector<std::pair<size_t, size_t>> yields,
                              bool void_passes_rows) {
  return std::make_shared<CallProcedureOp>(std::move(input), procedure, std::move(owner),
                                           std::move(args), std::move(yields), void_passes_rows);
}

OperatorPtr MakeApply(OperatorPtr input, OperatorPtr subplan, bool unit) {
  return std::make_shared<ApplyOp>(std::move(input), std::move(subplan), unit);
}

}  // namespace tributary::cypher::exec
