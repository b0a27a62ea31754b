#pragma once
// Internal helpers shared by the operator implementation files.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cypher/exec/operator.hpp"

namespace tributary::cypher::exec {

/// An operator with one input; most operators are.
class UnaryOperator : public Operator {
 public:
  explicit UnaryOperator(OperatorPtr input) : input_(std::move(input)) {}
  std::vector<const Operator*> Children() const override { return {input_.get()}; }

 protected:
  CursorPtr OpenInput(ExecContext& ctx, std::map<const Operator*, ProfileEntry>* profile) const {
    return input_->Open(ctx, profile);
  }
  OperatorPtr input_;
};

/// Defines MakeCursor for an operator whose cursor type `C` is constructed
/// as C(const Op&, CursorPtr input, ExecContext&).
#define TRIBUTARY_UNARY_CURSOR(Op, C)                                                      \
  CursorPtr MakeCursor(ExecContext& ctx, std::map<const Operator*, ProfileEntry>* profile) \
      const override {                                                                     \
    return NewCursor<C>(ctx, *this, OpenInput(ctx, profile), ctx);                         \
  }

}  // namespace tributary::cypher::exec
