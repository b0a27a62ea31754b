#include "console/format.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

namespace tributary::console {

using bolt::Value;
using bolt::ValueType;

namespace {

// Structure tags of the temporal and spatial types (Bolt structure semantics).
constexpr uint8_t kDate = 0x44;
constexpr uint8_t kTime = 0x54;
constexpr uint8_t kLocalTime = 0x74;
constexpr uint8_t kLocalDateTime = 0x64;
constexpr uint8_t kDuration = 0x45;
constexpr uint8_t kDateTime = 0x49;
constexpr uint8_t kDateTimeZoneId = 0x69;
constexpr uint8_t kLegacyDateTime = 0x46;
constexpr uint8_t kLegacyDateTimeZoneId = 0x66;
constexpr uint8_t kPoint2D = 0x58;
constexpr uint8_t kPoint3D = 0x59;

constexpr int64_t kSecondsPerDay = 86400;
constexpr int64_t kNanosPerSecond = 1000000000;

// Floor division for negative timestamps.
int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Days since 1970-01-01 -> "YYYY-MM-DD" (proleptic Gregorian; H. Hinnant's
// civil_from_days).
std::string FormatDate(int64_t days) {
  days += 719468;
  const int64_t era = FloorDiv(days, 146097);
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  char buf[48];
  std::snprintf(buf, sizeof(buf), y < 0 ? "%05lld-%02lld-%02lld" : "%04lld-%02lld-%02lld",
                static_cast<long long>(y), static_cast<long long>(m), static_cast<long long>(d));
  return buf;
}

// Nanoseconds since midnight -> "HH:MM:SS.nnnnnnnnn".
std::string FormatTimeOfDay(int64_t nanos) {
  const int64_t secs = FloorDiv(nanos, kNanosPerSecond);
  const int64_t frac = nanos - secs * kNanosPerSecond;
  char buf[48];
  std::snprintf(buf, sizeof(buf), "%02lld:%02lld:%02lld.%09lld",
                static_cast<long long>(secs / 3600), static_cast<long long>(secs / 60 % 60),
                static_cast<long long>(secs % 60), static_cast<long long>(frac));
  return buf;
}

// Seconds since the epoch (+ nanoseconds) -> date and time of day.
std::string FormatDateTime(int64_t seconds, int64_t nanos, char separator) {
  const int64_t days = FloorDiv(seconds, kSecondsPerDay);
  const int64_t second_of_day = seconds - days * kSecondsPerDay;
  return FormatDate(days) + separator + FormatTimeOfDay(second_of_day * kNanosPerSecond + nanos);
}

std::string FormatOffset(int64_t offset_seconds) {
  const char sign = offset_seconds < 0 ? '-' : '+';
  const int64_t a = std::llabs(offset_seconds);
  char buf[24];
  std::snprintf(buf, sizeof(buf), "%c%02lld:%02lld", sign, static_cast<long long>(a / 3600),
                static_cast<long long>(a / 60 % 60));
  return buf;
}

// mgconsole's duration form (which ignores months; we print them first
// when non-zero).
std::string FormatDuration(int64_t months, int64_t days, int64_t seconds, int64_t nanos) {
  std::string out = "P";
  if (months != 0) out += std::to_string(months) + "M";
  if (days != 0) out += std::to_string(days) + "D";
  const int64_t micros = seconds * 1000000 + nanos / 1000;
  if (micros > 0) out += "T";
  const int64_t hh = micros / 3600000000LL;
  const int64_t mm = (micros - hh * 3600000000LL) / 60000000LL;
  const int64_t ss = (micros - hh * 3600000000LL - mm * 60000000LL) / 1000000;
  const int64_t mis = micros - hh * 3600000000LL - mm * 60000000LL - ss * 1000000;
  if (hh != 0) out += std::to_string(hh) + "H";
  if (mm != 0) out += std::to_string(mm) + "M";
  if (ss == 0 && mis == 0) return out;
  if (ss == 0 && mis < 0) out += "-";
  out += std::to_string(ss);
  if (mis != 0) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), ".%06lld", static_cast<long long>(std::llabs(mis)));
    out += buf;
  }
  return out + "S";
}

