#include "storage/durability/snapshot.hpp"

#include <chrono>
#include <cstdio>
#include <deque>
#include <unordered_map>

#include "common/crc32c.hpp"
#include "storage/durability/encoding.hpp"
#include "storage/durability/snapshot_format.hpp"
#include "storage/durability/wal_record.hpp"

namespace tributary::storage::durability {
namespace {

using snapshot::BlockType;
using wal::NameKind;

Unexpected<Error> DurabilityError(std::string message) {
  return MakeError(Error{ErrorCode::kDurability, std::move(message)});
}

/// Buffers blocks and writes them to the file; assigns dictionary indices.
class BlockWriter {
 public:
  BlockWriter(WritableFile& file, Storage& storage) : file_(file), storage_(storage) {}

  /// Dictionary index of a name, emitting it into the pending kNames block.
  uint64_t Name(NameKind kind, uint32_t id) {
    uint64_t key = (static_cast<uint64_t>(kind) << 32) | id;
    auto [it, inserted] = dictionary_.try_emplace(key, dictionary_.size());
    if (inserted) {
      Encoder names(&names_);
      names.U8(static_cast<uint8_t>(kind));
      switch (kind) {
        case NameKind::kLabel:
          names.String(storage_.LabelName(id));
          break;
        case NameKind::kProperty:
          names.String(storage_.PropertyName(id));
          break;
        case NameKind::kEdgeType:
          names.String(storage_.EdgeTypeName(id));
          break;
      }
      ++pending_names_;
    }
    return it->second;
  }

  /// Starts collecting items of `type` (flushing a block of another type).
  StorageResult<void> Begin(BlockType type) {
    if (type != type_) {
      if (auto r = Flush(); !r) return r;
      type_ = type;
    }
    return {};
  }

  Encoder item() { return Encoder(&body_); }

  /// Counts one item; flushes when the block is large.
  StorageResult<void> Added() {
    ++items_;
    if (body_.size() >= snapshot::kBlockTarget) return Flush();
    return {};
  }

  /// Writes the pending names block, then the pending item block.
  StorageResult<void> Flush() {
    if (pending_names_ > 0) {
      std::string payload;
      Encoder(&payload).Varint(pending_names_);
      payload += names_;
      if (auto r = Write(BlockType::kNames, payload); !r) return r;
      names_.clear();
      pending_names_ = 0;
    }
    if (items_ > 0) {
      std::string payload;
      Encoder(&payload).Varint(items_);
      payload += body_;
      if (auto r = Write(type_, payload); !r) return r;
      body_.clear();
      items_ = 0;
    }
    return {};
  }

  StorageResult<void> Write(BlockType type, std::string_view payload) {
    framed_.clear();
    FrameRecord(static_cast<wal::RecordType>(type), payload, &framed_);
    if (auto r = file_.Append(framed_); !r) {
      return DurabilityError("snapshot write failed: " + r.Error().message);
    }
    ++blocks_;
    return {};
  }

  uint64_t blocks() const { return blocks_; }

