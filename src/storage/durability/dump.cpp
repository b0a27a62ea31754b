// wal-dump and snapshot-dump: one line per record or item, for debugging.

#include <ostream>

#include "storage/durability/durability.hpp"
#include "storage/durability/wal_reader.hpp"
#include "storage/durability/wal_record.hpp"

namespace tributary::storage::durability {
namespace {

std::string_view ChangeName(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kCreateVertex:
      return "CREATE_VERTEX";
    case ChangeKind::kDeleteVertex:
      return "DELETE_VERTEX";
    case ChangeKind::kAddLabel:
      return "ADD_LABEL";
    case ChangeKind::kRemoveLabel:
      return "REMOVE_LABEL";
    case ChangeKind::kSetVertexProperty:
      return "SET_VERTEX_PROPERTY";
    case ChangeKind::kCreateEdge:
      return "CREATE_EDGE";
    case ChangeKind::kDeleteEdge:
      return "DELETE_EDGE";
    case ChangeKind::kSetEdgeProperty:
      return "SET_EDGE_PROPERTY";
    case ChangeKind::kPutSystemKey:
      return "PUT_SYSTEM_KEY";
    case ChangeKind::kDeleteSystemKey:
      return "DELETE_SYSTEM_KEY";
  }
  return "?";
}

std::string_view SchemaName(SchemaChangeKind kind) {
  switch (kind) {
    case SchemaChangeKind::kCreateLabelIndex:
      return "CREATE_LABEL_INDEX";
    case SchemaChangeKind::kDropLabelIndex:
      return "DROP_LABEL_INDEX";
    case SchemaChangeKind::kCreateLabelPropertyIndex:
      return "CREATE_LABEL_PROPERTY_INDEX";
    case SchemaChangeKind::kDropLabelPropertyIndex:
      return "DROP_LABEL_PROPERTY_INDEX";
    case SchemaChangeKind::kCreateUniqueConstraint:
      return "CREATE_UNIQUE_CONSTRAINT";
    case SchemaChangeKind::kDropUniqueConstraint:
      return "DROP_UNIQUE_CONSTRAINT";
  }
  return "?";
}

void PrintChange(const WalCommit& c, const Change& ch, std::ostream& out) {
  auto name = [&](uint32_t i) { return i < c.names.size() ? c.names[i].name : std::string("?"); };
  out << "    " << ChangeName(ch.kind);
  switch (ch.kind) {
    case ChangeKind::kCreateVertex:
    case ChangeKind::kDeleteVertex:
    case ChangeKind::kDeleteEdge:
      out << " gid=" << ch.gid;
      break;
    case ChangeKind::kAddLabel:
    case ChangeKind::kRemoveLabel:
      out << " gid=" << ch.gid << " label=" << name(ch.id);
      break;
    case ChangeKind::kSetVertexProperty:
    case ChangeKind::kSetEdgeProperty:
      out << " gid=" << ch.gid << " " << name(ch.id) << "=" << ToCypherLiteral(ch.value);
      break;
    case ChangeKind::kCreateEdge:
      out << " gid=" << ch.gid << " from=" << ch.from << " to=" << ch.to << " type=" << name(ch.id);
      break;
    case ChangeKind::kPutSystemKey:
      out << " key=" << ch.key << " value=" << ToCypherLiteral(ch.value);
      break;
    case ChangeKind::kDeleteSystemKey:
      out << " key=" << ch.key;
      break;
  }
  out << "\n";
}

std::string Properties(const std::vector<std::pair<std::string_view, PropertyValue>>& props) {
  std::string s = "{";
  for (size_t i = 0; i < props.size(); ++i) {
    if (i) s += ", ";
    s += props[i].first;
    s += ": ";
    s += ToCypherLiteral(props[i].second);
  }
  return s + "}";
}

class Printer final : public SnapshotVisitor {
 public:
  explicit Printer(std::ostream& out) : out_(out) {}
  StorageResult<void> Info(const SnapshotInfo& i) override {
    out_ << "snapshot " << i.sequence << ": low_lsn=" << i.low_lsn << " high_lsn=" << i.high_lsn
         << " wal_segment=" << i.wal_segment << " next_vertex_gid=" << i.next_vertex_gid
         << " next_edge_gid=" << i.next_edge_gid << " created_unix_ms=" << i.created_unix_ms
         << "\n";
    return {};
  }
  StorageResult<void> Vertex(
      Gid gid, const std::vector<std::string_view>& labels,
      const std::vector<std::pair<std::string_view, PropertyValue>>& props) override {
    out_ << "vertex " << gid << " (";
    for (auto l : labels) out_ << ":" << l;
    out_ << ") " << Properties(props) << "\n";
    return {};
  }
  StorageResult<void> Edge(
      Gid gid, Gid from, Gid to, std::string_view type,
      const std::vector<std::pair<std::string_view, PropertyValue>>& props) override {
    out_ << "edge " << gid << " " << from << " -[:" << type << "]-> " << to << " "
         << Properties(props) << "\n";
    return {};
  }
  StorageResult<void> Index(std::string_view label, std::optional<std::string_view> p) override {
    out_ << "index :" << label;
    if (p) out_ << "(" << *p << ")";
    out_ << "\n";
    return {};
  }
  StorageResult<void> Constraint(std::string_view label, std::string_view p) override {
    out_ << "unique constraint :" << label << "(" << p << ")\n";
    return {};
  }
  StorageResult<void> SystemKey(std::string_view key, std::string_view value) override {
    out_ << "system key " << key << " = " << value << "\n";
    return {};
  }
  StorageResult<void> Footer(const SnapshotFooter& f) override {
    out_ << "footer: " << f.vertices << " vertices, " << f.edges << " edges, " << f.blocks
         << " blocks\n";
    return {};
  }

