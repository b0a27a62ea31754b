#include "cypher/exec/expression.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "cypher/errors.hpp"
#include "cypher/exec/operator.hpp"
#include "cypher/functions/function.hpp"

namespace tributary::cypher::exec {
namespace {

using storage::View;

std::string Join(const std::vector<ExprPtr>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    out += items[i]->ToString();
  }
  return out;
}

class LiteralExpr final : public Expr {
 public:
  explicit LiteralExpr(Value v) : v_(std::move(v)) {}
  Value Eval(Frame&, ExecContext&) const override { return v_; }
  std::string ToString() const override {
    if (v_.IsString()) return "'" + v_.AsString() + "'";
    if (v_.IsNull()) return "null";
    if (v_.IsBool()) return v_.AsBool() ? "true" : "false";
    if (v_.IsInt()) return std::to_string(v_.AsInt());
    if (v_.IsDouble()) return FormatFloat(v_.AsDouble());
    return "<literal>";
  }

 private:
  Value v_;
};

class ParameterExpr final : public Expr {
 public:
  ParameterExpr(size_t index, std::string name) : index_(index), name_(std::move(name)) {}
  Value Eval(Frame&, ExecContext& ctx) const override { return ctx.params[index_]; }
  std::string ToString() const override { return "$" + name_; }

 private:
  size_t index_;
  std::string name_;
};

class SlotExpr final : public Expr {
 public:
  SlotExpr(size_t slot, std::string name) : slot_(slot), name_(std::move(name)) {}
  Value Eval(Frame& f, ExecContext&) const override { return f[slot_]; }
  std::string ToString() const override { return name_; }

 private:
  size_t slot_;
  std::string name_;
};

class PropertyExpr final : public Expr {
 public:
  PropertyExpr(ExprPtr obj, storage::PropertyId key, std::string name)
      : obj_(std::move(obj)), key_(key), name_(std::move(name)) {}
  Value Eval(Frame& f, ExecContext& ctx) const override {
    return PropertyOf(obj_->Eval(f, ctx), key_, name_, ctx);
  }
  std::string ToString() const override { return obj_->ToString() + "." + name_; }

 private:
  ExprPtr obj_;
  storage::PropertyId key_;
  std::string name_;
};

int64_t NormalizeIndex(int64_t i, size_t size) {
  return i < 0 ? i + static_cast<int64_t>(size) : i;
}

class SubscriptExpr final : public Expr {
 public:
  SubscriptExpr(ExprPtr obj, ExprPtr index) : obj_(std::move(obj)), index_(std::move(index)) {}
  Value Eval(Frame& f, ExecContext& ctx) const override {
    Value o = obj_->Eval(f, ctx);
    Value i = index_->Eval(f, ctx);
    if (o.IsNull() || i.IsNull()) return Value();
    if (o.IsList()) {
      if (!i.IsInt()) {
        throw CypherTypeError("InvalidArgumentType",
                              std::string("List index must be an Integer, got ") + TypeName(i));
      }
      const auto& l = o.AsList();
      int64_t k = NormalizeIndex(i.AsInt(), l.size());
      if (k < 0 || k >= static_cast<int64_t>(l.size())) return Value();
      return l[static_cast<size_t>(k)];
    }
    if (o.IsMap() || o.IsNode() || o.IsRelationship()) {
      if (!i.IsString()) {
        throw CypherTypeError("MapElementAccessByNonString",
                              std::string("Map key must be a String, got ") + TypeName(i));
      }
      if (o.IsMap()) {
        auto it = o.AsMap().find(i.AsString());
        return it == o.AsMap().end() ? Value() : it->second;
      }
      auto key = ctx.storage->FindProperty(i.AsString());
      if (!key) return Value();
      return PropertyOf(o, *key, i.AsString(), ctx);
    }
    throw CypherTypeError("InvalidArgumentType",
                          std::string("Cannot index a value of type ") + TypeName(o));
  }
  std::string ToString() const override {
    return obj_->ToString() + "[" + index_->ToString() + "]";
  }

 private:
  ExprPtr obj_;
  ExprPtr index_;
};

class SliceExpr final : public Expr {
 public:
  SliceExpr(ExprPtr list, ExprPtr from, ExprPtr to)
      : list_(std::move(list)), from_(std::move(from)), to_(std::move(to)) {}
  Value Eval(Frame& f, ExecContext& ctx) const override {
    Value l = list_->Eval(f, ctx);
    Value a = from_ ? from_->Eval(f, ctx) : Value(int64_t{0});
    Value b = to_ ? to_->Eval(f, ctx) : Value();
    if (l.IsNull()) return Value();
    if (!l.IsList()) {
      throw CypherTypeError("InvalidArgumentType",
                            std::string("Cannot slice a value of type ") + TypeName(l));
    }
    if ((from_ && a.IsNull()) || (to_ && b.IsNull())) return Value();
    if (!a.IsInt() || (to_ && !b.IsInt())) {
      throw CypherTypeError("InvalidArgumentType", "List slice bounds must be Integers");
    }
    const auto& list = l.AsList();
    auto n = static_cast<int64_t>(list.size());
    int64_t lo = std::clamp<int64_t>(NormalizeIndex(a.AsInt(), list.size()), 0, n);
    int64_t hi = to_ ? std::clamp<int64_t>(NormalizeIndex(b.AsInt(), list.size()), 0, n) : n;
    Value::List out;
    for (int64_t k = lo; k < hi; ++k) out.push_back(list[static_cast<size_t>(k)]);
    return Value(std::move(out));
  }
  std::string ToString() const override {
    return list_->ToString() + "[" + (from_ ? from_->ToString() : "") + ".." +
           (to_ ? to_->ToString() : "") + "]";
  }