std::string FormatFloat(double d) {
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%g", d);
  return buf;
}

// mgconsole's escaping of nested strings.
std::string Quote(const std::string& s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  for (char c : s) {
    switch (c) {
      case '\\':
      case '\'':
      case '"':
        out.push_back('\\');
        out.push_back(c);
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

// Top-level strings stay bare, but control characters must not break rows.
std::string Bare(const std::string& s) {
  if (s.find_first_of("\b\f\n\r\t") == std::string::npos) return s;
  std::string out;
  for (char c : s) {
    switch (c) {
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

void AppendNested(const Value& v, std::string* out);

void AppendMap(const bolt::Map& m, std::string* out) {
  out->push_back('{');
  bool first = true;
  for (const auto& [key, value] : m) {
    if (!first) out->push_back(',');
    first = false;
    out->append(key).push_back(':');
    AppendNested(value, out);
  }
  out->push_back('}');
}

void AppendNode(const bolt::Node& n, std::string* out) {
  out->push_back('(');
  for (const auto& label : n.labels) out->append(":").append(label);
  if (!n.labels.empty() && !n.properties.empty()) out->push_back(' ');
  if (!n.properties.empty()) AppendMap(n.properties, out);
  out->push_back(')');
}

void AppendRelationship(const std::string& type, const bolt::Map& props, std::string* out) {
  out->append("[:").append(type);
  if (!props.empty()) {
    out->push_back(' ');
    AppendMap(props, out);
  }
  out->push_back(']');
}

void AppendPath(const bolt::Path& p, std::string* out) {
  if (p.nodes.empty()) {
    out->append("<empty path>");
    return;
  }
  AppendNode(p.nodes[0], out);
  for (size_t i = 0; i + 1 < p.indices.size(); i += 2) {
    const int64_t rel = p.indices[i];
    const int64_t node = p.indices[i + 1];
    const uint64_t rel_index = static_cast<uint64_t>(rel < 0 ? -(rel + 1) : rel - 1);
    if (rel == 0 || rel_index >= p.rels.size() || node < 0 ||
        static_cast<uint64_t>(node) >= p.nodes.size()) {
      out->append("-<invalid path>");
      return;
    }
    const auto& r = p.rels[rel_index];
    out->append(rel < 0 ? "<-" : "-");
    AppendRelationship(r.type, r.properties, out);
    out->append(rel < 0 ? "-" : "->");
    AppendNode(p.nodes[static_cast<size_t>(node)], out);
  }
}

bool AllInts(const std::vector<Value>& f, size_t n) {
  if (f.size() != n) return false;
  return std::all_of(f.begin(), f.end(), [](const Value& v) { return v.IsInt(); });
}

// Range checks keep the arithmetic below free of overflow on hostile input;
// out-of-range values fall back to the generic structure rendering.
bool Within(const Value& v, int64_t limit) { return v.AsInt() >= -limit && v.AsInt() <= limit; }
constexpr int64_t kMaxDays = 1000000000;                // ~2.7 million years
constexpr int64_t kMaxSeconds = kMaxDays * 86400;       // same span in seconds
constexpr int64_t kMaxNanos = 86400 * kNanosPerSecond;  // one day
constexpr int64_t kMaxOffset = 86400;

// Temporal and spatial structures; false when the shape is not recognised.
bool AppendKnownStructure(const bolt::Structure& s, std::string* out) {
  const auto& f = s.fields;
  switch (s.tag) {
    case kDate:
      if (!AllInts(f, 1) || !Within(f[0], kMaxDays)) return false;
      out->append(FormatDate(f[0].AsInt()));
      return true;
    case kLocalTime:
      if (!AllInts(f, 1) || !Within(f[0], kMaxNanos)) return false;
      out->append(FormatTimeOfDay(f[0].AsInt()));
      return true;
    case kTime:
      if (!AllInts(f, 2) || !Within(f[0], kMaxNanos) || !Within(f[1], kMaxOffset)) return false;
      out->append(FormatTimeOfDay(f[0].AsInt())).append(FormatOffset(f[1].AsInt()));
      return true;
    case kLocalDateTime:
      if (!AllInts(f, 2) || !Within(f[0], kMaxSeconds) || !Within(f[1], kMaxNanos)) return false;
      out->append(FormatDateTime(f[0].AsInt(), f[1].AsInt(), ' '));
      return true;
    case kDuration:
      // Duration seconds are turned into microseconds: keep them below 1e12.
      if (!AllInts(f, 4) || !Within(f[2], 1000000000000) || !Within(f[3], kMaxNanos)) {
        return false;
      }
      out->append(FormatDuration(f[0].AsInt(), f[1].AsInt(), f[2].AsInt(), f[3].AsInt()));
      return true;
    case kDateTime:
    case kLegacyDateTime: {
      if (!AllInts(f, 3) || !Within(f[0], kMaxSeconds) || !Within(f[1], kMaxNanos) ||
          !Within(f[2], kMaxOffset)) {
        return false;
      }
      // 0x49 carries UTC seconds, the legacy 0x46 local seconds.
      const int64_t local = s.tag == kDateTime ? f[0].AsInt() + f[2].AsInt() : f[0].AsInt();
      out->append(FormatDateTime(local, f[1].AsInt(), 'T')).append(FormatOffset(f[2].AsInt()));
      return true;
    }
    case kDateTimeZoneId:
    case kLegacyDateTimeZoneId:
      if (f.size() != 3 || !f[0].IsInt() || !f[1].IsInt() || !f[2].IsString() ||
          !Within(f[0], kMaxSeconds) || !Within(f[1], kMaxNanos)) {
        return false;
      }
      out->append(FormatDateTime(f[0].AsInt(), f[1].AsInt(), 'T'));
      if (s.tag == kDateTimeZoneId) out->push_back('Z');
      out->append("[").append(f[2].AsString()).append("]");
      return true;
    case kPoint2D:
    case kPoint3D: {
      const size_t n = s.tag == kPoint2D ? 3 : 4;
      if (f.size() != n || !f[0].IsInt()) return false;
      out->append("point({srid:").append(std::to_string(f[0].AsInt()));
      const char* names[] = {"x", "y", "z"};
      for (size_t i = 1; i < n; ++i) {
        out->append(",").append(names[i - 1]).append(":");
        AppendNested(f[i], out);
      }
      out->append("})");
      return true;
    }
    default:
      return false;
  }
}

void AppendNested(const Value& v, std::string* out) {
  switch (v.type()) {
    case ValueType::kNull:
      out->append("Null");
      return;
    case ValueType::kBool:
      out->append(v.AsBool() ? "true" : "false");
      return;
    case ValueType::kInt:
      out->append(std::to_string(v.AsInt()));
      return;
    case ValueType::kFloat:
      out->append(FormatFloat(v.AsFloat()));
      return;
    case ValueType::kBytes: {
      static const char* kHex = "0123456789abcdef";
      out->append("0x");
      for (uint8_t b : v.AsBytes()) {
        out->push_back(kHex[b >> 4]);
        out->push_back(kHex[b & 15]);
      }
      return;
    }
    case ValueType::kString:
      out->append(Quote(v.AsString()));
      return;
    case ValueType::kList: {
      out->push_back('[');
      bool first = true;
      for (const auto& item : v.AsList()) {
        if (!first) out->append(", ");
        first = false;
        AppendNested(item, out);
      }
      out->push_back(']');
      return;
    }
    case ValueType::kMap:
      AppendMap(v.AsMap(), out);
      return;
    case ValueType::kNode:
      AppendNode(v.AsNode(), out);
      return;
    case ValueType::kRelationship:
      AppendRelationship(v.AsRelationship().type, v.AsRelationship().properties, out);
      return;
    case ValueType::kUnboundRelationship:
      AppendRelationship(v.AsUnboundRelationship().type, v.AsUnboundRelationship().properties, out);
      return;
    case ValueType::kPath:
      AppendPath(v.AsPath(), out);
      return;
    case ValueType::kStructure: {
      const auto& s = v.AsStructure();
      if (AppendKnownStructure(s, out)) return;
      char tag[8];
      std::snprintf(tag, sizeof(tag), "%02X", s.tag);
      out->append("structure<0x").append(tag).append(">(");
      bool first = true;
      for (const auto& f : s.fields) {
        if (!first) out->append(", ");
        first = false;
        AppendNested(f, out);
      }
      out->push_back(')');
      return;
    }
  }
}

size_t DisplayWidth(const std::string& s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<uint8_t>(c) & 0xC0) != 0x80; }));
}

std::string CsvQuote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

using Json = nlohmann::ordered_json;

Json ToJson(const Value& v);

Json MapToJson(const bolt::Map& m) {
  Json j = Json::object();
  for (const auto& [key, value] : m) j[key] = ToJson(value);
  return j;
}

Json NodeToJson(const bolt::Node& n) {
  Json j = Json::object();
  j["id"] = n.id;
  j["element_id"] = n.element_id.empty() ? std::to_string(n.id) : n.element_id;
  j["labels"] = n.labels;
  j["properties"] = MapToJson(n.properties);
  return j;
}

Json RelToJson(int64_t id, const std::string& element_id, const std::string& type, int64_t start,
               int64_t end, const bolt::Map& props) {
  Json j = Json::object();
  j["id"] = id;
  j["element_id"] = element_id.empty() ? std::to_string(id) : element_id;
  j["type"] = type;
  j["start"] = start;
  j["end"] = end;
  j["properties"] = MapToJson(props);
  return j;
}

Json ToJson(const Value& v) {
  switch (v.type()) {
    case ValueType::kNull:
      return nullptr;
    case ValueType::kBool:
      return v.AsBool();
    case ValueType::kInt:
      return v.AsInt();
    case ValueType::kFloat:
      if (!std::isfinite(v.AsFloat())) return nullptr;
      return v.AsFloat();
    case ValueType::kString:
      return v.AsString();
    case ValueType::kList: {
      Json j = Json::array();
      for (const auto& item : v.AsList()) j.push_back(ToJson(item));
      return j;
    }
    case ValueType::kMap:
      return MapToJson(v.AsMap());
    case ValueType::kNode:
      return NodeToJson(v.AsNode());
    case ValueType::kRelationship: {
      const auto& r = v.AsRelationship();
      return RelToJson(r.id, r.element_id, r.type, r.start_id, r.end_id, r.properties);
    }
    case ValueType::kUnboundRelationship: {
      const auto& r = v.AsUnboundRelationship();
      Json j = Json::object();
      j["id"] = r.id;
      j["type"] = r.type;
      j["properties"] = MapToJson(r.properties);
      return j;
    }
    case ValueType::kPath: {
      const auto& p = v.AsPath();
      Json nodes = Json::array();
      Json rels = Json::array();
      if (!p.nodes.empty()) nodes.push_back(NodeToJson(p.nodes[0]));
      size_t prev = 0;
      for (size_t i = 0; i + 1 < p.indices.size(); i += 2) {
        const int64_t rel = p.indices[i];
        const int64_t node = p.indices[i + 1];
        const uint64_t ri = static_cast<uint64_t>(rel < 0 ? -(rel + 1) : rel - 1);
        if (rel == 0 || ri >= p.rels.size() || node < 0 ||
            static_cast<uint64_t>(node) >= p.nodes.size()) {
          break;
        }
        const auto& r = p.rels[ri];
        const auto& a = p.nodes[prev];
        const auto& b = p.nodes[static_cast<size_t>(node)];
        rels.push_back(RelToJson(r.id, r.element_id, r.type, rel < 0 ? b.id : a.id,
                                 rel < 0 ? a.id : b.id, r.properties));
        nodes.push_back(NodeToJson(b));
        prev = static_cast<size_t>(node);
      }
      Json j = Json::object();
      j["nodes"] = std::move(nodes);
      j["relationships"] = std::move(rels);
      return j;
    }
    case ValueType::kBytes:
    case ValueType::kStructure:
      return FormatCell(v);
  }
  return nullptr;
}

}  // namespace

bool ParseOutputFormat(std::string_view text, OutputFormat* out) {
  if (text == "tabular") {
    *out = OutputFormat::kTabular;
  } else if (text == "csv") {
    *out = OutputFormat::kCsv;
  } else if (text == "json") {
    *out = OutputFormat::kJson;
  } else {
    return false;
  }
  return true;
}

std::string FormatNested(const Value& v) {
  std::string out;
  AppendNested(v, &out);
  return out;
}

std::string FormatCell(const Value& v) {
  if (v.IsString()) return Bare(v.AsString());
  return FormatNested(v);
}

void PrintTable(const std::vector<std::string>& fields, const std::vector<std::vector<Value>>& rows,
                std::ostream& out) {
  if (rows.empty() || fields.empty()) return;
  std::vector<std::vector<std::string>> cells;
  cells.reserve(rows.size());
  std::vector<size_t> widths;
  for (const auto& f : fields) widths.push_back(DisplayWidth(f));
  for (const auto& row : rows) {
    std::vector<std::string> line;
    for (size_t c = 0; c < fields.size(); ++c) {
      line.push_back(c < row.size() ? FormatCell(row[c]) : std::string());
      widths[c] = std::max(widths[c], DisplayWidth(line.back()));
    }
    cells.push_back(std::move(line));
  }
  std::string border = "+";
  for (size_t w : widths) border.append(w + 2, '-').push_back('+');
  auto print_line = [&](const std::vector<std::string>& line) {
    std::string text = "|";
    for (size_t c = 0; c < widths.size(); ++c) {
      text.push_back(' ');
      text.append(line[c]);
      text.append(widths[c] - DisplayWidth(line[c]) + 1, ' ');
      text.push_back('|');
    }
    out << text << '\n';
  };
  out << border << '\n';
  print_line(fields);
  out << border << '\n';
  for (const auto& line : cells) print_line(line);
  out << border << '\n';
}

void PrintCsv(const std::vector<std::string>& fields, const std::vector<std::vector<Value>>& rows,
              std::ostream& out) {
  // Zero rows still print the header, so a script can tell "no rows" from
  // "no result"; a statement without columns (CREATE without RETURN) prints nothing.
  if (fields.empty()) return;
  auto print = [&](const std::vector<std::string>& line) {
    for (size_t i = 0; i < line.size(); ++i) {
      if (i > 0) out << ',';
      out << CsvQuote(line[i]);
    }
    out << '\n';
  };
  print(fields);
  for (const auto& row : rows) {
    std::vector<std::string> line;
    for (size_t c = 0; c < fields.size(); ++c) {
      line.push_back(c < row.size() ? FormatCell(row[c]) : std::string());
    }
    print(line);
  }
}

void PrintJson(const std::vector<std::string>& fields, const std::vector<std::vector<Value>>& rows,
               std::ostream& out) {
  for (const auto& row : rows) {
    Json j = Json::object();
    for (size_t c = 0; c < fields.size(); ++c) {
      j[fields[c]] = c < row.size() ? ToJson(row[c]) : Json(nullptr);
    }
    // Invalid UTF-8 from the wire must not throw; it is replaced.
    out << j.dump(-1, ' ', false, Json::error_handler_t::replace) << '\n';
  }
}

void PrintResult(OutputFormat format, const std::vector<std::string>& fields,
                 const std::vector<std::vector<Value>>& rows, std::ostream& out) {
  switch (format) {
    case OutputFormat::kTabular:
      PrintTable(fields, rows, out);
      return;
    case OutputFormat::kCsv:
      PrintCsv(fields, rows, out);
      return;
    case OutputFormat::kJson:
      PrintJson(fields, rows, out);
      return;
  }
}

}  // namespace tributary::console
