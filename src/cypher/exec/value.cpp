#include "cypher/exec/value.hpp"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <functional>

#include "cypher/errors.hpp"

namespace tributary::cypher {
namespace {

template <typename T>
int Cmp(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

constexpr int kUnordered = INT_MIN;  // NaN involved: every ordering test is false

int CompareNumbers(const Value& a, const Value& b) {
  if (a.IsInt() && b.IsInt()) return Cmp(a.AsInt(), b.AsInt());
  if (a.IsDouble() && std::isnan(a.AsDouble())) return kUnordered;
  if (b.IsDouble() && std::isnan(b.AsDouble())) return kUnordered;
  if (a.IsDouble() && b.IsDouble()) return Cmp(a.AsDouble(), b.AsDouble());
  if (a.IsInt()) return CompareIntDouble(a.AsInt(), b.AsDouble());
  return -CompareIntDouble(b.AsInt(), a.AsDouble());
}

// The PropertyValue of an extended scalar (bytes, point, temporal).
// REQUIRES: IsExtendedScalar(v.type()).
PropertyValue ExtendedToProperty(const Value& v) {
  switch (v.type()) {
    case ValueType::kBytes:
      return PropertyValue(v.AsBytes());
    case ValueType::kPoint2d:
      return PropertyValue(v.AsPoint2d());
    case ValueType::kPoint3d:
      return PropertyValue(v.AsPoint3d());
    case ValueType::kDate:
      return PropertyValue(v.AsDate());
    case ValueType::kLocalTime:
      return PropertyValue(v.AsLocalTime());
    case ValueType::kTime:
      return PropertyValue(v.AsTime());
    case ValueType::kLocalDateTime:
      return PropertyValue(v.AsLocalDateTime());
    case ValueType::kDateTime:
      return PropertyValue(v.AsDateTime());
    case ValueType::kDuration:
      return PropertyValue(v.AsDuration());
    default:
      return PropertyValue();
  }
}

// Ranks as PropertyValue's OrderRank, with the graph kinds in its gaps.
int OrderRank(const Value& v) {
  switch (v.type()) {
    case ValueType::kMap:
      return OrderRank(PropertyType::kMap);
    case ValueType::kNode:
      return 1;
    case ValueType::kRelationship:
      return 2;
    case ValueType::kList:
      return OrderRank(PropertyType::kList);
    case ValueType::kPath:
      return 5;
    case ValueType::kString:
      return OrderRank(PropertyType::kString);
    case ValueType::kBool:
      return OrderRank(PropertyType::kBool);
    case ValueType::kInt:
    case ValueType::kDouble:
      return OrderRank(PropertyType::kInt);
    case ValueType::kNull:
      return OrderRank(PropertyType::kNull);
    default:
      return OrderRank(ExtendedToProperty(v).type());
  }
}

// Combines element results of list/map equality: any false -> false, else any
// null -> null, else true.
struct TriAccumulator {
  bool saw_null = false;
  bool saw_false = false;
  void Add(Tri t) {
    if (t == Tri::kFalse) saw_false = true;
    if (t == Tri::kNull) saw_null = true;
  }
  Tri Result() const {
    if (saw_false) return Tri::kFalse;
    return saw_null ? Tri::kNull : Tri::kTrue;
  }
};

void HashMix(size_t& h, size_t x) { h ^= x + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2); }

}  // namespace

const char* TypeName(ValueType t) {
  switch (t) {
    case ValueType::kNull:
      return "Null";
    case ValueType::kBool:
      return "Boolean";
    case ValueType::kInt:
      return "Integer";
    case ValueType::kDouble:
      return "Float";
    case ValueType::kString:
      return "String";
    case ValueType::kList:
      return "List";
    case ValueType::kMap:
      return "Map";
    case ValueType::kNode:
      return "Node";
    case ValueType::kRelationship:
      return "Relationship";
    case ValueType::kPath:
      return "Path";
    case ValueType::kBytes:
      return "ByteArray";
    case ValueType::kPoint2d:
    case ValueType::kPoint3d:
      return "Point";
    case ValueType::kDate:
      return "Date";
    case ValueType::kLocalTime:
      return "LocalTime";
    case ValueType::kTime:
      return "Time";
    case ValueType::kLocalDateTime:
      return "LocalDateTime";
    case ValueType::kDateTime:
      return "DateTime";
    case ValueType::kDuration:
      return "Duration";
  }
  return "Unknown";
}

Value ToValue(const PropertyValue& v) {
  switch (v.type()) {
    case PropertyType::kNull:
      return Value();
    case PropertyType::kBool:
      return Value(v.AsBool());
    case PropertyType::kInt:
      return Value(v.AsInt());
    case PropertyType::kDouble:
      return Value(v.AsDouble());
    case PropertyType::kString:
      return Value(v.AsString());
    case PropertyType::kList: {
      Value::List out;
      out.reserve(v.AsList().size());
      for (const auto& e : v.AsList()) out.push_back(ToValue(e));
      return Value(std::move(out));
    }
    case PropertyType::kMap: {
      Value::Map out;
      for (const auto& [k, e] : v.AsMap()) out.emplace(k, ToValue(e));
      return Value(std::move(out));
    }
    case PropertyType::kBytes:
      return Value(v.AsBytes());
    case PropertyType::kPoint2d:
      return Value(v.AsPoint2d());
    case PropertyType::kPoint3d:
      return Value(v.AsPoint3d());
    case PropertyType::kDate:
      return Value(v.AsDate());
    case PropertyType::kLocalTime:
      return Value(v.AsLocalTime());
    case PropertyType::kTime:
      return Value(v.AsTime());
    case PropertyType::kLocalDateTime:
      return Value(v.AsLocalDateTime());
    case PropertyType::kDateTime:
      return Value(v.AsDateTime());
    case PropertyType::kDuration:
      return Value(v.AsDuration());
  }
  return Value();
}

PropertyValue ToPropertyValue(const Value& v) {
  switch (v.type()) {
    case ValueType::kNull:
      return PropertyValue();
    case ValueType::kBool:
      return PropertyValue(v.AsBool());
    case ValueType::kInt:
      return PropertyValue(v.AsInt());
    case ValueType::kDouble:
      return PropertyValue(v.AsDouble());
    case ValueType::kString:
      return PropertyValue(v.AsString());
    case ValueType::kList: {
      PropertyValue::List out;
      out.reserve(v.AsList().size());
      for (const auto& e : v.AsList()) {
        // openCypher: list properties hold simple values (a map property
        // is a Memgraph extension, a list of maps is not allowed).
        if (e.IsMap()) {
          throw CypherTypeError("InvalidPropertyType",
                                "Property values cannot be lists containing maps");
        }
        out.push_back(ToPropertyValue(e));
      }
      return PropertyValue(std::move(out));
    }
    case ValueType::kMap: {
      PropertyValue::Map out;
      for (const auto& [k, e] : v.AsMap()) out.emplace(k, ToPropertyValue(e));
      return PropertyValue(std::move(out));
    }
    case ValueType::kNode:
    case ValueType::kRelationship:
    case ValueType::kPath:
      throw CypherTypeError("InvalidPropertyType",
                            std::string("Property values cannot be of type ") + TypeName(v));
    default:
      return ExtendedToProperty(v);
  }
}

Value FromTri(Tri t) {
  if (t == Tri::kNull) return Value();
  return Value(t == Tri::kTrue);
}

Tri Equals(const Value& a, const Value& b) {
  if (a.IsNull() || b.IsNull()) return Tri::kNull;
  if (a.IsNumber() && b.IsNumber()) {
    int c = CompareNumbers(a, b);
    return ToTri(c == 0);
  }
  if (a.type() != b.type()) return Tri::kFalse;
  switch (a.type()) {
    case ValueType::kBool:
      return ToTri(a.AsBool() == b.AsBool());
    case ValueType::kString:
      return ToTri(a.AsString() == b.AsString());
    case ValueType::kList: {
      const auto& x = a.AsList();
      const auto& y = b.AsList();
      if (x.size() != y.size()) return Tri::kFalse;
      TriAccumulator acc;
      for (size_t i = 0; i < x.size(); ++i) acc.Add(Equals(x[i], y[i]));
      return acc.Result();
    }
    case ValueType::kMap: {
      const auto& x = a.AsMap();
      const auto& y = b.AsMap();
      if (x.size() != y.size()) return Tri::kFalse;
      TriAccumulator acc;
      for (auto i = x.begin(), j = y.begin(); i != x.end(); ++i, ++j) {
        if (i->first != j->first) return Tri::kFalse;
        acc.Add(Equals(i->second, j->second));
      }
      return acc.Result();
    }
    case ValueType::kNode:
      return ToTri(a.AsNode() == b.AsNode());
    case ValueType::kRelationship:
      return ToTri(a.AsRelationship() == b.AsRelationship());
    case ValueType::kPath: {
      const auto& x = a.AsPath();
      const auto& y = b.AsPath();
      return ToTri(x.nodes == y.nodes && x.edges == y.edges);
    }
    default:
      if (IsExtendedScalar(a.type())) return ToTri(ExtendedToProperty(a) == ExtendedToProperty(b));
      return Tri::kFalse;
  }
}

bool CompareComparable(const Value& a, const Value& b, int* out) {
  if (a.IsNull() || b.IsNull()) return false;
  if (a.IsNumber() && b.IsNumber()) {
    *out = CompareNumbers(a, b);
    return true;
  }
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case ValueType::kBool:
      *out = Cmp(a.AsBool(), b.AsBool());
      return true;
    case ValueType::kString:
      *out = Cmp(a.AsString(), b.AsString());
      return true;
    case ValueType::kList: {
      const auto& x = a.AsList();
      const auto& y = b.AsList();
      for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
        int c = 0;
        if (!CompareComparable(x[i], y[i], &c)) return false;
        if (c != 0) {
          *out = c;
          return true;
        }
      }
      *out = Cmp(x.size(), y.size());
      return true;
    }
    default:
      if (IsExtendedScalar(a.type())) {
        return CompareTemporal(ExtendedToProperty(a), ExtendedToProperty(b), out);
      }
      return false;
  }
}

