#pragma once
// Per-execution state shared by every cursor and expression of one query run.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cypher/exec/value.hpp"
#include "storage/storage.hpp"

namespace tributary::cypher {

/// Counters reported to clients in the final SUCCESS (`stats`), with Neo4j's
/// meaning (not the TCK's side-effect diff).
struct QueryStats {
  int64_t nodes_created = 0;
  int64_t nodes_deleted = 0;
  int64_t relationships_created = 0;
  int64_t relationships_deleted = 0;
  int64_t properties_set = 0;
  int64_t labels_added = 0;
  int64_t labels_removed = 0;
  int64_t indexes_added = 0;
  int64_t indexes_removed = 0;
  int64_t constraints_added = 0;
  int64_t constraints_removed = 0;

  bool ContainsUpdates() const {
    return nodes_created || nodes_deleted || relationships_created || relationships_deleted ||
           properties_set || labels_added || labels_removed || indexes_added || indexes_removed ||
           constraints_added || constraints_removed;
  }
  void Add(const QueryStats& o);
};

/// Cooperative limits, checked by cursors (Cursor::Next) and by operators that
/// materialise rows. Zero means "no limit".
struct QueryLimits {
  std::chrono::steady_clock::time_point deadline{};  ///< default: none
  bool has_deadline = false;
  /// Set from another thread to stop the run (Bolt RESET, shutdown); may be
  /// null. Not owned.
  const std::atomic<bool>* interrupt = nullptr;
  uint64_t memory_limit_bytes = 0;
};

/// Bump allocator for the cursors of one run. They are all created when the
/// run starts and destroyed together when it ends, so one inline block
/// usually holds every cursor and a cached query allocates no cursor on the
/// heap. Memory is released when the arena is destroyed. Not thread-safe.
class CursorArena {
 public:
  CursorArena() = default;
  CursorArena(const CursorArena&) = delete;
  CursorArena& operator=(const CursorArena&) = delete;

  /// Memory for an object of `size` bytes aligned to `align` (a power of two
  /// <= alignof(std::max_align_t)). Never fails (falls back to new blocks).
  void* Allocate(size_t size, size_t align);

 private:
  static constexpr size_t kInlineBytes = 1024;
  static constexpr size_t kBlockBytes = 4096;
  alignas(std::max_align_t) std::byte inline_[kInlineBytes];
  std::byte* cur_ = inline_;
  std::byte* end_ = inline_ + kInlineBytes;
  std::vector<std::unique_ptr<std::byte[]>> blocks_;
};

/// Everything a running plan needs. Owned by the query runner; lives for one
/// execution (one RUN). Not thread-safe.
struct ExecContext {
  storage::Transaction* tx = nullptr;
  storage::Storage* storage = nullptr;
  /// Parameter values in the order of the plan's parameter table.
  std::vector<Value> params;
  QueryStats stats;
  QueryLimits limits;
  /// Bytes currently held by materialising operators (approximate).
  uint64_t memory_used = 0;
  /// Counts Next() calls so the deadline is read only every few thousand.
  uint32_t tick = 0;
  /// Where Operator::Open places cursors; null means the heap (used for
  /// sub-plans opened once per row, whose cursors die before the run ends).
  CursorArena* cursor_arena = nullptr;
  /// The statement's clock for date(), datetime.statement(), ... in
  /// nanoseconds since the epoch; 0 until a temporal function first reads it,
  /// so every call within one execution sees the same instant.
  int64_t statement_clock_nanos = 0;
  /// Threads one operator may run on at once (parallel scans, ADR 018); 1
  /// keeps every run on the calling thread.
  uint32_t threads = 1;
  /// A scan is split across threads only when its vertex gid range spans at
  /// least this many gids (below, starting threads costs more than it saves).
  uint64_t parallel_min_vertices = 0;

  /// Throws QueryTimeout when the deadline has passed and QueryTerminated
  /// when the run was interrupted. Cheap; call often.
  void CheckLimits() {
    if ((limits.has_deadline || limits.interrupt != nullptr) && (++tick & 0x3FF) == 0) {
      CheckDeadline();
    }
  }
  /// Records `bytes` more held memory; throws MemoryLimitExceeded past the limit.
  void ChargeMemory(uint64_t bytes);
  void ReleaseMemory(uint64_t bytes) {
    memory_used = bytes > memory_used ? 0 : memory_used - bytes;
  }

 private:
  void CheckDeadline() const;
};

/// Approximate heap footprint of a value, for the memory limit.
uint64_t ApproxSize(const Value& v);

}  // namespace tributary::cypher
