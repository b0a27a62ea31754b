#include "cypher/parser/parser.hpp"

#include <initializer_list>

#include "cypher/parser/parser_impl.hpp"

namespace tributary::cypher {
namespace {

/// Words that cannot be used as unquoted variable names because they would
/// make the grammar ambiguous: openCypher's reserved words that can start or
/// continue an expression or clause, plus CALL and YIELD. STARTS, ENDS and
/// CONTAINS are not here: they are operators only after an operand, where a
/// variable cannot stand, so like Neo4j we accept them as names
/// (`WITH 1 AS contains RETURN contains`). Grouped by first letter so the
/// check stays cheap on the hot path.
bool IsReserved(std::string_view word) {
  if (word.size() < 2 || word.size() > 10) return false;
  char first = word[0];
  if (first >= 'a' && first <= 'z') first = static_cast<char>(first - 'a' + 'A');
  auto any_of = [&](std::initializer_list<std::string_view> words) {
    for (std::string_view w : words) {
      if (EqualsKeyword(word, w)) return true;
    }
    return false;
  };
  switch (first) {
    case 'A':
      return any_of({"ALL", "AND", "AS", "ASC", "ASCENDING"});
    case 'B':
      return any_of({"BY"});
    case 'C':
      return any_of({"CALL", "CASE", "CREATE"});
    case 'D':
      return any_of({"DELETE", "DESC", "DESCENDING", "DETACH", "DISTINCT"});
    case 'E':
      return any_of({"ELSE", "END", "EXISTS"});
    case 'F':
      return any_of({"FALSE"});
    case 'I':
      return any_of({"IN", "IS"});
    case 'L':
      return any_of({"LIMIT"});
    case 'M':
      return any_of({"MATCH", "MERGE"});
    case 'N':
      return any_of({"NOT", "NULL"});
    case 'O':
      return any_of({"ON", "OPTIONAL", "OR", "ORDER"});
    case 'R':
      return any_of({"REMOVE", "RETURN"});
    case 'S':
      return any_of({"SET", "SKIP"});
    case 'T':
      return any_of({"THEN", "TRUE"});
    case 'U':
      return any_of({"UNION", "UNWIND"});
    case 'W':
      return any_of({"WHEN", "WHERE", "WITH"});
    case 'X':
      return any_of({"XOR"});
    case 'Y':
      return any_of({"YIELD"});
    default:
      return false;
  }
}

}  // namespace

Parser::DepthGuard::DepthGuard(Parser& parser, int levels) : parser_(parser) {
  for (int i = 0; i < levels; ++i) Deepen();
}

void Parser::DepthGuard::Deepen() {
  if (parser_.depth_ >= parser_.max_depth_) {
    parser_.FailAt(
        parser_.Peek().pos, "NestingTooDeep",
        "Statement nests too deeply (more than " + std::to_string(parser_.max_depth_) + " levels)");
  }
  ++parser_.depth_;
  ++levels_;
}

Parser::Parser(std::string_view text, const ParseOptions& options)
    : text_(text), tokens_(Tokenize(text)), max_depth_(options.max_depth) {}

bool Parser::AtKeyword(std::string_view kw, size_t ahead) const {
  const Token& t = Peek(ahead);
  return t.kind == TokenKind::kIdentifier && EqualsKeyword(t.text, kw);
}

bool Parser::Accept(TokenKind kind) {
  if (!At(kind)) return false;
  Next();
  return true;
}

bool Parser::AcceptKeyword(std::string_view kw) {
  if (!AtKeyword(kw)) return false;
  Next();
  return true;
}

const Token& Parser::Expect(TokenKind kind, std::string_view what) {
  if (!At(kind)) Fail(Peek(), what);
  return Next();
}

void Parser::ExpectKeyword(std::string_view kw) {
  if (!AtKeyword(kw)) Fail(Peek(), kw);
  Next();
}

void Parser::Fail(const Token& t, std::string_view expected) const {
  std::string message =
      t.kind == TokenKind::kEnd ? "Unexpected end of input" : "Invalid input " + DescribeToken(t);
  message += ": expected ";
  message += expected;
  throw SyntaxError("UnexpectedSyntax", message, static_cast<int>(t.pos.line),
                    static_cast<int>(t.pos.column));
}

void Parser::FailAt(const SourcePos& pos, std::string detail, const std::string& message) const {
  throw SyntaxError(std::move(detail), message, static_cast<int>(pos.line),
                    static_cast<int>(pos.column));
}

bool Parser::AtVariable(size_t ahead) const {
  const Token& t = Peek(ahead);
  if (t.kind == TokenKind::kEscapedIdentifier) return true;
  return t.kind == TokenKind::kIdentifier && !IsReserved(t.text);
}

std::string Parser::NameText(size_t ahead) const {
  const Token& t = Peek(ahead);
  return t.kind == TokenKind::kEscapedIdentifier ? t.value : std::string(t.text);
}

std::string Parser::ParseVariable(std::string_view what) {
  if (!AtVariable()) Fail(Peek(), what);
  std::string name = NameText();
  Next();
  return name;
}

std::string Parser::ParseSchemaName(std::string_view what) {
  if (!AtName()) Fail(Peek(), what);
  std::string name = NameText();
  Next();
  return name;
}

std::string Parser::ParseDottedName(std::string_view what) {
  std::string name = ParseSchemaName(what);
  while (At(TokenKind::kDot) && AtName(1)) {
    Next();
    name += '.';
    name += ParseSchemaName(what);
  }
  return name;
}

StatementPtr Parser::ParseStatement() {
  StatementPtr statement = TryParseAdminStatement();
  if (!statement) statement = ParseQueryStatement();
  CheckPatternPredicates();
  Accept(TokenKind::kSemicolon);
  if (!At(TokenKind::kEnd)) {
    Fail(Peek(), statement->kind == StatementKind::kQuery ? "a clause, UNION, ';' or end of input"
                                                          : "';' or end of input");
  }
  return statement;
}

StatementPtr Parser::ParseQueryStatement() {
  auto statement = std::make_unique<QueryStatement>(Peek().pos);
  if (AcceptKeyword("EXPLAIN")) {
    statement->mode = QueryMode::kExplain;
  } else if (AcceptKeyword("PROFILE")) {
    statement->mode = QueryMode::kProfile;
  }
  ParseQuery(statement->query);
  return statement;
}

bool Parser::AtClauseStart() const {
  static constexpr std::string_view kClauseKeywords[] = {"MATCH",  "OPTIONAL", "UNWIND", "CREATE",
                                                         "MERGE",  "SET",      "REMOVE", "DELETE",
                                                         "DETACH", "WITH",     "RETURN", "CALL"};
  const Token& t = Peek();
  if (t.kind != TokenKind::kIdentifier) return false;
  for (std::string_view kw : kClauseKeywords) {
    if (EqualsKeyword(t.text, kw)) return true;
  }
  return false;
}

void Parser::ParseQuery(Query& query) {
  DepthGuard guard(*this);
  query.pos = Peek().pos;
  for (;;) {
    SingleQuery& part = query.parts.emplace_back();
    part.pos = Peek().pos;
    if (!AtClauseStart()) {
      Fail(Peek(),
           "a clause (MATCH, OPTIONAL MATCH, UNWIND, CREATE, MERGE, SET, REMOVE, DELETE, "
           "WITH, RETURN, CALL)");
    }
    while (AtClauseStart()) part.clauses.push_back(ParseClause());
    if (part.clauses.size() > 1) {
      for (const ClausePtr& clause : part.clauses) {
        if (clause->kind == ClauseKind::kCall && static_cast<CallClause&>(*clause).yield_star) {
          FailAt(clause->pos, "UnexpectedSyntax",
                 "YIELD * is only allowed in a standalone procedure call");
        }
      }
    }
    if (!AtKeyword("UNION")) break;
    const Token& union_token = Next();
    query.union_all.push_back(AcceptKeyword("ALL"));
    if (query.union_all.front() != query.union_all.back()) {
      FailAt(union_token.pos, "InvalidClauseComposition",
             "Invalid combination of UNION and UNION ALL");
    }
  }
}

StatementPtr Parse(std::string_view text, const ParseOptions& options) {
  if (text.size() >= (uint64_t{1} << 31)) {
    throw SyntaxError("UnexpectedSyntax", "Statement is too long", 1, 1);
  }
  Parser parser(text, options);
  return parser.ParseStatement();
}

}  // namespace tributary::cypher
