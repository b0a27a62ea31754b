// String functions: toUpper, toLower, trim, lTrim, rTrim, substring, replace,
// split, left, right, reverse (reverse also takes lists).
#include <algorithm>
#include <cctype>

#include "cypher/errors.hpp"
#include "cypher/functions/function.hpp"

namespace tributary::cypher {
namespace {

Value ToUpper(std::span<Value> a, ExecContext&) {
  if (a[0].IsNull()) return Value();
  ExpectString("toUpper", a[0]);
  std::string s = a[0].AsString();
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return Value(std::move(s));
}
Value ToLower(std::span<Value> a, ExecContext&) {
  if (a[0].IsNull()) return Value();
  ExpectString("toLower", a[0]);
  std::string s = a[0].AsString();
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return Value(std::move(s));
}

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

template <bool kLeft, bool kRight>
Value Trim(std::span<Value> a, ExecContext&) {
  if (a[0].IsNull()) return Value();
  ExpectString("trim", a[0]);
  const std::string& s = a[0].AsString();
  size_t b = 0, e = s.size();
  if (kLeft)
    while (b < e && IsSpace(s[b])) ++b;
  if (kRight)
    while (e > b && IsSpace(s[e - 1])) --e;
  return Value(s.substr(b, e - b));
}

int64_t NonNegative(std::string_view fn, const Value& v) {
  ExpectInt(fn, v);
  if (v.AsInt() < 0) {
    throw ArgumentError("NegativeIntegerArgument",
                        std::string(fn) + "() expects a non-negative length or start");
  }
  return v.AsInt();
}

Value Substring(std::span<Value> a, ExecContext&) {
  if (a[0].IsNull()) return Value();
  ExpectString("substring", a[0]);
  const std::string& s = a[0].AsString();
  auto start = static_cast<size_t>(NonNegative("substring", a[1]));
  if (start >= s.size()) return Value(std::string());
  if (a.size() == 3) {
    auto len = static_cast<size_t>(NonNegative("substring", a[2]));
    return Value(s.substr(start, len));
  }
  return Value(s.substr(start));
}

Value Replace(std::span<Value> a, ExecContext&) {
  if (a[0].IsNull() || a[1].IsNull() || a[2].IsNull()) return Value();
  ExpectString("replace", a[0]);
  ExpectString("replace", a[1]);
  ExpectString("replace", a[2]);
  const std::string& s = a[0].AsString();
  const std::string& from = a[1].AsString();
  const std::string& to = a[2].AsString();
  if (from.empty()) return a[0];
  std::string out;
  size_t pos = 0;
  for (size_t hit; (hit = s.find(from, pos)) != std::string::npos; pos = hit + from.size()) {
    out.append(s, pos, hit - pos);
    out += to;
  }
  out.append(s, pos, std::string::npos);
  return Value(std::move(out));
}

Value Split(std::span<Value> a, ExecContext&) {
  if (a[0].IsNull() || a[1].IsNull()) return Value();
  ExpectString("split", a[0]);
  ExpectString("split", a[1]);
  const std::string& s = a[0].AsString();
  const std::string& d = a[1].AsString();
  Value::List out;
  if (d.empty()) {
    for (char c : s) out.emplace_back(std::string(1, c));
    return Value(std::move(out));
  }
  size_t pos = 0;
  for (size_t hit; (hit = s.find(d, pos)) != std::string::npos; pos = hit + d.size()) {
    out.emplace_back(s.substr(pos, hit - pos));
  }
  out.emplace_back(s.substr(pos));
  return Value(std::move(out));
}

Value Left(std::span<Value> a, ExecContext&) {
  if (a[0].IsNull()) return Value();
  ExpectString("left", a[0]);
  if (a[1].IsNull()) throw ArgumentError("InvalidArgumentValue", "left() length is null");
  return Value(a[0].AsString().substr(0, static_cast<size_t>(NonNegative("left", a[1]))));
}

Value Right(std::span<Value> a, ExecContext&) {
  if (a[0].IsNull()) return Value();
  ExpectString("right", a[0]);
  if (a[1].IsNull()) throw ArgumentError("InvalidArgumentValue", "right() length is null");
  const std::string& s = a[0].AsString();
  auto n = static_cast<size_t>(NonNegative("right", a[1]));
  return Value(n >= s.size() ? s : s.substr(s.size() - n));
}

Value Reverse(std::span<Value> a, ExecContext&) {
  if (a[0].IsNull()) return Value();
  if (a[0].IsList()) {
    Value::List l = a[0].AsList();
    std::reverse(l.begin(), l.end());
    return Value(std::move(l));
  }
  ExpectString("reverse", a[0]);
  std::string s = a[0].AsString();
  std::reverse(s.begin(), s.end());
  return Value(std::move(s));
}

const FunctionInfo kString[] = {
    {"toUpper", 1, 1, ToUpper},
    {"upper", 1, 1, ToUpper},
    {"toLower", 1, 1, ToLower},
    {"lower", 1, 1, ToLower},
    {"trim", 1, 1, Trim<true, true>},
    {"lTrim", 1, 1, Trim<true, false>},
    {"rTrim", 1, 1, Trim<false, true>},
    {"substring", 2, 3, Substring},
    {"replace", 3, 3, Replace},
    {"split", 2, 2, Split},
    {"left", 2, 2, Left},
    {"right", 2, 2, Right},
    {"reverse", 1, 1, Reverse},
};

}  // namespace

std::span<const FunctionInfo> StringFunctions() { return kString; }

}  // namespace tributary::cypher
