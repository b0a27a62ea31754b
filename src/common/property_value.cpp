#include "common/property_value.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>

namespace tributary {
namespace {

// Rank of each kind in Cypher's orderability (lower sorts first).
int OrderRank(const PropertyValue& v) {
  switch (v.type()) {
    case PropertyType::kMap:
      return 0;
    case PropertyType::kList:
      return 3;
    case PropertyType::kString:
      return 11;
    case PropertyType::kBool:
      return 12;
    case PropertyType::kInt:
    case PropertyType::kDouble:
      return 13;
    case PropertyType::kNull:
      return 100;
  }
  return 99;
}

template <typename T>
int Cmp(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

int CompareNumbers(const PropertyValue& a, const PropertyValue& b) {
  if (a.IsInt() && b.IsInt()) return Cmp(a.AsInt(), b.AsInt());
  if (a.IsDouble() && b.IsDouble()) {
    double x = a.AsDouble(), y = b.AsDouble();
    bool nx = std::isnan(x), ny = std::isnan(y);
    if (nx || ny) return nx == ny ? 0 : (nx ? 1 : -1);
    return Cmp(x, y);
  }
  if (a.IsInt()) {
    int c = CompareIntDouble(a.AsInt(), b.AsDouble());
    return c != 0 ? c : -1;  // int before an equal double
  }
  int c = -CompareIntDouble(b.AsInt(), a.AsDouble());
  return c != 0 ? c : 1;
}

void AppendEscaped(std::string& out, const std::string& s) {
  out += '\'';
  for (char c : s) {
    switch (c) {
      case '\'':
        out += "\\'";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
  out += '\'';
}

void AppendLiteral(std::string& out, const PropertyValue& v) {
  switch (v.type()) {
    case PropertyType::kNull:
      out += "null";
      return;
    case PropertyType::kBool:
      out += v.AsBool() ? "true" : "false";
      return;
    case PropertyType::kInt:
      out += std::to_string(v.AsInt());
      return;
    case PropertyType::kDouble: {
      double d = v.AsDouble();
      if (std::isnan(d)) {
        out += "NaN";
        return;
      }
      if (std::isinf(d)) {
        out += d > 0 ? "Infinity" : "-Infinity";
        return;
      }
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.15g", d);
      if (std::strtod(buf, nullptr) != d) std::snprintf(buf, sizeof buf, "%.17g", d);
      std::string s = buf;
      if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
      out += s;
      return;
    }
    case PropertyType::kString:
      AppendEscaped(out, v.AsString());
      return;
    case PropertyType::kList: {
      out += '[';
      bool first = true;
      for (const auto& e : v.AsList()) {
        if (!first) out += ", ";
        first = false;
        AppendLiteral(out, e);
      }
      out += ']';
      return;
    }
    case PropertyType::kMap: {
      out += '{';
      bool first = true;
      for (const auto& [k, e] : v.AsMap()) {
        if (!first) out += ", ";
        first = false;
        out += k;
        out += ": ";
        AppendLiteral(out, e);
      }
      out += '}';
      return;
    }
  }
}

}  // namespace

int CompareIntDouble(int64_t a, double b) {
  if (std::isnan(b)) return -1;
  if (b >= 9223372036854775808.0) return -1;
  if (b < -9223372036854775808.0) return 1;
  double fl = std::floor(b);
  auto bi = static_cast<int64_t>(fl);
  if (a != bi) return a < bi ? -1 : 1;
  return fl == b ? 0 : -1;  // a == floor(b) < b
}

bool operator==(const PropertyValue& a, const PropertyValue& b) {
  if (a.v_.index() != b.v_.index()) return false;
  if (a.IsDouble()) {
    double x = a.AsDouble(), y = b.AsDouble();
    return x == y || (std::isnan(x) && std::isnan(y));
  }
  return a.v_ == b.v_;
}

int CompareOrder(const PropertyValue& a, const PropertyValue& b) {
  int ra = OrderRank(a), rb = OrderRank(b);
  if (ra != rb) return ra < rb ? -1 : 1;
  switch (a.type()) {
    case PropertyType::kNull:
      return 0;
    case PropertyType::kBool:
      return Cmp(a.AsBool(), b.AsBool());
    case PropertyType::kInt:
    case PropertyType::kDouble:
      return CompareNumbers(a, b);
    case PropertyType::kString:
      return Cmp(a.AsString(), b.AsString());
    case PropertyType::kList: {
      const auto& x = a.AsList();
      const auto& y = b.AsList();
      for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
        int c = CompareOrder(x[i], y[i]);
        if (c != 0) return c;
      }
      return Cmp(x.size(), y.size());
    }
    case PropertyType::kMap: {
      const auto& x = a.AsMap();
      const auto& y = b.AsMap();
      auto i = x.begin();
      auto j = y.begin();
      for (; i != x.end() && j != y.end(); ++i, ++j) {
        int c = Cmp(i->first, j->first);
        if (c != 0) return c;
        c = CompareOrder(i->second, j->second);
        if (c != 0) return c;
      }
      return Cmp(x.size(), y.size());
    }
  }
  return 0;
}

size_t HashValue(const PropertyValue& v) {
  size_t h = static_cast<size_t>(v.type()) * 0x9E3779B97F4A7C15ull;
  auto mix = [&h](size_t x) { h ^= x + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2); };
  switch (v.type()) {
    case PropertyType::kNull:
      break;
    case PropertyType::kBool:
      mix(v.AsBool());
      break;
    case PropertyType::kInt:
      mix(std::hash<int64_t>{}(v.AsInt()));
      break;
    case PropertyType::kDouble: {
      double d = v.AsDouble();
      mix(std::isnan(d) ? 0x7FF8ull : std::hash<double>{}(d));
      break;
    }
    case PropertyType::kString:
      mix(std::hash<std::string>{}(v.AsString()));
      break;
    case PropertyType::kList:
      for (const auto& e : v.AsList()) mix(HashValue(e));
      break;
    case PropertyType::kMap:
      for (const auto& [k, e] : v.AsMap()) {
        mix(std::hash<std::string>{}(k));
        mix(HashValue(e));
      }
      break;
  }
  return h;
}

std::string ToCypherLiteral(const PropertyValue& v) {
  std::string out;
  AppendLiteral(out, v);
  return out;
}

std::string_view TypeName(PropertyType t) {
  switch (t) {
    case PropertyType::kNull:
      return "Null";
    case PropertyType::kBool:
      return "Boolean";
    case PropertyType::kInt:
      return "Integer";
    case PropertyType::kDouble:
      return "Float";
    case PropertyType::kString:
      return "String";
    case PropertyType::kList:
      return "List";
    case PropertyType::kMap:
      return "Map";
  }
  return "Unknown";
}

}  // namespace tributary
