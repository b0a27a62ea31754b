#include "storage/durability/wal_record.hpp"

#include <algorithm>
#include <cstdio>
#include <unordered_map>

#include "common/crc32c.hpp"
#include "storage/durability/encoding.hpp"

namespace tributary::storage::durability {
namespace {

using wal::ChangeTag;
using wal::NameKind;

ChangeTag TagOf(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kCreateVertex:
      return ChangeTag::kCreateVertex;
    case ChangeKind::kDeleteVertex:
      return ChangeTag::kDeleteVertex;
    case ChangeKind::kAddLabel:
      return ChangeTag::kAddLabel;
    case ChangeKind::kRemoveLabel:
      return ChangeTag::kRemoveLabel;
    case ChangeKind::kSetVertexProperty:
      return ChangeTag::kSetVertexProperty;
    case ChangeKind::kCreateEdge:
      return ChangeTag::kCreateEdge;
    case ChangeKind::kDeleteEdge:
      return ChangeTag::kDeleteEdge;
    case ChangeKind::kSetEdgeProperty:
      return ChangeTag::kSetEdgeProperty;
    case ChangeKind::kPutSystemKey:
      return ChangeTag::kPutSystemKey;
    case ChangeKind::kDeleteSystemKey:
      return ChangeTag::kDeleteSystemKey;
  }
  return ChangeTag::kCreateVertex;
}

std::optional<ChangeKind> KindOf(uint8_t tag) {
  switch (static_cast<ChangeTag>(tag)) {
    case ChangeTag::kCreateVertex:
      return ChangeKind::kCreateVertex;
    case ChangeTag::kDeleteVertex:
      return ChangeKind::kDeleteVertex;
    case ChangeTag::kAddLabel:
      return ChangeKind::kAddLabel;
    case ChangeTag::kRemoveLabel:
      return ChangeKind::kRemoveLabel;
    case ChangeTag::kSetVertexProperty:
      return ChangeKind::kSetVertexProperty;
    case ChangeTag::kCreateEdge:
      return ChangeKind::kCreateEdge;
    case ChangeTag::kDeleteEdge:
      return ChangeKind::kDeleteEdge;
    case ChangeTag::kSetEdgeProperty:
      return ChangeKind::kSetEdgeProperty;
    case ChangeTag::kPutSystemKey:
      return ChangeKind::kPutSystemKey;
    case ChangeTag::kDeleteSystemKey:
      return ChangeKind::kDeleteSystemKey;
  }
  return std::nullopt;
}

/// Which name kind a change's `id` refers to, if any.
std::optional<NameKind> NameKindOf(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kAddLabel:
    case ChangeKind::kRemoveLabel:
      return NameKind::kLabel;
    case ChangeKind::kSetVertexProperty:
    case ChangeKind::kSetEdgeProperty:
      return NameKind::kProperty;
    case ChangeKind::kCreateEdge:
      return NameKind::kEdgeType;
    default:
      return std::nullopt;
  }
}

/// Builds a commit record's name table: first use assigns the next index.
class NameTable {
 public:
  explicit NameTable(const NameSource& source) : source_(source) {}

  uint32_t IndexOf(NameKind kind, uint32_t id) {
    uint64_t key = (static_cast<uint64_t>(kind) << 32) | id;
    auto [it, inserted] = index_.try_emplace(key, static_cast<uint32_t>(entries_.size()));
    if (inserted) entries_.push_back({kind, id});
    return it->second;
  }

  void Encode(Encoder& enc) const {
    enc.Varint(entries_.size());
    for (const auto& [kind, id] : entries_) {
      enc.U8(static_cast<uint8_t>(kind));
      switch (kind) {
        case NameKind::kLabel:
          enc.String(source_.label(id));
          break;
        case NameKind::kProperty:
          enc.String(source_.property(id));
          break;
        case NameKind::kEdgeType:
          enc.String(source_.edge_type(id));
          break;
      }
    }
  }

 private:
  const NameSource& source_;
  std::unordered_map<uint64_t, uint32_t> index_;
  std::vector<std::pair<NameKind, uint32_t>> entries_;
};

bool AllZero(std::string_view bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](char c) { return c == 0; });
}

