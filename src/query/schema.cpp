// Index and constraint statements (both Memgraph's and Neo4j's spellings) and
// SHOW INDEX INFO / SHOW CONSTRAINT INFO.
#include "cypher/errors.hpp"
#include "query/results.hpp"

namespace tributary::query {

using cypher::StatementKind;

namespace {

/// System-key prefix of index names (Neo4j's `CREATE INDEX name FOR ...`),
/// kept in storage so names survive restarts with the index itself.
constexpr std::string_view kIndexNamePrefix = "index-name/";

[[noreturn]] void Throw(const storage::Error& e) {
  throw cypher::CypherError(cypher::ErrorKind::kSemantic, "", e.message);
}

void PutIndexName(storage::Storage& s, const std::string& name, const std::string& label,
                  const std::string& prop) {
  auto tx = s.Begin();
  tx->PutSystemKey(std::string(kIndexNamePrefix) + name, label + '\x1f' + prop);
  auto r = tx->Commit();
  if (r.HasError()) Throw(r.Error());
}

bool LookupIndexName(storage::Storage& s, const std::string& name, std::string* label,
                     std::string* prop) {
  for (const auto& [k, v] : s.SystemKeys(std::string(kIndexNamePrefix) + name)) {
    if (k.size() != kIndexNamePrefix.size() + name.size()) continue;
    auto sep = v.find('\x1f');
    *label = v.substr(0, sep);
    *prop = sep == std::string::npos ? "" : v.substr(sep + 1);
    return true;
  }
  return false;
}

void DeleteIndexName(storage::Storage& s, const std::string& name) {
  auto tx = s.Begin();
  tx->DeleteSystemKey(std::string(kIndexNamePrefix) + name);
  auto r = tx->Commit();
  if (r.HasError()) Throw(r.Error());
}

std::unique_ptr<QueryResult> Done(cypher::QueryStats stats) {
  return std::make_unique<TableResult>(ResultTable{}, "s", stats);
}

}  // namespace

std::unique_ptr<QueryResult> ExecuteSchemaStatement(QueryEngine& engine,
                                                    const cypher::Statement& st) {
  storage::Storage& s = engine.storage();
  cypher::QueryStats stats;
  switch (st.kind) {
    case StatementKind::kCreateIndex: {
      const auto& ix = static_cast<const cypher::IndexStatement&>(st);
      if (ix.properties.size() > 1) {
        throw cypher::CypherError(cypher::ErrorKind::kSemantic, "",
                                  "Composite indexes are not supported");
      }
      storage::LabelId label = s.LabelIdFor(ix.label);
      storage::StorageResult<void> r =
          ix.properties.empty()
              ? s.CreateLabelIndex(label)
              : s.CreateLabelPropertyIndex(label, s.PropertyIdFor(ix.properties[0]));
      if (r.HasError()) {
        if (r.Error().code == storage::ErrorCode::kIndexExists && ix.if_exists_clause)
          return Done(stats);
        Throw(r.Error());
      }
      if (!ix.name.empty())
        PutIndexName(s, ix.name, ix.label, ix.properties.empty() ? "" : ix.properties[0]);
      stats.indexes_added = 1;
      return Done(stats);
    }
    case StatementKind::kDropIndex: {
      const auto& ix = static_cast<const cypher::IndexStatement&>(st);
      std::string label_name = ix.label, prop_name = ix.properties.empty() ? "" : ix.properties[0];
      if (label_name.empty()) {
        if (!LookupIndexName(s, ix.name, &label_name, &prop_name)) {
          if (ix.if_exists_clause) return Done(stats);
          throw cypher::CypherError(
              cypher::ErrorKind::kSemantic, "",
              "Unable to drop index: there is no index named `" + ix.name + "`");
        }
      }
      storage::LabelId label = s.LabelIdFor(label_name);
      auto r = prop_name.empty() ? s.DropLabelIndex(label)
                                 : s.DropLabelPropertyIndex(label, s.PropertyIdFor(prop_name));
      if (r.HasError()) {
        if (r.Error().code == storage::ErrorCode::kIndexMissing && ix.if_exists_clause)
          return Done(stats);
        Throw(r.Error());
      }
      if (!ix.name.empty()) DeleteIndexName(s, ix.name);
      stats.indexes_removed = 1;
      return Done(stats);
    }
    case StatementKind::kCreateConstraint:
    case StatementKind::kDropConstraint: {
      const auto& c = static_cast<const cypher::ConstraintStatement&>(st);
      if (c.type != cypher::ConstraintType::kUnique || c.properties.size() != 1) {
        throw cypher::CypherError(cypher::ErrorKind::kSemantic, "",
                                  "Only single-property unique constraints are supported");
      }
      storage::LabelId label = s.LabelIdFor(c.label);
      storage::PropertyId prop = s.PropertyIdFor(c.properties[0]);
      bool create = st.kind == StatementKind::kCreateConstraint;
      auto r = create ? s.CreateUniqueConstraint(label, prop) : s.DropUniqueConstraint(label, prop);
      if (r.HasError()) {
        if (r.Error().code == storage::ErrorCode::kConstraintViolation) {
          throw cypher::ConstraintViolation("", r.Error().message);
        }
        Throw(r.Error());
      }
      (create ? stats.constraints_added : stats.constraints_removed) = 1;
      return Done(stats);
    }
    case StatementKind::kShowIndexInfo: {
      ResultTable t;
      t.columns = {"index type", "label", "property", "count"};
      for (const auto& info : s.ListIndexes()) {
        t.rows.push_back({cypher::Value(info.property ? "label+property" : "label"),
                          cypher::Value(std::string(s.LabelName(info.label))),
                          info.property ? cypher::Value(std::string(s.PropertyName(*info.property)))
                                        : cypher::Value(),
                          cypher::Value(static_cast<int64_t>(info.entries))});
      }
      return std::make_unique<TableResult>(std::move(t), "s");
    }
    case StatementKind::kShowConstraintInfo: {
      ResultTable t;
      t.columns = {"constraint type", "label", "properties"};
      for (const auto& info : s.ListConstraints()) {
        t.rows.push_back({cypher::Value("unique"),
                          cypher::Value(std::string(s.LabelName(info.label))),
                          cypher::Value(std::string(s.PropertyName(info.property)))});
      }
      return std::make_unique<TableResult>(std::move(t), "s");
    }
    default:
      throw cypher::DatabaseError("", "Statement kind not handled by the schema executor");
  }
}

}  // namespace tributary::query
