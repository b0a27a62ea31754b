#include "storage/property_store.hpp"

#include <cstring>

namespace tributary::storage {
namespace {

enum : uint8_t {
  kCodeNull = 0,
  kCodeFalse = 1,
  kCodeTrue = 2,
  kCodeInt = 3,
  kCodeDouble = 4,
  kCodeString = 5,
  kCodeList = 6,
  kCodeMap = 7,
  // Bytes, points and temporal values: the high 4 bits say which (Ext*).
  kCodeExtended = 8,
};

enum : uint8_t {
  kExtBytes = 0,
  kExtPoint2d = 1,
  kExtPoint3d = 2,
  kExtDate = 3,
  kExtLocalTime = 4,
  kExtTime = 5,
  kExtLocalDateTime = 6,
  kExtDateTime = 7,  // fixed offset
  kExtDateTimeZone = 8,
  kExtDuration = 9,
};

void PutVarint(uint64_t x, std::string* out) {
  while (x >= 0x80) {
    out->push_back(static_cast<char>(x | 0x80));
    x >>= 7;
  }
  out->push_back(static_cast<char>(x));
}

uint64_t GetVarint(const uint8_t** p) {
  uint64_t x = 0;
  int shift = 0;
  while (true) {
    uint8_t b = *(*p)++;
    x |= static_cast<uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) return x;
    shift += 7;
  }
}

void PutSigned(int64_t v, std::string* out) {
  PutVarint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63), out);
}

int64_t GetSigned(const uint8_t** p) {
  uint64_t z = GetVarint(p);
  return static_cast<int64_t>(z >> 1) ^ -static_cast<int64_t>(z & 1);
}

void PutDouble(double d, std::string* out) {
  char bytes[8];
  std::memcpy(bytes, &d, 8);
  out->append(bytes, 8);
}

double GetDouble(const uint8_t** p) {
  double d;
  std::memcpy(&d, *p, 8);
  *p += 8;
  return d;
}

void PutExt(uint8_t ext, std::string* out) {
  out->push_back(static_cast<char>(kCodeExtended | (ext << 4)));
}

// Encodes the kinds behind kCodeExtended; false for the other kinds.
bool EncodeExtended(const PropertyValue& v, std::string* out) {
  switch (v.type()) {
    case PropertyType::kBytes:
      PutExt(kExtBytes, out);
      PutVarint(v.AsBytes().data.size(), out);
      out->append(v.AsBytes().data);
      return true;
    case PropertyType::kPoint2d:
      PutExt(kExtPoint2d, out);
      PutSigned(v.AsPoint2d().srid, out);
      PutDouble(v.AsPoint2d().x, out);
      PutDouble(v.AsPoint2d().y, out);
      return true;
    case PropertyType::kPoint3d:
      PutExt(kExtPoint3d, out);
      PutSigned(v.AsPoint3d().srid, out);
      PutDouble(v.AsPoint3d().x, out);
      PutDouble(v.AsPoint3d().y, out);
      PutDouble(v.AsPoint3d().z, out);
      return true;
    case PropertyType::kDate:
      PutExt(kExtDate, out);
      PutSigned(v.AsDate().days, out);
      return true;
    case PropertyType::kLocalTime:
      PutExt(kExtLocalTime, out);
      PutSigned(v.AsLocalTime().nanos, out);
      return true;
    case PropertyType::kTime:
      PutExt(kExtTime, out);
      PutSigned(v.AsTime().nanos, out);
      PutSigned(v.AsTime().offset_seconds, out);
      return true;
    case PropertyType::kLocalDateTime:
      PutExt(kExtLocalDateTime, out);
      PutSigned(v.AsLocalDateTime().seconds, out);
      PutSigned(v.AsLocalDateTime().nanos, out);
      return true;
    case PropertyType::kDateTime: {
      const auto& d = v.AsDateTime();
      PutExt(d.zone ? kExtDateTimeZone : kExtDateTime, out);
      PutSigned(d.seconds, out);
      PutSigned(d.nanos, out);
      PutSigned(d.offset_seconds, out);
      if (d.zone) {
        PutVarint(d.zone->size(), out);
        out->append(*d.zone);
      }
      return true;
    }
    case PropertyType::kDuration:
      PutExt(kExtDuration, out);
      PutSigned(v.AsDuration().months, out);
      PutSigned(v.AsDuration().days, out);
      PutSigned(v.AsDuration().seconds, out);
      PutSigned(v.AsDuration().nanos, out);
      return true;
    default:
      return false;
  }
}