std::string At(uint64_t offset) { return "at offset " + std::to_string(offset); }

}  // namespace

void EncodeCommitPayload(uint64_t lsn, const CommitRecord& record, uint64_t next_vertex_gid,
                         uint64_t next_edge_gid, const NameSource& names, std::string* out) {
  // Changes are encoded first into a side buffer because the name table,
  // which precedes them, is only complete after visiting every change.
  NameTable table(names);
  std::string body;
  Encoder changes(&body);
  changes.Varint(record.changes.size());
  for (const Change& c : record.changes) {
    changes.U8(static_cast<uint8_t>(TagOf(c.kind)));
    switch (c.kind) {
      case ChangeKind::kCreateVertex:
      case ChangeKind::kDeleteVertex:
      case ChangeKind::kDeleteEdge:
        changes.Varint(c.gid);
        break;
      case ChangeKind::kAddLabel:
      case ChangeKind::kRemoveLabel:
        changes.Varint(c.gid);
        changes.Varint(table.IndexOf(NameKind::kLabel, c.id));
        break;
      case ChangeKind::kSetVertexProperty:
      case ChangeKind::kSetEdgeProperty:
        changes.Varint(c.gid);
        changes.Varint(table.IndexOf(NameKind::kProperty, c.id));
        changes.Value(c.value);
        break;
      case ChangeKind::kCreateEdge:
        changes.Varint(c.gid);
        changes.Varint(c.from);
        changes.Varint(c.to);
        changes.Varint(table.IndexOf(NameKind::kEdgeType, c.id));
        break;
      case ChangeKind::kPutSystemKey:
        changes.String(c.key);
        changes.Value(c.value);
        break;
      case ChangeKind::kDeleteSystemKey:
        changes.String(c.key);
        break;
    }
  }
  Encoder enc(out);
  enc.U64(lsn);
  enc.U64(record.commit_ts);
  enc.U64(next_vertex_gid);
  enc.U64(next_edge_gid);
  table.Encode(enc);
  out->append(body);
}

bool DecodeCommitPayload(std::string_view payload, WalCommit* out) {
  Decoder dec(payload);
  if (!dec.U64(&out->lsn) || !dec.U64(&out->record.commit_ts) || !dec.U64(&out->next_vertex_gid) ||
      !dec.U64(&out->next_edge_gid)) {
    return false;
  }
  uint64_t name_count;
  if (!dec.Varint(&name_count) || name_count > dec.remaining()) return false;
  out->names.clear();
  out->names.reserve(name_count);
  for (uint64_t i = 0; i < name_count; ++i) {
    uint8_t kind;
    WalName name;
    if (!dec.U8(&kind) || kind < 1 || kind > 3 || !dec.String(&name.name)) return false;
    name.kind = static_cast<NameKind>(kind);
    out->names.push_back(std::move(name));
  }
  uint64_t change_count;
  if (!dec.Varint(&change_count) || change_count > dec.remaining()) return false;
  auto& changes = out->record.changes;
  changes.clear();
  changes.reserve(change_count);
  for (uint64_t i = 0; i < change_count; ++i) {
    uint8_t tag;
    if (!dec.U8(&tag)) return false;
    auto kind = KindOf(tag);
    if (!kind) return false;
    Change c;
    c.kind = *kind;
    uint64_t index = 0;
    bool ok = true;
    switch (c.kind) {
      case ChangeKind::kCreateVertex:
      case ChangeKind::kDeleteVertex:
      case ChangeKind::kDeleteEdge:
        ok = dec.Varint(&c.gid);
        break;
      case ChangeKind::kAddLabel:
      case ChangeKind::kRemoveLabel:
        ok = dec.Varint(&c.gid) && dec.Varint(&index);
        break;
      case ChangeKind::kSetVertexProperty:
      case ChangeKind::kSetEdgeProperty:
        ok = dec.Varint(&c.gid) && dec.Varint(&index) && dec.Value(&c.value);
        break;
      case ChangeKind::kCreateEdge:
        ok = dec.Varint(&c.gid) && dec.Varint(&c.from) && dec.Varint(&c.to) && dec.Varint(&index);
        break;
      case ChangeKind::kPutSystemKey:
        ok = dec.String(&c.key) && dec.Value(&c.value);
        break;
      case ChangeKind::kDeleteSystemKey:
        ok = dec.String(&c.key);
        break;
    }
    if (!ok) return false;
    if (auto name_kind = NameKindOf(c.kind)) {
      if (index >= out->names.size() || out->names[index].kind != *name_kind) return false;
      c.id = static_cast<uint32_t>(index);
    }
    changes.push_back(std::move(c));
  }
  return dec.remaining() == 0;
}