 private:
  ExprPtr list_, from_, to_;
};

class HasLabelsExpr final : public Expr {
 public:
  HasLabelsExpr(ExprPtr obj, std::vector<storage::LabelId> labels, std::vector<std::string> names)
      : obj_(std::move(obj)), labels_(std::move(labels)), names_(std::move(names)) {}
  Value Eval(Frame& f, ExecContext& ctx) const override {
    Value o = obj_->Eval(f, ctx);
    if (o.IsNull()) return Value();
    if (!o.IsNode()) {
      throw CypherTypeError("InvalidArgumentType",
                            std::string("Label test on a value of type ") + TypeName(o));
    }
    for (auto l : labels_) {
      if (!Unwrap(o.AsNode().HasLabel(l, View::kNew))) return Value(false);
    }
    return Value(true);
  }
  std::string ToString() const override {
    std::string s = obj_->ToString();
    for (const auto& n : names_) s += ":" + n;
    return s;
  }

 private:
  ExprPtr obj_;
  std::vector<storage::LabelId> labels_;
  std::vector<std::string> names_;
};

class ListExpr final : public Expr {
 public:
  explicit ListExpr(std::vector<ExprPtr> items) : items_(std::move(items)) {}
  Value Eval(Frame& f, ExecContext& ctx) const override {
    Value::List out;
    out.reserve(items_.size());
    for (const auto& e : items_) out.push_back(e->Eval(f, ctx));
    return Value(std::move(out));
  }
  std::string ToString() const override { return "[" + Join(items_) + "]"; }

 private:
  std::vector<ExprPtr> items_;
};

class MapExpr final : public Expr {
 public:
  explicit MapExpr(std::vector<std::pair<std::string, ExprPtr>> items) : items_(std::move(items)) {}
  Value Eval(Frame& f, ExecContext& ctx) const override {
    Value::Map out;
    for (const auto& [k, e] : items_) out.insert_or_assign(k, e->Eval(f, ctx));
    return Value(std::move(out));
  }
  std::string ToString() const override {
    std::string s = "{";
    for (size_t i = 0; i < items_.size(); ++i) {
      if (i) s += ", ";
      s += items_[i].first + ": " + items_[i].second->ToString();
    }
    return s + "}";
  }

 private:
  std::vector<std::pair<std::string, ExprPtr>> items_;
};

class UnaryExpr final : public Expr {
 public:
  UnaryExpr(UnaryOp op, ExprPtr e) : op_(op), e_(std::move(e)) {}
  Value Eval(Frame& f, ExecContext& ctx) const override {
    Value v = e_->Eval(f, ctx);
    if (v.IsNull()) return Value();
    switch (op_) {
      case UnaryOp::kNot:
        if (!v.IsBool()) {
          throw CypherTypeError("InvalidArgumentType",
                                std::string("NOT expects a Boolean, got ") + TypeName(v));
        }
        return Value(!v.AsBool());
      case UnaryOp::kNegate:
        if (v.IsInt()) {
          if (v.AsInt() == std::numeric_limits<int64_t>::min()) {
            throw ArithmeticError("IntegerOverflow", "Integer overflow in negation");
          }
          return Value(-v.AsInt());
        }
        if (v.IsDouble()) return Value(-v.AsDouble());
        throw CypherTypeError("InvalidArgumentType",
                              std::string("Cannot negate a value of type ") + TypeName(v));
      case UnaryOp::kPlus:
        if (v.IsNumber()) return v;
        throw CypherTypeError("InvalidArgumentType",
                              std::string("Unary plus on a value of type ") + TypeName(v));
    }
    return Value();
  }
  std::string ToString() const override {
    return std::string(op_ == UnaryOp::kNot ? "NOT " : (op_ == UnaryOp::kNegate ? "-" : "+")) +
           e_->ToString();
  }

