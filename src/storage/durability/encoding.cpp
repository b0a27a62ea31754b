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
    case PropertyType::kBytes:
      String(v.AsBytes().data);
      break;
    case PropertyType::kPoint2d:
      Varint(ZigZag(v.AsPoint2d().srid));
      Double(v.AsPoint2d().x);
      Double(v.AsPoint2d().y);
      break;
    case PropertyType::kPoint3d:
      Varint(ZigZag(v.AsPoint3d().srid));
      Double(v.AsPoint3d().x);
      Double(v.AsPoint3d().y);
      Double(v.AsPoint3d().z);
      break;
    case PropertyType::kDate:
      Varint(ZigZag(v.AsDate().days));
      break;
    case PropertyType::kLocalTime:
      Varint(ZigZag(v.AsLocalTime().nanos));
      break;
    case PropertyType::kTime:
      Varint(ZigZag(v.AsTime().nanos));
      Varint(ZigZag(v.AsTime().offset_seconds));
      break;
    case PropertyType::kLocalDateTime:
      Varint(ZigZag(v.AsLocalDateTime().seconds));
      Varint(ZigZag(v.AsLocalDateTime().nanos));
      break;
    case PropertyType::kDateTime: {
      const auto& d = v.AsDateTime();
      Varint(ZigZag(d.seconds));
      Varint(ZigZag(d.nanos));
      Varint(ZigZag(d.offset_seconds));
      U8(d.zone ? 1 : 0);
      if (d.zone) String(*d.zone);
      break;
    }
    case PropertyType::kDuration:
      Varint(ZigZag(v.AsDuration().months));
      Varint(ZigZag(v.AsDuration().days));
      Varint(ZigZag(v.AsDuration().seconds));
      Varint(ZigZag(v.AsDuration().nanos));
      break;
  }
}

void Encoder::Double(double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  U64(bits);
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
    case PropertyType::kBytes: {
      std::string s;
      if (!String(&s)) return false;
      *v = PropertyValue(tributary::Bytes{std::move(s)});
      return true;
    }
    case PropertyType::kPoint2d: {
      Point2d p;
      if (!Signed(&p.srid) || !Double(&p.x) || !Double(&p.y)) return false;
      *v = PropertyValue(p);
      return true;
    }
    case PropertyType::kPoint3d: {
      Point3d p;
      if (!Signed(&p.srid) || !Double(&p.x) || !Double(&p.y) || !Double(&p.z)) return false;
      *v = PropertyValue(p);
      return true;
    }
    case PropertyType::kDate: {
      Date d;
      if (!Signed(&d.days)) return false;
      *v = PropertyValue(d);
      return true;
    }
    case PropertyType::kLocalTime: {
      LocalTime t;
      if (!Signed(&t.nanos)) return false;
      *v = PropertyValue(t);
      return true;
    }
    case PropertyType::kTime: {
      Time t;
      int64_t offset;
      if (!Signed(&t.nanos) || !Signed(&offset)) return false;
      t.offset_seconds = static_cast<int32_t>(offset);
      *v = PropertyValue(t);
      return true;
    }
    case PropertyType::kLocalDateTime: {
      LocalDateTime t;
      int64_t nanos;
      if (!Signed(&t.seconds) || !Signed(&nanos)) return false;
      t.nanos = static_cast<int32_t>(nanos);
      *v = PropertyValue(t);
      return true;
    }
    case PropertyType::kDateTime: {
      tributary::DateTime t;
      int64_t nanos, offset;
      uint8_t has_zone;
      if (!Signed(&t.seconds) || !Signed(&nanos) || !Signed(&offset) || !U8(&has_zone) ||
          has_zone > 1) {
        return false;
      }
      t.nanos = static_cast<int32_t>(nanos);
      t.offset_seconds = static_cast<int32_t>(offset);
      if (has_zone == 1) {
        std::string zone;
        if (!String(&zone)) return false;
        t.zone = std::make_shared<const std::string>(std::move(zone));
      }
      *v = PropertyValue(std::move(t));
      return true;
    }
    case PropertyType::kDuration: {
      tributary::Duration d;
      int64_t nanos;
      if (!Signed(&d.months) || !Signed(&d.days) || !Signed(&d.seconds) || !Signed(&nanos)) {
        return false;
      }
      d.nanos = static_cast<int32_t>(nanos);
      *v = PropertyValue(d);
      return true;
    }
  }
  return false;
}

bool Decoder::Signed(int64_t* v) {
  uint64_t z;
  if (!Varint(&z)) return false;
  *v = UnZigZag(z);
  return true;
}

bool Decoder::Double(double* d) {
  uint64_t bits;
  if (!U64(&bits)) return false;
  std::memcpy(d, &bits, sizeof *d);
  return true;
}

}  // namespace tributary::storage::durability
