// Expressions, by precedence climbing. Levels, loosest first (openCypher 9):
//   OR < XOR < AND < NOT (prefix) < comparison (chained) <
//   string/list/null predicates (STARTS WITH, ENDS WITH, CONTAINS, IN, =~,
//   IS [NOT] NULL) < + - < * / % < ^ (left-assoc) < unary + - <
//   postfix (.key, [i], [a..b], :Label) < atoms.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "cypher/parser/parser_impl.hpp"

namespace tributary::cypher {
namespace {

constexpr int kPrecOr = 1;
constexpr int kPrecXor = 2;
constexpr int kPrecAnd = 3;
constexpr int kPrecComparison = 5;
constexpr int kPrecPredicate = 6;
constexpr int kPrecAdd = 7;
constexpr int kPrecMul = 8;
constexpr int kPrecPow = 9;

enum class OpShape : uint8_t { kNone, kBinary, kComparison, kIsNull };

struct OpInfo {
  OpShape shape = OpShape::kNone;
  int prec = 0;
  BinaryOp op = BinaryOp::kOr;
  int tokens = 1;  // tokens the operator spans (STARTS WITH: 2)
};

std::optional<BinaryOp> ComparisonOp(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEq:
      return BinaryOp::kEq;
    case TokenKind::kNe:
      return BinaryOp::kNe;
    case TokenKind::kLt:
      return BinaryOp::kLt;
    case TokenKind::kGt:
      return BinaryOp::kGt;
    case TokenKind::kLe:
      return BinaryOp::kLe;
    case TokenKind::kGe:
      return BinaryOp::kGe;
    default:
      return std::nullopt;
  }
}

}  // namespace

ExprPtr Parser::ParseExpression() {
  DepthGuard guard(*this);
  return ParseBinary(0);
}

ExprPtr Parser::ParsePredicate() {
  ExprPtr expr = ParseExpression();
  predicate_roots_.push_back(expr.get());
  return expr;
}

namespace {

/// Collects the pattern predicates reachable from a boolean context through
/// AND, OR, XOR and NOT only.
void CollectAllowedPatterns(const Expr& e, std::vector<const Expr*>& allowed) {
  if (e.kind == ExprKind::kPattern) {
    allowed.push_back(&e);
  } else if (e.kind == ExprKind::kBinary) {
    auto& b = static_cast<const BinaryExpr&>(e);
    if (b.op == BinaryOp::kAnd || b.op == BinaryOp::kOr || b.op == BinaryOp::kXor) {
      CollectAllowedPatterns(*b.lhs, allowed);
      CollectAllowedPatterns(*b.rhs, allowed);
    }
  } else if (e.kind == ExprKind::kUnary) {
    auto& u = static_cast<const UnaryExpr&>(e);
    if (u.op == UnaryOp::kNot) CollectAllowedPatterns(*u.operand, allowed);
  }
}

}  // namespace

void Parser::CheckPatternPredicates() const {
  if (pattern_exprs_.empty()) return;
  std::vector<const Expr*> allowed;
  for (const Expr* root : predicate_roots_) CollectAllowedPatterns(*root, allowed);
  std::sort(allowed.begin(), allowed.end());
  for (const PatternExpr* pattern : pattern_exprs_) {
    if (!std::binary_search(allowed.begin(), allowed.end(), static_cast<const Expr*>(pattern))) {
      FailAt(pattern->pos, "UnexpectedSyntax",
             "A pattern expression can only test for the existence of a pattern: use it in a "
             "WHERE clause or in exists(), or write a pattern comprehension instead");
    }
  }
}

