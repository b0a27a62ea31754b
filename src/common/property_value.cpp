#include "common/property_value.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>

namespace tributary {
namespace {

template <typename T>
int Cmp(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

constexpr int64_t kNanosPerSecond = 1000000000;
constexpr int64_t kSecondsPerDay = 86400;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }

// Doubles ordered with NaN last and -0.0 == 0.0 (points' coordinates).
int CmpDouble(double x, double y) {
  bool nx = std::isnan(x), ny = std::isnan(y);
  if (nx || ny) return nx == ny ? 0 : (nx ? 1 : -1);
  return Cmp(x, y);
}

// Howard Hinnant's civil_from_days: days since 1970-01-01 -> y/m/d.
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t yy = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yy + (*m <= 2);
}

std::string Pad(int64_t v, int width) {
  std::string s = std::to_string(v < 0 ? -v : v);
  if (static_cast<int>(s.size()) < width) s.insert(0, width - s.size(), '0');
  return v < 0 ? "-" + s : s;
}

std::string FormatDateDays(int64_t days) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  std::string year = (y > 9999 ? "+" : "") + Pad(y, 4);
  return year + "-" + Pad(m, 2) + "-" + Pad(d, 2);
}

// Java-style: HH:MM, then :SS when seconds or nanos are set, then the
// fraction in groups of three digits.
std::string FormatTimeNanos(int64_t nanos) {
  int64_t secs = nanos / kNanosPerSecond;
  int64_t frac = nanos % kNanosPerSecond;
  std::string out = Pad(secs / 3600, 2) + ":" + Pad(secs / 60 % 60, 2);
  if (secs % 60 != 0 || frac != 0) out += ":" + Pad(secs % 60, 2);
  if (frac != 0) {
    std::string f = Pad(frac, 9);
    while (f.size() > 3 && f.compare(f.size() - 3, 3, "000") == 0) f.resize(f.size() - 3);
    out += "." + f;
  }
  return out;
}

std::string FormatOffset(int32_t offset) {
  if (offset == 0) return "Z";
  int64_t a = offset < 0 ? -int64_t{offset} : offset;
  std::string out =
      std::string(offset < 0 ? "-" : "+") + Pad(a / 3600, 2) + ":" + Pad(a / 60 % 60, 2);
  if (a % 60 != 0) out += ":" + Pad(a % 60, 2);
  return out;
}

std::string FormatLocalDateTime(int64_t seconds, int32_t nanos) {
  int64_t days = FloorDiv(seconds, kSecondsPerDay);
  int64_t sod = FloorMod(seconds, kSecondsPerDay);
  return FormatDateDays(days) + "T" + FormatTimeNanos(sod * kNanosPerSecond + nanos);
}

std::string FormatDuration(const Duration& d) {
  std::string out = "P";
  if (d.months / 12 != 0) out += std::to_string(d.months / 12) + "Y";
  if (d.months % 12 != 0) out += std::to_string(d.months % 12) + "M";
  if (d.days != 0) out += std::to_string(d.days) + "D";
  // Seconds and nanos as one signed quantity, split into H, M and S.
  __int128 total = static_cast<__int128>(d.seconds) * kNanosPerSecond + d.nanos;
  if (total != 0 || out == "P") {
    out += "T";
    bool neg = total < 0;
    __int128 t = neg ? -total : total;
    auto h = static_cast<int64_t>(t / (__int128{3600} * kNanosPerSecond));
    t -= static_cast<__int128>(h) * 3600 * kNanosPerSecond;
    auto m = static_cast<int64_t>(t / (__int128{60} * kNanosPerSecond));
    t -= static_cast<__int128>(m) * 60 * kNanosPerSecond;
    auto s = static_cast<int64_t>(t / kNanosPerSecond);
    auto n = static_cast<int64_t>(t % kNanosPerSecond);
    std::string sign = neg ? "-" : "";
    if (h != 0) out += sign + std::to_string(h) + "H";
    if (m != 0) out += sign + std::to_string(m) + "M";
    if (s != 0 || n != 0 || (h == 0 && m == 0)) {
      out += sign + std::to_string(s);
      if (n != 0) {
        std::string f = Pad(n, 9);
        while (!f.empty() && f.back() == '0') f.pop_back();
        out += "." + f;
      }
      out += "S";
    }
  }
  return out;
}

std::string FormatCoordinate(double d) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  std::string s = buf;
  std::snprintf(buf, sizeof buf, "%.15g", d);
  if (std::strtod(buf, nullptr) == d) s = buf;
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

// "crs: 'cartesian'" for the four SRIDs Neo4j names, else "srid: N".
std::string CrsOf(int64_t srid) {
  switch (srid) {
    case 7203:
      return "crs: 'cartesian'";
    case 9157:
      return "crs: 'cartesian-3d'";
    case 4326:
      return "crs: 'wgs-84'";
    case 4979:
      return "crs: 'wgs-84-3d'";
    default:
      return "srid: " + std::to_string(srid);
  }
}