 private:
  UnaryOp op_;
  ExprPtr e_;
};

const char* OpText(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd:
      return "+";
    case BinaryOp::kSub:
      return "-";
    case BinaryOp::kMul:
      return "*";
    case BinaryOp::kDiv:
      return "/";
    case BinaryOp::kMod:
      return "%";
    case BinaryOp::kPow:
      return "^";
    case BinaryOp::kAnd:
      return "AND";
    case BinaryOp::kOr:
      return "OR";
    case BinaryOp::kXor:
      return "XOR";
    case BinaryOp::kEq:
      return "=";
    case BinaryOp::kNe:
      return "<>";
    case BinaryOp::kLt:
      return "<";
    case BinaryOp::kLe:
      return "<=";
    case BinaryOp::kGt:
      return ">";
    case BinaryOp::kGe:
      return ">=";
    case BinaryOp::kStartsWith:
      return "STARTS WITH";
    case BinaryOp::kEndsWith:
      return "ENDS WITH";
    case BinaryOp::kContains:
      return "CONTAINS";
    case BinaryOp::kIn:
      return "IN";
    case BinaryOp::kRegexMatch:
      return "=~";
  }
  return "?";
}

Tri AsTri(const Value& v, const char* op) {
  if (v.IsNull()) return Tri::kNull;
  if (!v.IsBool()) {
    throw CypherTypeError("InvalidArgumentType",
                          std::string(op) + " expects Boolean operands, got " + TypeName(v));
  }
  return ToTri(v.AsBool());
}

Value InList(const Value& x, const Value& list) {
  if (list.IsNull()) return Value();
  if (!list.IsList()) {
    throw CypherTypeError("InvalidArgumentType",
                          std::string("IN expects a List, got ") + TypeName(list));
  }
  bool saw_null = false;
  for (const auto& e : list.AsList()) {
    Tri t = Equals(x, e);
    if (t == Tri::kTrue) return Value(true);
    if (t == Tri::kNull) saw_null = true;
  }
  return saw_null ? Value() : Value(false);
}

/// Compiles a Cypher (Java-style) regular expression with std::regex.
/// Leading inline flags `(?i)`, `(?m)`, `(?s)` (any combination) are
/// translated: i -> icase, m -> multiline, s -> `.` also matches newlines.
std::regex CompileRegex(const std::string& pattern) {
  auto flags = std::regex::ECMAScript;
  bool dot_all = false;
  size_t start = 0;
  if (pattern.rfind("(?", 0) == 0) {
    size_t close = pattern.find(')');
    bool all_flags = close != std::string::npos && close > 2;
    for (size_t k = 2; all_flags && k < close; ++k) {
      all_flags = pattern[k] == 'i' || pattern[k] == 'm' || pattern[k] == 's';
    }
    if (all_flags) {
      for (size_t k = 2; k < close; ++k) {
        if (pattern[k] == 'i') flags |= std::regex::icase;
        if (pattern[k] == 'm') flags |= std::regex::multiline;
        if (pattern[k] == 's') dot_all = true;
      }
      start = close + 1;
    }
  }
  std::string body = pattern.substr(start);
  if (dot_all) {
    std::string out;
    bool in_class = false;
    for (size_t k = 0; k < body.size(); ++k) {
      char c = body[k];
      if (c == '\\' && k + 1 < body.size()) {
        out += c;
        out += body[++k];
        continue;
      }
      if (c == '[') in_class = true;
      if (c == ']') in_class = false;
      out += (c == '.' && !in_class) ? std::string("[\\s\\S]") : std::string(1, c);
    }
    body = std::move(out);
  }
  try {
    return std::regex(body, flags);
  } catch (const std::regex_error& e) {
    throw ArgumentError("InvalidArgumentValue",
                        "Invalid regular expression '" + pattern + "': " + e.what());
  }
}

/// The compiled form of `pattern`; the last few patterns of this thread are
/// kept, so a literal or parameter pattern compiles once, not once per row.
const std::regex& CachedRegex(const std::string& pattern) {
  struct Entry {
    std::string pattern;
    std::regex re;
  };
  constexpr size_t kEntries = 8;
  thread_local std::vector<Entry> cache;
  thread_local size_t next = 0;
  if (cache.capacity() < kEntries) cache.reserve(kEntries);  // references stay valid
  for (const auto& e : cache) {
    if (e.pattern == pattern) return e.re;
  }
  std::regex re = CompileRegex(pattern);
  if (cache.size() < kEntries) {
    cache.push_back({pattern, std::move(re)});
    return cache.back().re;
  }
  Entry& slot = cache[next];
  next = (next + 1) % kEntries;
  slot = {pattern, std::move(re)};
  return slot.re;
}