ExprPtr Parser::ParseBinary(int min_prec) {
  DepthGuard chain(*this, 0);
  ExprPtr lhs;
  // NOT binds looser than comparisons but tighter than AND, and is only
  // allowed where an operand of AND (or looser) may start.
  if (AtKeyword("NOT") && min_prec <= kPrecComparison) {
    DepthGuard guard(*this);
    SourcePos pos = Next().pos;
    lhs = std::make_unique<UnaryExpr>(pos, UnaryOp::kNot, ParseBinary(kPrecComparison));
  } else {
    lhs = ParseUnary();
  }
  for (;;) {
    OpInfo info;
    const Token& t = Peek();
    switch (t.kind) {
      case TokenKind::kPlus:
        info = {OpShape::kBinary, kPrecAdd, BinaryOp::kAdd};
        break;
      case TokenKind::kMinus:
        info = {OpShape::kBinary, kPrecAdd, BinaryOp::kSub};
        break;
      case TokenKind::kStar:
        info = {OpShape::kBinary, kPrecMul, BinaryOp::kMul};
        break;
      case TokenKind::kSlash:
        info = {OpShape::kBinary, kPrecMul, BinaryOp::kDiv};
        break;
      case TokenKind::kPercent:
        info = {OpShape::kBinary, kPrecMul, BinaryOp::kMod};
        break;
      case TokenKind::kCaret:
        info = {OpShape::kBinary, kPrecPow, BinaryOp::kPow};
        break;
      case TokenKind::kRegexMatch:
        info = {OpShape::kBinary, kPrecPredicate, BinaryOp::kRegexMatch};
        break;
      case TokenKind::kIdentifier:
        if (AtKeyword("OR")) {
          info = {OpShape::kBinary, kPrecOr, BinaryOp::kOr};
        } else if (AtKeyword("XOR")) {
          info = {OpShape::kBinary, kPrecXor, BinaryOp::kXor};
        } else if (AtKeyword("AND")) {
          info = {OpShape::kBinary, kPrecAnd, BinaryOp::kAnd};
        } else if (AtKeyword("IN")) {
          info = {OpShape::kBinary, kPrecPredicate, BinaryOp::kIn};
        } else if (AtKeyword("CONTAINS")) {
          info = {OpShape::kBinary, kPrecPredicate, BinaryOp::kContains};
        } else if (AtKeyword("STARTS")) {
          info = {OpShape::kBinary, kPrecPredicate, BinaryOp::kStartsWith, 2};
        } else if (AtKeyword("ENDS")) {
          info = {OpShape::kBinary, kPrecPredicate, BinaryOp::kEndsWith, 2};
        } else if (AtKeyword("IS")) {
          info = {OpShape::kIsNull, kPrecPredicate};
        }
        break;
      default:
        if (ComparisonOp(t.kind)) info = {OpShape::kComparison, kPrecComparison};
        break;
    }
    if (info.shape == OpShape::kNone || info.prec < min_prec) return lhs;
    chain.Deepen();
    if (info.shape == OpShape::kComparison) {
      lhs = ParseComparisonChain(std::move(lhs));
      continue;
    }
    if (info.shape == OpShape::kIsNull) {
      Next();
      bool negated = AcceptKeyword("NOT");
      if (!AtKeyword("NULL")) Fail(Peek(), negated ? "NULL" : "NULL or NOT NULL");
      Next();
      SourcePos pos = lhs->pos;
      lhs = std::make_unique<IsNullExpr>(pos, std::move(lhs), negated);
      continue;
    }
    if (info.prec <= kPrecAnd) {
      lhs = ParseBooleanChain(std::move(lhs), info.op, info.prec);
      continue;
    }
    Next();
    if (info.tokens == 2) ExpectKeyword("WITH");
    ExprPtr rhs = ParseBinary(info.prec + 1);
    SourcePos pos = lhs->pos;
    lhs = std::make_unique<BinaryExpr>(pos, info.op, std::move(lhs), std::move(rhs));
  }
}

namespace {

/// Builds a balanced tree over operands[lo, hi). Depth is log2 of the count.
ExprPtr BuildBalanced(BinaryOp op, std::vector<ExprPtr>& operands, size_t lo, size_t hi) {
  if (hi - lo == 1) return std::move(operands[lo]);
  size_t mid = lo + (hi - lo + 1) / 2;
  SourcePos pos = operands[lo]->pos;
  ExprPtr lhs = BuildBalanced(op, operands, lo, mid);
  ExprPtr rhs = BuildBalanced(op, operands, mid, hi);
  return std::make_unique<BinaryExpr>(pos, op, std::move(lhs), std::move(rhs));
}

}  // namespace