void EncodeSchemaPayload(const WalSchema& schema, std::string* out) {
  Encoder enc(out);
  enc.U64(schema.lsn);
  enc.U64(schema.last_commit_ts);
  enc.U8(static_cast<uint8_t>(schema.kind) + 1);  // SchemaTag = SchemaChangeKind + 1
  enc.String(schema.label);
  enc.U8(schema.property ? 1 : 0);
  if (schema.property) enc.String(*schema.property);
}

bool DecodeSchemaPayload(std::string_view payload, WalSchema* out) {
  Decoder dec(payload);
  uint8_t tag, has_property;
  if (!dec.U64(&out->lsn) || !dec.U64(&out->last_commit_ts) || !dec.U8(&tag) ||
      tag < static_cast<uint8_t>(wal::SchemaTag::kCreateLabelIndex) ||
      tag > static_cast<uint8_t>(wal::SchemaTag::kDropUniqueConstraint) ||
      !dec.String(&out->label) || !dec.U8(&has_property) || has_property > 1) {
    return false;
  }
  out->kind = static_cast<SchemaChangeKind>(tag - 1);
  out->property.reset();
  if (has_property) {
    std::string p;
    if (!dec.String(&p)) return false;
    out->property = std::move(p);
  }
  return dec.remaining() == 0;
}

bool PayloadLsn(std::string_view payload, uint64_t* lsn) {
  if (payload.size() < 8) return false;
  *lsn = GetU64(payload.data());
  return true;
}

void FrameRecord(wal::RecordType type, std::string_view payload, std::string* out) {
  char header[wal::kRecordHeaderSize];
  PutU32(header, static_cast<uint32_t>(payload.size()));
  header[4] = static_cast<char>(type);
  PutU32(header + 5, crc32c::Value(header, 5));
  PutU32(header + 9, crc32c::Value(payload.data(), payload.size()));
  out->append(header, sizeof header);
  out->append(payload);
}

std::string EncodeSegmentHeader(const SegmentHeader& header) {
  std::string out(wal::kMagic);
  Encoder enc(&out);
  enc.U32(header.version);
  enc.U32(0);  // flags
  enc.U64(header.segment_number);
  enc.U64(header.first_lsn);
  enc.U32(crc32c::Value(out.data(), out.size()));
  return out;
}

std::string SegmentFileName(uint64_t segment_number) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*s%0*llu%.*s", static_cast<int>(wal::kSegmentPrefix.size()),
                wal::kSegmentPrefix.data(), wal::kSegmentNumberDigits,
                static_cast<unsigned long long>(segment_number),
                static_cast<int>(wal::kSegmentSuffix.size()), wal::kSegmentSuffix.data());
  return buf;
}

std::optional<uint64_t> ParseSegmentFileName(std::string_view name) {
  if (name.size() !=
          wal::kSegmentPrefix.size() + wal::kSegmentNumberDigits + wal::kSegmentSuffix.size() ||
      !name.starts_with(wal::kSegmentPrefix) || !name.ends_with(wal::kSegmentSuffix)) {
    return std::nullopt;
  }
  uint64_t n = 0;
  for (char c : name.substr(wal::kSegmentPrefix.size(), wal::kSegmentNumberDigits)) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  return n;
}

namespace {

/// True if a complete record with valid checksums starts anywhere in
/// bytes[from..]. Only called on a damaged segment, so a byte-by-byte search
/// is affordable.
bool ValidRecordAfter(std::string_view bytes, uint64_t from) {
  for (uint64_t p = from; p + wal::kRecordHeaderSize <= bytes.size(); ++p) {
    const char* r = bytes.data() + p;
    if (GetU32(r + 5) != crc32c::Value(r, 5)) continue;
    uint32_t length = GetU32(r);
    if (length > wal::kMaxPayload || bytes.size() - p - wal::kRecordHeaderSize < length) continue;
    if (GetU32(r + 9) == crc32c::Value(r + wal::kRecordHeaderSize, length)) return true;
  }
  return false;
}

}  // namespace