// Time of day in UTC nanoseconds (may leave 0..86400e9 by the offset).
int64_t TimeUtcNanos(const Time& t) {
  return t.nanos - static_cast<int64_t>(t.offset_seconds) * kNanosPerSecond;
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
    case PropertyType::kDate:
    case PropertyType::kLocalTime:
    case PropertyType::kTime:
    case PropertyType::kLocalDateTime:
    case PropertyType::kDateTime:
    case PropertyType::kDuration: {
      std::string name(TypeName(v.type()));
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out += name + "('" + FormatScalar(v) + "')";
      return;
    }
    default:
      out += FormatScalar(v);
      return;
  }
}

}  // namespace

int OrderRank(PropertyType t) {
  switch (t) {
    case PropertyType::kMap:
      return 0;
    case PropertyType::kList:
      return 3;
    case PropertyType::kBytes:
      return 4;
    case PropertyType::kPoint2d:
    case PropertyType::kPoint3d:
      return 6;
    case PropertyType::kDateTime:
      return 7;
    case PropertyType::kLocalDateTime:
      return 8;
    case PropertyType::kDate:
      return 9;
    case PropertyType::kTime:
      return 10;
    case PropertyType::kLocalTime:
      return 11;
    case PropertyType::kDuration:
      return 12;
    case PropertyType::kString:
      return 13;
    case PropertyType::kBool:
      return 14;
    case PropertyType::kInt:
    case PropertyType::kDouble:
      return 15;
    case PropertyType::kNull:
      return 100;
  }
  return 99;
}

int CompareSameKind(const PropertyValue& a, const PropertyValue& b) {
  switch (a.type()) {
    case PropertyType::kBytes: {
      // Unsigned lexicographic (std::string compares as unsigned char).
      int c = a.AsBytes().data.compare(b.AsBytes().data);
      return (c > 0) - (c < 0);
    }
    case PropertyType::kPoint2d: {
      const auto &x = a.AsPoint2d(), &y = b.AsPoint2d();
      if (int c = Cmp(x.srid, y.srid)) return c;
      if (int c = CmpDouble(x.x, y.x)) return c;
      return CmpDouble(x.y, y.y);
    }
    case PropertyType::kPoint3d: {
      const auto &x = a.AsPoint3d(), &y = b.AsPoint3d();
      if (int c = Cmp(x.srid, y.srid)) return c;
      if (int c = CmpDouble(x.x, y.x)) return c;
      if (int c = CmpDouble(x.y, y.y)) return c;
      return CmpDouble(x.z, y.z);
    }
    case PropertyType::kDate:
      return Cmp(a.AsDate().days, b.AsDate().days);
    case PropertyType::kLocalTime:
      return Cmp(a.AsLocalTime().nanos, b.AsLocalTime().nanos);
    case PropertyType::kTime: {
      const auto &x = a.AsTime(), &y = b.AsTime();
      if (int c = Cmp(TimeUtcNanos(x), TimeUtcNanos(y))) return c;
      return Cmp(x.offset_seconds, y.offset_seconds);
    }
    case PropertyType::kLocalDateTime: {
      const auto &x = a.AsLocalDateTime(), &y = b.AsLocalDateTime();
      if (int c = Cmp(x.seconds, y.seconds)) return c;
      return Cmp(x.nanos, y.nanos);
    }
    case PropertyType::kDateTime: {
      const auto &x = a.AsDateTime(), &y = b.AsDateTime();
      if (int c = Cmp(x.seconds, y.seconds)) return c;
      if (int c = Cmp(x.nanos, y.nanos)) return c;
      if (int c = Cmp(x.offset_seconds, y.offset_seconds)) return c;
      if (int c = Cmp(x.zone != nullptr, y.zone != nullptr)) return c;
      int c = x.ZoneName().compare(y.ZoneName());
      return (c > 0) - (c < 0);
    }
    case PropertyType::kDuration: {
      const auto &x = a.AsDuration(), &y = b.AsDuration();
      if (int c = Cmp(x.months, y.months)) return c;
      if (int c = Cmp(x.days, y.days)) return c;
      if (int c = Cmp(x.seconds, y.seconds)) return c;
      return Cmp(x.nanos, y.nanos);
    }
    default:
      return 0;
  }
}

bool CompareTemporal(const PropertyValue& a, const PropertyValue& b, int* out) {
  if (a.type() != b.type() || !a.IsTemporal() || a.type() == PropertyType::kDuration) {
    return false;
  }
  if (a.type() == PropertyType::kDateTime) {
    // `<` compares instants only; the zone does not matter.
    const auto &x = a.AsDateTime(), &y = b.AsDateTime();
    int c = Cmp(x.seconds, y.seconds);
    *out = c != 0 ? c : Cmp(x.nanos, y.nanos);
    return true;
  }
  if (a.type() == PropertyType::kTime) {
    *out = Cmp(TimeUtcNanos(a.AsTime()), TimeUtcNanos(b.AsTime()));
    return true;
  }
  *out = CompareSameKind(a, b);
  return true;
}

