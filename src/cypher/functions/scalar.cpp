// Scalar and list functions: id, elementId, labels, type, properties, keys,
// startNode, endNode, size, length, nodes, relationships, head, last, tail,
// range, coalesce, toInteger, toFloat, toString, toBoolean, timestamp,
// randomUUID.
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "cypher/errors.hpp"
#include "cypher/exec/expression.hpp"
#include "cypher/functions/function.hpp"

namespace tributary::cypher {
namespace {

using exec::PropertiesOf;
using exec::Unwrap;
using storage::View;

Value Id(std::span<Value> a, ExecContext&) {
  if (a[0].IsNull()) return Value();
  if (a[0].IsNode()) return Value(static_cast<int64_t>(a[0].AsNode().gid()));
  if (a[0].IsRelationship()) return Value(static_cast<int64_t>(a[0].AsRelationship().gid()));
  throw CypherTypeError("InvalidArgumentType",
                        std::string("id() expects a Node or Relationship, got ") + TypeName(a[0]));
}

Value ElementId(std::span<Value> a, ExecContext& ctx) {
  Value id = Id(a, ctx);
  if (id.IsNull()) return id;
  return Value(std::string(a[0].IsNode() ? "n:" : "r:") + std::to_string(id.AsInt()));
}

Value Labels(std::span<Value> a, ExecContext& ctx) {
  if (a[0].IsNull()) return Value();
  if (!a[0].IsNode()) {
    throw CypherTypeError("InvalidArgumentValue",
                          std::string("labels() expects a Node, got ") + TypeName(a[0]));
  }
  Value::List out;
  for (auto l : Unwrap(a[0].AsNode().Labels(View::kNew))) {
    out.emplace_back(std::string(ctx.storage->LabelName(l)));
  }
  return Value(std::move(out));
}

Value Type(std::span<Value> a, ExecContext& ctx) {
  if (a[0].IsNull()) return Value();
  if (!a[0].IsRelationship()) {
    throw CypherTypeError("InvalidArgumentValue",
                          std::string("type() expects a Relationship, got ") + TypeName(a[0]));
  }
  return Value(std::string(ctx.storage->EdgeTypeName(a[0].AsRelationship().type())));
}

Value Properties(std::span<Value> a, ExecContext& ctx) {
  if (a[0].IsNull()) return Value();
  return Value(PropertiesOf(a[0], ctx));
}

Value Keys(std::span<Value> a, ExecContext& ctx) {
  if (a[0].IsNull()) return Value();
  Value::List out;
  if (a[0].IsMap()) {
    for (const auto& [k, v] : a[0].AsMap()) out.emplace_back(k);
    return Value(std::move(out));
  }
  for (auto& [k, v] : PropertiesOf(a[0], ctx)) out.emplace_back(k);
  return Value(std::move(out));
}

Value StartNode(std::span<Value> a, ExecContext&) {
  if (a[0].IsNull()) return Value();
  if (!a[0].IsRelationship()) {
    throw CypherTypeError("InvalidArgumentType", "startNode() expects a Relationship");
  }
  return Value(a[0].AsRelationship().From());
}

Value EndNode(std::span<Value> a, ExecContext&) {
  if (a[0].IsNull()) return Value();
  if (!a[0].IsRelationship()) {
    throw CypherTypeError("InvalidArgumentType", "endNode() expects a Relationship");
  }
  return Value(a[0].AsRelationship().To());
}

// Length in Unicode code points (UTF-8 continuation bytes are not counted).
int64_t Utf8Length(const std::string& s) {
  int64_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

Value Size(std::span<Value> a, ExecContext&) {
  if (a[0].IsNull()) return Value();
  if (a[0].IsList()) return Value(static_cast<int64_t>(a[0].AsList().size()));
  if (a[0].IsString()) return Value(Utf8Length(a[0].AsString()));
  if (a[0].IsMap()) return Value(static_cast<int64_t>(a[0].AsMap().size()));
  throw CypherTypeError("InvalidArgumentType",
                        std::string("size() expects a List or String, got ") + TypeName(a[0]));
}

Value Length(std::span<Value> a, ExecContext&) {
  if (a[0].IsNull()) return Value();
  if (a[0].IsPath()) return Value(static_cast<int64_t>(a[0].AsPath().edges.size()));
  throw CypherTypeError("InvalidArgumentType",
                        std::string("length() expects a Path, got ") + TypeName(a[0]));
}

Value Nodes(std::span<Value> a, ExecContext&) {
  if (a[0].IsNull()) return Value();
  if (!a[0].IsPath()) throw CypherTypeError("InvalidArgumentType", "nodes() expects a Path");
  Value::List out;
  for (const auto& n : a[0].AsPath().nodes) out.emplace_back(n);
  return Value(std::move(out));
}

Value Relationships(std::span<Value> a, ExecContext&) {
  if (a[0].IsNull()) return Value();
  if (!a[0].IsPath()) {
    throw CypherTypeError("InvalidArgumentType", "relationships() expects a Path");
  }
  Value::List out;
  for (const auto& e : a[0].AsPath().edges) out.emplace_back(e);
  return Value(std::move(out));
}

const Value::List* ListOrNull(std::string_view fn, const Value& v) {
  if (v.IsNull()) return nullptr;
  if (!v.IsList()) {
    throw CypherTypeError("InvalidArgumentType",
                          std::string(fn) + "() expects a List, got " + TypeName(v));
  }
  return &v.AsList();
}

Value Head(std::span<Value> a, ExecContext&) {
  const auto* l = ListOrNull("head", a[0]);
  return (l == nullptr || l->empty()) ? Value() : l->front();
}
Value Last(std::span<Value> a, ExecContext&) {
  const auto* l = ListOrNull("last", a[0]);
  return (l == nullptr || l->empty()) ? Value() : l->back();
}
Value Tail(std::span<Value> a, ExecContext&) {
  const auto* l = ListOrNull("tail", a[0]);
  if (l == nullptr) return Value();
  if (l->empty()) return Value(Value::List{});
  return Value(Value::List(l->begin() + 1, l->end()));
}

Value Range(std::span<Value> a, ExecContext& ctx) {
  for (auto& v : a) {
    if (v.IsNull())
      throw ArgumentError("InvalidArgumentValue", "range() arguments must not be null");
    ExpectInt("range", v);
  }
  int64_t from = a[0].AsInt(), to = a[1].AsInt(), step = a.size() == 3 ? a[2].AsInt() : 1;
  if (step == 0) throw ArgumentError("NumberOutOfRange", "range() step must not be zero");
  Value::List out;
  for (int64_t i = from; step > 0 ? i <= to : i >= to; i += step) {
    ctx.CheckLimits();
    out.emplace_back(i);
    if ((out.size() & 0xFFFF) == 0) ctx.ChargeMemory(0x10000 * sizeof(Value));
    if ((step > 0 && i > INT64_MAX - step) || (step < 0 && i < INT64_MIN - step)) break;
  }
  return Value(std::move(out));
}

Value Coalesce(std::span<Value> a, ExecContext&) {
  for (auto& v : a) {
    if (!v.IsNull()) return std::move(v);
  }
  return Value();
}

// Parses a whole string as a number; false when it is not one.
bool ParseDouble(const std::string& s, double* out) {
  if (s.empty()) return false;
  char* end = nullptr;
  *out = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size();
}

Value ToInteger(std::span<Value> a, ExecContext&) {
  const Value& v = a[0];
  if (v.IsNull() || v.IsInt()) return v;
  if (v.IsDouble()) {
    double d = v.AsDouble();
    if (std::isnan(d) || d >= 9223372036854775808.0 || d < -9223372036854775808.0) return Value();
    return Value(static_cast<int64_t>(d));
  }
  if (v.IsBool()) return Value(int64_t{v.AsBool() ? 1 : 0});
  if (v.IsString()) {
    const std::string& s = v.AsString();
    char* end = nullptr;
    errno = 0;
    long long i = std::strtoll(s.c_str(), &end, 10);
    if (!s.empty() && end == s.c_str() + s.size() && errno == 0) return Value(int64_t{i});
    double d = 0;
    if (ParseDouble(s, &d) && !std::isnan(d) && d < 9223372036854775808.0 &&
        d >= -9223372036854775808.0) {
      return Value(static_cast<int64_t>(d));
    }
    return Value();
  }
  throw CypherTypeError("InvalidArgumentValue",
                        std::string("toInteger() cannot convert a ") + TypeName(v));
}

Value ToFloat(std::span<Value> a, ExecContext&) {
  const Value& v = a[0];
  if (v.IsNull() || v.IsDouble()) return v;
  if (v.IsInt()) return Value(static_cast<double>(v.AsInt()));
  if (v.IsString()) {
    double d = 0;
    return ParseDouble(v.AsString(), &d) ? Value(d) : Value();
  }
  throw CypherTypeError("InvalidArgumentValue",
                        std::string("toFloat() cannot convert a ") + TypeName(v));
}

Value ToStringFn(std::span<Value> a, ExecContext&) {
  const Value& v = a[0];
  switch (v.type()) {
    case ValueType::kNull:
      return Value();
    case ValueType::kString:
      return v;
    case ValueType::kInt:
      return Value(std::to_string(v.AsInt()));
    case ValueType::kDouble:
      return Value(FormatFloat(v.AsDouble()));
    case ValueType::kBool:
      return Value(std::string(v.AsBool() ? "true" : "false"));
    default:
      // Temporal values and points render as Neo4j does (ADR 014).
      if (IsExtendedScalar(v.type()) && v.type() != ValueType::kBytes) {
        return Value(FormatScalar(ToPropertyValue(v)));
      }
      throw CypherTypeError("InvalidArgumentValue",
                            std::string("toString() cannot convert a ") + TypeName(v));
  }
}

Value ToBoolean(std::span<Value> a, ExecContext&) {
  const Value& v = a[0];
  if (v.IsNull() || v.IsBool()) return v;
  if (v.IsString()) {
    std::string s = v.AsString();
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (s == "true") return Value(true);
    if (s == "false") return Value(false);
    return Value();
  }
  if (v.IsInt()) return Value(v.AsInt() != 0);
  throw CypherTypeError("InvalidArgumentValue",
                        std::string("toBoolean() cannot convert a ") + TypeName(v));
}

Value Timestamp(std::span<Value>, ExecContext&) {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return Value(
      static_cast<int64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(now).count()));
}

Value RandomUuid(std::span<Value>, ExecContext&) {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  uint64_t hi = gen(), lo = gen();
  hi = (hi & 0xFFFFFFFFFFFF0FFFull) | 0x0000000000004000ull;  // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;  // variant 1
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xFFFF), static_cast<unsigned>(hi & 0xFFFF),
                static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFull));
  return Value(std::string(buf));
}

const FunctionInfo kScalar[] = {
    {"id", 1, 1, Id},
    {"elementId", 1, 1, ElementId},
    {"labels", 1, 1, Labels},
    {"type", 1, 1, Type},
    {"properties", 1, 1, Properties},
    {"keys", 1, 1, Keys},
    {"startNode", 1, 1, StartNode},
    {"endNode", 1, 1, EndNode},
    {"size", 1, 1, Size},
    {"length", 1, 1, Length},
    {"nodes", 1, 1, Nodes},
    {"relationships", 1, 1, Relationships},
    {"head", 1, 1, Head},
    {"last", 1, 1, Last},
    {"tail", 1, 1, Tail},
    {"range", 2, 3, Range},
    {"coalesce", 1, -1, Coalesce},
    {"toInteger", 1, 1, ToInteger},
    {"toFloat", 1, 1, ToFloat},
    {"toString", 1, 1, ToStringFn},
    {"toBoolean", 1, 1, ToBoolean},
    {"timestamp", 0, 0, Timestamp, false},
    {"randomUUID", 0, 0, RandomUuid, false},
};

}  // namespace

std::span<const FunctionInfo> ScalarFunctions() { return kScalar; }

}  // namespace tributary::cypher