 private:
  std::ostream& out_;
};

}  // namespace

bool DumpWal(const std::string& path, std::ostream& out, Env& env) {
  // Prints what is readable even in a damaged log, then says where and how
  // it is damaged: this is the tool an operator uses after recovery refused.
  std::vector<SegmentFile> segments;
  if (auto listed = ListSegments(env, path)) {
    segments = std::move(*listed);
  } else {
    auto slash = path.rfind('/');
    auto number = ParseSegmentFileName(slash == std::string::npos ? path : path.substr(slash + 1));
    segments.push_back({number.value_or(0), path});
  }
  bool ok = true;
  uint64_t records = 0;
  std::string bytes;
  for (size_t i = 0; i < segments.size(); ++i) {
    const SegmentFile& segment = segments[i];
    out << "segment " << segment.path << "\n";
    if (auto r = ReadFileToString(env, segment.path, &bytes); !r) {
      out << "  error: " << r.Error().message << "\n";
      ok = false;
      continue;
    }
    SegmentScan scan = ScanSegment(bytes, /*is_last=*/i + 1 == segments.size());
    if (scan.header_valid) {
      out << "  header: version=" << scan.header.version
          << " segment_number=" << scan.header.segment_number
          << " first_lsn=" << scan.header.first_lsn << "\n";
    }
    for (const RecordView& record : scan.records) {
      ++records;
      out << "  @" << record.offset << " ";
      if (record.type == wal::RecordType::kSchema) {
        WalSchema schema;
        if (!DecodeSchemaPayload(record.payload, &schema)) {
          out << "undecodable schema record\n";
          ok = false;
          continue;
        }
        out << "lsn=" << schema.lsn << " SCHEMA " << SchemaName(schema.kind) << " :"
            << schema.label;
        if (schema.property) out << "(" << *schema.property << ")";
        out << " after_commit_ts=" << schema.last_commit_ts << "\n";
        continue;
      }
      WalCommit c;
      if (!DecodeCommitPayload(record.payload, &c)) {
        out << "undecodable commit record\n";
        ok = false;
        continue;
      }
      out << "lsn=" << c.lsn << " COMMIT commit_ts=" << c.record.commit_ts
          << " next_vertex_gid=" << c.next_vertex_gid << " next_edge_gid=" << c.next_edge_gid
          << " changes=" << c.record.changes.size() << "\n";
      for (const Change& ch : c.record.changes) PrintChange(c, ch, out);
    }
    if (scan.zero_tail > 0) {
      out << "  end of log: " << scan.zero_tail << " bytes of preallocated zeros\n";
    }
    if (scan.torn) {
      out << "  torn tail (recovery discards it): " << *scan.torn << ", "
          << bytes.size() - scan.valid_end << " bytes\n";
    }
    if (scan.corruption) {
      out << "  DAMAGED: " << *scan.corruption << "\n";
      ok = false;
    }
  }
  out << records << " records in " << segments.size() << " segment(s)\n";
  return ok;
}

bool DumpSnapshot(const std::string& path, std::ostream& out, Env& env) {
  Printer printer(out);
  auto r = ReadSnapshot(env, path, &printer);
  if (!r) {
    out << "error: " << r.Error().message << "\n";
    return false;
  }
  return true;
}

}  // namespace tributary::storage::durability
