// Patterns: `p = (a:L {k: v})-[r:T|U *1..3 {k: v}]->(b)`, comma-separated.

#include "cypher/parser/parser_impl.hpp"

namespace tributary::cypher {

void Parser::ParsePattern(Pattern& pattern) {
  do {
    pattern.parts.push_back(ParsePatternPart());
  } while (Accept(TokenKind::kComma));
}

PatternPart Parser::ParsePatternPart() {
  PatternPart part;
  part.pos = Peek().pos;
  if (AtVariable() && At(TokenKind::kEq, 1)) {
    part.path_variable = ParseVariable();
    Next();  // =
  }
  ParsePatternElement(part);
  return part;
}

void Parser::ParsePatternElement(PatternPart& part) {
  if (At(TokenKind::kLParen) && At(TokenKind::kLParen, 1)) {
    // openCypher allows a parenthesized pattern element: `((a)-->(b))`.
    DepthGuard guard(*this);
    Next();
    ParsePatternElement(part);
    Expect(TokenKind::kRParen, "')'");
    return;
  }
  part.nodes.push_back(ParseNodePattern());
  while (AtRelationshipStart(0)) {
    part.relationships.push_back(ParseRelationshipPattern());
    part.nodes.push_back(ParseNodePattern());
  }
}

NodePattern Parser::ParseNodePattern() {
  NodePattern node;
  node.pos = Expect(TokenKind::kLParen, "'('").pos;
  if (AtVariable()) node.variable = ParseVariable();
  if (At(TokenKind::kColon)) node.labels = ParseLabels();
  if (At(TokenKind::kLBrace) || At(TokenKind::kParameter)) {
    node.properties = ParsePatternProperties();
  }
  if (!At(TokenKind::kRParen)) {
    Fail(Peek(), node.properties ? "')'"
                 : !node.labels.empty() || !node.variable.empty()
                     ? "':', '{', a parameter or ')'"
                     : "a variable, ':', '{', a parameter or ')'");
  }
  Next();
  return node;
}

ExprPtr Parser::ParsePatternProperties() {
  if (At(TokenKind::kParameter)) {
    const Token& t = Next();
    return std::make_unique<ParameterExpr>(t.pos, t.value);
  }
  return ParseMapLiteral();
}

RelationshipPattern Parser::ParseRelationshipPattern() {
  RelationshipPattern rel;
  rel.pos = Peek().pos;
  bool left = Accept(TokenKind::kLt);
  Expect(TokenKind::kMinus, "'-'");
  if (Accept(TokenKind::kLBracket)) {
    if (AtVariable()) rel.variable = ParseVariable();
    if (Accept(TokenKind::kColon)) {
      rel.types.push_back(ParseSchemaName("a relationship type"));
      while (Accept(TokenKind::kPipe)) {
        Accept(TokenKind::kColon);
        rel.types.push_back(ParseSchemaName("a relationship type"));
      }
    }
    if (Accept(TokenKind::kStar)) {
      rel.variable_length = true;
      if (At(TokenKind::kInteger)) {
        rel.min_hops = IntegerValue(Next(), /*negative=*/false);
        if (Accept(TokenKind::kDotDot)) {
          if (At(TokenKind::kInteger)) rel.max_hops = IntegerValue(Next(), false);
        } else {
          rel.max_hops = rel.min_hops;
        }
      } else if (Accept(TokenKind::kDotDot)) {
        if (At(TokenKind::kInteger)) rel.max_hops = IntegerValue(Next(), false);
      }
    }
    if (At(TokenKind::kLBrace) || At(TokenKind::kParameter)) {
      rel.properties = ParsePatternProperties();
    }
    if (At(TokenKind::kDotDot) || At(TokenKind::kMinus) || At(TokenKind::kInteger) ||
        At(TokenKind::kFloat)) {
      // A malformed range such as `[:T..]` or `[*-2]`.
      FailAt(Peek().pos, "InvalidRelationshipPattern",
             "Invalid input " + DescribeToken(Peek()) +
                 " in relationship pattern: a length range is written *, *n, *n.., *..m or *n..m");
    }
    if (!At(TokenKind::kRBracket)) {
      Fail(Peek(), rel.properties        ? "']'"
                   : rel.variable_length ? "a hop count, '..', '{', a parameter or ']'"
                                         : "a variable, ':', '*', '{', a parameter or ']'");
    }
    Next();
  }
  Expect(TokenKind::kMinus, "'-'");
  bool right = Accept(TokenKind::kGt);
  if (left && !right) {
    rel.direction = RelDirection::kLeft;
  } else if (right && !left) {
    rel.direction = RelDirection::kRight;
  } else {
    rel.direction = RelDirection::kBoth;
  }
  return rel;
}

bool Parser::AtRelationshipStart(size_t ahead) const {
  // `<-` alone is not enough: `(a) < -1` is a comparison.
  if (At(TokenKind::kLt, ahead)) ++ahead;
  return At(TokenKind::kMinus, ahead) &&
         (At(TokenKind::kMinus, ahead + 1) || At(TokenKind::kLBracket, ahead + 1));
}

size_t Parser::SkipNodePattern(size_t ahead) const {
  size_t i = ahead;
  if (!At(TokenKind::kLParen, i)) return 0;
  ++i;
  if (AtName(i)) ++i;
  while (At(TokenKind::kColon, i) && AtName(i + 1)) i += 2;
  if (At(TokenKind::kParameter, i)) {
    ++i;
  } else if (At(TokenKind::kLBrace, i)) {
    // Skip a balanced {...}; its contents are checked by the real parse.
    size_t close = MatchingBrace(pos_ + i);
    if (close == 0) return 0;
    i = close - pos_ + 1;
  }
  if (!At(TokenKind::kRParen, i)) return 0;
  return i + 1;
}

size_t Parser::MatchingBrace(size_t index) const {
  if (brace_match_.empty()) {
    // Computed once, on first use, so lookahead stays linear on any input.
    brace_match_.assign(tokens_.size(), 0);
    std::vector<size_t> open;
    for (size_t k = 0; k < tokens_.size(); ++k) {
      if (tokens_[k].kind == TokenKind::kLBrace) {
        open.push_back(k);
      } else if (tokens_[k].kind == TokenKind::kRBrace && !open.empty()) {
        brace_match_[open.back()] = k;
        open.pop_back();
      }
    }
  }
  return index < brace_match_.size() ? brace_match_[index] : 0;
}

bool Parser::LooksLikeRelationshipPattern(size_t ahead) const {
  size_t after = SkipNodePattern(ahead);
  return after != 0 && AtRelationshipStart(after);
}

}  // namespace tributary::cypher