 private:
  WritableFile& file_;
  Storage& storage_;
  std::unordered_map<uint64_t, uint64_t> dictionary_;
  std::string names_;
  uint64_t pending_names_ = 0;
  BlockType type_ = BlockType::kVertices;
  std::string body_;
  uint64_t items_ = 0;
  std::string framed_;
  uint64_t blocks_ = 0;
};

void EncodeProperties(BlockWriter& w, Encoder& enc,
                      const std::vector<std::pair<PropertyId, PropertyValue>>& props) {
  enc.Varint(props.size());
  for (const auto& [key, value] : props) {
    enc.Varint(w.Name(NameKind::kProperty, key));
    enc.Value(value);
  }
}

StorageResult<SnapshotFooter> WriteBlocks(WritableFile& file, Storage& storage, Transaction& tx,
                                          const SnapshotInfo& info) {
  BlockWriter w(file, storage);
  {
    std::string payload;
    Encoder enc(&payload);
    enc.U64(info.low_lsn);
    enc.U64(info.high_lsn);
    enc.U64(info.wal_segment);
    enc.U64(info.next_vertex_gid);
    enc.U64(info.next_edge_gid);
    enc.U64(info.created_unix_ms);
    if (auto r = w.Write(BlockType::kInfo, payload); !r) return MakeError(r.Error());
  }
  SnapshotFooter footer;
  // Vertices first so that loading can create every edge's endpoints.
  if (auto r = w.Begin(BlockType::kVertices); !r) return MakeError(r.Error());
  {
    auto cursor = tx.ScanVertices(View::kOld);
    VertexAccessor v(nullptr, nullptr);
    while (cursor->Next(&v)) {
      auto labels = v.Labels(View::kOld);
      auto props = v.Properties(View::kOld);
      if (!labels || !props) continue;  // deleted within this view: not part of the image
      // Names first: Name() may append to the names block, which must
      // precede this item's block.
      std::vector<uint64_t> label_ids;
      label_ids.reserve(labels->size());
      for (LabelId l : *labels) label_ids.push_back(w.Name(NameKind::kLabel, l));
      Encoder enc = w.item();
      enc.Varint(v.gid());
      enc.Varint(label_ids.size());
      for (uint64_t l : label_ids) enc.Varint(l);
      EncodeProperties(w, enc, *props);
      ++footer.vertices;
      if (auto r = w.Added(); !r) return MakeError(r.Error());
    }
  }
  if (auto r = w.Begin(BlockType::kEdges); !r) return MakeError(r.Error());
  {
    auto cursor = tx.ScanVertices(View::kOld);
    VertexAccessor v(nullptr, nullptr);
    std::vector<EdgeAccessor> edges;
    while (cursor->Next(&v)) {
      edges.clear();
      if (!v.OutEdges(View::kOld, {}, &edges)) continue;
      for (const EdgeAccessor& e : edges) {
        auto props = e.Properties(View::kOld);
        if (!props) continue;
        uint64_t type = w.Name(NameKind::kEdgeType, e.type());
        Encoder enc = w.item();
        enc.Varint(e.gid());
        enc.Varint(e.From().gid());
        enc.Varint(e.To().gid());
        enc.Varint(type);
        EncodeProperties(w, enc, *props);
        ++footer.edges;
        if (auto r = w.Added(); !r) return MakeError(r.Error());
      }
    }
  }
  if (auto r = w.Begin(BlockType::kIndexes); !r) return MakeError(r.Error());
  for (const IndexInfo& index : storage.ListIndexes()) {
    uint64_t label = w.Name(NameKind::kLabel, index.label);
    std::optional<uint64_t> property;
    if (index.property) property = w.Name(NameKind::kProperty, *index.property);
    Encoder enc = w.item();
    enc.Varint(label);
    enc.U8(property ? 1 : 0);
    if (property) enc.Varint(*property);
    if (auto r = w.Added(); !r) return MakeError(r.Error());
  }
  if (auto r = w.Begin(BlockType::kConstraints); !r) return MakeError(r.Error());
  for (const ConstraintInfo& c : storage.ListConstraints()) {
    uint64_t label = w.Name(NameKind::kLabel, c.label);
    uint64_t property = w.Name(NameKind::kProperty, c.property);
    Encoder enc = w.item();
    enc.Varint(label);
    enc.Varint(property);
    if (auto r = w.Added(); !r) return MakeError(r.Error());
  }
  if (auto r = w.Begin(BlockType::kSystemKeys); !r) return MakeError(r.Error());
  for (const auto& [key, value] : tx.SystemKeys("")) {
    Encoder enc = w.item();
    enc.String(key);
    enc.String(value);
    if (auto r = w.Added(); !r) return MakeError(r.Error());
  }
  if (auto r = w.Flush(); !r) return MakeError(r.Error());
  footer.blocks = w.blocks();
  std::string payload;
  Encoder enc(&payload);
  enc.U64(footer.vertices);
  enc.U64(footer.edges);
  enc.U64(footer.blocks);
  if (auto r = w.Write(BlockType::kFooter, payload); !r) return MakeError(r.Error());
  return footer;
}

std::string EncodeHeader(uint64_t sequence) {
  std::string out(snapshot::kMagic);
  Encoder enc(&out);
  enc.U32(snapshot::kVersion);
  enc.U32(0);
  enc.U64(sequence);
  enc.U64(0);
  enc.U32(crc32c::Value(out.data(), out.size()));
  return out;
}

/// Reads framed blocks from a SequentialFile with a sliding buffer.
class BlockReader {
 public:
  BlockReader(SequentialFile& file, std::string path) : file_(file), path_(std::move(path)) {}

  /// Ensures `n` bytes are buffered at pos_; false at EOF before that.
  StorageResult<bool> Fill(size_t n) {
    while (buffer_.size() - pos_ < n) {
      if (pos_ > 0) {
        buffer_.erase(0, pos_);
        base_ += pos_;
        pos_ = 0;
      }
      if (auto r = file_.Read(std::max<size_t>(n, 4 << 20), &chunk_); !r) {
        return DurabilityError("cannot read snapshot: " + r.Error().message);
      }
      if (chunk_.empty()) return false;
      buffer_ += chunk_;
    }
    return true;
  }