// Decodes the payload of a kCodeExtended value whose sub-kind is `ext`.
PropertyValue DecodeExtended(uint8_t ext, const uint8_t** p) {
  switch (ext) {
    case kExtBytes: {
      uint64_t n = GetVarint(p);
      Bytes b{std::string(reinterpret_cast<const char*>(*p), n)};
      *p += n;
      return PropertyValue(std::move(b));
    }
    case kExtPoint2d: {
      Point2d pt;
      pt.srid = GetSigned(p);
      pt.x = GetDouble(p);
      pt.y = GetDouble(p);
      return PropertyValue(pt);
    }
    case kExtPoint3d: {
      Point3d pt;
      pt.srid = GetSigned(p);
      pt.x = GetDouble(p);
      pt.y = GetDouble(p);
      pt.z = GetDouble(p);
      return PropertyValue(pt);
    }
    case kExtDate:
      return PropertyValue(Date{GetSigned(p)});
    case kExtLocalTime:
      return PropertyValue(LocalTime{GetSigned(p)});
    case kExtTime: {
      Time t;
      t.nanos = GetSigned(p);
      t.offset_seconds = static_cast<int32_t>(GetSigned(p));
      return PropertyValue(t);
    }
    case kExtLocalDateTime: {
      LocalDateTime t;
      t.seconds = GetSigned(p);
      t.nanos = static_cast<int32_t>(GetSigned(p));
      return PropertyValue(t);
    }
    case kExtDateTime:
    case kExtDateTimeZone: {
      DateTime t;
      t.seconds = GetSigned(p);
      t.nanos = static_cast<int32_t>(GetSigned(p));
      t.offset_seconds = static_cast<int32_t>(GetSigned(p));
      if (ext == kExtDateTimeZone) {
        uint64_t n = GetVarint(p);
        t.zone = std::make_shared<const std::string>(reinterpret_cast<const char*>(*p), n);
        *p += n;
      }
      return PropertyValue(std::move(t));
    }
    case kExtDuration: {
      Duration d;
      d.months = GetSigned(p);
      d.days = GetSigned(p);
      d.seconds = GetSigned(p);
      d.nanos = static_cast<int32_t>(GetSigned(p));
      return PropertyValue(d);
    }
  }
  return PropertyValue();
}

int IntWidth(int64_t v) {
  for (int w = 1; w < 8; ++w) {
    int64_t lo = -(int64_t{1} << (8 * w - 1));
    int64_t hi = (int64_t{1} << (8 * w - 1)) - 1;
    if (v >= lo && v <= hi) return w;
  }
  return 8;
}

int64_t ReadInt(const uint8_t* p, int width) {
  uint64_t u = 0;
  std::memcpy(&u, p, width);
  if (width < 8) {
    int shift = 64 - 8 * width;
    return static_cast<int64_t>(u << shift) >> shift;
  }
  return static_cast<int64_t>(u);
}

}  // namespace

