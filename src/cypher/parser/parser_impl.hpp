#pragma once
// The recursive-descent parser behind cypher::Parse(). Internal to the parser
// library; its methods are spread over one file per part of the grammar:
//   parser.cpp            statements, queries, token helpers
//   parse_clause.cpp      MATCH, CREATE, SET, RETURN, ... clauses
//   parse_expression.cpp  expressions (precedence climbing)
//   parse_pattern.cpp     node/relationship patterns
//   parse_admin.cpp       index, constraint, snapshot and stream statements

#include <string>
#include <string_view>
#include <vector>

#include "cypher/errors.hpp"
#include "cypher/parser/ast.hpp"
#include "cypher/parser/lexer.hpp"
#include "cypher/parser/parser.hpp"

namespace tributary::cypher {

class Parser {
 public:
  /// Tokenizes text (may throw SyntaxError). text must outlive the parser.
  Parser(std::string_view text, const ParseOptions& options);

  /// Parses the single statement, an optional ';' and the end of input.
  StatementPtr ParseStatement();

 private:
  /// Counts nesting on construction and releases it on destruction; throws
  /// SyntaxError "NestingTooDeep" past ParseOptions::max_depth.
  /// Also used by loops that build left-deep trees (`a + b + c`, `a.b.c`):
  /// Deepen() once per level they add, so the tree height stays bounded too.
  class DepthGuard {
   public:
    explicit DepthGuard(Parser& parser, int levels = 1);
    ~DepthGuard() { parser_.depth_ -= levels_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;
    /// Adds one level; throws like the constructor.
    void Deepen();

   private:
    Parser& parser_;
    int levels_ = 0;
  };

  // ---- Token access (parser.cpp) -------------------------------------------
  const Token& Peek(size_t ahead = 0) const {
    size_t i = pos_ + ahead;
    return i < tokens_.size() ? tokens_[i] : tokens_.back();
  }
  bool At(TokenKind kind, size_t ahead = 0) const { return Peek(ahead).kind == kind; }
  /// True when the token `ahead` is the unquoted keyword kw (case-insensitive).
  /// REQUIRES: kw is upper case.
  bool AtKeyword(std::string_view kw, size_t ahead = 0) const;
  const Token& Next() {
    const Token& t = Peek();
    if (pos_ < tokens_.size() - 1) ++pos_;
    return t;
  }
  bool Accept(TokenKind kind);
  bool AcceptKeyword(std::string_view kw);
  /// Consumes a token of the kind or fails with "expected <what>".
  const Token& Expect(TokenKind kind, std::string_view what);
  /// Consumes the keyword or fails.
  void ExpectKeyword(std::string_view kw);
  /// Throws "Invalid input 'tok': expected <expected>" at token t.
  [[noreturn]] void Fail(const Token& t, std::string_view expected) const;
  /// Throws a SyntaxError with the given detail and message at pos.
  [[noreturn]] void FailAt(const SourcePos& pos, std::string detail,
                           const std::string& message) const;
  /// End offset of the last consumed token.
  uint32_t PrevEnd() const { return pos_ == 0 ? 0 : tokens_[pos_ - 1].EndOffset(); }

  /// True when token `ahead` is a name (identifier or back-ticked).
  bool AtName(size_t ahead = 0) const {
    TokenKind k = Peek(ahead).kind;
    return k == TokenKind::kIdentifier || k == TokenKind::kEscapedIdentifier;
  }
  /// True when token `ahead` can be a variable (a name, not a reserved word).
  bool AtVariable(size_t ahead = 0) const;
  /// Parses a variable name; reserved words must be back-ticked.
  std::string ParseVariable(std::string_view what = "a variable name");
  /// Parses a label, type, property key or map key; any word is allowed.
  std::string ParseSchemaName(std::string_view what);
  /// Name text of the current name token (unquoted), without consuming it.
  std::string NameText(size_t ahead = 0) const;

  // ---- Queries (parser.cpp) ------------------------------------------------
  StatementPtr ParseQueryStatement();
  /// Query := SingleQuery (UNION [ALL] SingleQuery)*.
  void ParseQuery(Query& query);
  /// True when the current token starts a clause.
  bool AtClauseStart() const;

  // ---- Clauses (parse_clause.cpp) ------------------------------------------
  ClausePtr ParseClause();
  ClausePtr ParseMatch();
  ClausePtr ParseUnwind();
  ClausePtr ParseCreate();
  ClausePtr ParseMerge();
  ClausePtr ParseSet();
  ClausePtr ParseRemove();
  ClausePtr ParseDelete();
  ClausePtr ParseWith();
  ClausePtr ParseReturn();
  ClausePtr ParseCall();
  void ParseSetItems(std::vector<SetItem>& items);
  SetItem ParseSetItem();
  RemoveItem ParseRemoveItem();
  void ParseProjectionBody(ProjectionBody& body);
  ProjectionItem ParseProjectionItem();
  /// Rejects `{...}` given as a parameter in MATCH/MERGE (InvalidParameterUse).
  void CheckNoParameterMaps(const PatternPart& part, std::string_view clause) const;
  /// CREATE/MERGE relationships need exactly one type and a fixed length.
  void CheckCreatableRelationship(const RelationshipPattern& rel, std::string_view clause) const;
  /// A literal SKIP/LIMIT must be a non-negative integer.
  void CheckPagingLiteral(const Expr& expr, std::string_view clause) const;
  /// Parses `.key` lookups after `object` (at least one); for SET/REMOVE.
  std::unique_ptr<PropertyExpr> ParsePropertyChain(ExprPtr object);
  /// Parses `:A:B` (at least one label), for SET/REMOVE and label tests.
  std::vector<std::string> ParseLabels();
  /// Parses a dotted name `a.b.c`.
  std::string ParseDottedName(std::string_view what);