ExprPtr Parser::ParseBooleanChain(ExprPtr first, BinaryOp op, int prec) {
  std::vector<ExprPtr> operands;
  operands.push_back(std::move(first));
  std::string_view keyword = op == BinaryOp::kOr ? "OR" : op == BinaryOp::kXor ? "XOR" : "AND";
  while (AcceptKeyword(keyword)) operands.push_back(ParseBinary(prec + 1));
  return BuildBalanced(op, operands, 0, operands.size());
}

ExprPtr Parser::ParseComparisonChain(ExprPtr first) {
  SourcePos pos = first->pos;
  BinaryOp op = *ComparisonOp(Next().kind);
  ExprPtr second = ParseBinary(kPrecPredicate);
  std::optional<BinaryOp> next_op = ComparisonOp(Peek().kind);
  if (!next_op) {
    return std::make_unique<BinaryExpr>(pos, op, std::move(first), std::move(second));
  }
  auto chain = std::make_unique<ComparisonChainExpr>(pos);
  chain->operands.push_back(std::move(first));
  chain->operands.push_back(std::move(second));
  chain->ops.push_back(op);
  while (next_op) {
    Next();
    chain->ops.push_back(*next_op);
    chain->operands.push_back(ParseBinary(kPrecPredicate));
    next_op = ComparisonOp(Peek().kind);
  }
  return chain;
}

ExprPtr Parser::ParseUnary() {
  if (!At(TokenKind::kMinus) && !At(TokenKind::kPlus)) return ParsePostfix();
  DepthGuard guard(*this);
  const Token& op = Next();
  bool minus = op.kind == TokenKind::kMinus;
  // Fold `-<number>` into the literal so that the most negative integer is
  // representable, unless a postfix operator makes the number an operand.
  if (minus && (At(TokenKind::kInteger) || At(TokenKind::kFloat)) && !At(TokenKind::kDot, 1) &&
      !At(TokenKind::kLBracket, 1) && !At(TokenKind::kColon, 1)) {
    ExprPtr literal = ParseNumber(/*negative=*/true);
    literal->pos = op.pos;
    return literal;
  }
  return std::make_unique<UnaryExpr>(op.pos, minus ? UnaryOp::kMinus : UnaryOp::kPlus,
                                     ParseUnary());
}

ExprPtr Parser::ParsePostfix() {
  ExprPtr expr = ParseAtom();
  DepthGuard chain(*this, 0);
  for (;;) {
    if (At(TokenKind::kDot) || At(TokenKind::kLBracket)) chain.Deepen();
    if (At(TokenKind::kDot)) {
      Next();
      std::string key = ParseSchemaName("a property key name");
      SourcePos pos = expr->pos;
      expr = std::make_unique<PropertyExpr>(pos, std::move(expr), std::move(key));
    } else if (At(TokenKind::kLBracket)) {
      Next();
      SourcePos pos = expr->pos;
      ExprPtr from;
      if (!At(TokenKind::kDotDot)) from = ParseExpression();
      if (Accept(TokenKind::kDotDot)) {
        ExprPtr to;
        if (!At(TokenKind::kRBracket)) to = ParseExpression();
        expr = std::make_unique<SliceExpr>(pos, std::move(expr), std::move(from), std::move(to));
      } else {
        expr = std::make_unique<SubscriptExpr>(pos, std::move(expr), std::move(from));
      }
      Expect(TokenKind::kRBracket, "']'");
    } else {
      break;
    }
  }
  if (At(TokenKind::kColon)) {
    SourcePos pos = expr->pos;
    expr = std::make_unique<LabelsTestExpr>(pos, std::move(expr), ParseLabels());
  }
  return expr;
}