  uint64_t offset() const { return base_ + pos_; }
  std::string_view Take(size_t n) {
    std::string_view v(buffer_.data() + pos_, n);
    pos_ += n;
    return v;
  }

  Unexpected<Error> Damaged(uint64_t offset, const std::string& what) const {
    return DurabilityError("snapshot " + path_ + " is damaged at offset " + std::to_string(offset) +
                           ": " + what);
  }

  /// Next block; nullopt at a clean EOF.
  StorageResult<std::optional<std::pair<BlockType, std::string_view>>> Next() {
    uint64_t at = offset();
    auto has = Fill(wal::kRecordHeaderSize);
    if (!has) return MakeError(has.Error());
    if (!*has) {
      if (buffer_.size() == pos_) return std::optional<std::pair<BlockType, std::string_view>>();
      return Damaged(at, "truncated block header");
    }
    const char* h = buffer_.data() + pos_;
    if (GetU32(h + 5) != crc32c::Value(h, 5)) return Damaged(at, "block header checksum mismatch");
    uint32_t length = GetU32(h);
    auto type = static_cast<BlockType>(static_cast<uint8_t>(h[4]));
    uint32_t crc = GetU32(h + 9);
    if (length > wal::kMaxPayload) return Damaged(at, "block too large");
    has = Fill(wal::kRecordHeaderSize + length);
    if (!has) return MakeError(has.Error());
    if (!*has) return Damaged(at, "truncated block");
    Take(wal::kRecordHeaderSize);
    std::string_view payload = Take(length);
    if (crc32c::Value(payload.data(), payload.size()) != crc) {
      return Damaged(at, "block checksum mismatch");
    }
    return std::optional<std::pair<BlockType, std::string_view>>(std::make_pair(type, payload));
  }

 private:
  SequentialFile& file_;
  std::string path_;
  std::string buffer_;
  std::string chunk_;
  size_t pos_ = 0;
  uint64_t base_ = 0;
};

}  // namespace

std::string SnapshotFileName(uint64_t sequence) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*s%0*llu%.*s", static_cast<int>(snapshot::kFilePrefix.size()),
                snapshot::kFilePrefix.data(), snapshot::kSequenceDigits,
                static_cast<unsigned long long>(sequence),
                static_cast<int>(snapshot::kFileSuffix.size()), snapshot::kFileSuffix.data());
  return buf;
}

std::optional<uint64_t> ParseSnapshotFileName(std::string_view name) {
  if (name.size() !=
          snapshot::kFilePrefix.size() + snapshot::kSequenceDigits + snapshot::kFileSuffix.size() ||
      !name.starts_with(snapshot::kFilePrefix) || !name.ends_with(snapshot::kFileSuffix)) {
    return std::nullopt;
  }
  uint64_t n = 0;
  for (char c : name.substr(snapshot::kFilePrefix.size(), snapshot::kSequenceDigits)) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  return n;
}

StorageResult<SnapshotFooter> WriteSnapshot(Env& env, const std::string& path, Storage& storage,
                                            Transaction& tx, SnapshotInfo info) {
  const std::string tmp = path + std::string(snapshot::kTempSuffix);
  info.next_vertex_gid = storage.NextVertexGid();
  info.next_edge_gid = storage.NextEdgeGid();
  info.created_unix_ms =
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count());
  StorageResult<SnapshotFooter> footer = SnapshotFooter{};
  {
    auto file = env.NewWritableFile(tmp, /*truncate=*/true);
    if (!file) return DurabilityError("snapshot creation failed: " + file.Error().message);
    IoResult<void> r = (*file)->Append(EncodeHeader(info.sequence));
    if (!r) return DurabilityError("snapshot write failed: " + r.Error().message);
    footer = WriteBlocks(**file, storage, tx, info);
    if (footer) {
      if (auto s = (*file)->Sync(); !s) {
        footer = DurabilityError("snapshot sync failed: " + s.Error().message);
      }
    }
  }
  if (!footer) {
    (void)env.Remove(tmp);
    return footer;
  }
  if (auto r = env.Rename(tmp, path); !r) {
    (void)env.Remove(tmp);
    return DurabilityError("snapshot rename failed: " + r.Error().message);
  }
  auto slash = path.rfind('/');
  if (auto r = env.SyncDir(slash == std::string::npos ? "." : path.substr(0, slash)); !r) {
    return DurabilityError("snapshot directory sync failed: " + r.Error().message);
  }
  return footer;
}

