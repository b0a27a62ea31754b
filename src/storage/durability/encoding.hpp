#pragma once
// Little-endian fixed-width integers, LEB128 varints, strings and property
// values: the building blocks shared by the WAL and snapshot formats
// (docs/formats/wal.md, "Value encoding").

#include <cstdint>
#include <string>
#include <string_view>

#include "common/property_value.hpp"

namespace tributary::storage::durability {

/// Appends encoded values to a string it does not own.
class Encoder {
 public:
  /// Appends to *out, which must outlive the Encoder.
  explicit Encoder(std::string* out) : out_(*out) {}
  /// One byte.
  void U8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  /// 4 bytes, little-endian.
  void U32(uint32_t v);
  /// 8 bytes, little-endian.
  void U64(uint64_t v);
  /// Unsigned LEB128 (1..10 bytes).
  void Varint(uint64_t v);
  /// varint length + bytes.
  void String(std::string_view s);
  /// type byte (PropertyType numbering) + body; see docs/formats/wal.md.
  void Value(const PropertyValue& v);
  /// 8 bytes: the IEEE-754 bits, little-endian.
  void Double(double d);

 private:
  std::string& out_;
};

/// Reads encoded values from a byte range it does not own. Every reader
/// returns false (and leaves the position unspecified) when the input ends
/// early or is malformed.
class Decoder {
 public:
  /// Reads from `in`, which must outlive the Decoder.
  explicit Decoder(std::string_view in) : in_(in) {}
  /// Counterparts of the Encoder's writers.
  bool U8(uint8_t* v);
  bool U32(uint32_t* v);
  bool U64(uint64_t* v);
  bool Varint(uint64_t* v);
  bool String(std::string* s);
  /// A zigzag varint.
  bool Signed(int64_t* v);
  bool Double(double* d);
  /// A value nested at most 64 deep; lengths are checked against the input.
  bool Value(PropertyValue* v);
  /// Bytes not yet read.
  size_t remaining() const { return in_.size() - pos_; }
  /// Bytes read so far.
  size_t position() const { return pos_; }

 private:
  bool ValueAtDepth(PropertyValue* v, int depth);
  std::string_view in_;
  size_t pos_ = 0;
};

/// Fixed-width helpers on raw bytes.
void PutU32(char* p, uint32_t v);
uint32_t GetU32(const char* p);
void PutU64(char* p, uint64_t v);
uint64_t GetU64(const char* p);

}  // namespace tributary::storage::durability