int64_t Parser::IntegerValue(const Token& t, bool negative) const {
  std::string_view text = t.text;
  unsigned base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    text.remove_prefix(2);
  } else if (text.size() > 2 && text[0] == '0' && (text[1] == 'o' || text[1] == 'O')) {
    base = 8;
    text.remove_prefix(2);
  } else if (text.size() > 1 && text[0] == '0') {
    base = 8;  // openCypher 9's legacy octal form, e.g. 017.
    text.remove_prefix(1);
  }
  const uint64_t limit = negative ? (uint64_t{1} << 63) : (uint64_t{1} << 63) - 1;
  uint64_t magnitude = 0;
  for (char c : text) {
    unsigned digit;
    if (c >= '0' && c <= '9') {
      digit = static_cast<unsigned>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<unsigned>(c - 'a' + 10);
    } else {
      digit = static_cast<unsigned>(c - 'A' + 10);
    }
    if (digit >= base) {
      FailAt(t.pos, "InvalidNumberLiteral", "Invalid number literal '" + std::string(t.text) + "'");
    }
    if (magnitude > (limit - digit) / base) {
      FailAt(t.pos, "IntegerOverflow",
             "Integer literal " + std::string(negative ? "-" : "") + std::string(t.text) +
                 " is too large for a 64-bit integer");
    }
    magnitude = magnitude * base + digit;
  }
  if (negative)
    return magnitude == (uint64_t{1} << 63) ? INT64_MIN : -static_cast<int64_t>(magnitude);
  return static_cast<int64_t>(magnitude);
}

ExprPtr Parser::ParseNumber(bool negative) {
  const Token& t = Next();
  if (t.kind == TokenKind::kInteger) {
    return std::make_unique<LiteralExpr>(t.pos, PropertyValue(IntegerValue(t, negative)));
  }
  double value = 0;
  auto [end, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), value);
  if (ec == std::errc::result_out_of_range) {
    // from_chars leaves value unspecified here; strtod tells overflow from underflow.
    std::string copy(t.text);
    value = std::strtod(copy.c_str(), nullptr);
  } else if (ec != std::errc() || end != t.text.data() + t.text.size()) {
    FailAt(t.pos, "InvalidNumberLiteral", "Invalid number literal '" + std::string(t.text) + "'");
  }
  if (std::isinf(value)) {
    FailAt(t.pos, "FloatingPointOverflow",
           "Floating point literal " + std::string(t.text) + " is too large");
  }
  return std::make_unique<LiteralExpr>(t.pos, PropertyValue(negative ? -value : value));
}

bool Parser::AtFunctionCall(size_t ahead) const {
  if (!AtVariable(ahead) && !AtKeyword("EXISTS", ahead) && !AtKeyword("ALL", ahead)) {
    return false;
  }
  size_t i = ahead + 1;
  while (At(TokenKind::kDot, i) && AtName(i + 1)) i += 2;
  return At(TokenKind::kLParen, i);
}

ExprPtr Parser::ParseAtom() {
  const Token& t = Peek();
  switch (t.kind) {
    case TokenKind::kInteger:
    case TokenKind::kFloat:
      return ParseNumber(/*negative=*/false);
    case TokenKind::kString:
      Next();
      return std::make_unique<LiteralExpr>(t.pos, PropertyValue(t.value));
    case TokenKind::kParameter:
      Next();
      return std::make_unique<ParameterExpr>(t.pos, t.value);
    case TokenKind::kLParen:
      return ParseParenthesizedOrPattern();
    case TokenKind::kLBracket:
      return ParseListOrComprehension();
    case TokenKind::kLBrace:
      return ParseMapLiteral();
    case TokenKind::kIdentifier:
      if (AtKeyword("TRUE") || AtKeyword("FALSE")) {
        bool value = AtKeyword("TRUE");
        Next();
        return std::make_unique<LiteralExpr>(t.pos, PropertyValue(value));
      }
      if (AtKeyword("NULL")) {
        Next();
        return std::make_unique<LiteralExpr>(t.pos, PropertyValue());
      }
      if (AtKeyword("CASE")) return ParseCase();
      if (AtKeyword("COUNT") && At(TokenKind::kLParen, 1) && At(TokenKind::kStar, 2) &&
          At(TokenKind::kRParen, 3)) {
        Next();
        Next();
        Next();
        Next();
        return std::make_unique<CountStarExpr>(t.pos);
      }
      if (At(TokenKind::kLParen, 1) && AtVariable(2) && AtKeyword("IN", 3)) {
        if (AtKeyword("ALL")) return ParseQuantifier(Quantifier::kAll);
        if (AtKeyword("ANY")) return ParseQuantifier(Quantifier::kAny);
        if (AtKeyword("NONE")) return ParseQuantifier(Quantifier::kNone);
        if (AtKeyword("SINGLE")) return ParseQuantifier(Quantifier::kSingle);
      }
      if (AtKeyword("REDUCE") && At(TokenKind::kLParen, 1) && AtVariable(2) &&
          At(TokenKind::kEq, 3)) {
        return ParseReduce();
      }
      if (AtKeyword("EXISTS") && At(TokenKind::kLBrace, 1)) return ParseExistsSubquery();
      [[fallthrough]];
    case TokenKind::kEscapedIdentifier:
      if (AtFunctionCall()) return ParseFunctionCall();
      if (AtVariable()) {
        std::string name = NameText();
        Next();
        if (At(TokenKind::kLBrace)) return ParseMapProjection(std::move(name), t.pos);
        return std::make_unique<VariableExpr>(t.pos, std::move(name));
      }
      break;
    default:
      break;
  }
  Fail(t, "an expression");
}