namespace {

/// Stops ReadSnapshot right after the info block.
class InfoOnly final : public SnapshotVisitor {
 public:
  StorageResult<void> Info(const SnapshotInfo& info) override {
    this->info = info;
    return MakeError(Error{ErrorCode::kDurability, ""});
  }
  StorageResult<void> Vertex(
      Gid, const std::vector<std::string_view>&,
      const std::vector<std::pair<std::string_view, PropertyValue>>&) override {
    return {};
  }
  StorageResult<void> Edge(
      Gid, Gid, Gid, std::string_view,
      const std::vector<std::pair<std::string_view, PropertyValue>>&) override {
    return {};
  }
  StorageResult<void> Index(std::string_view, std::optional<std::string_view>) override {
    return {};
  }
  StorageResult<void> Constraint(std::string_view, std::string_view) override { return {}; }
  StorageResult<void> SystemKey(std::string_view, std::string_view) override { return {}; }
  StorageResult<void> Footer(const SnapshotFooter&) override { return {}; }
  std::optional<SnapshotInfo> info;
};

}  // namespace

StorageResult<SnapshotInfo> ReadSnapshotInfo(Env& env, const std::string& path) {
  InfoOnly probe;
  auto r = ReadSnapshot(env, path, &probe);
  if (probe.info) return *probe.info;
  if (!r) return MakeError(r.Error());
  return DurabilityError("snapshot " + path + " has no info block");
}

