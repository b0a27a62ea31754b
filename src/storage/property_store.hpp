#pragma once
// Compact encoding of property values and of a vertex's or edge's property
// set. Format (little-endian, internal to the process, never persisted):
//   value  := header payload
//   header := type code (low 4 bits) | int width in bytes (high 4 bits)
//   codes  : 0 null, 1 false, 2 true, 3 int (1..8 bytes, sign-extended),
//            4 double (8 bytes), 5 string (varint length, bytes),
//            6 list (varint count, values), 7 map (varint count,
//            (varint key length, key bytes, value)*; keys ascending),
//            8 extended: the high 4 bits pick the kind (ADR 014):
//              0 bytes (varint length, bytes), 1 point2d (zigzag srid,
//              double x, y), 2 point3d (+ z), 3 date (zigzag days),
//              4 localtime (zigzag nanos), 5 time (nanos, offset),
//              6 localdatetime (seconds, nanos), 7 datetime with offset
//              (UTC seconds, nanos, offset), 8 datetime with zone (same +
//              varint length, zone name), 9 duration (months, days,
//              seconds, nanos); integers as zigzag varints
//   store  := (varint property id, value)* in ascending id order; no nulls.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/property_value.hpp"
#include "storage/byte_buffer.hpp"

namespace tributary::storage {

/// Appends the encoding of `v` to *out.
void EncodeValue(const PropertyValue& v, std::string* out);
/// Decodes one value at *p and advances *p past it.
PropertyValue DecodeValue(const uint8_t** p);
/// Advances *p past one encoded value.
void SkipValue(const uint8_t** p);

/// A scalar read in place from an encoding, without allocating. For lists,
/// maps, bytes, points and temporal values only `type` is set (decode those).
struct ScalarView {
  PropertyType type = PropertyType::kNull;
  int64_t i = 0;       ///< kInt; kBool as 0/1
  double d = 0;        ///< kDouble
  std::string_view s;  ///< kString (points into the encoding)
};
ScalarView PeekValue(const uint8_t* p);

/// One encoded value (the old value an undo delta restores). Move-only.
class EncodedValue {
 public:
  EncodedValue() = default;
  explicit EncodedValue(const PropertyValue& v);
  PropertyValue Decode() const;
  bool IsNull() const;

 private:
  ByteBuffer buf_;
};

/// A property set: sorted {id, value} pairs encoded into 16 bytes inline or
/// one heap block. Not thread-safe (the owning object's lock guards it).
class PropertyStore {
 public:
  /// The value of `key`, null when absent.
  PropertyValue Get(uint32_t key) const;
  bool Has(uint32_t key) const;
  /// The encoding of `key`'s value (valid until the next mutation), or
  /// nullptr when absent.
  const uint8_t* Find(uint32_t key) const;
  /// Sets `key` (null removes it); returns the previous value.
  PropertyValue Set(uint32_t key, const PropertyValue& value);
  /// All pairs in ascending key order.
  std::vector<std::pair<uint32_t, PropertyValue>> All() const;
  /// Appends all pairs in ascending key order to *out.
  void AppendAll(std::vector<std::pair<uint32_t, PropertyValue>>* out) const;
  bool Empty() const { return buf_.Empty(); }
  size_t HeapBytes() const { return buf_.HeapBytes(); }
  /// The heap block holding the encoding, or null when inline; a hint that
  /// may be read without the lock (see ByteBuffer::HeapHint).
  const void* HeapHint() const { return buf_.HeapHint(); }

 private:
  ByteBuffer buf_;
};
static_assert(sizeof(PropertyStore) == 16);

}  // namespace tributary::storage
