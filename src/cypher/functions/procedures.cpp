// Built-in procedures: db.labels(), db.relationshipTypes(), db.propertyKeys(),
// db.indexes(), db.constraints(). The first three report the names in use in
// the calling transaction's view (a scan), not every name ever interned.
#include <algorithm>
#include <set>
#include <string>

#include "cypher/exec/expression.hpp"
#include "cypher/functions/procedure.hpp"

namespace tributary::cypher {
namespace {

using storage::View;
using Rows = std::vector<std::vector<Value>>;

/// One row per name, sorted.
Rows NameRows(const std::set<std::string>& names) {
  Rows rows;
  rows.reserve(names.size());
  for (const auto& n : names) rows.push_back({Value(n)});
  return rows;
}

/// Visits every vertex visible to the transaction (View::kNew: the
/// transaction's own changes count).
template <typename Fn>
void ForEachVertex(ExecContext& ctx, Fn&& fn) {
  auto cursor = ctx.tx->ScanVertices(View::kNew);
  storage::VertexAccessor v(nullptr, nullptr);
  while (cursor->Next(&v)) {
    ctx.CheckLimits();
    fn(v);
  }
}

template <typename Fn>
void ForEachEdge(ExecContext& ctx, Fn&& fn) {
  std::vector<storage::EdgeAccessor> edges;
  ForEachVertex(ctx, [&](const storage::VertexAccessor& v) {
    edges.clear();
    exec::Unwrap(v.OutEdges(View::kNew, {}, &edges));
    for (const auto& e : edges) fn(e);
  });
}

Rows Labels(std::span<Value>, ExecContext& ctx) {
  std::set<std::string> names;
  ForEachVertex(ctx, [&](const storage::VertexAccessor& v) {
    for (auto l : exec::Unwrap(v.Labels(View::kNew))) names.emplace(ctx.storage->LabelName(l));
  });
  return NameRows(names);
}

Rows RelationshipTypes(std::span<Value>, ExecContext& ctx) {
  std::set<std::string> names;
  ForEachEdge(ctx, [&](const storage::EdgeAccessor& e) {
    names.emplace(ctx.storage->EdgeTypeName(e.type()));
  });
  return NameRows(names);
}

Rows PropertyKeys(std::span<Value>, ExecContext& ctx) {
  std::set<std::string> names;
  ForEachVertex(ctx, [&](const storage::VertexAccessor& v) {
    for (const auto& [k, value] : exec::Unwrap(v.Properties(View::kNew))) {
      names.emplace(ctx.storage->PropertyName(k));
    }
  });
  ForEachEdge(ctx, [&](const storage::EdgeAccessor& e) {
    for (const auto& [k, value] : exec::Unwrap(e.Properties(View::kNew))) {
      names.emplace(ctx.storage->PropertyName(k));
    }
  });
  return NameRows(names);
}

Rows Indexes(std::span<Value>, ExecContext& ctx) {
  Rows rows;
  for (const auto& info : ctx.storage->ListIndexes()) {
    Value::List props;
    if (info.property) props.emplace_back(std::string(ctx.storage->PropertyName(*info.property)));
    rows.push_back({Value(info.property ? "label+property" : "label"),
                    Value(std::string(ctx.storage->LabelName(info.label))), Value(std::move(props)),
                    Value(static_cast<int64_t>(info.entries))});
  }
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    for (size_t i = 0; i < 3; ++i) {
      int c = CompareOrder(a[i], b[i]);
      if (c != 0) return c < 0;
    }
    return false;
  });
  return rows;
}

Rows Constraints(std::span<Value>, ExecContext& ctx) {
  Rows rows;
  for (const auto& info : ctx.storage->ListConstraints()) {
    rows.push_back(
        {Value("unique"), Value(std::string(ctx.storage->LabelName(info.label))),
         Value(Value::List{Value(std::string(ctx.storage->PropertyName(info.property)))})});
  }
  return rows;
}

constexpr std::string_view kLabelOut[] = {"label"};
constexpr std::string_view kTypeOut[] = {"relationshipType"};
constexpr std::string_view kKeyOut[] = {"propertyKey"};
constexpr std::string_view kIndexOut[] = {"type", "label", "properties", "count"};
constexpr std::string_view kConstraintOut[] = {"type", "label", "properties"};

const ProcedureInfo kProcedures[] = {
    {"db.labels", 0, 0, kLabelOut, Labels},
    {"db.relationshipTypes", 0, 0, kTypeOut, RelationshipTypes},
    {"db.propertyKeys", 0, 0, kKeyOut, PropertyKeys},
    {"db.indexes", 0, 0, kIndexOut, Indexes},
    {"db.constraints", 0, 0, kConstraintOut, Constraints},
};

}  // namespace

const ProcedureInfo* LookupProcedure(std::string_view name) {
  for (const auto& p : kProcedures) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::span<const ProcedureInfo> Procedures() { return kProcedures; }

}  // namespace tributary::cypher
