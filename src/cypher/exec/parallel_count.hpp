#pragma once
// count(*) grouped by a function of the far end of one expansion from a
// scan, split across threads (ADR 018). Used by AggregateByNode.

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "cypher/exec/operator.hpp"

namespace tributary::cypher::exec {

/// One group of a parallel count.
struct CountedGroup {
  std::vector<Value> key;  ///< the grouping key values, in the keys' order
  int64_t count = 0;
  /// Position of the group's first row in the sequential row order (scan
  /// order, then adjacency order); smaller is earlier.
  uint64_t first = 0;
};

/// What a parallel count reads: `scan`, expanded by `expand` from the
/// scanned node, grouped by `keys` evaluated on a frame whose `node_slot`
/// holds the far end.
struct ParallelCountInput {
  const NodeKeySpec::ParallelScan& scan;
  const ExpandSpec& expand;
  size_t node_slot;
  const std::vector<std::pair<size_t, ExprPtr>>& keys;
};

/// Counts the rows of `in` per key on ctx.threads threads. The scan is cut
/// into gid ranges (morsels) that the threads take in turn; each expands
/// its morsels and counts rows per far-end vertex in private tables
/// partitioned by vertex; then each thread takes whole partitions, merges
/// them, evaluates the keys once per vertex and sums per key. Returns the
/// groups in the order of their first row, as the sequential pipeline
/// creates them, and throws the error of the earliest row that the
/// sequential pipeline would have thrown (key or expansion errors), or a
/// limit error (timeout, interrupt). Returns nullopt, having changed
/// nothing, when its tables would pass the query's memory limit; the caller
/// then runs sequentially. `frame` is the row the scan starts from.
/// REQUIRES: ctx.threads >= 2; nothing writes through ctx.tx meanwhile (the
/// parallel-read contract of storage::Transaction).
std::optional<std::vector<CountedGroup>> CountByNodeInParallel(const ParallelCountInput& in,
                                                               const Frame& frame,
                                                               ExecContext& ctx);

}  // namespace tributary::cypher::exec