void EncodeValue(const PropertyValue& v, std::string* out) {
  switch (v.type()) {
    case PropertyType::kNull:
      out->push_back(kCodeNull);
      return;
    case PropertyType::kBool:
      out->push_back(v.AsBool() ? kCodeTrue : kCodeFalse);
      return;
    case PropertyType::kInt: {
      int64_t x = v.AsInt();
      int w = IntWidth(x);
      out->push_back(static_cast<char>(kCodeInt | (w << 4)));
      uint64_t u = static_cast<uint64_t>(x);
      char bytes[8];
      std::memcpy(bytes, &u, 8);
      out->append(bytes, w);
      return;
    }
    case PropertyType::kDouble: {
      out->push_back(kCodeDouble);
      double d = v.AsDouble();
      char bytes[8];
      std::memcpy(bytes, &d, 8);
      out->append(bytes, 8);
      return;
    }
    case PropertyType::kString:
      out->push_back(kCodeString);
      PutVarint(v.AsString().size(), out);
      out->append(v.AsString());
      return;
    case PropertyType::kList:
      out->push_back(kCodeList);
      PutVarint(v.AsList().size(), out);
      for (const auto& e : v.AsList()) EncodeValue(e, out);
      return;
    case PropertyType::kMap:
      out->push_back(kCodeMap);
      PutVarint(v.AsMap().size(), out);
      for (const auto& [k, e] : v.AsMap()) {
        PutVarint(k.size(), out);
        out->append(k);
        EncodeValue(e, out);
      }
      return;
    default:
      EncodeExtended(v, out);
      return;
  }
}

PropertyValue DecodeValue(const uint8_t** p) {
  uint8_t h = *(*p)++;
  switch (h & 0x0F) {
    case kCodeNull:
      return PropertyValue();
    case kCodeFalse:
      return PropertyValue(false);
    case kCodeTrue:
      return PropertyValue(true);
    case kCodeInt: {
      int w = h >> 4;
      int64_t x = ReadInt(*p, w);
      *p += w;
      return PropertyValue(x);
    }
    case kCodeDouble: {
      double d;
      std::memcpy(&d, *p, 8);
      *p += 8;
      return PropertyValue(d);
    }
    case kCodeString: {
      uint64_t n = GetVarint(p);
      std::string s(reinterpret_cast<const char*>(*p), n);
      *p += n;
      return PropertyValue(std::move(s));
    }
    case kCodeList: {
      uint64_t n = GetVarint(p);
      PropertyValue::List list;
      list.reserve(n);
      for (uint64_t i = 0; i < n; ++i) list.push_back(DecodeValue(p));
      return PropertyValue(std::move(list));
    }
    case kCodeMap: {
      uint64_t n = GetVarint(p);
      PropertyValue::Map map;
      for (uint64_t i = 0; i < n; ++i) {
        uint64_t kn = GetVarint(p);
        std::string key(reinterpret_cast<const char*>(*p), kn);
        *p += kn;
        map.emplace_hint(map.end(), std::move(key), DecodeValue(p));
      }
      return PropertyValue(std::move(map));
    }
    case kCodeExtended:
      return DecodeExtended(h >> 4, p);
  }
  return PropertyValue();
}

void SkipValue(const uint8_t** p) {
  uint8_t h = *(*p)++;
  switch (h & 0x0F) {
    case kCodeInt:
      *p += h >> 4;
      return;
    case kCodeDouble:
      *p += 8;
      return;
    case kCodeString: {
      uint64_t n = GetVarint(p);
      *p += n;
      return;
    }
    case kCodeList: {
      uint64_t n = GetVarint(p);
      for (uint64_t i = 0; i < n; ++i) SkipValue(p);
      return;
    }
    case kCodeMap: {
      uint64_t n = GetVarint(p);
      for (uint64_t i = 0; i < n; ++i) {
        uint64_t kn = GetVarint(p);
        *p += kn;
        SkipValue(p);
      }
      return;
    }
    case kCodeExtended:
      DecodeExtended(h >> 4, p);  // rare outside the scalars: decoding is simple
      return;
    default:
      return;
  }
}