int CompareOrder(const Value& a, const Value& b) {
  int ra = OrderRank(a), rb = OrderRank(b);
  if (ra != rb) return ra < rb ? -1 : 1;
  switch (a.type()) {
    case ValueType::kNull:
      return 0;
    case ValueType::kBool:
      return Cmp(a.AsBool(), b.AsBool());
    case ValueType::kInt:
    case ValueType::kDouble: {
      bool na = a.IsDouble() && std::isnan(a.AsDouble());
      bool nb = b.IsDouble() && std::isnan(b.AsDouble());
      if (na || nb) return na == nb ? 0 : (na ? 1 : -1);
      return CompareNumbers(a, b);
    }
    case ValueType::kString:
      return Cmp(a.AsString(), b.AsString());
    case ValueType::kList: {
      const auto& x = a.AsList();
      const auto& y = b.AsList();
      for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
        int c = CompareOrder(x[i], y[i]);
        if (c != 0) return c;
      }
      return Cmp(x.size(), y.size());
    }
    case ValueType::kMap: {
      const auto& x = a.AsMap();
      const auto& y = b.AsMap();
      for (auto i = x.begin(), j = y.begin(); i != x.end() && j != y.end(); ++i, ++j) {
        int c = Cmp(i->first, j->first);
        if (c != 0) return c;
        c = CompareOrder(i->second, j->second);
        if (c != 0) return c;
      }
      return Cmp(x.size(), y.size());
    }
    case ValueType::kNode:
      return Cmp(a.AsNode().gid(), b.AsNode().gid());
    case ValueType::kRelationship:
      return Cmp(a.AsRelationship().gid(), b.AsRelationship().gid());
    case ValueType::kPath: {
      const auto& x = a.AsPath();
      const auto& y = b.AsPath();
      for (size_t i = 0; i < x.nodes.size() && i < y.nodes.size(); ++i) {
        int c = Cmp(x.nodes[i].gid(), y.nodes[i].gid());
        if (c != 0) return c;
      }
      return Cmp(x.nodes.size(), y.nodes.size());
    }
    default:
      return CompareOrder(ExtendedToProperty(a), ExtendedToProperty(b));
  }
  return 0;
}

