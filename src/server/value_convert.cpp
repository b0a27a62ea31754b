#include "server/value_convert.hpp"

#include <cstdio>

#include "cypher/errors.hpp"

namespace tributary::server {
namespace {

using storage::View;

// PackStream structure tags (Bolt spec, "structure semantics").
constexpr uint8_t kTagDate = 0x44;                  // 'D' days
constexpr uint8_t kTagTime = 0x54;                  // 'T' nanos, offset
constexpr uint8_t kTagLocalTime = 0x74;             // 't' nanos
constexpr uint8_t kTagLocalDateTime = 0x64;         // 'd' seconds, nanos
constexpr uint8_t kTagDuration = 0x45;              // 'E' months, days, seconds, nanos
constexpr uint8_t kTagDateTime = 0x49;              // 'I' UTC seconds, nanos, offset
constexpr uint8_t kTagDateTimeZoneId = 0x69;        // 'i' UTC seconds, nanos, zone
constexpr uint8_t kTagLegacyDateTime = 0x46;        // 'F' local seconds, nanos, offset
constexpr uint8_t kTagLegacyDateTimeZoneId = 0x66;  // 'f' local seconds, nanos, zone
constexpr uint8_t kTagPoint2d = 0x58;               // 'X' srid, x, y
constexpr uint8_t kTagPoint3d = 0x59;               // 'Y' srid, x, y, z

constexpr int64_t kNanosPerDay = int64_t{86400} * 1000000000;
constexpr int64_t kMaxOffset = 18 * 3600;  // as java.time.ZoneOffset

bolt::Value Struct(uint8_t tag, std::vector<bolt::Value> fields) {
  return bolt::Value(bolt::Structure{tag, std::move(fields)});
}

bolt::Value ExtendedToBolt(const cypher::Value& v, DateTimeWire wire) {
  switch (v.type()) {
    case cypher::ValueType::kBytes: {
      const std::string& b = v.AsBytes().data;
      return bolt::Value(bolt::Bytes(b.begin(), b.end()));
    }
    case cypher::ValueType::kPoint2d: {
      const auto& p = v.AsPoint2d();
      return Struct(kTagPoint2d, {p.srid, p.x, p.y});
    }
    case cypher::ValueType::kPoint3d: {
      const auto& p = v.AsPoint3d();
      return Struct(kTagPoint3d, {p.srid, p.x, p.y, p.z});
    }
    case cypher::ValueType::kDate:
      return Struct(kTagDate, {v.AsDate().days});
    case cypher::ValueType::kLocalTime:
      return Struct(kTagLocalTime, {v.AsLocalTime().nanos});
    case cypher::ValueType::kTime:
      return Struct(kTagTime, {v.AsTime().nanos, int64_t{v.AsTime().offset_seconds}});
    case cypher::ValueType::kLocalDateTime:
      return Struct(kTagLocalDateTime,
                    {v.AsLocalDateTime().seconds, int64_t{v.AsLocalDateTime().nanos}});
    case cypher::ValueType::kDateTime: {
      const auto& d = v.AsDateTime();
      const bool legacy = wire == DateTimeWire::kLegacy;
      const int64_t seconds = legacy ? d.seconds + d.offset_seconds : d.seconds;
      if (d.zone) {
        return Struct(legacy ? kTagLegacyDateTimeZoneId : kTagDateTimeZoneId,
                      {seconds, int64_t{d.nanos}, *d.zone});
      }
      return Struct(legacy ? kTagLegacyDateTime : kTagDateTime,
                    {seconds, int64_t{d.nanos}, int64_t{d.offset_seconds}});
    }
    case cypher::ValueType::kDuration: {
      const auto& d = v.AsDuration();
      return Struct(kTagDuration, {d.months, d.days, d.seconds, int64_t{d.nanos}});
    }
    default:
      return bolt::Value();
  }
}

[[noreturn]] void BadStructure(const bolt::Structure& s, const std::string& what) {
  char tag[8];
  std::snprintf(tag, sizeof tag, "0x%02X", s.tag);
  throw cypher::CypherTypeError("InvalidArgumentType",
                                std::string("Invalid structure ") + tag + " parameter: " + what);
}

// Field i as an int / float / string, or a type error naming the structure.
int64_t IntField(const bolt::Structure& s, size_t i) {
  if (!s.fields[i].IsInt()) BadStructure(s, "field " + std::to_string(i) + " must be an Integer");
  return s.fields[i].AsInt();
}

double FloatField(const bolt::Structure& s, size_t i) {
  if (!s.fields[i].IsFloat()) BadStructure(s, "field " + std::to_string(i) + " must be a Float");
  return s.fields[i].AsFloat();
}

int32_t NanosField(const bolt::Structure& s, size_t i) {
  int64_t n = IntField(s, i);
  if (n < 0 || n > 999999999) BadStructure(s, "nanoseconds out of range");
  return static_cast<int32_t>(n);
}

int32_t OffsetField(const bolt::Structure& s, size_t i) {
  int64_t o = IntField(s, i);
  if (o < -kMaxOffset || o > kMaxOffset) BadStructure(s, "offset out of range");
  return static_cast<int32_t>(o);
}

void ExpectFields(const bolt::Structure& s, size_t n) {
  if (s.fields.size() != n) BadStructure(s, "expected " + std::to_string(n) + " fields");
}

// Seconds +/- an offset, refusing overflow (hostile input).
int64_t ShiftSeconds(const bolt::Structure& s, int64_t seconds, int64_t offset) {
  int64_t out;
  if (__builtin_sub_overflow(seconds, offset, &out)) BadStructure(s, "seconds out of range");
  return out;
}

cypher::Value StructureFromBolt(const bolt::Structure& s) {
  switch (s.tag) {
    case kTagDate:
      ExpectFields(s, 1);
      return cypher::Value(Date{IntField(s, 0)});
    case kTagLocalTime: {
      ExpectFields(s, 1);
      int64_t n = IntField(s, 0);
      if (n < 0 || n >= kNanosPerDay) BadStructure(s, "nanoseconds of day out of range");
      return cypher::Value(LocalTime{n});
    }
    case kTagTime: {
      ExpectFields(s, 2);
      int64_t n = IntField(s, 0);
      if (n < 0 || n >= kNanosPerDay) BadStructure(s, "nanoseconds of day out of range");
      return cypher::Value(Time{n, OffsetField(s, 1)});
    }
    case kTagLocalDateTime:
      ExpectFields(s, 2);
      return cypher::Value(LocalDateTime{IntField(s, 0), NanosField(s, 1)});
    case kTagDuration:
      ExpectFields(s, 4);
      return cypher::Value(
          Duration{IntField(s, 0), IntField(s, 1), IntField(s, 2), NanosField(s, 3)});
    case kTagDateTime:
    case kTagLegacyDateTime: {
      ExpectFields(s, 3);
      // Accept both encodings whatever was negotiated: the tag says which.
      DateTime d;
      d.nanos = NanosField(s, 1);
      d.offset_seconds = OffsetField(s, 2);
      d.seconds = s.tag == kTagDateTime ? IntField(s, 0)
                                        : ShiftSeconds(s, IntField(s, 0), d.offset_seconds);
      return cypher::Value(std::move(d));
    }
    case kTagDateTimeZoneId:
    case kTagLegacyDateTimeZoneId: {
      ExpectFields(s, 3);
      if (!s.fields[2].IsString() || s.fields[2].AsString().empty()) {
        BadStructure(s, "field 2 must be a zone id String");
      }
      // Without a time zone database the offset of a named zone is unknown;
      // it is taken as 0, so legacy local seconds are kept as they came and
      // go back unchanged (ADR 014).
      DateTime d;
      d.seconds = IntField(s, 0);
      d.nanos = NanosField(s, 1);
      d.offset_seconds = 0;
      d.zone = std::make_shared<const std::string>(s.fields[2].AsString());
      return cypher::Value(std::move(d));
    }
    case kTagPoint2d:
      ExpectFields(s, 3);
      return cypher::Value(Point2d{IntField(s, 0), FloatField(s, 1), FloatField(s, 2)});
    case kTagPoint3d:
      ExpectFields(s, 4);
      return cypher::Value(
          Point3d{IntField(s, 0), FloatField(s, 1), FloatField(s, 2), FloatField(s, 3)});
    default:
      BadStructure(s, "not a parameter type");
  }
}

bolt::Map Properties(
    const storage::StorageResult<std::vector<std::pair<storage::PropertyId, PropertyValue>>>& props,
    const storage::Storage& storage, DateTimeWire wire) {
  bolt::Map out;
  if (props.HasError()) return out;
  out.reserve(props->size());
  for (const auto& [k, v] : *props) {
    out.AppendUnchecked(std::string(storage.PropertyName(k)),
                        ToBolt(cypher::ToValue(v), storage, wire));
  }
  return out;
}

bolt::Node NodeOf(const storage::VertexAccessor& n, const storage::Storage& storage,
                  DateTimeWire wire) {
  bolt::Node out;
  out.id = static_cast<int64_t>(n.gid());
  out.element_id = NodeElementId(n.gid());
  auto labels = n.Labels(View::kNew);
  if (labels.HasValue()) {
    for (auto l : *labels) out.labels.emplace_back(storage.LabelName(l));
  }
  out.properties = Properties(n.Properties(View::kNew), storage, wire);
  return out;
}

}  // namespace

std::string NodeElementId(storage::Gid gid) { return "n:" + std::to_string(gid); }
std::string RelationshipElementId(storage::Gid gid) { return "r:" + std::to_string(gid); }

bolt::Value ToBolt(const cypher::Value& v, const storage::Storage& storage, DateTimeWire wire) {
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
      for (const auto& e : v.AsList()) out.push_back(ToBolt(e, storage, wire));
      return bolt::Value(std::move(out));
    }
    case cypher::ValueType::kMap: {
      bolt::Map out;
      out.reserve(v.AsMap().size());
      for (const auto& [k, e] : v.AsMap()) out.AppendUnchecked(k, ToBolt(e, storage, wire));
      return bolt::Value(std::move(out));
    }
    case cypher::ValueType::kNode:
      return bolt::Value(NodeOf(v.AsNode(), storage, wire));
    case cypher::ValueType::kRelationship: {
      const auto& e = v.AsRelationship();
      bolt::Relationship out;
      out.id = static_cast<int64_t>(e.gid());
      out.start_id = static_cast<int64_t>(e.From().gid());
      out.end_id = static_cast<int64_t>(e.To().gid());
      out.type = std::string(storage.EdgeTypeName(e.type()));
      out.properties = Properties(e.Properties(View::kNew), storage, wire);
      out.element_id = RelationshipElementId(e.gid());
      out.start_element_id = NodeElementId(e.From().gid());
      out.end_element_id = NodeElementId(e.To().gid());
      return bolt::Value(std::move(out));
    }
    case cypher::ValueType::kPath: {
      const auto& p = v.AsPath();
      bolt::Path out;
      for (const auto& n : p.nodes) out.nodes.push_back(NodeOf(n, storage, wire));
      // Bolt paths list distinct nodes and relationships, then index pairs.
      std::vector<storage::Gid> node_ids, rel_ids;
      for (const auto& n : p.nodes) node_ids.push_back(n.gid());
      for (size_t i = 0; i < p.edges.size(); ++i) {
        const auto& e = p.edges[i];
        bolt::UnboundRelationship r;
        r.id = static_cast<int64_t>(e.gid());
        r.type = std::string(storage.EdgeTypeName(e.type()));
        r.properties = Properties(e.Properties(View::kNew), storage, wire);
        r.element_id = RelationshipElementId(e.gid());
        out.rels.push_back(std::move(r));
        bool forward = e.From() == p.nodes[i];
        out.indices.push_back(forward ? static_cast<int64_t>(i + 1) : -static_cast<int64_t>(i + 1));
        out.indices.push_back(static_cast<int64_t>(i + 1));
      }
      return bolt::Value(std::move(out));
    }
    default:
      return ExtendedToBolt(v, wire);
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
    case bolt::ValueType::kBytes: {
      const auto& b = v.AsBytes();
      return cypher::Value(Bytes{std::string(b.begin(), b.end())});
    }
    case bolt::ValueType::kStructure:
      return StructureFromBolt(v.AsStructure());
    default:
      throw cypher::CypherTypeError("InvalidArgumentType",
                                    "Parameters of type " +
                                        std::string(bolt::ValueTypeName(v.type())) +
                                        " are not supported");
  }
}

}  // namespace tributary::server