EncodedValue::EncodedValue(const PropertyValue& v) {
  if (v.IsNull()) return;
  std::string s;
  EncodeValue(v, &s);
  buf_.Assign(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

PropertyValue EncodedValue::Decode() const {
  auto bytes = buf_.Bytes();
  if (bytes.empty()) return PropertyValue();
  const uint8_t* p = bytes.data();
  return DecodeValue(&p);
}

bool EncodedValue::IsNull() const { return buf_.Empty(); }

PropertyValue PropertyStore::Get(uint32_t key) const {
  auto bytes = buf_.Bytes();
  const uint8_t* p = bytes.data();
  const uint8_t* end = p + bytes.size();
  while (p < end) {
    uint64_t id = GetVarint(&p);
    if (id == key) return DecodeValue(&p);
    if (id > key) break;
    SkipValue(&p);
  }
  return PropertyValue();
}

ScalarView PeekValue(const uint8_t* p) {
  ScalarView v;
  uint8_t h = *p++;
  switch (h & 0x0F) {
    case kCodeNull:
      break;
    case kCodeFalse:
    case kCodeTrue:
      v.type = PropertyType::kBool;
      v.i = (h & 0x0F) == kCodeTrue ? 1 : 0;
      break;
    case kCodeInt:
      v.type = PropertyType::kInt;
      v.i = ReadInt(p, h >> 4);
      break;
    case kCodeDouble:
      v.type = PropertyType::kDouble;
      std::memcpy(&v.d, p, 8);
      break;
    case kCodeString: {
      v.type = PropertyType::kString;
      uint64_t n = GetVarint(&p);
      v.s = std::string_view(reinterpret_cast<const char*>(p), n);
      break;
    }
    case kCodeList:
      v.type = PropertyType::kList;
      break;
    case kCodeMap:
      v.type = PropertyType::kMap;
      break;
    case kCodeExtended: {
      static constexpr PropertyType kExtType[] = {
          PropertyType::kBytes,         PropertyType::kPoint2d,   PropertyType::kPoint3d,
          PropertyType::kDate,          PropertyType::kLocalTime, PropertyType::kTime,
          PropertyType::kLocalDateTime, PropertyType::kDateTime,  PropertyType::kDateTime,
          PropertyType::kDuration};
      if ((h >> 4) <= kExtDuration) v.type = kExtType[h >> 4];
      break;
    }
    default:
      break;
  }
  return v;
}

const uint8_t* PropertyStore::Find(uint32_t key) const {
  auto bytes = buf_.Bytes();
  const uint8_t* p = bytes.data();
  const uint8_t* end = p + bytes.size();
  while (p < end) {
    uint64_t id = GetVarint(&p);
    if (id == key) return p;
    if (id > key) break;
    SkipValue(&p);
  }
  return nullptr;
}

bool PropertyStore::Has(uint32_t key) const {
  auto bytes = buf_.Bytes();
  const uint8_t* p = bytes.data();
  const uint8_t* end = p + bytes.size();
  while (p < end) {
    uint64_t id = GetVarint(&p);
    if (id == key) return true;
    if (id > key) break;
    SkipValue(&p);
  }
  return false;
}

PropertyValue PropertyStore::Set(uint32_t key, const PropertyValue& value) {
  auto bytes = buf_.Bytes();
  const uint8_t* p = bytes.data();
  const uint8_t* end = p + bytes.size();
  std::string out;
  out.reserve(bytes.size() + 16);
  PropertyValue old;
  bool placed = false;
  while (p < end) {
    const uint8_t* entry = p;
    uint64_t id = GetVarint(&p);
    if (!placed && id >= key) {
      if (!value.IsNull()) {
        PutVarint(key, &out);
        EncodeValue(value, &out);
      }
      placed = true;
    }
    if (id == key) {
      old = DecodeValue(&p);
      continue;
    }
    SkipValue(&p);
    out.append(reinterpret_cast<const char*>(entry), p - entry);
  }
  if (!placed && !value.IsNull()) {
    PutVarint(key, &out);
    EncodeValue(value, &out);
  }
  buf_.Assign(reinterpret_cast<const uint8_t*>(out.data()), out.size());
  return old;
}

void PropertyStore::AppendAll(std::vector<std::pair<uint32_t, PropertyValue>>* out) const {
  auto bytes = buf_.Bytes();
  const uint8_t* p = bytes.data();
  const uint8_t* end = p + bytes.size();
  while (p < end) {
    auto id = static_cast<uint32_t>(GetVarint(&p));
    out->emplace_back(id, DecodeValue(&p));
  }
}

std::vector<std::pair<uint32_t, PropertyValue>> PropertyStore::All() const {
  std::vector<std::pair<uint32_t, PropertyValue>> out;
  AppendAll(&out);
  return out;
}

}  // namespace tributary::storage
