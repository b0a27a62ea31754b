#include "server/value_convert.hpp"

#include "cypher/errors.hpp"

namespace tributary::server {
namespace {

using storage::View;

bolt::Map Properties(
    const storage::StorageResult<std::vector<std::pair<storage::PropertyId, PropertyValue>>>& props,
    const storage::Storage& storage) {
  bolt::Map out;
  if (props.HasError()) return out;
  out.reserve(props->size());
  for (const auto& [k, v] : *props) {
    out.AppendUnchecked(std::string(storage.PropertyName(k)), ToBolt(cypher::ToValue(v), storage));
  }
  return out;
}

bolt::Node NodeOf(const storage::VertexAccessor& n, const storage::Storage& storage) {
  bolt::Node out;
  out.id = static_cast<int64_t>(n.gid());
  out.element_id = NodeElementId(n.gid());
  auto labels = n.Labels(View::kNew);
  if (labels.HasValue()) {
    for (auto l : *labels) out.labels.emplace_back(storage.LabelName(l));
  }
  out.properties = Properties(n.Properties(View::kNew), storage);
  return out;
}

}  // namespace

std::string NodeElementId(storage::Gid gid) { return "n:" + std::to_string(gid); }
std::string RelationshipElementId(storage::Gid gid) { return "r:" + std::to_string(gid); }

bolt::Value ToBolt(const cypher::Value& v, const storage::Storage& storage) {
  switch (v.type()) {
    case cypher::ValueType::kNull:
      return bolt::Value();
    case cypher::ValueType::kBool:
      return bolt::Value(v.AsBool());
    case cypher::ValueType::kInt:
      return bolt::Value(v.AsInt());
    case cypher::ValueType::kDouble:
      return bolt::Value(v.AsDouble());
    case cypher::ValueType::kString:
      return bolt::Value(v.AsString());
    case cypher::ValueType::kList: {
      bolt::List out;
      out.reserve(v.AsList().size());
      for (const auto& e : v.AsList()) out.push_back(ToBolt(e, storage));
      return bolt::Value(std::move(out));
    }
    case cypher::ValueType::kMap: {
      bolt::Map out;
      out.reserve(v.AsMap().size());
      for (const auto& [k, e] : v.AsMap()) out.AppendUnchecked(k, ToBolt(e, storage));
      return bolt::Value(std::move(out));
    }
    case cypher::ValueType::kNode:
      return bolt::Value(NodeOf(v.AsNode(), storage));
    case cypher::ValueType::kRelationship: {
      const auto& e = v.AsRelationship();
      bolt::Relationship out;
      out.id = static_cast<int64_t>(e.gid());
      out.start_id = static_cast<int64_t>(e.From().gid());
      out.end_id = static_cast<int64_t>(e.To().gid());
      out.type = std::string(storage.EdgeTypeName(e.type()));
      out.properties = Properties(e.Properties(View::kNew), storage);
      out.element_id = RelationshipElementId(e.gid());
      out.start_element_id = NodeElementId(e.From().gid());
      out.end_element_id = NodeElementId(e.To().gid());
      return bolt::Value(std::move(out));
    }
    case cypher::ValueType::kPath: {
      const auto& p = v.AsPath();
      bolt::Path out;
      for (const auto& n : p.nodes) out.nodes.push_back(NodeOf(n, storage));
      // Bolt paths list distinct nodes and relationships, then index pairs.
      std::vector<storage::Gid> node_ids, rel_ids;
      for (const auto& n : p.nodes) node_ids.push_back(n.gid());
      for (size_t i = 0; i < p.edges.size(); ++i) {
        const auto& e = p.edges[i];
        bolt::UnboundRelationship r;
        r.id = static_cast<int64_t>(e.gid());
        r.type = std::string(storage.EdgeTypeName(e.type()));
        r.properties = Properties(e.Properties(View::kNew), storage);
        r.element_id = RelationshipElementId(e.gid());
        out.rels.push_back(std::move(r));
        bool forward = e.From() == p.nodes[i];
        out.indices.push_back(forward ? static_cast<int64_t>(i + 1) : -static_cast<int64_t>(i + 1));
        out.indices.push_back(static_cast<int64_t>(i + 1));
      }
      return bolt::Value(std::move(out));
    }
  }
  return bolt::Value();
}

cypher::Value FromBolt(const bolt::Value& v) {
  switch (v.type()) {
    case bolt::ValueType::kNull:
      return cypher::Value();
    case bolt::ValueType::kBool:
      return cypher::Value(v.AsBool());
    case bolt::ValueType::kInt:
      return cypher::Value(v.AsInt());
    case bolt::ValueType::kFloat:
      return cypher::Value(v.AsFloat());
    case bolt::ValueType::kString:
      return cypher::Value(v.AsString());
    case bolt::ValueType::kList: {
      cypher::Value::List out;
      out.reserve(v.AsList().size());
      for (const auto& e : v.AsList()) out.push_back(FromBolt(e));
      return cypher::Value(std::move(out));
    }
    case bolt::ValueType::kMap: {
      cypher::Value::Map out;
      for (const auto& [k, e] : v.AsMap()) out.insert_or_assign(k, FromBolt(e));
      return cypher::Value(std::move(out));
    }
    default:
      throw cypher::CypherTypeError("InvalidArgumentType",
                                    "Parameters of type " +
                                        std::string(bolt::ValueTypeName(v.type())) +
                                        " are not supported");
  }
}

}  // namespace tributary::server