class BinaryExpr final : public Expr {
 public:
  BinaryExpr(BinaryOp op, ExprPtr l, ExprPtr r) : op_(op), l_(std::move(l)), r_(std::move(r)) {}
  Value Eval(Frame& f, ExecContext& ctx) const override {
    switch (op_) {
      case BinaryOp::kAnd: {
        Tri a = AsTri(l_->Eval(f, ctx), "AND");
        if (a == Tri::kFalse) return Value(false);
        Tri b = AsTri(r_->Eval(f, ctx), "AND");
        if (b == Tri::kFalse) return Value(false);
        return (a == Tri::kNull || b == Tri::kNull) ? Value() : Value(true);
      }
      case BinaryOp::kOr: {
        Tri a = AsTri(l_->Eval(f, ctx), "OR");
        if (a == Tri::kTrue) return Value(true);
        Tri b = AsTri(r_->Eval(f, ctx), "OR");
        if (b == Tri::kTrue) return Value(true);
        return (a == Tri::kNull || b == Tri::kNull) ? Value() : Value(false);
      }
      case BinaryOp::kXor: {
        Tri a = AsTri(l_->Eval(f, ctx), "XOR");
        Tri b = AsTri(r_->Eval(f, ctx), "XOR");
        if (a == Tri::kNull || b == Tri::kNull) return Value();
        return Value(a != b);
      }
      default:
        break;
    }
    Value a = l_->Eval(f, ctx);
    Value b = r_->Eval(f, ctx);
    switch (op_) {
      case BinaryOp::kEq:
        return FromTri(Equals(a, b));
      case BinaryOp::kNe: {
        Tri t = Equals(a, b);
        return t == Tri::kNull ? Value() : Value(t == Tri::kFalse);
      }
      case BinaryOp::kLt:
      case BinaryOp::kLe:
      case BinaryOp::kGt:
      case BinaryOp::kGe: {
        int c = 0;
        if (!CompareComparable(a, b, &c)) return Value();
        if (c == std::numeric_limits<int>::min()) return Value(false);
        switch (op_) {
          case BinaryOp::kLt:
            return Value(c < 0);
          case BinaryOp::kLe:
            return Value(c <= 0);
          case BinaryOp::kGt:
            return Value(c > 0);
          default:
            return Value(c >= 0);
        }
      }
      case BinaryOp::kStartsWith:
      case BinaryOp::kEndsWith:
      case BinaryOp::kContains: {
        if (!a.IsString() || !b.IsString()) return Value();
        const auto& s = a.AsString();
        const auto& t = b.AsString();
        if (op_ == BinaryOp::kStartsWith) return Value(s.rfind(t, 0) == 0);
        if (op_ == BinaryOp::kEndsWith) {
          return Value(s.size() >= t.size() && s.compare(s.size() - t.size(), t.size(), t) == 0);
        }
        return Value(s.find(t) != std::string::npos);
      }
      case BinaryOp::kIn:
        return InList(a, b);
      case BinaryOp::kRegexMatch: {
        if (!a.IsString() || !b.IsString()) return Value();
        return Value(std::regex_match(a.AsString(), CachedRegex(b.AsString())));
      }
      default:
        return Arithmetic(op_, a, b);
    }
  }
  std::string ToString() const override {
    return "(" + l_->ToString() + " " + OpText(op_) + " " + r_->ToString() + ")";
  }

 private:
  BinaryOp op_;
  ExprPtr l_, r_;
};

class IsNullExpr final : public Expr {
 public:
  IsNullExpr(ExprPtr e, bool negated) : e_(std::move(e)), negated_(negated) {}
  Value Eval(Frame& f, ExecContext& ctx) const override {
    return Value(e_->Eval(f, ctx).IsNull() != negated_);
  }
  std::string ToString() const override {
    return e_->ToString() + (negated_ ? " IS NOT NULL" : " IS NULL");
  }

 private:
  ExprPtr e_;
  bool negated_;
};

class CaseExpr final : public Expr {
 public:
  CaseExpr(ExprPtr subject, std::vector<std::pair<ExprPtr, ExprPtr>> whens, ExprPtr otherwise)
      : subject_(std::move(subject)), whens_(std::move(whens)), otherwise_(std::move(otherwise)) {}
  Value Eval(Frame& f, ExecContext& ctx) const override {
    if (subject_) {
      Value s = subject_->Eval(f, ctx);
      for (const auto& [w, t] : whens_) {
        if (Equals(s, w->Eval(f, ctx)) == Tri::kTrue) return t->Eval(f, ctx);
      }
    } else {
      for (const auto& [w, t] : whens_) {
        Value c = w->Eval(f, ctx);
        if (c.IsBool() && c.AsBool()) return t->Eval(f, ctx);
        if (!c.IsNull() && !c.IsBool()) {
          throw CypherTypeError("InvalidArgumentType",
                                std::string("CASE WHEN expects a Boolean, got ") + TypeName(c));
        }
      }
    }
    return otherwise_ ? otherwise_->Eval(f, ctx) : Value();
  }
  std::string ToString() const override { return "CASE ... END"; }

 private:
  ExprPtr subject_;
  std::vector<std::pair<ExprPtr, ExprPtr>> whens_;
  ExprPtr otherwise_;
};

class FunctionExpr final : public Expr {
 public:
  FunctionExpr(const FunctionInfo* fn, std::vector<ExprPtr> args)
      : fn_(fn), args_(std::move(args)) {}
  Value Eval(Frame& f, ExecContext& ctx) const override {
    Value stack_args[4];
    std::vector<Value> heap_args;
    std::span<Value> span;
    if (args_.size() <= 4) {
      for (size_t i = 0; i < args_.size(); ++i) stack_args[i] = args_[i]->Eval(f, ctx);
      span = std::span<Value>(stack_args, args_.size());
    } else {
      heap_args.reserve(args_.size());
      for (const auto& a : args_) heap_args.push_back(a->Eval(f, ctx));
      span = std::span<Value>(heap_args);
    }
    return fn_->fn(span, ctx);
  }
  std::string ToString() const override { return std::string(fn_->name) + "(" + Join(args_) + ")"; }