SegmentScan ScanSegment(std::string_view bytes, bool is_last) {
  SegmentScan scan;
  // Damage at `offset` is a torn tail (a write the crash interrupted, never
  // acknowledged) only in the last segment and only if no intact record
  // follows it: pages of an unsynced write may reach the disk in any order,
  // so the bytes after it may be zeros, garbage or parts of it. Otherwise it
  // is corruption of synced data.
  auto damaged = [&](uint64_t offset, std::string what, bool can_be_tail) {
    if (is_last && can_be_tail && !ValidRecordAfter(bytes, offset + 1)) {
      scan.torn = what + " " + At(offset);
    } else {
      scan.corruption = what + " " + At(offset);
    }
  };

  if (bytes.size() < wal::kSegmentHeaderSize || AllZero(bytes.substr(0, wal::kSegmentHeaderSize))) {
    // A segment created (or renamed from its prepared file) whose header
    // never reached the disk.
    damaged(0, "incomplete segment header", /*can_be_tail=*/true);
    return scan;
  }
  const char* h = bytes.data();
  if (bytes.substr(0, wal::kMagic.size()) != wal::kMagic) {
    scan.corruption = "not a Tributary WAL segment (bad magic) " + At(0);
    return scan;
  }
  if (GetU32(h + 32) != crc32c::Value(h, 32)) {
    scan.corruption = "segment header checksum mismatch " + At(0);
    return scan;
  }
  scan.header.version = GetU32(h + 8);
  scan.header.segment_number = GetU64(h + 16);
  scan.header.first_lsn = GetU64(h + 24);
  if (scan.header.version != wal::kVersion) {
    scan.corruption = "unsupported WAL format version " + std::to_string(scan.header.version) +
                      " (this build reads version " + std::to_string(wal::kVersion) + ") " + At(8);
    return scan;
  }
  scan.header_valid = true;

  uint64_t pos = wal::kSegmentHeaderSize;
  scan.valid_end = pos;
  while (pos < bytes.size()) {
    std::string_view rest = bytes.substr(pos);
    const char* r = rest.data();
    if (rest.size() < wal::kRecordHeaderSize || GetU32(r + 5) != crc32c::Value(r, 5)) {
      if (AllZero(rest)) {
        // The unused end of a preallocated segment (ADR 017): the end of
        // the log in this segment, in any segment.
        scan.zero_tail = rest.size();
        return scan;
      }
      damaged(pos,
              rest.size() < wal::kRecordHeaderSize ? "incomplete record header"
                                                   : "record header checksum mismatch",
              /*can_be_tail=*/true);
      return scan;
    }
    uint32_t length = GetU32(r);
    auto type = static_cast<uint8_t>(r[4]);
    if (length > wal::kMaxPayload) {
      damaged(pos, "record length " + std::to_string(length) + " too large", false);
      return scan;
    }
    if (rest.size() - wal::kRecordHeaderSize < length) {
      damaged(pos, "incomplete record (" + std::to_string(length) + "-byte payload)", true);
      return scan;
    }
    std::string_view payload = rest.substr(wal::kRecordHeaderSize, length);
    uint64_t end = pos + wal::kRecordHeaderSize + length;
    if (GetU32(r + 9) != crc32c::Value(payload.data(), payload.size())) {
      damaged(pos, "record checksum mismatch", /*can_be_tail=*/true);
      return scan;
    }
    if (type != static_cast<uint8_t>(wal::RecordType::kCommit) &&
        type != static_cast<uint8_t>(wal::RecordType::kSchema)) {
      scan.corruption = "unknown record type " + std::to_string(type) + " " + At(pos);
      return scan;
    }
    scan.records.push_back({static_cast<wal::RecordType>(type), payload, pos});
    pos = end;
    scan.valid_end = pos;
  }
  return scan;
}

}  // namespace tributary::storage::durability
