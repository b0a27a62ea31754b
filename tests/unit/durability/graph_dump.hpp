#pragma once
// A canonical text image of a Storage (vertices, edges, system keys,
// indexes, constraints, gid counters' lower bound) for comparing a graph
// before a restart with the graph recovered after it.

#include <algorithm>
#include <iterator>
#include <string>
#include <vector>

#include "storage/storage.hpp"

namespace tributary::storage::durability::testing {

inline std::string PropsText(Storage& s,
                             const std::vector<std::pair<PropertyId, PropertyValue>>& props) {
  std::vector<std::string> parts;
  for (const auto& [k, v] : props)
    parts.push_back(std::string(s.PropertyName(k)) + ":" + ToCypherLiteral(v));
  std::sort(parts.begin(), parts.end());
  std::string out = "{";
  for (const auto& p : parts) out += p + ",";
  return out + "}";
}

/// Every fact of the graph as sorted lines.
inline std::vector<std::string> DumpGraph(Storage& s) {
  std::vector<std::string> lines;
  auto tx = s.Begin();
  auto cursor = tx->ScanVertices(View::kOld);
  VertexAccessor v(nullptr, nullptr);
  std::vector<EdgeAccessor> edges;
  while (cursor->Next(&v)) {
    std::vector<std::string> labels;
    auto label_ids = v.Labels(View::kOld);  // named: a range-for over *temporary dangles
    for (LabelId l : *label_ids) labels.emplace_back(s.LabelName(l));
    std::sort(labels.begin(), labels.end());
    std::string line = "v " + std::to_string(v.gid()) + " ";
    for (const auto& l : labels) line += ":" + l;
    line += " " + PropsText(s, *v.Properties(View::kOld));
    lines.push_back(line);
    edges.clear();
    (void)v.OutEdges(View::kOld, {}, &edges);
    for (const auto& e : edges) {
      lines.push_back("e " + std::to_string(e.gid()) + " " + std::to_string(e.From().gid()) + "->" +
                      std::to_string(e.To().gid()) + " :" + std::string(s.EdgeTypeName(e.type())) +
                      " " + PropsText(s, *e.Properties(View::kOld)));
    }
  }
  for (const auto& [k, val] : s.SystemKeys("")) lines.push_back("k " + k + "=" + val);
  for (const auto& i : s.ListIndexes()) {
    lines.push_back("i :" + std::string(s.LabelName(i.label)) +
                    (i.property ? "(" + std::string(s.PropertyName(*i.property)) + ")" : ""));
  }
  for (const auto& c : s.ListConstraints()) {
    lines.push_back("c :" + std::string(s.LabelName(c.label)) + "(" +
                    std::string(s.PropertyName(c.property)) + ")");
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

/// Lines only in `a` ("-") or only in `b` ("+"), for readable failures.
inline std::string DumpDiff(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<std::string> only_a, only_b;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(only_a));
  std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(only_b));
  std::string out;
  for (const auto& l : only_a) out += "- " + l + "\n";
  for (const auto& l : only_b) out += "+ " + l + "\n";
  return out;
}

}  // namespace tributary::storage::durability::testing
