#pragma once
// Lexer: statement text -> tokens. Internal to the parser library.
//
// The lexer is deliberately dumb about context: `<`, `-` and `>` are separate
// tokens (the pattern parser assembles arrows, since `a<-1` is a comparison),
// keywords are plain identifiers matched case-insensitively by the parser, and
// number literals keep their raw text (the parser converts them, so that a
// leading minus can be folded in: -9223372036854775808 is a valid literal).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cypher/parser/ast.hpp"

namespace tributary::cypher {

/// Token kinds.
enum class TokenKind : uint8_t {
  kEnd,                ///< End of input (always the last token).
  kIdentifier,         ///< Unquoted name or keyword; text is the name.
  kEscapedIdentifier,  ///< `back-ticked` name; value holds the unescaped name.
  kInteger,            ///< Decimal, 0x hex, 0o / legacy 0 octal; raw text.
  kFloat,              ///< Float literal; raw text.
  kString,             ///< '...' or "..."; value holds the unescaped UTF-8.
  kParameter,          ///< $name or $0; value holds the name.
  kLParen,             ///< (
  kRParen,             ///< )
  kLBracket,           ///< [
  kRBracket,           ///< ]
  kLBrace,             ///< {
  kRBrace,             ///< }
  kComma,              ///< ,
  kDot,                ///< .
  kDotDot,             ///< ..
  kColon,              ///< :
  kSemicolon,          ///< ;
  kPipe,               ///< |
  kPlus,               ///< +
  kPlusEq,             ///< +=
  kMinus,              ///< -
  kStar,               ///< *
  kSlash,              ///< /
  kPercent,            ///< %
  kCaret,              ///< ^
  kEq,                 ///< =
  kNe,                 ///< <> (also !=)
  kLt,                 ///< <
  kGt,                 ///< >
  kLe,                 ///< <=
  kGe,                 ///< >=
  kRegexMatch,         ///< =~
};

/// One token. text views into the statement text, which must outlive it.
struct Token {
  /// The kind.
  TokenKind kind = TokenKind::kEnd;
  /// Position of the first character.
  SourcePos pos;
  /// The raw source text of the token.
  std::string_view text;
  /// Decoded content for kString, kEscapedIdentifier and kParameter.
  std::string value;

  /// Offset one past the token's last character.
  uint32_t EndOffset() const { return pos.offset + static_cast<uint32_t>(text.size()); }
};

/// Splits text into tokens, ending with one kEnd token. Skips whitespace and
/// `//` / `/* */` comments. Throws SyntaxError for malformed tokens
/// (unterminated string or comment, bad escape, bad number, stray character).
/// REQUIRES: text.size() < 4 GiB.
std::vector<Token> Tokenize(std::string_view text);

/// True when text equals the upper-case keyword `upper`, ignoring ASCII case.
bool EqualsKeyword(std::string_view text, std::string_view upper);

/// Human-readable rendering of a token for error messages ("'MATCH'",
/// "end of input").
std::string DescribeToken(const Token& token);

}  // namespace tributary::cypher