ExprPtr Parser::ParseParenthesizedOrPattern() {
  if (LooksLikeRelationshipPattern(0)) {
    auto expr = std::make_unique<PatternExpr>(Peek().pos);
    expr->pattern.pos = Peek().pos;
    ParsePatternElement(expr->pattern);
    pattern_exprs_.push_back(expr.get());
    return expr;
  }
  Next();
  ExprPtr expr = ParseExpression();
  Expect(TokenKind::kRParen, "')'");
  return expr;
}

ExprPtr Parser::ParseListOrComprehension() {
  SourcePos pos = Next().pos;
  if (AtVariable() && AtKeyword("IN", 1)) {
    auto expr = std::make_unique<ListComprehensionExpr>(pos);
    expr->variable = ParseVariable();
    Next();  // IN
    expr->list = ParseExpression();
    if (AcceptKeyword("WHERE")) expr->where = ParsePredicate();
    if (Accept(TokenKind::kPipe)) expr->projection = ParseExpression();
    Expect(TokenKind::kRBracket, "WHERE, '|' or ']'");
    return expr;
  }
  bool named = AtVariable() && At(TokenKind::kEq, 1) && LooksLikeRelationshipPattern(2);
  if (named || LooksLikeRelationshipPattern(0)) {
    auto expr = std::make_unique<PatternComprehensionExpr>(pos);
    expr->pattern.pos = Peek().pos;
    if (named) {
      expr->pattern.path_variable = ParseVariable();
      Next();  // =
    }
    ParsePatternElement(expr->pattern);
    if (AcceptKeyword("WHERE")) expr->where = ParsePredicate();
    Expect(TokenKind::kPipe, "WHERE or '|'");
    expr->projection = ParseExpression();
    Expect(TokenKind::kRBracket, "']'");
    return expr;
  }
  auto list = std::make_unique<ListExpr>(pos);
  if (!Accept(TokenKind::kRBracket)) {
    do {
      list->items.push_back(ParseExpression());
    } while (Accept(TokenKind::kComma));
    Expect(TokenKind::kRBracket, "',' or ']'");
  }
  return list;
}

ExprPtr Parser::ParseMapLiteral() {
  auto map = std::make_unique<MapExpr>(Expect(TokenKind::kLBrace, "'{'").pos);
  if (Accept(TokenKind::kRBrace)) return map;
  do {
    MapEntry& entry = map->entries.emplace_back();
    entry.pos = Peek().pos;
    entry.key = ParseSchemaName("a map key");
    Expect(TokenKind::kColon, "':'");
    entry.value = ParseExpression();
  } while (Accept(TokenKind::kComma));
  Expect(TokenKind::kRBrace, "',' or '}'");
  return map;
}

ExprPtr Parser::ParseMapProjection(std::string variable, SourcePos pos) {
  auto expr = std::make_unique<MapProjectionExpr>(pos);
  expr->variable = std::move(variable);
  Next();  // {
  if (Accept(TokenKind::kRBrace)) return expr;
  do {
    MapProjectionItem& item = expr->items.emplace_back();
    item.pos = Peek().pos;
    if (Accept(TokenKind::kDot)) {
      if (Accept(TokenKind::kStar)) {
        item.kind = MapProjectionItemKind::kAllProperties;
      } else {
        item.kind = MapProjectionItemKind::kProperty;
        item.key = ParseSchemaName("a property key name or '*'");
      }
    } else if (AtName() && At(TokenKind::kColon, 1)) {
      item.kind = MapProjectionItemKind::kLiteral;
      item.key = ParseSchemaName("a map key");
      Next();  // :
      item.value = ParseExpression();
    } else if (AtVariable()) {
      item.kind = MapProjectionItemKind::kVariable;
      item.key = ParseVariable();
    } else {
      Fail(Peek(), "'.key', '.*', 'key: value' or a variable");
    }
  } while (Accept(TokenKind::kComma));
  Expect(TokenKind::kRBrace, "',' or '}'");
  return expr;
}