 private:
  const FunctionInfo* fn_;
  std::vector<ExprPtr> args_;
};

const Value::List* ListArg(const Value& v, const char* what) {
  if (v.IsNull()) return nullptr;
  if (!v.IsList()) {
    throw CypherTypeError("InvalidArgumentType",
                          std::string(what) + " expects a List, got " + TypeName(v));
  }
  return &v.AsList();
}

class ListComprehensionExpr final : public Expr {
 public:
  ListComprehensionExpr(size_t slot, ExprPtr list, ExprPtr where, ExprPtr proj)
      : slot_(slot), list_(std::move(list)), where_(std::move(where)), proj_(std::move(proj)) {}
  Value Eval(Frame& f, ExecContext& ctx) const override {
    Value l = list_->Eval(f, ctx);
    const auto* items = ListArg(l, "List comprehension");
    if (!items) return Value();
    Value::List out;
    for (const auto& x : *items) {
      f[slot_] = x;
      if (where_ && !EvalPredicate(*where_, f, ctx)) continue;
      out.push_back(proj_ ? proj_->Eval(f, ctx) : x);
    }
    return Value(std::move(out));
  }
  std::string ToString() const override { return "[... IN " + list_->ToString() + " ...]"; }

 private:
  size_t slot_;
  ExprPtr list_, where_, proj_;
};

class QuantifierExpr final : public Expr {
 public:
  QuantifierExpr(Quantifier q, size_t slot, ExprPtr list, ExprPtr where)
      : q_(q), slot_(slot), list_(std::move(list)), where_(std::move(where)) {}
  Value Eval(Frame& f, ExecContext& ctx) const override {
    Value l = list_->Eval(f, ctx);
    const auto* items = ListArg(l, "Quantifier");
    if (!items) return Value();
    size_t trues = 0;
    bool saw_null = false;
    for (const auto& x : *items) {
      f[slot_] = x;
      Value c = where_ ? where_->Eval(f, ctx) : Value(true);
      if (c.IsNull()) {
        saw_null = true;
        continue;
      }
      if (!c.IsBool()) {
        throw CypherTypeError("InvalidArgumentType", "Quantifier predicate must be a Boolean");
      }
      if (c.AsBool()) {
        ++trues;
        if (q_ == Quantifier::kAny) return Value(true);
        if (q_ == Quantifier::kNone) return Value(false);
        if (q_ == Quantifier::kSingle && trues > 1) return Value(false);
      } else if (q_ == Quantifier::kAll) {
        return Value(false);
      }
    }
    switch (q_) {
      case Quantifier::kAll:
        return saw_null ? Value() : Value(true);
      case Quantifier::kAny:
        return saw_null ? Value() : Value(false);
      case Quantifier::kNone:
        return saw_null ? Value() : Value(true);
      case Quantifier::kSingle:
        if (saw_null) return Value();
        return Value(trues == 1);
    }
    return Value();
  }
  std::string ToString() const override { return "quantifier(" + list_->ToString() + ")"; }

 private:
  Quantifier q_;
  size_t slot_;
  ExprPtr list_, where_;
};

class ReduceExpr final : public Expr {
 public:
  ReduceExpr(size_t acc, ExprPtr init, size_t var, ExprPtr list, ExprPtr e)
      : acc_(acc), init_(std::move(init)), var_(var), list_(std::move(list)), e_(std::move(e)) {}
  Value Eval(Frame& f, ExecContext& ctx) const override {
    Value acc = init_->Eval(f, ctx);
    Value l = list_->Eval(f, ctx);
    const auto* items = ListArg(l, "reduce");
    if (!items) return Value();
    for (const auto& x : *items) {
      f[acc_] = acc;
      f[var_] = x;
      acc = e_->Eval(f, ctx);
    }
    return acc;
  }
  std::string ToString() const override { return "reduce(... IN " + list_->ToString() + ")"; }

 private:
  size_t acc_;
  ExprPtr init_;
  size_t var_;
  ExprPtr list_, e_;
};

/// Opens a sub-plan evaluated once per row: its cursors go on the heap so
/// the run's arena does not grow with the number of rows.
CursorPtr OpenPerRow(const Operator& plan, ExecContext& ctx) {
  CursorArena* arena = ctx.cursor_arena;
  ctx.cursor_arena = nullptr;
  CursorPtr cursor = plan.Open(ctx, nullptr);
  ctx.cursor_arena = arena;
  return cursor;
}

