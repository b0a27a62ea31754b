#include "cypher/parser/parser.hpp"

#include "cypher/parser/parser_impl.hpp"

namespace tributary::cypher {
namespace {

/// Words that cannot be used as unquoted variable names because they would
/// make the grammar ambiguous (openCypher's reserved words, minus those that
/// never start or continue an expression).
constexpr std::string_view kReservedWords[] = {
    "ALL",      "AND",    "AS",     "ASC",      "ASCENDING", "BY",     "CALL",
    "CASE",     "CONTAINS", "CREATE", "DELETE", "DESC",      "DESCENDING", "DETACH",
    "DISTINCT", "ELSE",   "END",    "ENDS",     "EXISTS",    "FALSE",  "IN",
    "IS",       "LIMIT",  "MATCH",  "MERGE",    "NOT",       "NULL",   "ON",
    "OPTIONAL", "OR",     "ORDER",  "REMOVE",   "RETURN",    "SET",    "SKIP",
    "STARTS",   "THEN",   "TRUE",   "UNION",    "UNWIND",    "WHEN",   "WHERE",
    "WITH",     "XOR",    "YIELD",
};

bool IsReserved(std::string_view word) {
  for (std::string_view r : kReservedWords) {
    if (EqualsKeyword(word, r)) return true;
  }
  return false;
}

}  // namespace

Parser::DepthGuard::DepthGuard(Parser& parser, int levels) : parser_(parser) {
  for (int i = 0; i < levels; ++i) Deepen();
}

void Parser::DepthGuard::Deepen() {
  if (parser_.depth_ >= parser_.max_depth_) {
    parser_.FailAt(parser_.Peek().pos, "NestingTooDeep",
                   "Statement nests too deeply (more than " +
                       std::to_string(parser_.max_depth_) + " levels)");
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
  std::string message = t.kind == TokenKind::kEnd ? "Unexpected end of input"
                                                  : "Invalid input " + DescribeToken(t);
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
    Fail(Peek(), statement->kind == StatementKind::kQuery
                     ? "a clause, UNION, ';' or end of input"
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
  static constexpr std::string_view kClauseKeywords[] = {
      "MATCH", "OPTIONAL", "UNWIND", "CREATE", "MERGE",  "SET",
      "REMOVE", "DELETE",  "DETACH", "WITH",   "RETURN", "CALL"};
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
