#include "bolt/packstream.hpp"

#include <cassert>
#include <cstring>
#include <unordered_map>

namespace tributary::bolt {

// ---------------------------------------------------------------- encoding

void Encoder::WriteBigEndian(uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out_->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

void Encoder::WriteSizedHeader(size_t size, uint8_t tiny, uint8_t m8, uint8_t m16, uint8_t m32) {
  if (tiny != 0 && size < 16) {
    out_->push_back(static_cast<char>(tiny | size));
  } else if (size <= 0xFF) {
    out_->push_back(static_cast<char>(m8));
    WriteBigEndian(size, 1);
  } else if (size <= 0xFFFF) {
    out_->push_back(static_cast<char>(m16));
    WriteBigEndian(size, 2);
  } else {
    assert(size <= 0xFFFFFFFFu && "PackStream sizes are at most 32 bits");
    out_->push_back(static_cast<char>(m32));
    WriteBigEndian(size, 4);
  }
}

void Encoder::WriteNull() { out_->push_back(static_cast<char>(marker::kNull)); }

void Encoder::WriteBool(bool v) {
  out_->push_back(static_cast<char>(v ? marker::kTrue : marker::kFalse));
}

void Encoder::WriteInt(int64_t v) {
  if (v >= -16 && v <= 127) {
    out_->push_back(static_cast<char>(static_cast<int8_t>(v)));
  } else if (v >= INT8_MIN && v <= INT8_MAX) {
    out_->push_back(static_cast<char>(marker::kInt8));
    WriteBigEndian(static_cast<uint64_t>(v), 1);
  } else if (v >= INT16_MIN && v <= INT16_MAX) {
    out_->push_back(static_cast<char>(marker::kInt16));
    WriteBigEndian(static_cast<uint64_t>(v), 2);
  } else if (v >= INT32_MIN && v <= INT32_MAX) {
    out_->push_back(static_cast<char>(marker::kInt32));
    WriteBigEndian(static_cast<uint64_t>(v), 4);
  } else {
    out_->push_back(static_cast<char>(marker::kInt64));
    WriteBigEndian(static_cast<uint64_t>(v), 8);
  }
}

void Encoder::WriteFloat(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof(bits));
  out_->push_back(static_cast<char>(marker::kFloat64));
  WriteBigEndian(bits, 8);
}

void Encoder::WriteString(std::string_view s) {
  if (s.size() < 16) {
    // Marker and bytes in one append: most keys and many values are tiny.
    char tiny[16];
    tiny[0] = static_cast<char>(marker::kTinyString | s.size());
    std::memcpy(tiny + 1, s.data(), s.size());
    out_->append(tiny, s.size() + 1);
    return;
  }
  WriteSizedHeader(s.size(), marker::kTinyString, marker::kString8, marker::kString16,
                   marker::kString32);
  out_->append(s);
}

void Encoder::WriteBytes(std::span<const uint8_t> b) {
  // Bytes have no tiny form.
  WriteSizedHeader(b.size(), 0, marker::kBytes8, marker::kBytes16, marker::kBytes32);
  out_->append(reinterpret_cast<const char*>(b.data()), b.size());
}

void Encoder::WriteListHeader(size_t size) {
  WriteSizedHeader(size, marker::kTinyList, marker::kList8, marker::kList16, marker::kList32);
}

void Encoder::WriteMapHeader(size_t size) {
  WriteSizedHeader(size, marker::kTinyMap, marker::kMap8, marker::kMap16, marker::kMap32);
}

void Encoder::WriteStructHeader(uint8_t tag, size_t fields) {
  assert(fields <= 15);
  out_->push_back(static_cast<char>(marker::kTinyStruct | fields));
  out_->push_back(static_cast<char>(tag));
}

void Encoder::WriteMap(const Map& m) {
  WriteMapHeader(m.size());
  for (const auto& [key, value] : m) {
    WriteString(key);
    Write(value);
  }
}

namespace {
// An element id defaults to the decimal id, which is what Neo4j 5 sends for
// databases without separate element ids.
std::string ElementIdOr(const std::string& element_id, int64_t id) {
  return element_id.empty() ? std::to_string(id) : element_id;
}
}  // namespace

void Encoder::WriteNode(const Node& n) {
  const bool ids = HasElementIds(version_);
  WriteStructHeader(tag::kNode, ids ? 4 : 3);
  WriteInt(n.id);
  WriteListHeader(n.labels.size());
  for (const auto& label : n.labels) WriteString(label);
  WriteMap(n.properties);
  if (ids) WriteString(ElementIdOr(n.element_id, n.id));
}

void Encoder::WriteRelationship(const Relationship& r) {
  const bool ids = HasElementIds(version_);
  WriteStructHeader(tag::kRelationship, ids ? 8 : 5);
  WriteInt(r.id);
  WriteInt(r.start_id);
  WriteInt(r.end_id);
  WriteString(r.type);
  WriteMap(r.properties);
  if (ids) {
    WriteString(ElementIdOr(r.element_id, r.id));
    WriteString(ElementIdOr(r.start_element_id, r.start_id));
    WriteString(ElementIdOr(r.end_element_id, r.end_id));
  }
}

void Encoder::WriteUnboundRelationship(const UnboundRelationship& r) {
  const bool ids = HasElementIds(version_);
  WriteStructHeader(tag::kUnboundRelationship, ids ? 4 : 3);
  WriteInt(r.id);
  WriteString(r.type);
  WriteMap(r.properties);
  if (ids) WriteString(ElementIdOr(r.element_id, r.id));
}

void Encoder::WritePath(const Path& p) {
  WriteStructHeader(tag::kPath, 3);
  WriteListHeader(p.nodes.size());
  for (const auto& n : p.nodes) WriteNode(n);
  WriteListHeader(p.rels.size());
  for (const auto& r : p.rels) WriteUnboundRelationship(r);
  WriteListHeader(p.indices.size());
  for (int64_t i : p.indices) WriteInt(i);
}

void Encoder::Write(const Value& v) {
  switch (v.type()) {
    case ValueType::kNull:
      WriteNull();
      return;
    case ValueType::kBool:
      WriteBool(v.AsBool());
      return;
    case ValueType::kInt:
      WriteInt(v.AsInt());
      return;
    case ValueType::kFloat:
      WriteFloat(v.AsFloat());
      return;
    case ValueType::kBytes:
      WriteBytes(v.AsBytes());
      return;
    case ValueType::kString:
      WriteString(v.AsString());
      return;
    case ValueType::kList:
      WriteListHeader(v.AsList().size());
      for (const auto& item : v.AsList()) Write(item);
      return;
    case ValueType::kMap:
      WriteMap(v.AsMap());
      return;
    case ValueType::kNode:
      WriteNode(v.AsNode());
      return;
    case ValueType::kRelationship:
      WriteRelationship(v.AsRelationship());
      return;
    case ValueType::kUnboundRelationship:
      WriteUnboundRelationship(v.AsUnboundRelationship());
      return;
    case ValueType::kPath:
      WritePath(v.AsPath());
      return;
    case ValueType::kStructure: {
      const auto& s = v.AsStructure();
      WriteStructHeader(s.tag, s.fields.size());
      for (const auto& f : s.fields) Write(f);
      return;
    }
  }
}

std::string Encode(const Value& v, ProtocolVersion version) {
  std::string out;
  Encoder(version, &out).Write(v);
  return out;
}

// ---------------------------------------------------------------- decoding

namespace {

Unexpected<DecodeError> Fail(std::string message) {
  return MakeError(DecodeError{std::move(message)});
}

Unexpected<DecodeError> Truncated() { return Fail("truncated PackStream data"); }

// Maps of up to this many entries find duplicate keys by a linear scan.
constexpr uint64_t kLinearMapKeys = 16;

// Helpers for typed structures: each checks one field's kind.
bool IsStringOrNull(const Value& v) { return v.IsString() || v.IsNull(); }
std::string StringOrEmpty(Value& v) {
  return v.IsString() ? std::move(v.AsString()) : std::string();
}

Result<Value, DecodeError> MakeNode(std::vector<Value>& f) {
  if (f.size() != 3 && f.size() != 4) return Fail("Node structure needs 3 or 4 fields");
  if (!f[0].IsInt() || !f[1].IsList() || !f[2].IsMap() ||
      (f.size() == 4 && !IsStringOrNull(f[3]))) {
    return Fail("malformed Node structure");
  }
  Node n;
  n.id = f[0].AsInt();
  n.labels.reserve(f[1].AsList().size());
  for (auto& label : f[1].AsList()) {
    if (!label.IsString()) return Fail("Node label is not a String");
    n.labels.push_back(StringOrEmpty(label));
  }
  n.properties = std::move(f[2].AsMap());
  if (f.size() == 4) n.element_id = StringOrEmpty(f[3]);
  return Value(std::move(n));
}

Result<Value, DecodeError> MakeRelationship(std::vector<Value>& f) {
  if (f.size() != 5 && f.size() != 8) return Fail("Relationship structure needs 5 or 8 fields");
  if (!f[0].IsInt() || !f[1].IsInt() || !f[2].IsInt() || !f[3].IsString() || !f[4].IsMap()) {
    return Fail("malformed Relationship structure");
  }
  Relationship r;
  r.id = f[0].AsInt();
  r.start_id = f[1].AsInt();
  r.end_id = f[2].AsInt();
  r.type = StringOrEmpty(f[3]);
  r.properties = std::move(f[4].AsMap());
  if (f.size() == 8) {
    if (!IsStringOrNull(f[5]) || !IsStringOrNull(f[6]) || !IsStringOrNull(f[7])) {
      return Fail("malformed Relationship element ids");
    }
    r.element_id = StringOrEmpty(f[5]);
    r.start_element_id = StringOrEmpty(f[6]);
    r.end_element_id = StringOrEmpty(f[7]);
  }
  return Value(std::move(r));
}

Result<UnboundRelationship, DecodeError> MakeUnbound(std::vector<Value>& f) {
  if (f.size() != 3 && f.size() != 4) {
    return Fail("UnboundRelationship structure needs 3 or 4 fields");
  }
  if (!f[0].IsInt() || !f[1].IsString() || !f[2].IsMap() ||
      (f.size() == 4 && !IsStringOrNull(f[3]))) {
    return Fail("malformed UnboundRelationship structure");
  }
  UnboundRelationship r;
  r.id = f[0].AsInt();
  r.type = StringOrEmpty(f[1]);
  r.properties = std::move(f[2].AsMap());
  if (f.size() == 4) r.element_id = StringOrEmpty(f[3]);
  return r;
}

Result<Value, DecodeError> MakePath(std::vector<Value>& f) {
  if (f.size() != 3 || !f[0].IsList() || !f[1].IsList() || !f[2].IsList()) {
    return Fail("malformed Path structure");
  }
  Path p;
  for (auto& n : f[0].AsList()) {
    if (!n.IsNode()) return Fail("Path node is not a Node");
    p.nodes.push_back(std::move(n.AsNode()));
  }
  for (auto& r : f[1].AsList()) {
    if (!r.IsUnboundRelationship()) return Fail("Path relationship is not an UnboundRelationship");
    p.rels.push_back(std::move(r.AsUnboundRelationship()));
  }
  for (auto& i : f[2].AsList()) {
    if (!i.IsInt()) return Fail("Path index is not an Integer");
    p.indices.push_back(i.AsInt());
  }
  return Value(std::move(p));
}

}  // namespace

Result<uint64_t, DecodeError> Decoder::ReadUnsigned(int bytes) {
  if (Remaining() < static_cast<size_t>(bytes)) return Truncated();
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<uint8_t>(data_[pos_++]);
  return v;
}

Result<std::string, DecodeError> Decoder::ReadStringBody(uint64_t size) {
  if (size > Remaining()) return Truncated();
  std::string s(data_.substr(pos_, size));
  pos_ += size;
  return s;
}

Result<Value, DecodeError> Decoder::ReadList(uint64_t size, uint32_t depth) {
  // Every element takes at least one byte, so a count beyond the remaining
  // bytes is a lie; refusing it early also bounds the reserve below.
  if (size > Remaining()) return Truncated();
  List list;
  list.reserve(size);
  for (uint64_t i = 0; i < size; ++i) {
    auto item = ReadValue(depth + 1);
    if (!item) return MakeError(item.Error());
    list.push_back(std::move(*item));
  }
  return Value(std::move(list));
}

Result<Value, DecodeError> Decoder::ReadMap(uint64_t size, uint32_t depth) {
  if (size > Remaining() / 2) return Truncated();
  Map map;
  map.reserve(size);
  // Duplicate keys: the last one wins. Small maps (every request carries a
  // few) check by a linear scan, Map::Set; an index keeps hostile maps with
  // many entries linear instead of quadratic.
  const bool small = size <= kLinearMapKeys;
  std::unordered_map<std::string, size_t> index;
  std::vector<std::pair<std::string, Value>> entries;
  if (!small) entries.reserve(size);
  for (uint64_t i = 0; i < size; ++i) {
    if (Remaining() == 0) return Truncated();
    uint8_t m = static_cast<uint8_t>(data_[pos_++]);
    uint64_t key_size;
    if ((m & 0xF0) == marker::kTinyString) {
      key_size = m & 0x0F;
    } else if (m == marker::kString8 || m == marker::kString16 || m == marker::kString32) {
      auto s = ReadUnsigned(m == marker::kString8 ? 1 : m == marker::kString16 ? 2 : 4);
      if (!s) return MakeError(s.Error());
      key_size = *s;
    } else {
      return Fail("map key is not a String");
    }
    if (++values_ > limits_.max_values) {
      return Fail("more than " + std::to_string(limits_.max_values) + " PackStream values");
    }
    auto key = ReadStringBody(key_size);
    if (!key) return MakeError(key.Error());
    auto value = ReadValue(depth + 1);
    if (!value) return MakeError(value.Error());
    if (small) {
      map.Set(std::move(*key), std::move(*value));
      continue;
    }
    auto [it, inserted] = index.try_emplace(*key, entries.size());
    if (inserted) {
      entries.emplace_back(std::move(*key), std::move(*value));
    } else {
      entries[it->second].second = std::move(*value);
    }
  }
  for (auto& [key, value] : entries) map.AppendUnchecked(std::move(key), std::move(value));
  return Value(std::move(map));
}

Result<Value, DecodeError> Decoder::ReadStructure(uint8_t fields, uint32_t depth) {
  if (Remaining() < 1) return Truncated();
  uint8_t t = static_cast<uint8_t>(data_[pos_++]);
  std::vector<Value> values;
  values.reserve(fields);
  for (uint8_t i = 0; i < fields; ++i) {
    auto v = ReadValue(depth + 1);
    if (!v) return MakeError(v.Error());
    values.push_back(std::move(*v));
  }
  switch (t) {
    case tag::kNode:
      return MakeNode(values);
    case tag::kRelationship:
      return MakeRelationship(values);
    case tag::kUnboundRelationship: {
      auto r = MakeUnbound(values);
      if (!r) return MakeError(r.Error());
      return Value(std::move(*r));
    }
    case tag::kPath:
      return MakePath(values);
    default:
      return Value(Structure{t, std::move(values)});
  }
}

Result<Value, DecodeError> Decoder::ReadValue(uint32_t depth) {
  if (depth > limits_.max_depth) {
    return Fail("PackStream nesting deeper than " + std::to_string(limits_.max_depth));
  }
  if (++values_ > limits_.max_values) {
    return Fail("more than " + std::to_string(limits_.max_values) + " PackStream values");
  }
  if (Remaining() == 0) return Truncated();
  const uint8_t m = static_cast<uint8_t>(data_[pos_++]);
  // Tiny int: 0x00..0x7F and 0xF0..0xFF.
  if (m <= 0x7F || m >= 0xF0) return Value(static_cast<int64_t>(static_cast<int8_t>(m)));
  switch (m & 0xF0) {
    case marker::kTinyString: {
      auto s = ReadStringBody(m & 0x0F);
      if (!s) return MakeError(s.Error());
      return Value(std::move(*s));
    }
    case marker::kTinyList:
      return ReadList(m & 0x0F, depth);
    case marker::kTinyMap:
      return ReadMap(m & 0x0F, depth);
    case marker::kTinyStruct:
      return ReadStructure(m & 0x0F, depth);
    default:
      break;
  }
  switch (m) {
    case marker::kNull:
      return Value();
    case marker::kTrue:
      return Value(true);
    case marker::kFalse:
      return Value(false);
    case marker::kFloat64: {
      auto bits = ReadUnsigned(8);
      if (!bits) return MakeError(bits.Error());
      double d;
      uint64_t b = *bits;
      std::memcpy(&d, &b, sizeof(d));
      return Value(d);
    }
    case marker::kInt8:
    case marker::kInt16:
    case marker::kInt32:
    case marker::kInt64: {
      const int width = 1 << (m - marker::kInt8);
      auto raw = ReadUnsigned(width);
      if (!raw) return MakeError(raw.Error());
      // Sign-extend from `width` bytes.
      const int shift = 64 - 8 * width;
      return Value(static_cast<int64_t>(*raw << shift) >> shift);
    }
    case marker::kBytes8:
    case marker::kBytes16:
    case marker::kBytes32: {
      auto size = ReadUnsigned(1 << (m - marker::kBytes8));
      if (!size) return MakeError(size.Error());
      if (*size > Remaining()) return Truncated();
      Bytes b(reinterpret_cast<const uint8_t*>(data_.data() + pos_),
              reinterpret_cast<const uint8_t*>(data_.data() + pos_ + *size));
      pos_ += *size;
      return Value(std::move(b));
    }
    case marker::kString8:
    case marker::kString16:
    case marker::kString32: {
      auto size = ReadUnsigned(1 << (m - marker::kString8));
      if (!size) return MakeError(size.Error());
      auto s = ReadStringBody(*size);
      if (!s) return MakeError(s.Error());
      return Value(std::move(*s));
    }
    case marker::kList8:
    case marker::kList16:
    case marker::kList32: {
      auto size = ReadUnsigned(1 << (m - marker::kList8));
      if (!size) return MakeError(size.Error());
      return ReadList(*size, depth);
    }
    case marker::kMap8:
    case marker::kMap16:
    case marker::kMap32: {
      auto size = ReadUnsigned(1 << (m - marker::kMap8));
      if (!size) return MakeError(size.Error());
      return ReadMap(*size, depth);
    }
    default: {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "%02X", m);
      return Fail(std::string("unknown PackStream marker 0x") + buf);
    }
  }
}

Result<Value, DecodeError> Decoder::Next() { return ReadValue(1); }

Result<std::pair<uint8_t, uint8_t>, DecodeError> Decoder::NextStructHeader() {
  if (Remaining() < 2) return Truncated();
  const uint8_t m = static_cast<uint8_t>(data_[pos_]);
  if ((m & 0xF0) != marker::kTinyStruct) return Fail("expected a structure");
  const uint8_t t = static_cast<uint8_t>(data_[pos_ + 1]);
  pos_ += 2;
  return std::make_pair(t, static_cast<uint8_t>(m & 0x0F));
}

Result<Value, DecodeError> Decode(std::string_view bytes, DecodeLimits limits) {
  Decoder d(bytes, limits);
  auto v = d.Next();
  if (!v) return v;
  if (!d.AtEnd()) return Fail("trailing bytes after PackStream value");
  return v;
}

}  // namespace tributary::bolt
