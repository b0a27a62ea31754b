// Clauses: MATCH, UNWIND, CREATE, MERGE, SET, REMOVE, DELETE, WITH, RETURN, CALL.

#include "cypher/parser/parser_impl.hpp"

namespace tributary::cypher {

ClausePtr Parser::ParseClause() {
  if (AtKeyword("MATCH") || AtKeyword("OPTIONAL")) return ParseMatch();
  if (AtKeyword("UNWIND")) return ParseUnwind();
  if (AtKeyword("CREATE")) return ParseCreate();
  if (AtKeyword("MERGE")) return ParseMerge();
  if (AtKeyword("SET")) return ParseSet();
  if (AtKeyword("REMOVE")) return ParseRemove();
  if (AtKeyword("DELETE") || AtKeyword("DETACH")) return ParseDelete();
  if (AtKeyword("WITH")) return ParseWith();
  if (AtKeyword("RETURN")) return ParseReturn();
  if (AtKeyword("CALL")) return ParseCall();
  Fail(Peek(), "a clause");
}

ClausePtr Parser::ParseMatch() {
  auto clause = std::make_unique<MatchClause>(Peek().pos);
  if (AcceptKeyword("OPTIONAL")) clause->optional = true;
  ExpectKeyword("MATCH");
  ParsePattern(clause->pattern);
  for (const PatternPart& part : clause->pattern.parts) CheckNoParameterMaps(part, "MATCH");
  if (AcceptKeyword("WHERE")) clause->where = ParsePredicate();
  return clause;
}

ClausePtr Parser::ParseUnwind() {
  auto clause = std::make_unique<UnwindClause>(Next().pos);
  clause->list = ParseExpression();
  ExpectKeyword("AS");
  clause->variable = ParseVariable();
  return clause;
}

ClausePtr Parser::ParseCreate() {
  auto clause = std::make_unique<CreateClause>(Next().pos);
  ParsePattern(clause->pattern);
  for (const PatternPart& part : clause->pattern.parts) {
    for (const RelationshipPattern& rel : part.relationships) {
      CheckCreatableRelationship(rel, "CREATE");
      if (rel.direction == RelDirection::kBoth) {
        FailAt(rel.pos, "RequiresDirectedRelationship",
               "Only directed relationships are supported in CREATE");
      }
    }
  }
  return clause;
}

ClausePtr Parser::ParseMerge() {
  auto clause = std::make_unique<MergeClause>(Next().pos);
  clause->pattern = ParsePatternPart();
  CheckNoParameterMaps(clause->pattern, "MERGE");
  for (const RelationshipPattern& rel : clause->pattern.relationships) {
    CheckCreatableRelationship(rel, "MERGE");
  }
  while (AtKeyword("ON")) {
    Next();
    std::vector<SetItem>* items = nullptr;
    if (AcceptKeyword("CREATE")) {
      items = &clause->on_create;
    } else if (AcceptKeyword("MATCH")) {
      items = &clause->on_match;
    } else {
      Fail(Peek(), "CREATE or MATCH");
    }
    ExpectKeyword("SET");
    ParseSetItems(*items);
  }
  return clause;
}

ClausePtr Parser::ParseSet() {
  auto clause = std::make_unique<SetClause>(Next().pos);
  ParseSetItems(clause->items);
  return clause;
}

void Parser::ParseSetItems(std::vector<SetItem>& items) {
  do {
    items.push_back(ParseSetItem());
  } while (Accept(TokenKind::kComma));
}

SetItem Parser::ParseSetItem() {
  SetItem item;
  item.pos = Peek().pos;
  if (At(TokenKind::kLParen)) {
    // `SET (expr).key = value`: openCypher allows any atom before the lookup.
    Next();
    ExprPtr object = ParseExpression();
    Expect(TokenKind::kRParen, "')'");
    item.kind = SetItemKind::kProperty;
    item.property = ParsePropertyChain(std::move(object));
    Expect(TokenKind::kEq, "'='");
    item.value = ParseExpression();
    return item;
  }
  std::string variable = ParseVariable();
  if (At(TokenKind::kDot)) {
    item.kind = SetItemKind::kProperty;
    item.property = ParsePropertyChain(std::make_unique<VariableExpr>(item.pos, variable));
    Expect(TokenKind::kEq, "'='");
    item.value = ParseExpression();
    return item;
  }
  item.variable = std::move(variable);
  if (Accept(TokenKind::kEq)) {
    item.kind = SetItemKind::kReplaceMap;
    item.value = ParseExpression();
  } else if (Accept(TokenKind::kPlusEq)) {
    item.kind = SetItemKind::kMergeMap;
    item.value = ParseExpression();
  } else if (At(TokenKind::kColon)) {
    item.kind = SetItemKind::kLabels;
    item.labels = ParseLabels();
  } else {
    Fail(Peek(), "'.', '=', '+=' or ':'");
  }
  return item;
}

ClausePtr Parser::ParseRemove() {
  auto clause = std::make_unique<RemoveClause>(Next().pos);
  do {
    clause->items.push_back(ParseRemoveItem());
  } while (Accept(TokenKind::kComma));
  return clause;
}

RemoveItem Parser::ParseRemoveItem() {
  RemoveItem item;
  item.pos = Peek().pos;
  if (At(TokenKind::kLParen)) {
    Next();
    ExprPtr object = ParseExpression();
    Expect(TokenKind::kRParen, "')'");
    item.kind = RemoveItemKind::kProperty;
    item.property = ParsePropertyChain(std::move(object));
    return item;
  }
  std::string variable = ParseVariable();
  if (At(TokenKind::kDot)) {
    item.kind = RemoveItemKind::kProperty;
    item.property = ParsePropertyChain(std::make_unique<VariableExpr>(item.pos, variable));
  } else if (At(TokenKind::kColon)) {
    item.kind = RemoveItemKind::kLabels;
    item.variable = std::move(variable);
    item.labels = ParseLabels();
  } else {
    Fail(Peek(), "'.' or ':'");
  }
  return item;
}

ClausePtr Parser::ParseDelete() {
  auto clause = std::make_unique<DeleteClause>(Peek().pos);
  if (AcceptKeyword("DETACH")) clause->detach = true;
  ExpectKeyword("DELETE");
  do {
    clause->exprs.push_back(ParseExpression());
    if (clause->exprs.back()->kind == ExprKind::kLabelsTest) {
      FailAt(clause->exprs.back()->pos, "InvalidDelete",
             "DELETE takes nodes, relationships or paths; use REMOVE to remove labels");
    }
  } while (Accept(TokenKind::kComma));
  return clause;
}

ClausePtr Parser::ParseWith() {
  auto clause = std::make_unique<WithClause>(Next().pos);
  ParseProjectionBody(clause->body);
  if (AcceptKeyword("WHERE")) clause->where = ParsePredicate();
  return clause;
}

ClausePtr Parser::ParseReturn() {
  auto clause = std::make_unique<ReturnClause>(Next().pos);
  ParseProjectionBody(clause->body);
  return clause;
}

void Parser::ParseProjectionBody(ProjectionBody& body) {
  body.distinct = AcceptKeyword("DISTINCT");
  if (Accept(TokenKind::kStar)) {
    body.star = true;
    while (Accept(TokenKind::kComma)) body.items.push_back(ParseProjectionItem());
  } else {
    do {
      body.items.push_back(ParseProjectionItem());
    } while (Accept(TokenKind::kComma));
  }
  if (AcceptKeyword("ORDER")) {
    ExpectKeyword("BY");
    do {
      SortItem& sort = body.order_by.emplace_back();
      sort.expr = ParseExpression();
      if (AcceptKeyword("DESC") || AcceptKeyword("DESCENDING")) {
        sort.descending = true;
      } else if (!AcceptKeyword("ASC")) {
        AcceptKeyword("ASCENDING");
      }
    } while (Accept(TokenKind::kComma));
  }
  if (AcceptKeyword("SKIP")) {
    body.skip = ParseExpression();
    CheckPagingLiteral(*body.skip, "SKIP");
  }
  if (AcceptKeyword("LIMIT")) {
    body.limit = ParseExpression();
    CheckPagingLiteral(*body.limit, "LIMIT");
  }
}

ProjectionItem Parser::ParseProjectionItem() {
  ProjectionItem item;
  item.pos = Peek().pos;
  item.expr = ParseExpression();
  item.text.assign(text_.substr(item.pos.offset, PrevEnd() - item.pos.offset));
  if (AcceptKeyword("AS")) item.alias = ParseVariable("an alias name");
  return item;
}

ClausePtr Parser::ParseCall() {
  SourcePos pos = Next().pos;
  if (At(TokenKind::kLBrace)) {
    Next();
    auto clause = std::make_unique<CallSubqueryClause>(pos);
    clause->query = std::make_unique<Query>();
    ParseQuery(*clause->query);
    Expect(TokenKind::kRBrace, "a clause, UNION or '}'");
    return clause;
  }
  auto clause = std::make_unique<CallClause>(pos);
  clause->procedure = ParseDottedName("a procedure name");
  if (Accept(TokenKind::kLParen)) {
    if (!Accept(TokenKind::kRParen)) {
      do {
        clause->args.push_back(ParseExpression());
      } while (Accept(TokenKind::kComma));
      Expect(TokenKind::kRParen, "',' or ')'");
    }
  } else {
    clause->explicit_args = false;
  }
  if (AcceptKeyword("YIELD")) {
    clause->has_yield = true;
    if (Accept(TokenKind::kStar)) {
      clause->yield_star = true;
    } else {
      do {
        YieldItem& item = clause->yields.emplace_back();
        item.pos = Peek().pos;
        item.field = ParseSchemaName("a procedure output name");
        if (AcceptKeyword("AS")) item.alias = ParseVariable("an alias name");
      } while (Accept(TokenKind::kComma));
    }
    if (AcceptKeyword("WHERE")) clause->where = ParsePredicate();
  }
  return clause;
}

void Parser::CheckNoParameterMaps(const PatternPart& part, std::string_view clause) const {
  auto check = [&](const ExprPtr& properties) {
    if (properties && properties->kind == ExprKind::kParameter) {
      FailAt(properties->pos, "InvalidParameterUse",
             "Parameter maps cannot be used in " + std::string(clause) +
                 " patterns; use a literal map, e.g. {name: $name}");
    }
  };
  for (const NodePattern& node : part.nodes) check(node.properties);
  for (const RelationshipPattern& rel : part.relationships) check(rel.properties);
}

void Parser::CheckCreatableRelationship(const RelationshipPattern& rel,
                                        std::string_view clause) const {
  if (rel.variable_length) {
    FailAt(rel.pos, "CreatingVarLength",
           "Variable length relationships cannot be used in " + std::string(clause));
  }
  // A named relationship without exactly one type is left to the planner:
  // when the name is already bound, VariableAlreadyBound is the error the
  // TCK expects (the planner checks binding before the type count).
  if (rel.types.size() != 1 && rel.variable.empty()) {
    FailAt(rel.pos, "NoSingleRelationshipType",
           "A single relationship type must be specified for " + std::string(clause));
  }
}

void Parser::CheckPagingLiteral(const Expr& expr, std::string_view clause) const {
  if (expr.kind != ExprKind::kLiteral) return;
  const PropertyValue& value = static_cast<const LiteralExpr&>(expr).value;
  if (value.IsInt() && value.AsInt() < 0) {
    FailAt(expr.pos, "NegativeIntegerArgument",
           "Invalid input for " + std::string(clause) + ": " + std::to_string(value.AsInt()) +
               " is not a non-negative integer");
  }
  if (!value.IsInt()) {
    FailAt(expr.pos, "InvalidArgumentType",
           "Invalid input for " + std::string(clause) + ": " + ToCypherLiteral(value) +
               " is not an integer");
  }
}

std::unique_ptr<PropertyExpr> Parser::ParsePropertyChain(ExprPtr object) {
  SourcePos pos = object->pos;
  std::unique_ptr<PropertyExpr> result;
  DepthGuard chain(*this, 0);
  do {
    chain.Deepen();
    Expect(TokenKind::kDot, "'.'");
    std::string key = ParseSchemaName("a property key name");
    ExprPtr inner = result ? ExprPtr(std::move(result)) : std::move(object);
    result = std::make_unique<PropertyExpr>(pos, std::move(inner), std::move(key));
  } while (At(TokenKind::kDot));
  return result;
}

std::vector<std::string> Parser::ParseLabels() {
  std::vector<std::string> labels;
  while (Accept(TokenKind::kColon)) labels.push_back(ParseSchemaName("a label name"));
  return labels;
}

}  // namespace tributary::cypher
