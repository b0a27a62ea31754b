#include "cypher/parser/lexer.hpp"

#include <algorithm>
#include <cstdint>

#include "cypher/errors.hpp"

namespace tributary::cypher {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHexDigit(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool IsOctDigit(char c) { return c >= '0' && c <= '7'; }
bool IsIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool IsIdentPart(char c) { return IsIdentStart(c) || IsDigit(c); }

int HexValue(char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

/// Quotes a piece of source text for an error message, shortened if long.
std::string Quote(std::string_view text) {
  constexpr size_t kMaxShown = 40;
  std::string out = "'";
  if (text.size() > kMaxShown) {
    out.append(text.substr(0, kMaxShown));
    out += "...";
  } else {
    out.append(text);
  }
  out += "'";
  return out;
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  std::vector<Token> Run() {
    std::vector<Token> tokens;
    // Enough for typical statements without regrowth; capped so that a huge
    // comment or string does not reserve memory for tokens it never has.
    tokens.reserve(std::min<size_t>(text_.size() / 2 + 8, 4096));
    for (;;) {
      SkipSpaceAndComments();
      Token& token = tokens.emplace_back();
      token.pos = Here();
      if (i_ >= text_.size()) {
        token.kind = TokenKind::kEnd;
        token.text = text_.substr(text_.size());
        return tokens;
      }
      LexOne(token);
      token.text = text_.substr(token.pos.offset, i_ - token.pos.offset);
    }
  }

 private:
  SourcePos Here() const {
    return SourcePos{line_, static_cast<uint32_t>(i_ - line_start_ + 1), static_cast<uint32_t>(i_)};
  }

  char Peek(size_t ahead = 0) const { return i_ + ahead < text_.size() ? text_[i_ + ahead] : '\0'; }
  bool AtEnd(size_t ahead = 0) const { return i_ + ahead >= text_.size(); }

  /// Advances one byte, tracking line starts.
  void Advance() {
    if (text_[i_] == '\n') {
      ++line_;
      line_start_ = i_ + 1;
    }
    ++i_;
  }

  [[noreturn]] void Fail(const SourcePos& pos, std::string detail, const std::string& message) {
    throw SyntaxError(std::move(detail), message, static_cast<int>(pos.line),
                      static_cast<int>(pos.column));
  }

  /// Byte length of the Unicode space character (other than ASCII ones) at
  /// the cursor, or 0. openCypher counts these as whitespace; they also turn
  /// up in queries pasted from web pages and editors.
  size_t UnicodeSpaceLength() const {
    auto b = [&](size_t k) { return static_cast<unsigned char>(Peek(k)); };
    if (b(0) < 0xC2) return 0;
    if (b(0) == 0xC2 && b(1) == 0xA0) return 2;                  // U+00A0
    if (b(0) == 0xE1 && b(1) == 0x9A && b(2) == 0x80) return 3;  // U+1680
    if (b(0) == 0xE2 && b(1) == 0x80 &&
        (b(2) <= 0x8A || b(2) == 0xA8 || b(2) == 0xA9 || b(2) == 0xAF) && b(2) >= 0x80) {
      return 3;  // U+2000..
    }
    if (b(0) == 0xE2 && b(1) == 0x81 && b(2) == 0x9F) return 3;  // U+205F
    if (b(0) == 0xE3 && b(1) == 0x80 && b(2) == 0x80) return 3;  // U+3000
    if (b(0) == 0xEF && b(1) == 0xBB && b(2) == 0xBF) return 3;  // U+FEFF
    return 0;
  }

  void SkipSpaceAndComments() {
    while (!AtEnd()) {
      char c = Peek();
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        Advance();
      } else if (c == '/' && Peek(1) == '/') {
        while (!AtEnd() && Peek() != '\n') Advance();
      } else if (c == '/' && Peek(1) == '*') {
        SourcePos start = Here();
        Advance();
        Advance();
        while (!(Peek() == '*' && Peek(1) == '/')) {
          if (AtEnd()) Fail(start, "UnexpectedSyntax", "Unterminated comment '/*'");
          Advance();
        }
        Advance();
        Advance();
      } else if (size_t n = UnicodeSpaceLength(); n > 0) {
        i_ += n;
      } else {
        return;
      }
    }
  }

  void LexOne(Token& t) {
    char c = Peek();
    if (IsIdentStart(c)) {
      while (!AtEnd() && IsIdentPart(Peek())) {
        if (static_cast<unsigned char>(Peek()) >= 0xC2 && UnicodeSpaceLength() > 0) break;
        ++i_;
      }
      t.kind = TokenKind::kIdentifier;
      return;
    }
    if (IsDigit(c) || (c == '.' && IsDigit(Peek(1)))) {
      LexNumber(t);
      return;
    }
    switch (c) {
      case '\'':
      case '"':
        LexString(t);
        return;
      case '`':
        t.kind = TokenKind::kEscapedIdentifier;
        LexBackticked(t.value);
        return;
      case '$':
        LexParameter(t);
        return;
      default:
        break;
    }
    ++i_;
    switch (c) {
      case '(':
        t.kind = TokenKind::kLParen;
        return;
      case ')':
        t.kind = TokenKind::kRParen;
        return;
      case '[':
        t.kind = TokenKind::kLBracket;
        return;
      case ']':
        t.kind = TokenKind::kRBracket;
        return;
      case '{':
        t.kind = TokenKind::kLBrace;
        return;
      case '}':
        t.kind = TokenKind::kRBrace;
        return;
      case ',':
        t.kind = TokenKind::kComma;
        return;
      case ':':
        t.kind = TokenKind::kColon;
        return;
      case ';':
        t.kind = TokenKind::kSemicolon;
        return;
      case '|':
        t.kind = TokenKind::kPipe;
        return;
      case '-':
        t.kind = TokenKind::kMinus;
        return;
      case '*':
        t.kind = TokenKind::kStar;
        return;
      case '/':
        t.kind = TokenKind::kSlash;
        return;
      case '%':
        t.kind = TokenKind::kPercent;
        return;
      case '^':
        t.kind = TokenKind::kCaret;
        return;
      case '.':
        if (Peek() == '.') {
          ++i_;
          t.kind = TokenKind::kDotDot;
        } else {
          t.kind = TokenKind::kDot;
        }
        return;
      case '+':
        if (Peek() == '=') {
          ++i_;
          t.kind = TokenKind::kPlusEq;
        } else {
          t.kind = TokenKind::kPlus;
        }
        return;
      case '=':
        if (Peek() == '~') {
          ++i_;
          t.kind = TokenKind::kRegexMatch;
        } else {
          t.kind = TokenKind::kEq;
        }
        return;
      case '<':
        if (Peek() == '>') {
          ++i_;
          t.kind = TokenKind::kNe;
        } else if (Peek() == '=') {
          ++i_;
          t.kind = TokenKind::kLe;
        } else {
          t.kind = TokenKind::kLt;
        }
        return;
      case '>':
        if (Peek() == '=') {
          ++i_;
          t.kind = TokenKind::kGe;
        } else {
          t.kind = TokenKind::kGt;
        }
        return;
      case '!':
        if (Peek() == '=') {
          ++i_;
          t.kind = TokenKind::kNe;
          return;
        }
        break;
      default:
        break;
    }
    --i_;
    Fail(t.pos, "UnexpectedSyntax",
         "Invalid input " + Quote(text_.substr(i_, 1)) +
             ": expected an expression, a keyword or a symbol");
  }

  /// Consumes the rest of an identifier-like run glued to a number and fails.
  [[noreturn]] void FailNumber(const Token& t) {
    while (!AtEnd() && IsIdentPart(Peek())) ++i_;
    Fail(t.pos, "InvalidNumberLiteral",
         "Invalid number literal " + Quote(text_.substr(t.pos.offset, i_ - t.pos.offset)));
  }

  void LexNumber(Token& t) {
    t.kind = TokenKind::kInteger;
    if (Peek() == '0' && (Peek(1) == 'x' || Peek(1) == 'X')) {
      i_ += 2;
      if (!IsHexDigit(Peek())) FailNumber(t);
      while (IsHexDigit(Peek())) ++i_;
      if (IsIdentPart(Peek())) FailNumber(t);
      return;
    }
    if (Peek() == '0' && (Peek(1) == 'o' || Peek(1) == 'O')) {
      i_ += 2;
      if (!IsOctDigit(Peek())) FailNumber(t);
      while (IsOctDigit(Peek())) ++i_;
      if (IsIdentPart(Peek())) FailNumber(t);
      return;
    }
    while (IsDigit(Peek())) ++i_;
    if (Peek() == '.' && IsDigit(Peek(1))) {
      t.kind = TokenKind::kFloat;
      ++i_;
      while (IsDigit(Peek())) ++i_;
    }
    if (Peek() == 'e' || Peek() == 'E') {
      size_t digits_at = 1;
      if (Peek(1) == '-' || Peek(1) == '+') digits_at = 2;
      if (!IsDigit(Peek(digits_at))) FailNumber(t);
      t.kind = TokenKind::kFloat;
      i_ += digits_at;
      while (IsDigit(Peek())) ++i_;
    }
    if (IsIdentPart(Peek())) FailNumber(t);
  }

  /// Reads exactly n hex digits as a code point; fails with InvalidUnicodeLiteral.
  uint32_t ReadHex(int n, const SourcePos& escape_pos) {
    uint32_t cp = 0;
    for (int k = 0; k < n; ++k) {
      if (!IsHexDigit(Peek())) {
        Fail(escape_pos, "InvalidUnicodeLiteral",
             "Invalid unicode escape " +
                 Quote(text_.substr(escape_pos.offset, i_ - escape_pos.offset + 1)) +
                 ": expected " + std::to_string(n) + " hexadecimal digits");
      }
      cp = cp * 16 + static_cast<uint32_t>(HexValue(Peek()));
      ++i_;
    }
    return cp;
  }

  void LexString(Token& t) {
    t.kind = TokenKind::kString;
    const char quote = Peek();
    Advance();
    std::string& out = t.value;
    for (;;) {
      if (AtEnd()) Fail(t.pos, "UnexpectedSyntax", "Unterminated string literal");
      char c = Peek();
      if (c == quote) {
        ++i_;
        return;
      }
      if (c != '\\') {
        // Copy a run of plain characters at once.
        size_t start = i_;
        while (!AtEnd() && Peek() != quote && Peek() != '\\') Advance();
        out.append(text_.substr(start, i_ - start));
        continue;
      }
      SourcePos escape_pos = Here();
      ++i_;
      if (AtEnd()) Fail(t.pos, "UnexpectedSyntax", "Unterminated string literal");
      char e = Peek();
      ++i_;
      switch (e) {
        case '\\':
          out += '\\';
          break;
        case '\'':
          out += '\'';
          break;
        case '"':
          out += '"';
          break;
        case 'n':
        case 'N':
          out += '\n';
          break;
        case 't':
        case 'T':
          out += '\t';
          break;
        case 'r':
        case 'R':
          out += '\r';
          break;
        case 'b':
        case 'B':
          out += '\b';
          break;
        case 'f':
        case 'F':
          out += '\f';
          break;
        case 'u':
        case 'U': {
          uint32_t cp = ReadHex(e == 'u' ? 4 : 8, escape_pos);
          if (cp >= 0xD800 && cp <= 0xDBFF && Peek() == '\\' && Peek(1) == 'u') {
            // A UTF-16 surrogate pair written as two escapes.
            SourcePos low_pos = Here();
            i_ += 2;
            uint32_t low = ReadHex(4, low_pos);
            if (low < 0xDC00 || low > 0xDFFF) {
              Fail(escape_pos, "InvalidUnicodeLiteral", "Invalid unicode surrogate pair");
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
            Fail(escape_pos, "InvalidUnicodeLiteral",
                 "Invalid unicode code point in escape " +
                     Quote(text_.substr(escape_pos.offset, i_ - escape_pos.offset)));
          }
          AppendUtf8(out, cp);
          break;
        }
        default:
          Fail(escape_pos, "UnexpectedSyntax",
               "Invalid escape sequence " +
                   Quote(text_.substr(escape_pos.offset, e & 0x80 ? 1 : 2)) +
                   R"(: expected one of \\ \' \" \n \t \r \b \f \uXXXX \UXXXXXXXX)");
      }
    }
  }

  /// Reads a `...` name (a doubled backtick stands for one) into out.
  void LexBackticked(std::string& out) {
    SourcePos start = Here();
    Advance();
    for (;;) {
      if (AtEnd()) Fail(start, "UnexpectedSyntax", "Unterminated quoted name '`'");
      if (Peek() == '`') {
        if (Peek(1) == '`') {
          out += '`';
          i_ += 2;
          continue;
        }
        ++i_;
        break;
      }
      out += Peek();
      Advance();
    }
    if (out.empty()) Fail(start, "UnexpectedSyntax", "Invalid input '``': a name cannot be empty");
  }

  void LexParameter(Token& t) {
    t.kind = TokenKind::kParameter;
    ++i_;
    if (Peek() == '`') {
      LexBackticked(t.value);
      return;
    }
    size_t start = i_;
    if (IsDigit(Peek())) {
      while (IsDigit(Peek())) ++i_;
      if (IsIdentPart(Peek())) FailNumber(t);
    } else if (IsIdentStart(Peek())) {
      while (!AtEnd() && IsIdentPart(Peek())) ++i_;
    } else {
      Fail(t.pos, "UnexpectedSyntax", "Invalid input '$': expected a parameter name");
    }
    t.value.assign(text_.substr(start, i_ - start));
  }

  std::string_view text_;
  size_t i_ = 0;
  size_t line_start_ = 0;
  uint32_t line_ = 1;
};

}  // namespace

std::vector<Token> Tokenize(std::string_view text) { return Lexer(text).Run(); }

bool EqualsKeyword(std::string_view text, std::string_view upper) {
  if (text.size() != upper.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != upper[i]) return false;
  }
  return true;
}

std::string DescribeToken(const Token& token) {
  if (token.kind == TokenKind::kEnd) return "end of input";
  return Quote(token.text);
}

}  // namespace tributary::cypher
