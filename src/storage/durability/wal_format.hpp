#pragma once
// Every constant of the write-ahead log's on-disk format, version 1. The
// format is described byte by byte in docs/formats/wal.md; change both
// together and bump kWalVersion when old files would be read wrongly.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tributary::storage::durability::wal {

/// First 8 bytes of every segment file.
inline constexpr std::string_view kMagic{"TRBWAL\r\n", 8};
inline constexpr uint32_t kVersion = 1;

/// Segment header: magic[8] version:u32 flags:u32 segment_number:u64
/// first_lsn:u64 header_crc:u32 (CRC-32C of the 32 bytes before it).
inline constexpr size_t kSegmentHeaderSize = 36;

/// Record header: payload_length:u32 type:u8 header_crc:u32 (CRC-32C of the
/// 5 bytes before it) payload_crc:u32 (CRC-32C of the payload).
inline constexpr size_t kRecordHeaderSize = 13;
/// Upper bound of one record's payload; a larger length is corruption.
inline constexpr uint32_t kMaxPayload = 1u << 30;

/// Segment files are "wal-<segment_number, 16 decimal digits>.log".
inline constexpr std::string_view kSegmentPrefix = "wal-";
inline constexpr std::string_view kSegmentSuffix = ".log";
inline constexpr int kSegmentNumberDigits = 16;

/// Default size after which the writer starts a new segment; under
/// --wal-sync=commit also the size of the zero-filled file each segment is
/// written into (ADR 017), so every server start writes this many zeros.
inline constexpr uint64_t kDefaultSegmentSize = 16ull << 20;
/// The next segment's zero-filled file while it waits to be used. Not a
/// segment name, so recovery and ListSegments never see it.
inline constexpr std::string_view kPreparedFileName = "wal-prepared.tmp";

/// Record types (the `type` byte).
enum class RecordType : uint8_t {
  kCommit = 1,  ///< one committed transaction (see EncodeCommit)
  kSchema = 2,  ///< one index/constraint DDL operation
};

/// What a name-table entry names.
enum class NameKind : uint8_t {
  kLabel = 1,
  kProperty = 2,
  kEdgeType = 3,
};

/// Change kinds inside a commit record. Numbered independently of
/// storage::ChangeKind so that the storage enum can change freely.
enum class ChangeTag : uint8_t {
  kCreateVertex = 1,
  kDeleteVertex = 2,
  kAddLabel = 3,
  kRemoveLabel = 4,
  kSetVertexProperty = 5,
  kCreateEdge = 6,
  kDeleteEdge = 7,
  kSetEdgeProperty = 8,
  kPutSystemKey = 9,
  kDeleteSystemKey = 10,
};

/// Schema change kinds inside a schema record.
enum class SchemaTag : uint8_t {
  kCreateLabelIndex = 1,
  kDropLabelIndex = 2,
  kCreateLabelPropertyIndex = 3,
  kDropLabelPropertyIndex = 4,
  kCreateUniqueConstraint = 5,
  kDropUniqueConstraint = 6,
};

}  // namespace tributary::storage::durability::wal
