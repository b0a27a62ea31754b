#pragma once
// Every constant of the snapshot file format, version 1, described byte by
// byte in docs/formats/snapshot.md. Blocks are framed exactly like WAL
// records (wal_format.hpp: length, type, header CRC, payload CRC).

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tributary::storage::durability::snapshot {

/// First 8 bytes of every snapshot file.
inline constexpr std::string_view kMagic{"TRBSNAP\n", 8};
inline constexpr uint32_t kVersion = 1;

/// File header: magic[8] version:u32 flags:u32 sequence:u64 reserved:u64
/// header_crc:u32 (CRC-32C of the 32 bytes before it).
inline constexpr size_t kHeaderSize = 36;

/// A data block is closed once its payload reaches this many bytes.
inline constexpr size_t kBlockTarget = 1 << 20;

/// Files are "snapshot-<sequence, 16 decimal digits>.snap"; while being
/// written they carry kTempSuffix as well.
inline constexpr std::string_view kFilePrefix = "snapshot-";
inline constexpr std::string_view kFileSuffix = ".snap";
inline constexpr std::string_view kTempSuffix = ".tmp";
inline constexpr int kSequenceDigits = 16;

/// Block types.
enum class BlockType : uint8_t {
  kInfo = 1,         ///< exactly one, first: coverage and counters
  kNames = 2,        ///< names appended to the file's dictionary
  kVertices = 3,     ///< vertices with labels and properties
  kEdges = 4,        ///< edges with properties (after every vertex block)
  kIndexes = 5,      ///< label and label+property indexes
  kConstraints = 6,  ///< unique constraints
  kSystemKeys = 7,   ///< system metadata key/value pairs
  kFooter = 8,       ///< exactly one, last: counts that prove completeness
};

}  // namespace tributary::storage::durability::snapshot
