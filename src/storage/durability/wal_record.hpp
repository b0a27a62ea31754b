#pragma once
// Encoding and decoding of WAL records and segments (docs/formats/wal.md).
// Pure functions over bytes: no I/O, no Storage; the writer, the reader,
// recovery and wal-dump all build on them.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/durability/wal_format.hpp"
#include "storage/storage.hpp"

namespace tributary::storage::durability {

/// Maps process-local ids to names while encoding. Each function must
/// return a view that stays valid during the call.
struct NameSource {
  std::function<std::string_view(LabelId)> label;
  std::function<std::string_view(PropertyId)> property;
  std::function<std::string_view(EdgeTypeId)> edge_type;
};

/// One entry of a commit record's name table.
struct WalName {
  wal::NameKind kind;
  std::string name;
};

/// A decoded commit record. In `record.changes`, every `id` (label, property
/// or edge type) is an index into `names`.
struct WalCommit {
  uint64_t lsn = 0;
  uint64_t next_vertex_gid = 0;
  uint64_t next_edge_gid = 0;
  std::vector<WalName> names;
  CommitRecord record;
};

/// A decoded schema record; names instead of ids.
struct WalSchema {
  uint64_t lsn = 0;
  uint64_t last_commit_ts = 0;  ///< commit_ts of the latest commit before it
  SchemaChangeKind kind = SchemaChangeKind::kCreateLabelIndex;
  std::string label;
  std::optional<std::string> property;  ///< nullopt for label indexes
};

/// Appends a commit record's payload to *out.
void EncodeCommitPayload(uint64_t lsn, const CommitRecord& record, uint64_t next_vertex_gid,
                         uint64_t next_edge_gid, const NameSource& names, std::string* out);
/// Appends a schema record's payload to *out.
void EncodeSchemaPayload(const WalSchema& schema, std::string* out);
/// Decodes a payload; false if it is malformed.
bool DecodeCommitPayload(std::string_view payload, WalCommit* out);
bool DecodeSchemaPayload(std::string_view payload, WalSchema* out);
/// The LSN, the first 8 bytes of every payload; false if too short.
bool PayloadLsn(std::string_view payload, uint64_t* lsn);

/// Appends a framed record (header + payload) to *out.
void FrameRecord(wal::RecordType type, std::string_view payload, std::string* out);

/// A segment's header fields.
struct SegmentHeader {
  uint32_t version = wal::kVersion;
  uint64_t segment_number = 0;
  uint64_t first_lsn = 0;  ///< LSN of the first record in this segment
};
std::string EncodeSegmentHeader(const SegmentHeader& header);

/// "wal-<number>.log" and its inverse (nullopt for other names).
std::string SegmentFileName(uint64_t segment_number);
std::optional<uint64_t> ParseSegmentFileName(std::string_view name);

/// One framed record found in a segment. Views point into the scanned bytes.
struct RecordView {
  wal::RecordType type;
  std::string_view payload;
  uint64_t offset = 0;  ///< of the record header within the segment
};

/// The result of scanning one segment's bytes.
struct SegmentScan {
  SegmentHeader header;
  bool header_valid = false;
  std::vector<RecordView> records;
  /// End of the last intact record (the header size if none).
  uint64_t valid_end = 0;
  /// Bytes of zeros after valid_end up to the end of the file: the unused
  /// room of a preallocated segment (ADR 017). A clean end, in any segment.
  uint64_t zero_tail = 0;
  /// Set when the bytes after valid_end look like an interrupted write:
  /// damage in the last segment with no intact record after it (a partial
  /// header or payload, or a record whose checksum fails). Only acceptable
  /// in the last segment; elsewhere such damage is corruption.
  std::optional<std::string> torn;
  /// Set when bytes before the tail are damaged; says what and at which offset.
  std::optional<std::string> corruption;
};

/// Parses a segment. `is_last` selects whether a damaged tail counts as torn
/// (the crash-mid-write case) or as corruption.
SegmentScan ScanSegment(std::string_view bytes, bool is_last);

}  // namespace tributary::storage::durability
