#include "storage/durability/wal_reader.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

namespace tributary::storage::durability {
namespace {

Unexpected<Error> DurabilityError(std::string message) {
  return MakeError(Error{ErrorCode::kDurability, std::move(message)});
}

}  // namespace

IoResult<std::vector<SegmentFile>> ListSegments(Env& env, const std::string& dir) {
  auto names = env.ListDir(dir);
  if (!names) return MakeError(names.Error());
  std::vector<SegmentFile> segments;
  for (const auto& name : *names) {
    if (auto number = ParseSegmentFileName(name)) {
      segments.push_back({*number, JoinPath(dir, name)});
    }
  }
  std::sort(segments.begin(), segments.end(),
            [](const SegmentFile& a, const SegmentFile& b) { return a.number < b.number; });
  return segments;
}

std::string CorruptionMessage(const std::string& path, const std::string& what,
                              const std::string& dir) {
  return "write-ahead log segment " + path + " is damaged: " + what +
         ". Tributary will not start, because continuing would silently drop committed "
         "transactions. To recover: restore the data directory from a backup; or inspect the "
         "segment with `tributary wal-dump " +
         path +
         "` and, accepting the loss of every transaction from that offset on, truncate the "
         "segment at that offset and move all later wal-*.log files out of " +
         dir + " before starting again.";
}

StorageResult<WalReadSummary> ReadWal(Env& env, const std::string& dir,
                                      const WalReadOptions& options,
                                      const WalRecordHandler& handler) {
  auto segments = ListSegments(env, dir);
  if (!segments) return DurabilityError("cannot list WAL directory: " + segments.Error().message);
  WalReadSummary summary;
  uint64_t total_bytes = 0;
  for (const auto& s : *segments) {
    if (auto size = env.FileSize(s.path)) total_bytes += *size;
  }
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  auto last_report = start;
  uint64_t done_bytes = 0;
  std::optional<uint64_t> expected_lsn;
  std::string previous_path;
  std::string bytes;

  for (size_t i = 0; i < segments->size(); ++i) {
    const SegmentFile& segment = (*segments)[i];
    const bool is_last = i + 1 == segments->size();
    if (auto r = ReadFileToString(env, segment.path, &bytes); !r) {
      return DurabilityError("cannot read WAL segment: " + r.Error().message);
    }
    SegmentScan scan = ScanSegment(bytes, is_last);
    if (scan.corruption)
      return DurabilityError(CorruptionMessage(segment.path, *scan.corruption, dir));
    if (scan.header_valid) {
      if (scan.header.segment_number != segment.number) {
        return DurabilityError(CorruptionMessage(
            segment.path, "header names segment " + std::to_string(scan.header.segment_number),
            dir));
      }
      if (expected_lsn && scan.header.first_lsn != *expected_lsn) {
        return DurabilityError("write-ahead log records are missing between " + previous_path +
                               " and " + segment.path + " (LSN " + std::to_string(*expected_lsn) +
                               " expected, segment starts at " +
                               std::to_string(scan.header.first_lsn) +
                               "). Restore the missing segment or the data directory from a "
                               "backup.");
      }
      expected_lsn = scan.header.first_lsn;
    }
    for (const RecordView& record : scan.records) {
      uint64_t lsn = 0;
      if (!PayloadLsn(record.payload, &lsn) || lsn != *expected_lsn) {
        return DurabilityError(CorruptionMessage(
            segment.path,
            "record at offset " + std::to_string(record.offset) + " has LSN " +
                std::to_string(lsn) + ", expected " + std::to_string(*expected_lsn),
            dir));
      }
      if (auto r = handler(record, segment.path); !r) return MakeError(r.Error());
      ++summary.records;
      summary.last_lsn = lsn;
      expected_lsn = lsn + 1;
      if (options.progress_seconds > 0 && (summary.records & 1023) == 0) {
        auto now = Clock::now();
        if (std::chrono::duration<double>(now - last_report).count() >= options.progress_seconds) {
          double elapsed = std::chrono::duration<double>(now - start).count();
          uint64_t at = done_bytes + record.offset;
          spdlog::info(
              "recovering write-ahead log: {:.1f}% ({} of {} MiB, {} records, {:.0f} records/s)",
              total_bytes ? 100.0 * static_cast<double>(at) / static_cast<double>(total_bytes)
                          : 100.0,
              at >> 20, total_bytes >> 20, summary.records,
              static_cast<double>(summary.records) / elapsed);
          last_report = now;
        }
      }
    }
    summary.last_segment = segment.number;
    if (scan.zero_tail > 0 && is_last && options.repair_tail) {
      // A clean end; giving the preallocated room back keeps restarts from
      // accumulating zero-filled segments until the next snapshot.
      if (auto r = env.TruncateFile(segment.path, scan.valid_end); !r) {
        spdlog::warn("cannot trim the unused end of {}: {}", segment.path, r.Error().message);
      }
    }
    if (scan.torn) {
      uint64_t dropped = bytes.size() - scan.valid_end;
      summary.torn_tail =
          segment.path + ": " + *scan.torn + " (" + std::to_string(dropped) + " bytes discarded)";
      if (options.repair_tail) {
        spdlog::warn(
            "discarding a torn write at the end of the write-ahead log, {}; it was "
            "never acknowledged as committed",
            *summary.torn_tail);
        IoResult<void> r = scan.header_valid ? env.TruncateFile(segment.path, scan.valid_end)
                                             : env.Remove(segment.path);
        if (r) r = env.SyncDir(dir);
        if (!r) return DurabilityError("cannot cut the torn WAL tail: " + r.Error().message);
        if (!scan.header_valid) summary.last_segment = segment.number;
      }
    }
    done_bytes += bytes.size();
    previous_path = segment.path;
  }
  return summary;
}

}  // namespace tributary::storage::durability