bool Equivalent(const Value& a, const Value& b) {
  if (a.IsNull() || b.IsNull()) return a.IsNull() && b.IsNull();
  if (a.IsDouble() && b.IsDouble() && std::isnan(a.AsDouble()) && std::isnan(b.AsDouble())) {
    return true;
  }
  if (a.IsList() && b.IsList()) {
    const auto& x = a.AsList();
    const auto& y = b.AsList();
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i) {
      if (!Equivalent(x[i], y[i])) return false;
    }
    return true;
  }
  if (a.IsMap() && b.IsMap()) {
    const auto& x = a.AsMap();
    const auto& y = b.AsMap();
    if (x.size() != y.size()) return false;
    for (auto i = x.begin(), j = y.begin(); i != x.end(); ++i, ++j) {
      if (i->first != j->first || !Equivalent(i->second, j->second)) return false;
    }
    return true;
  }
  return Equals(a, b) == Tri::kTrue;
}

size_t Hash(const Value& v) {
  size_t h = 0;
  switch (v.type()) {
    case ValueType::kNull:
      return 0x51ED270B;
    case ValueType::kBool:
      return v.AsBool() ? 0x1234567 : 0x7654321;
    case ValueType::kInt:
      return std::hash<double>{}(static_cast<double>(v.AsInt()));
    case ValueType::kDouble: {
      double d = v.AsDouble();
      if (std::isnan(d)) return 0x7FF8;
      return std::hash<double>{}(d);
    }
    case ValueType::kString:
      return std::hash<std::string>{}(v.AsString());
    case ValueType::kList:
      h = 0x1157;
      for (const auto& e : v.AsList()) HashMix(h, Hash(e));
      return h;
    case ValueType::kMap:
      h = 0x3A9;
      for (const auto& [k, e] : v.AsMap()) {
        HashMix(h, std::hash<std::string>{}(k));
        HashMix(h, Hash(e));
      }
      return h;
    case ValueType::kNode:
      return std::hash<uint64_t>{}(v.AsNode().gid()) ^ 0xA0;
    case ValueType::kRelationship:
      return std::hash<uint64_t>{}(v.AsRelationship().gid()) ^ 0xB0;
    case ValueType::kPath:
      h = 0xC0;
      for (const auto& n : v.AsPath().nodes) HashMix(h, n.gid());
      for (const auto& e : v.AsPath().edges) HashMix(h, e.gid());
      return h;
    default:
      return HashValue(ExtendedToProperty(v));
  }
  return h;
}

