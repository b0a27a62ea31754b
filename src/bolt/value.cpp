#include "bolt/value.hpp"

#include <algorithm>
#include <cstdio>

namespace tributary::bolt {

Map::Map(std::initializer_list<Entry> entries) {
  for (const auto& [key, value] : entries) Set(key, value);
}

void Map::Set(std::string key, Value value) {
  for (auto& entry : entries_) {
    if (entry.first == key) {
      entry.second = std::move(value);
      return;
    }
  }
  entries_.emplace_back(std::move(key), std::move(value));
}

void Map::AppendUnchecked(std::string key, Value value) {
  entries_.emplace_back(std::move(key), std::move(value));
}

const Value* Map::Find(std::string_view key) const {
  for (const auto& entry : entries_) {
    if (entry.first == key) return &entry.second;
  }
  return nullptr;
}

bool Map::Erase(std::string_view key) {
  auto it = std::find_if(entries_.begin(), entries_.end(),
                         [&](const Entry& e) { return e.first == key; });
  if (it == entries_.end()) return false;
  entries_.erase(it);
  return true;
}

bool operator==(const Map& a, const Map& b) { return a.entries_ == b.entries_; }

bool operator==(const Structure& a, const Structure& b) {
  return a.tag == b.tag && a.fields == b.fields;
}

std::string_view ValueTypeName(ValueType t) {
  switch (t) {
    case ValueType::kNull:
      return "Null";
    case ValueType::kBool:
      return "Boolean";
    case ValueType::kInt:
      return "Integer";
    case ValueType::kFloat:
      return "Float";
    case ValueType::kBytes:
      return "Bytes";
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
    case ValueType::kUnboundRelationship:
      return "UnboundRelationship";
    case ValueType::kPath:
      return "Path";
    case ValueType::kStructure:
      return "Structure";
  }
  return "Unknown";
}

namespace {

void AppendDebug(const Value& v, std::string* out);

void AppendDebugMap(const Map& m, std::string* out) {
  out->push_back('{');
  bool first = true;
  for (const auto& [key, value] : m) {
    if (!first) out->append(", ");
    first = false;
    out->append(key).append(": ");
    AppendDebug(value, out);
  }
  out->push_back('}');
}

void AppendDebugNode(const Node& n, std::string* out) {
  out->append("(").append(std::to_string(n.id));
  for (const auto& label : n.labels) out->append(":").append(label);
  if (!n.properties.empty()) {
    out->push_back(' ');
    AppendDebugMap(n.properties, out);
  }
  out->push_back(')');
}

void AppendDebug(const Value& v, std::string* out) {
  switch (v.type()) {
    case ValueType::kNull:
      out->append("null");
      return;
    case ValueType::kBool:
      out->append(v.AsBool() ? "true" : "false");
      return;
    case ValueType::kInt:
      out->append(std::to_string(v.AsInt()));
      return;
    case ValueType::kFloat: {
      char buf[32];
      std::snprintf(buf, sizeof(buf), "%.17g", v.AsFloat());
      out->append(buf);
      return;
    }
    case ValueType::kBytes:
      out->append("bytes[").append(std::to_string(v.AsBytes().size())).append("]");
      return;
    case ValueType::kString:
      out->append("\"").append(v.AsString()).append("\"");
      return;
    case ValueType::kList: {
      out->push_back('[');
      bool first = true;
      for (const auto& item : v.AsList()) {
        if (!first) out->append(", ");
        first = false;
        AppendDebug(item, out);
      }
      out->push_back(']');
      return;
    }
    case ValueType::kMap:
      AppendDebugMap(v.AsMap(), out);
      return;
    case ValueType::kNode:
      AppendDebugNode(v.AsNode(), out);
      return;
    case ValueType::kRelationship: {
      const auto& r = v.AsRelationship();
      out->append("[").append(std::to_string(r.id)).append(":").append(r.type);
      out->append(" ").append(std::to_string(r.start_id)).append("->");
      out->append(std::to_string(r.end_id)).append("]");
      return;
    }
    case ValueType::kUnboundRelationship: {
      const auto& r = v.AsUnboundRelationship();
      out->append("[").append(std::to_string(r.id)).append(":").append(r.type).append("]");
      return;
    }
    case ValueType::kPath:
      out->append("path(").append(std::to_string(v.AsPath().nodes.size())).append(" nodes)");
      return;
    case ValueType::kStructure: {
      const auto& s = v.AsStructure();
      char buf[8];
      std::snprintf(buf, sizeof(buf), "%02X", s.tag);
      out->append("struct<").append(buf).append(">(");
      bool first = true;
      for (const auto& f : s.fields) {
        if (!first) out->append(", ");
        first = false;
        AppendDebug(f, out);
      }
      out->push_back(')');
      return;
    }
  }
}

}  // namespace

std::string DebugString(const Value& v) {
  std::string out;
  AppendDebug(v, &out);
  return out;
}

}  // namespace tributary::bolt