class ExistsExpr final : public Expr {
 public:
  explicit ExistsExpr(std::shared_ptr<const Operator> plan) : plan_(std::move(plan)) {}
  Value Eval(Frame& f, ExecContext& ctx) const override {
    // Sub-plans write into scratch slots of the same frame; restore the row.
    Frame saved = f;
    bool found = false;
    {
      auto cursor = OpenPerRow(*plan_, ctx);
      found = cursor->Next(f, ctx);
    }
    f = std::move(saved);
    return Value(found);
  }
  std::string ToString() const override { return "EXISTS {...}"; }

 private:
  std::shared_ptr<const Operator> plan_;
};

class PatternComprehensionExpr final : public Expr {
 public:
  PatternComprehensionExpr(std::shared_ptr<const Operator> plan, ExprPtr proj)
      : plan_(std::move(plan)), proj_(std::move(proj)) {}
  Value Eval(Frame& f, ExecContext& ctx) const override {
    Frame saved = f;
    Value::List out;
    {
      auto cursor = OpenPerRow(*plan_, ctx);
      while (cursor->Next(f, ctx)) out.push_back(proj_->Eval(f, ctx));
    }
    f = std::move(saved);
    return Value(std::move(out));
  }
  std::string ToString() const override { return "[pattern | " + proj_->ToString() + "]"; }

 private:
  std::shared_ptr<const Operator> plan_;
  ExprPtr proj_;
};

class MapProjectionExpr final : public Expr {
 public:
  MapProjectionExpr(ExprPtr obj, std::vector<MapProjectionItem> items)
      : obj_(std::move(obj)), items_(std::move(items)) {}
  Value Eval(Frame& f, ExecContext& ctx) const override {
    Value o = obj_->Eval(f, ctx);
    if (o.IsNull()) return Value();
    Value::Map out;
    for (const auto& item : items_) {
      switch (item.kind) {
        case MapProjectionItem::Kind::kAllProperties:
          for (auto& [k, v] : PropertiesOf(o, ctx)) out.insert_or_assign(k, std::move(v));
          break;
        case MapProjectionItem::Kind::kProperty:
          out.insert_or_assign(item.key, PropertyOf(o, item.property, item.key, ctx));
          break;
        default:
          out.insert_or_assign(item.key, item.value->Eval(f, ctx));
          break;
      }
    }
    return Value(std::move(out));
  }
  std::string ToString() const override { return obj_->ToString() + "{...}"; }

 private:
  ExprPtr obj_;
  std::vector<MapProjectionItem> items_;
};

class PropertiesMatchExpr final : public Expr {
 public:
  PropertiesMatchExpr(ExprPtr obj, ExprPtr props)
      : obj_(std::move(obj)), props_(std::move(props)) {}
  Value Eval(Frame& f, ExecContext& ctx) const override {
    Value o = obj_->Eval(f, ctx);
    Value m = props_->Eval(f, ctx);
    if (o.IsNull()) return Value(false);
    if (m.IsNull()) return Value(true);
    if (!m.IsMap()) {
      throw CypherTypeError("InvalidArgumentType",
                            std::string("Expected a Map of properties, got ") + TypeName(m));
    }
    for (const auto& [k, want] : m.AsMap()) {
      auto key = ctx.storage->FindProperty(k);
      Value got = key ? PropertyOf(o, *key, k, ctx) : Value();
      if (Equals(got, want) != Tri::kTrue) return Value(false);
    }
    return Value(true);
  }
  std::string ToString() const override { return obj_->ToString() + " ~ " + props_->ToString(); }

 private:
  ExprPtr obj_, props_;
};

bool CheckedAdd(int64_t a, int64_t b, int64_t* out) { return __builtin_add_overflow(a, b, out); }
bool CheckedSub(int64_t a, int64_t b, int64_t* out) { return __builtin_sub_overflow(a, b, out); }
bool CheckedMul(int64_t a, int64_t b, int64_t* out) { return __builtin_mul_overflow(a, b, out); }

[[noreturn]] void ThrowArithType(BinaryOp op, const Value& a, const Value& b) {
  throw CypherTypeError("InvalidArgumentType", std::string("Cannot apply '") + OpText(op) +
                                                   "' to " + TypeName(a) + " and " + TypeName(b));
}

}  // namespace