std::string FormatScalar(const PropertyValue& v) {
  switch (v.type()) {
    case PropertyType::kBytes: {
      static const char* kHex = "0123456789abcdef";
      std::string out = "0x";
      for (unsigned char b : v.AsBytes().data) {
        out.push_back(kHex[b >> 4]);
        out.push_back(kHex[b & 15]);
      }
      return out;
    }
    case PropertyType::kPoint2d: {
      const auto& p = v.AsPoint2d();
      return "point({x: " + FormatCoordinate(p.x) + ", y: " + FormatCoordinate(p.y) + ", " +
             CrsOf(p.srid) + "})";
    }
    case PropertyType::kPoint3d: {
      const auto& p = v.AsPoint3d();
      return "point({x: " + FormatCoordinate(p.x) + ", y: " + FormatCoordinate(p.y) +
             ", z: " + FormatCoordinate(p.z) + ", " + CrsOf(p.srid) + "})";
    }
    case PropertyType::kDate:
      return FormatDateDays(v.AsDate().days);
    case PropertyType::kLocalTime:
      return FormatTimeNanos(v.AsLocalTime().nanos);
    case PropertyType::kTime:
      return FormatTimeNanos(v.AsTime().nanos) + FormatOffset(v.AsTime().offset_seconds);
    case PropertyType::kLocalDateTime:
      return FormatLocalDateTime(v.AsLocalDateTime().seconds, v.AsLocalDateTime().nanos);
    case PropertyType::kDateTime: {
      const auto& d = v.AsDateTime();
      std::string out = FormatLocalDateTime(d.seconds + d.offset_seconds, d.nanos) +
                        FormatOffset(d.offset_seconds);
      if (d.zone) out += "[" + *d.zone + "]";
      return out;
    }
    case PropertyType::kDuration:
      return FormatDuration(v.AsDuration());
    default:
      return ToCypherLiteral(v);
  }
}

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
  int ra = OrderRank(a.type()), rb = OrderRank(b.type());
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
    case PropertyType::kPoint2d:
    case PropertyType::kPoint3d:
      if (a.type() != b.type()) return a.type() == PropertyType::kPoint2d ? -1 : 1;
      return CompareSameKind(a, b);
    default:
      return CompareSameKind(a, b);
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
    case PropertyType::kBytes:
      mix(std::hash<std::string>{}(v.AsBytes().data));
      break;
    case PropertyType::kPoint2d:
      mix(std::hash<int64_t>{}(v.AsPoint2d().srid));
      mix(std::hash<double>{}(v.AsPoint2d().x));
      mix(std::hash<double>{}(v.AsPoint2d().y));
      break;
    case PropertyType::kPoint3d:
      mix(std::hash<int64_t>{}(v.AsPoint3d().srid));
      mix(std::hash<double>{}(v.AsPoint3d().x));
      mix(std::hash<double>{}(v.AsPoint3d().y));
      mix(std::hash<double>{}(v.AsPoint3d().z));
      break;
    case PropertyType::kDate:
      mix(std::hash<int64_t>{}(v.AsDate().days));
      break;
    case PropertyType::kLocalTime:
      mix(std::hash<int64_t>{}(v.AsLocalTime().nanos));
      break;
    case PropertyType::kTime:
      mix(std::hash<int64_t>{}(v.AsTime().nanos));
      mix(std::hash<int32_t>{}(v.AsTime().offset_seconds));
      break;
    case PropertyType::kLocalDateTime:
      mix(std::hash<int64_t>{}(v.AsLocalDateTime().seconds));
      mix(std::hash<int32_t>{}(v.AsLocalDateTime().nanos));
      break;
    case PropertyType::kDateTime:
      mix(std::hash<int64_t>{}(v.AsDateTime().seconds));
      mix(std::hash<int32_t>{}(v.AsDateTime().nanos));
      mix(std::hash<int32_t>{}(v.AsDateTime().offset_seconds));
      mix(std::hash<std::string_view>{}(v.AsDateTime().ZoneName()));
      break;
    case PropertyType::kDuration:
      mix(std::hash<int64_t>{}(v.AsDuration().months));
      mix(std::hash<int64_t>{}(v.AsDuration().days));
      mix(std::hash<int64_t>{}(v.AsDuration().seconds));
      mix(std::hash<int32_t>{}(v.AsDuration().nanos));
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
    case PropertyType::kBytes:
      return "ByteArray";
    case PropertyType::kPoint2d:
    case PropertyType::kPoint3d:
      return "Point";
    case PropertyType::kDate:
      return "Date";
    case PropertyType::kLocalTime:
      return "LocalTime";
    case PropertyType::kTime:
      return "Time";
    case PropertyType::kLocalDateTime:
      return "LocalDateTime";
    case PropertyType::kDateTime:
      return "DateTime";
    case PropertyType::kDuration:
      return "Duration";
  }
  return "Unknown";
}

}  // namespace tributary