  // ---- Expressions (parse_expression.cpp) ----------------------------------
  ExprPtr ParseExpression();
  /// An expression in a boolean context (WHERE, exists(), CASE WHEN), where
  /// pattern predicates `(a)-->(b)` are allowed.
  ExprPtr ParsePredicate();
  /// Throws when a pattern predicate appears outside a boolean context (the
  /// TCK's UnexpectedSyntax for `RETURN (n)-->()` or `size((n)-->())`).
  void CheckPatternPredicates() const;
  /// Precedence climbing over binary operators binding at least min_prec.
  ExprPtr ParseBinary(int min_prec);
  ExprPtr ParseComparisonChain(ExprPtr first);
  /// Continues `first OP x OP y ...` for an associative boolean operator and
  /// returns a balanced tree, so long OR/AND chains stay shallow.
  ExprPtr ParseBooleanChain(ExprPtr first, BinaryOp op, int prec);
  ExprPtr ParseUnary();
  /// An atom followed by property lookups, subscripts, slices and labels.
  ExprPtr ParsePostfix();
  ExprPtr ParseAtom();
  ExprPtr ParseNumber(bool negative);
  /// Value of an integer token, negated when `negative`; throws IntegerOverflow
  /// or InvalidNumberLiteral.
  int64_t IntegerValue(const Token& t, bool negative) const;
  ExprPtr ParseParenthesizedOrPattern();
  ExprPtr ParseListOrComprehension();
  ExprPtr ParseMapLiteral();
  ExprPtr ParseCase();
  ExprPtr ParseFunctionCall();
  ExprPtr ParseQuantifier(Quantifier q);
  ExprPtr ParseReduce();
  ExprPtr ParseExistsSubquery();
  ExprPtr ParseMapProjection(std::string variable, SourcePos pos);
  /// True when tokens from `ahead` look like a function name followed by '('.
  bool AtFunctionCall(size_t ahead = 0) const;

  // ---- Patterns (parse_pattern.cpp) ----------------------------------------
  void ParsePattern(Pattern& pattern);
  PatternPart ParsePatternPart();
  /// Parses a pattern element (no `p =`) into part.
  void ParsePatternElement(PatternPart& part);
  NodePattern ParseNodePattern();
  RelationshipPattern ParseRelationshipPattern();
  /// Properties of a node/relationship pattern: a map literal or parameter.
  ExprPtr ParsePatternProperties();
  /// True when tokens from `ahead` start `(node)-` / `(node)<-`, i.e. a
  /// relationship pattern rather than a parenthesized expression.
  bool LooksLikeRelationshipPattern(size_t ahead) const;
  /// Skips a node pattern starting at `ahead`; returns the index after ')' or
  /// 0 when the tokens are not a node pattern.
  size_t SkipNodePattern(size_t ahead) const;
  /// Index of the '}' closing the '{' at token index `index`, or 0 if none.
  size_t MatchingBrace(size_t index) const;
  /// True when token `ahead` starts a relationship pattern (`-[`, `--`, `<-`).
  bool AtRelationshipStart(size_t ahead) const;

  // ---- Administration (parse_admin.cpp) ------------------------------------
  /// Returns null when the statement is not an administrative one.
  StatementPtr TryParseAdminStatement();
  StatementPtr ParseCreateIndex(const Token& first);
  StatementPtr ParseDropIndex(const Token& first);
  StatementPtr ParseConstraint(const Token& first, bool create);
  StatementPtr ParseCreateStream(const Token& first);
  StatementPtr ParseStreamCommand(const Token& first, StatementKind kind, bool allow_limit);
  /// `(label-less) :Label(prop, ...)` of CREATE/DROP INDEX ON.
  void ParseIndexTarget(std::string& label, std::vector<std::string>& properties);
  /// A literal stream option; validated and named in errors.
  std::string ParseStreamString(std::string_view option);
  int64_t ParseStreamPositiveInt(std::string_view option);

  std::string_view text_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
  mutable std::vector<size_t> brace_match_;        // see MatchingBrace()
  std::vector<const PatternExpr*> pattern_exprs_;  // every PatternExpr parsed
  std::vector<const Expr*> predicate_roots_;       // every ParsePredicate() result
  int max_depth_;
};

}  // namespace tributary::cypher
