#include "storage/durability/encoding.hpp"

#include <cstring>

namespace tributary::storage::durability {
namespace {

/// Nesting limit for lists and maps; deeper input is treated as corrupt
/// rather than risking stack exhaustion.
constexpr int kMaxValueDepth = 64;

uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

}  // namespace

void PutU32(char* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>(v >> (8 * i));
}
uint32_t GetU32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return v;
}
void PutU64(char* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<char>(v >> (8 * i));
}
uint64_t GetU64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return v;
}

void Encoder::U32(uint32_t v) {
  char b[4];
  PutU32(b, v);
  out_.append(b, 4);
}

void Encoder::U64(uint64_t v) {
  char b[8];
  PutU64(b, v);
  out_.append(b, 8);
}

void Encoder::Varint(uint64_t v) {
  while (v >= 0x80) {
    out_.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out_.push_back(static_cast<char>(v));
}

void Encoder::String(std::string_view s) {
  Varint(s.size());
  out_.append(s);
}

void Encoder::Value(const PropertyValue& v) {
  U8(static_cast<uint8_t>(v.type()));
  switch (v.type()) {
    case PropertyType::kNull:
      break;
    case PropertyType::kBool:
      U8(v.AsBool() ? 1 : 0);
      break;
    case PropertyType::kInt:
      Varint(ZigZag(v.AsInt()));
      break;
    case PropertyType::kDouble: {
      uint64_t bits;
      double d = v.AsDouble();
      std::memcpy(&bits, &d, sizeof bits);
      U64(bits);
      break;
    }
    case PropertyType::kString:
      String(v.AsString());
      break;
    case PropertyType::kList:
      Varint(v.AsList().size());
      for (const auto& e : v.AsList()) Value(e);
      break;
    case PropertyType::kMap:
      Varint(v.AsMap().size());
      for (const auto& [k, e] : v.AsMap()) {
        String(k);
        Value(e);
      }
      break;
  }
}

bool Decoder::U8(uint8_t* v) {
  if (remaining() < 1) return false;
  *v = static_cast<uint8_t>(in_[pos_++]);
  return true;
}

bool Decoder::U32(uint32_t* v) {
  if (remaining() < 4) return false;
  *v = GetU32(in_.data() + pos_);
  pos_ += 4;
  return true;
}

bool Decoder::U64(uint64_t* v) {
  if (remaining() < 8) return false;
  *v = GetU64(in_.data() + pos_);
  pos_ += 8;
  return true;
}

bool Decoder::Varint(uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift < 64 && pos_ < in_.size(); shift += 7) {
    auto byte = static_cast<uint8_t>(in_[pos_++]);
    result |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}

bool Decoder::String(std::string* s) {
  uint64_t n;
  if (!Varint(&n) || n > remaining()) return false;
  s->assign(in_.data() + pos_, n);
  pos_ += n;
  return true;
}

bool Decoder::Value(PropertyValue* v) { return ValueAtDepth(v, 0); }

bool Decoder::ValueAtDepth(PropertyValue* v, int depth) {
  if (depth > kMaxValueDepth) return false;
  uint8_t tag;
  if (!U8(&tag)) return false;
  switch (static_cast<PropertyType>(tag)) {
    case PropertyType::kNull:
      *v = PropertyValue();
      return true;
    case PropertyType::kBool: {
      uint8_t b;
      if (!U8(&b) || b > 1) return false;
      *v = PropertyValue(b == 1);
      return true;
    }
    case PropertyType::kInt: {
      uint64_t z;
      if (!Varint(&z)) return false;
      *v = PropertyValue(UnZigZag(z));
      return true;
    }
    case PropertyType::kDouble: {
      uint64_t bits;
      if (!U64(&bits)) return false;
      double d;
      std::memcpy(&d, &bits, sizeof d);
      *v = PropertyValue(d);
      return true;
    }
    case PropertyType::kString: {
      std::string s;
      if (!String(&s)) return false;
      *v = PropertyValue(std::move(s));
      return true;
    }
    case PropertyType::kList: {
      uint64_t n;
      // Every element takes at least one byte, which bounds n before reserving.
      if (!Varint(&n) || n > remaining()) return false;
      PropertyValue::List list;
      list.reserve(n);
      for (uint64_t i = 0; i < n; ++i) {
        PropertyValue e;
        if (!ValueAtDepth(&e, depth + 1)) return false;
        list.push_back(std::move(e));
      }
      *v = PropertyValue(std::move(list));
      return true;
    }
    case PropertyType::kMap: {
      uint64_t n;
      if (!Varint(&n) || n > remaining()) return false;
      PropertyValue::Map map;
      for (uint64_t i = 0; i < n; ++i) {
        std::string k;
        PropertyValue e;
        if (!String(&k) || !ValueAtDepth(&e, depth + 1)) return false;
        map.insert_or_assign(std::move(k), std::move(e));
      }
      *v = PropertyValue(std::move(map));
      return true;
    }
  }
  return false;
}

}  // namespace tributary::storage::durability
