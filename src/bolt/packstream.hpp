#pragma once
// PackStream: the binary value encoding inside Bolt messages. See
// docs/formats/bolt.md for the markers and the structures we implement.
//
// Encoding always picks the smallest representation (tiny / 8 / 16 / 32-bit
// sizes, smallest int width). Decoding never trusts the input: every read is
// bounds-checked, container sizes are checked against the bytes that remain,
// nesting depth is capped, and errors come back as a Result.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bolt/value.hpp"
#include "bolt/version.hpp"
#include "common/result.hpp"

namespace tributary::bolt {

/// PackStream marker bytes.
namespace marker {
inline constexpr uint8_t kNull = 0xC0;
inline constexpr uint8_t kFloat64 = 0xC1;
inline constexpr uint8_t kFalse = 0xC2;
inline constexpr uint8_t kTrue = 0xC3;
inline constexpr uint8_t kInt8 = 0xC8;
inline constexpr uint8_t kInt16 = 0xC9;
inline constexpr uint8_t kInt32 = 0xCA;
inline constexpr uint8_t kInt64 = 0xCB;
inline constexpr uint8_t kBytes8 = 0xCC;
inline constexpr uint8_t kBytes16 = 0xCD;
inline constexpr uint8_t kBytes32 = 0xCE;
inline constexpr uint8_t kTinyString = 0x80;
inline constexpr uint8_t kString8 = 0xD0;
inline constexpr uint8_t kString16 = 0xD1;
inline constexpr uint8_t kString32 = 0xD2;
inline constexpr uint8_t kTinyList = 0x90;
inline constexpr uint8_t kList8 = 0xD4;
inline constexpr uint8_t kList16 = 0xD5;
inline constexpr uint8_t kList32 = 0xD6;
inline constexpr uint8_t kTinyMap = 0xA0;
inline constexpr uint8_t kMap8 = 0xD8;
inline constexpr uint8_t kMap16 = 0xD9;
inline constexpr uint8_t kMap32 = 0xDA;
inline constexpr uint8_t kTinyStruct = 0xB0;
}  // namespace marker

/// Structure tags of the graph types.
namespace tag {
inline constexpr uint8_t kNode = 0x4E;
inline constexpr uint8_t kRelationship = 0x52;
inline constexpr uint8_t kUnboundRelationship = 0x72;
inline constexpr uint8_t kPath = 0x50;
}  // namespace tag

/// Why decoding failed; `message` is for logs and FAILURE messages.
struct DecodeError {
  std::string message;
};

/// Bounds applied while decoding untrusted input.
struct DecodeLimits {
  /// Maximum nesting of lists, maps and structures (the top level is depth 1).
  uint32_t max_depth = 128;
  /// Maximum number of values (every list item, map value, structure field
  /// and map key counts) in one decode; bounds memory at ~40 bytes a value.
  uint64_t max_values = 4u << 20;
};

/// Appends PackStream encodings to a caller-owned buffer. Graph structures
/// are written in the shape of `version` (element ids only on 5.x).
/// Not thread-safe; cheap to construct.
class Encoder {
 public:
  /// `out` must outlive the encoder.
  Encoder(ProtocolVersion version, std::string* out) : version_(version), out_(out) {}

  /// Writes any value (recursively).
  void Write(const Value& v);
  void WriteNull();
  void WriteBool(bool v);
  /// Smallest encoding: tiny int for -16..127, then INT_8/16/32/64.
  void WriteInt(int64_t v);
  void WriteFloat(double v);
  void WriteString(std::string_view s);
  void WriteBytes(std::span<const uint8_t> b);
  /// Writes a list header; the caller then writes `size` values.
  void WriteListHeader(size_t size);
  /// Writes a map header; the caller then writes `size` key/value pairs.
  void WriteMapHeader(size_t size);
  /// Writes a structure header. REQUIRES: fields <= 15.
  void WriteStructHeader(uint8_t tag, size_t fields);
  void WriteMap(const Map& m);
  void WriteNode(const Node& n);
  void WriteRelationship(const Relationship& r);
  void WriteUnboundRelationship(const UnboundRelationship& r);
  void WritePath(const Path& p);

 private:
  void WriteSizedHeader(size_t size, uint8_t tiny, uint8_t m8, uint8_t m16, uint8_t m32);
  void WriteBigEndian(uint64_t v, int bytes);

  ProtocolVersion version_;
  std::string* out_;
};

/// Reads consecutive PackStream values from a byte range it does not own.
/// Graph structures (tags 0x4E, 0x52, 0x72, 0x50) become typed values and
/// are accepted with or without element ids, whatever the version; any other
/// tag becomes a generic Structure.
class Decoder {
 public:
  /// `data` must outlive the decoder.
  explicit Decoder(std::string_view data, DecodeLimits limits = {})
      : data_(data), limits_(limits) {}

  /// Decodes the next value.
  Result<Value, DecodeError> Next();
  /// Reads a structure header; returns (tag, field count).
  Result<std::pair<uint8_t, uint8_t>, DecodeError> NextStructHeader();
  /// True when every byte has been consumed.
  bool AtEnd() const { return pos_ == data_.size(); }
  size_t position() const { return pos_; }

 private:
  Result<Value, DecodeError> ReadValue(uint32_t depth);
  Result<Value, DecodeError> ReadStructure(uint8_t fields, uint32_t depth);
  Result<uint64_t, DecodeError> ReadUnsigned(int bytes);
  Result<std::string, DecodeError> ReadStringBody(uint64_t size);
  Result<Value, DecodeError> ReadList(uint64_t size, uint32_t depth);
  Result<Value, DecodeError> ReadMap(uint64_t size, uint32_t depth);
  size_t Remaining() const { return data_.size() - pos_; }

  std::string_view data_;
  size_t pos_ = 0;
  uint64_t values_ = 0;
  DecodeLimits limits_;
};

/// Encodes one value into a fresh buffer.
std::string Encode(const Value& v, ProtocolVersion version = kNewestVersion);

/// Decodes exactly one value that must span all of `bytes`.
Result<Value, DecodeError> Decode(std::string_view bytes, DecodeLimits limits = {});

}  // namespace tributary::bolt