StorageResult<SnapshotInfo> ReadSnapshot(Env& env, const std::string& path,
                                         SnapshotVisitor* visitor) {
  auto file = env.NewSequentialFile(path);
  if (!file) return DurabilityError("cannot open snapshot: " + file.Error().message);
  BlockReader reader(**file, path);
  auto has = reader.Fill(snapshot::kHeaderSize);
  if (!has) return MakeError(has.Error());
  if (!*has) return reader.Damaged(0, "truncated file header");
  std::string_view header = reader.Take(snapshot::kHeaderSize);
  if (header.substr(0, snapshot::kMagic.size()) != snapshot::kMagic) {
    return reader.Damaged(0, "not a Tributary snapshot (bad magic)");
  }
  if (GetU32(header.data() + 32) != crc32c::Value(header.data(), 32)) {
    return reader.Damaged(0, "file header checksum mismatch");
  }
  uint32_t version = GetU32(header.data() + 8);
  if (version != snapshot::kVersion) {
    return reader.Damaged(8, "unsupported snapshot format version " + std::to_string(version) +
                                 " (this build reads version " +
                                 std::to_string(snapshot::kVersion) + ")");
  }
  SnapshotInfo info;
  info.sequence = GetU64(header.data() + 16);

  std::deque<std::string> names;  // stable addresses: see SnapshotVisitor
  std::vector<NameKind> kinds;
  uint64_t blocks = 0;
  SnapshotFooter counted;
  bool have_info = false;
  std::vector<std::string_view> labels;
  std::vector<std::pair<std::string_view, PropertyValue>> props;

  auto name_of = [&](uint64_t index, NameKind kind, std::string_view* out) {
    if (index >= names.size() || kinds[index] != kind) return false;
    *out = names[index];
    return true;
  };
  auto read_props = [&](Decoder& dec) {
    props.clear();
    uint64_t n;
    if (!dec.Varint(&n) || n > dec.remaining()) return false;
    for (uint64_t i = 0; i < n; ++i) {
      uint64_t key;
      std::string_view name;
      PropertyValue value;
      if (!dec.Varint(&key) || !name_of(key, NameKind::kProperty, &name) || !dec.Value(&value)) {
        return false;
      }
      props.emplace_back(name, std::move(value));
    }
    return true;
  };

  while (true) {
    uint64_t at = reader.offset();
    auto block = reader.Next();
    if (!block) return MakeError(block.Error());
    if (!*block) return reader.Damaged(at, "missing footer (the file is incomplete)");
    auto [type, payload] = **block;
    Decoder dec(payload);
    auto bad = [&](const std::string& what) { return reader.Damaged(at, what); };
    if (!have_info && type != BlockType::kInfo) return bad("first block is not the info block");
    if (type == BlockType::kFooter) {
      SnapshotFooter footer;
      if (!dec.U64(&footer.vertices) || !dec.U64(&footer.edges) || !dec.U64(&footer.blocks)) {
        return bad("malformed footer");
      }
      if (footer.vertices != counted.vertices || footer.edges != counted.edges ||
          footer.blocks != blocks) {
        return bad("footer counts do not match the file's contents");
      }
      auto more = reader.Fill(1);
      if (!more) return MakeError(more.Error());
      if (*more) return reader.Damaged(reader.offset(), "data after the footer");
      if (visitor) {
        if (auto r = visitor->Footer(footer); !r) return MakeError(r.Error());
      }
      return info;
    }
    ++blocks;
    if (type == BlockType::kInfo) {
      if (have_info) return bad("second info block");
      if (!dec.U64(&info.low_lsn) || !dec.U64(&info.high_lsn) || !dec.U64(&info.wal_segment) ||
          !dec.U64(&info.next_vertex_gid) || !dec.U64(&info.next_edge_gid) ||
          !dec.U64(&info.created_unix_ms)) {
        return bad("malformed info block");
      }
      have_info = true;
      if (visitor) {
        if (auto r = visitor->Info(info); !r) return MakeError(r.Error());
      }
      continue;
    }
    uint64_t count;
    if (!dec.Varint(&count) || count > dec.remaining()) return bad("malformed block");
    if ((visitor == nullptr || !visitor->WantsObjects()) &&
        (type == BlockType::kVertices || type == BlockType::kEdges)) {
      // Verification only: the block's CRC32C proves these are the bytes the
      // writer produced, so its items are counted, not decoded (that is most
      // of a snapshot's bytes); the loading pass decodes them.
      (type == BlockType::kVertices ? counted.vertices : counted.edges) += count;
      continue;
    }
    for (uint64_t i = 0; i < count; ++i) {
      switch (type) {
        case BlockType::kNames: {
          uint8_t kind;
          std::string name;
          if (!dec.U8(&kind) || kind < 1 || kind > 3 || !dec.String(&name)) {
            return bad("malformed names block");
          }
          kinds.push_back(static_cast<NameKind>(kind));
          names.push_back(std::move(name));
          break;
        }
        case BlockType::kVertices: {
          uint64_t gid, n;
          if (!dec.Varint(&gid) || !dec.Varint(&n) || n > dec.remaining()) {
            return bad("malformed vertex");
          }
          labels.clear();
          for (uint64_t l = 0; l < n; ++l) {
            uint64_t index;
            std::string_view name;
            if (!dec.Varint(&index) || !name_of(index, NameKind::kLabel, &name)) {
              return bad("malformed vertex labels");
            }
            labels.push_back(name);
          }
          if (!read_props(dec)) return bad("malformed vertex properties");
          ++counted.vertices;
          if (visitor) {
            if (auto r = visitor->Vertex(gid, labels, props); !r) return MakeError(r.Error());
          }
          break;
        }
        case BlockType::kEdges: {
          uint64_t gid, from, to, type_index;
          std::string_view type_name;
          if (!dec.Varint(&gid) || !dec.Varint(&from) || !dec.Varint(&to) ||
              !dec.Varint(&type_index) || !name_of(type_index, NameKind::kEdgeType, &type_name) ||
              !read_props(dec)) {
            return bad("malformed edge");
          }
          ++counted.edges;
          if (visitor) {
            if (auto r = visitor->Edge(gid, from, to, type_name, props); !r) {
              return MakeError(r.Error());
            }
          }
          break;
        }
        case BlockType::kIndexes: {
          uint64_t label, property = 0;
          uint8_t has_property;
          std::string_view label_name, property_name;
          if (!dec.Varint(&label) || !name_of(label, NameKind::kLabel, &label_name) ||
              !dec.U8(&has_property) || has_property > 1 ||
              (has_property && (!dec.Varint(&property) ||
                                !name_of(property, NameKind::kProperty, &property_name)))) {
            return bad("malformed index");
          }
          if (visitor) {
            auto r = visitor->Index(label_name, has_property
                                                    ? std::optional<std::string_view>(property_name)
                                                    : std::nullopt);
            if (!r) return MakeError(r.Error());
          }
          break;
        }
        case BlockType::kConstraints: {
          uint64_t label, property;
          std::string_view label_name, property_name;
          if (!dec.Varint(&label) || !name_of(label, NameKind::kLabel, &label_name) ||
              !dec.Varint(&property) || !name_of(property, NameKind::kProperty, &property_name)) {
            return bad("malformed constraint");
          }
          if (visitor) {
            if (auto r = visitor->Constraint(label_name, property_name); !r) {
              return MakeError(r.Error());
            }
          }
          break;
        }
        case BlockType::kSystemKeys: {
          std::string key, value;
          if (!dec.String(&key) || !dec.String(&value)) return bad("malformed system key");
          if (visitor) {
            if (auto r = visitor->SystemKey(key, value); !r) return MakeError(r.Error());
          }
          break;
        }
        default:
          return bad("unknown block type " + std::to_string(static_cast<int>(type)));
      }
    }
    if (dec.remaining() != 0) return bad("trailing bytes in block");
  }
}

}  // namespace tributary::storage::durability