ExprPtr Parser::ParseCase() {
  auto expr = std::make_unique<CaseExpr>(Next().pos);
  if (!AtKeyword("WHEN")) expr->subject = ParseExpression();
  while (AcceptKeyword("WHEN")) {
    CaseAlternative& alt = expr->alternatives.emplace_back();
    alt.when = expr->subject ? ParseExpression() : ParsePredicate();
    ExpectKeyword("THEN");
    alt.then = ParseExpression();
  }
  if (expr->alternatives.empty()) Fail(Peek(), "WHEN");
  if (AcceptKeyword("ELSE")) expr->otherwise = ParseExpression();
  if (!AtKeyword("END")) Fail(Peek(), expr->otherwise ? "END" : "WHEN, ELSE or END");
  Next();
  return expr;
}

ExprPtr Parser::ParseFunctionCall() {
  auto call = std::make_unique<FunctionCallExpr>(Peek().pos);
  const size_t start = pos_;
  call->name = ParseDottedName("a function name");
  Expect(TokenKind::kLParen, "'('");
  call->distinct = AcceptKeyword("DISTINCT");
  // exists(<pattern>) is the one function whose argument may be a pattern.
  bool is_exists = tokens_[start].kind == TokenKind::kIdentifier && call->name.size() == 6 &&
                   EqualsKeyword(call->name, "EXISTS");
  if (!Accept(TokenKind::kRParen)) {
    do {
      call->args.push_back(is_exists ? ParsePredicate() : ParseExpression());
    } while (Accept(TokenKind::kComma));
    Expect(TokenKind::kRParen, "',' or ')'");
  }
  return call;
}

ExprPtr Parser::ParseQuantifier(Quantifier q) {
  auto expr = std::make_unique<QuantifierExpr>(Next().pos, q);
  Next();  // (
  expr->variable = ParseVariable();
  Next();  // IN
  expr->list = ParseExpression();
  if (AcceptKeyword("WHERE")) expr->where = ParsePredicate();
  Expect(TokenKind::kRParen, "WHERE or ')'");
  return expr;
}

ExprPtr Parser::ParseReduce() {
  auto expr = std::make_unique<ReduceExpr>(Next().pos);
  Next();  // (
  expr->accumulator = ParseVariable();
  Next();  // =
  expr->init = ParseExpression();
  Expect(TokenKind::kComma, "','");
  expr->variable = ParseVariable();
  ExpectKeyword("IN");
  expr->list = ParseExpression();
  Expect(TokenKind::kPipe, "'|'");
  expr->expression = ParseExpression();
  Expect(TokenKind::kRParen, "')'");
  return expr;
}

ExprPtr Parser::ParseExistsSubquery() {
  auto expr = std::make_unique<ExistsSubqueryExpr>(Next().pos);
  Next();  // {
  expr->query = std::make_unique<Query>();
  Query& query = *expr->query;
  if (AtClauseStart()) {
    ParseQuery(query);
    Expect(TokenKind::kRBrace, "a clause, UNION or '}'");
    return expr;
  }
  // Short form: a pattern with an optional WHERE, desugared to MATCH.
  DepthGuard guard(*this);
  query.pos = Peek().pos;
  SingleQuery& part = query.parts.emplace_back();
  part.pos = query.pos;
  auto match = std::make_unique<MatchClause>(query.pos);
  ParsePattern(match->pattern);
  if (AcceptKeyword("WHERE")) match->where = ParsePredicate();
  part.clauses.push_back(std::move(match));
  Expect(TokenKind::kRBrace, "WHERE or '}'");
  return expr;
}

}  // namespace tributary::cypher