size_t ValueHash::operator()(const std::vector<Value>& v) const {
  size_t h = v.size();
  for (const auto& e : v) HashMix(h, Hash(e));
  return h;
}

bool ValueEquivalent::operator()(const std::vector<Value>& a, const std::vector<Value>& b) const {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!Equivalent(a[i], b[i])) return false;
  }
  return true;
}

std::string FormatFloat(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == 0) return std::signbit(d) ? "-0.0" : "0.0";
  char buf[40];
  auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string sci(buf, r.ptr);  // shortest round-trip: "-3.14e+00"
  bool negative = sci[0] == '-';
  if (negative) sci.erase(0, 1);
  size_t e_pos = sci.find('e');
  int exponent = std::stoi(sci.substr(e_pos + 1));
  std::string digits = sci.substr(0, e_pos);
  digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
  std::string out = negative ? "-" : "";
  double magnitude = std::fabs(d);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    if (exponent >= 0) {
      auto int_len = static_cast<size_t>(exponent) + 1;
      if (digits.size() < int_len) digits.append(int_len - digits.size(), '0');
      std::string frac = digits.substr(int_len);
      out += digits.substr(0, int_len) + "." + (frac.empty() ? "0" : frac);
    } else {
      out += "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + digits;
    }
    return out;
  }
  std::string frac = digits.substr(1);
  return out + digits.substr(0, 1) + "." + (frac.empty() ? "0" : frac) + "E" +
         std::to_string(exponent);
}

std::string ToDisplayString(const Value& v, const storage::Storage& storage) {
  switch (v.type()) {
    case ValueType::kNull:
      return "null";
    case ValueType::kBool:
      return v.AsBool() ? "true" : "false";
    case ValueType::kInt:
      return std::to_string(v.AsInt());
    case ValueType::kDouble:
      return FormatFloat(v.AsDouble());
    case ValueType::kString:
      return v.AsString();
    case ValueType::kList: {
      std::string out = "[";
      bool first = true;
      for (const auto& e : v.AsList()) {
        if (!first) out += ", ";
        first = false;
        out += e.IsString() ? "'" + e.AsString() + "'" : ToDisplayString(e, storage);
      }
      return out + "]";
    }
    case ValueType::kMap: {
      std::string out = "{";
      bool first = true;
      for (const auto& [k, e] : v.AsMap()) {
        if (!first) out += ", ";
        first = false;
        out += k + ": " + (e.IsString() ? "'" + e.AsString() + "'" : ToDisplayString(e, storage));
      }
      return out + "}";
    }
    case ValueType::kNode:
      return "Node[" + std::to_string(v.AsNode().gid()) + "]";
    case ValueType::kRelationship:
      return "Relationship[" + std::to_string(v.AsRelationship().gid()) + "]";
    case ValueType::kPath:
      return "Path[" + std::to_string(v.AsPath().edges.size()) + "]";
    default:
      return FormatScalar(ExtendedToProperty(v));
  }
  return "";
}

}  // namespace tributary::cypher