Value Arithmetic(BinaryOp op, const Value& a, const Value& b) {
  if (a.IsNull() || b.IsNull()) return Value();
  if (op == BinaryOp::kAdd) {
    if (a.IsString() && b.IsString()) return Value(a.AsString() + b.AsString());
    if (a.IsString() && b.IsNumber()) {
      return Value(a.AsString() +
                   (b.IsInt() ? std::to_string(b.AsInt()) : FormatFloat(b.AsDouble())));
    }
    if (a.IsNumber() && b.IsString()) {
      return Value((a.IsInt() ? std::to_string(a.AsInt()) : FormatFloat(a.AsDouble())) +
                   b.AsString());
    }
    if (a.IsList() && b.IsList()) {
      Value::List out = a.AsList();
      out.insert(out.end(), b.AsList().begin(), b.AsList().end());
      return Value(std::move(out));
    }
    if (a.IsList()) {
      Value::List out = a.AsList();
      out.push_back(b);
      return Value(std::move(out));
    }
    if (b.IsList()) {
      Value::List out;
      out.reserve(b.AsList().size() + 1);
      out.push_back(a);
      out.insert(out.end(), b.AsList().begin(), b.AsList().end());
      return Value(std::move(out));
    }
  }
  if (!a.IsNumber() || !b.IsNumber()) ThrowArithType(op, a, b);
  if (a.IsInt() && b.IsInt()) {
    int64_t x = a.AsInt(), y = b.AsInt(), r = 0;
    switch (op) {
      case BinaryOp::kAdd:
        if (CheckedAdd(x, y, &r)) throw ArithmeticError("IntegerOverflow", "Integer overflow in +");
        return Value(r);
      case BinaryOp::kSub:
        if (CheckedSub(x, y, &r)) throw ArithmeticError("IntegerOverflow", "Integer overflow in -");
        return Value(r);
      case BinaryOp::kMul:
        if (CheckedMul(x, y, &r)) throw ArithmeticError("IntegerOverflow", "Integer overflow in *");
        return Value(r);
      case BinaryOp::kDiv:
        if (y == 0) throw ArithmeticError("DivisionByZero", "/ by zero");
        if (x == std::numeric_limits<int64_t>::min() && y == -1) {
          throw ArithmeticError("IntegerOverflow", "Integer overflow in /");
        }
        return Value(x / y);
      case BinaryOp::kMod:
        if (y == 0) throw ArithmeticError("DivisionByZero", "% by zero");
        if (y == -1) return Value(int64_t{0});
        return Value(x % y);
      case BinaryOp::kPow:
        return Value(std::pow(static_cast<double>(x), static_cast<double>(y)));
      default:
        break;
    }
  }
  double x = a.AsNumber(), y = b.AsNumber();
  switch (op) {
    case BinaryOp::kAdd:
      return Value(x + y);
    case BinaryOp::kSub:
      return Value(x - y);
    case BinaryOp::kMul:
      return Value(x * y);
    case BinaryOp::kDiv:
      return Value(x / y);
    case BinaryOp::kMod:
      return Value(std::fmod(x, y));
    case BinaryOp::kPow:
      return Value(std::pow(x, y));
    default:
      ThrowArithType(op, a, b);
  }
}

bool EvalPredicate(const Expr& e, Frame& frame, ExecContext& ctx) {
  Value v = e.Eval(frame, ctx);
  if (v.IsBool()) return v.AsBool();
  if (v.IsNull()) return false;
  throw CypherTypeError("InvalidArgumentType",
                        std::string("Expected a Boolean predicate, got ") + TypeName(v));
}

Value PropertyOf(const Value& object, storage::PropertyId key, const std::string& key_name,
                 ExecContext& ctx) {
  switch (object.type()) {
    case ValueType::kNull:
      return Value();
    case ValueType::kNode:
      return ToValue(Unwrap(object.AsNode().GetProperty(key, View::kNew)));
    case ValueType::kRelationship:
      return ToValue(Unwrap(object.AsRelationship().GetProperty(key, View::kNew)));
    case ValueType::kMap: {
      auto it = object.AsMap().find(key_name);
      return it == object.AsMap().end() ? Value() : it->second;
    }
    default:
      if (IsExtendedScalar(object.type())) {
        if (auto component = TemporalComponent(object, key_name)) return *std::move(component);
        throw CypherTypeError("InvalidArgumentType",
                              "No such field: '" + key_name + "' of " + TypeName(object));
      }
      throw CypherTypeError("InvalidArgumentType", "Cannot read property '" + key_name +
                                                       "' of a value of type " + TypeName(object));
  }
}

Value::Map PropertiesOf(const Value& object, ExecContext& ctx) {
  Value::Map out;
  std::vector<std::pair<storage::PropertyId, PropertyValue>> props;
  if (object.IsNode()) {
    props = Unwrap(object.AsNode().Properties(View::kNew));
  } else if (object.IsRelationship()) {
    props = Unwrap(object.AsRelationship().Properties(View::kNew));
  } else if (object.IsMap()) {
    return object.AsMap();
  } else if (object.IsNull()) {
    return out;
  } else {
    throw CypherTypeError(
        "InvalidArgumentType",
        std::string("Expected a Node, Relationship or Map, got ") + TypeName(object));
  }
  for (auto& [k, v] : props) out.emplace(std::string(ctx.storage->PropertyName(k)), ToValue(v));
  return out;
}

void ThrowStorageError(const storage::Error& e) {
  using storage::ErrorCode;
  switch (e.code) {
    case ErrorCode::kSerialization:
      throw TransientError("", e.message.empty()
                                   ? "Cannot resolve conflicting transactions. Retry this "
                                     "transaction when the conflicting transaction is finished"
                                   : e.message);
    case ErrorCode::kDeletedObject:
    case ErrorCode::kNonexistentObject:
      throw EntityNotFound("DeletedEntityAccess",
                           e.message.empty() ? "The node or relationship was deleted" : e.message);
    case ErrorCode::kVertexHasEdges:
      throw ConstraintViolation("DeleteConnectedNode",
                                e.message.empty()
                                    ? "Cannot delete a node that has relationships; use "
                                      "DETACH DELETE"
                                    : e.message);
    case ErrorCode::kConstraintViolation:
      throw ConstraintViolation("", e.message);
    case ErrorCode::kIndexExists:
    case ErrorCode::kIndexMissing:
    case ErrorCode::kConstraintExists:
    case ErrorCode::kConstraintMissing:
      throw CypherError(ErrorKind::kSemantic, "", e.message);
    case ErrorCode::kDurability:  // the commit was not applied (ADR 010)
      throw DatabaseError("TransactionLogError", e.message);
    case ErrorCode::kCommitOutcomeUnknown:
      throw DatabaseError("TransactionCommitFailed", e.message);
  }
  throw DatabaseError("", e.message);
}

ExprPtr MakeLiteral(Value v) { return std::make_unique<LiteralExpr>(std::move(v)); }
ExprPtr MakeParameter(size_t index, std::string name) {
  return std::make_unique<ParameterExpr>(index, std::move(name));
}
ExprPtr MakeSlot(size_t slot, std::string name) {
  return std::make_unique<SlotExpr>(slot, std::move(name));
}
ExprPtr MakeProperty(ExprPtr object, storage::PropertyId key, std::string key_name) {
  return std::make_unique<PropertyExpr>(std::move(object), key, std::move(key_name));
}
ExprPtr MakeSubscript(ExprPtr object, ExprPtr index) {
  return std::make_unique<SubscriptExpr>(std::move(object), std::move(index));
}
ExprPtr MakeSlice(ExprPtr list, ExprPtr from, ExprPtr to) {
  return std::make_unique<SliceExpr>(std::move(list), std::move(from), std::move(to));
}
ExprPtr MakeHasLabels(ExprPtr object, std::vector<storage::LabelId> labels,
                      std::vector<std::string> names) {
  return std::make_unique<HasLabelsExpr>(std::move(object), std::move(labels), std::move(names));
}
ExprPtr MakeList(std::vector<ExprPtr> items) {
  return std::make_unique<ListExpr>(std::move(items));
}
ExprPtr MakeMap(std::vector<std::pair<std::string, ExprPtr>> items) {
  return std::make_unique<MapExpr>(std::move(items));
}
ExprPtr MakeUnary(UnaryOp op, ExprPtr operand) {
  return std::make_unique<UnaryExpr>(op, std::move(operand));
}
ExprPtr MakeBinary(BinaryOp op, ExprPtr lhs, ExprPtr rhs) {
  return std::make_unique<BinaryExpr>(op, std::move(lhs), std::move(rhs));
}
ExprPtr MakeIsNull(ExprPtr operand, bool negated) {
  return std::make_unique<IsNullExpr>(std::move(operand), negated);
}
ExprPtr MakeCase(ExprPtr subject, std::vector<std::pair<ExprPtr, ExprPtr>> whens,
                 ExprPtr otherwise) {
  return std::make_unique<CaseExpr>(std::move(subject), std::move(whens), std::move(otherwise));
}
ExprPtr MakeFunctionCall(const FunctionInfo* fn, std::vector<ExprPtr> args) {
  return std::make_unique<FunctionExpr>(fn, std::move(args));
}
ExprPtr MakeListComprehension(size_t var_slot, ExprPtr list, ExprPtr where, ExprPtr projection) {
  return std::make_unique<ListComprehensionExpr>(var_slot, std::move(list), std::move(where),
                                                 std::move(projection));
}
ExprPtr MakeQuantifier(Quantifier q, size_t var_slot, ExprPtr list, ExprPtr where) {
  return std::make_unique<QuantifierExpr>(q, var_slot, std::move(list), std::move(where));
}
ExprPtr MakeReduce(size_t acc_slot, ExprPtr init, size_t var_slot, ExprPtr list, ExprPtr expr) {
  return std::make_unique<ReduceExpr>(acc_slot, std::move(init), var_slot, std::move(list),
                                      std::move(expr));
}
ExprPtr MakeExists(std::shared_ptr<const Operator> subplan) {
  return std::make_unique<ExistsExpr>(std::move(subplan));
}
ExprPtr MakePatternComprehension(std::shared_ptr<const Operator> subplan, ExprPtr projection) {
  return std::make_unique<PatternComprehensionExpr>(std::move(subplan), std::move(projection));
}
ExprPtr MakeMapProjection(ExprPtr object, std::vector<MapProjectionItem> items) {
  return std::make_unique<MapProjectionExpr>(std::move(object), std::move(items));
}

ExprPtr MakePropertiesMatch(ExprPtr object, ExprPtr props) {
  return std::make_unique<PropertiesMatchExpr>(std::move(object), std::move(props));
}

}  // namespace tributary::cypher::exec
