#pragma once
// Pull-based physical operators. An Operator is an immutable plan node,
// shared by every execution of a cached plan; each execution opens a tree of
// Cursors (Operator::Open) that hold the per-run state. Rows live in one
// Frame shared by the whole cursor tree (slots are assigned by the planner),
// so a sub-plan under Optional/Merge/EXISTS sees the outer row directly.

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cypher/exec/context.hpp"
#include "cypher/exec/expression.hpp"

namespace tributary::cypher {
struct ProcedureInfo;
}  // namespace tributary::cypher

namespace tributary::cypher::exec {

/// PROFILE counters of one operator.
struct ProfileEntry {
  uint64_t rows = 0;
  uint64_t calls = 0;
  std::chrono::nanoseconds time{0};  ///< inclusive of children
};

/// Per-run state of an operator. Public non-virtual Next does the
/// bookkeeping (limits, profiling) and calls the private NextImpl (Kuzu's
/// pattern).
class Cursor {
 public:
  virtual ~Cursor() = default;
  /// Produces the next row into `frame`; false when exhausted.
  bool Next(Frame& frame, ExecContext& ctx) {
    ctx.CheckLimits();
    if (profile_ == nullptr) return NextImpl(frame, ctx);
    return ProfiledNext(frame, ctx);
  }
  /// Rewinds so the cursor runs again (for the next outer row).
  virtual void Reset() = 0;

 private:
  friend class Operator;
  virtual bool NextImpl(Frame& frame, ExecContext& ctx) = 0;
  bool ProfiledNext(Frame& frame, ExecContext& ctx);
  ProfileEntry* profile_ = nullptr;
};
/// Destroys a cursor; frees its memory only when it came from the heap
/// (cursors normally live in the run's CursorArena).
struct CursorDeleter {
  bool heap = true;
  void operator()(Cursor* c) const {
    if (heap) {
      delete c;  // NOLINT(cppcoreguidelines-owning-memory): the owner's deleter
    } else {
      c->~Cursor();
    }
  }
};
using CursorPtr = std::unique_ptr<Cursor, CursorDeleter>;

/// Creates a cursor of type C in ctx's cursor arena, or on the heap when the
/// context has none.
template <typename C, typename... Args>
CursorPtr NewCursor(ExecContext& ctx, Args&&... args) {
  if (ctx.cursor_arena == nullptr) {
    return CursorPtr(std::make_unique<C>(std::forward<Args>(args)...).release(),
                     CursorDeleter{true});
  }
  void* memory = ctx.cursor_arena->Allocate(sizeof(C), alignof(C));
  return CursorPtr(::new (memory) C(std::forward<Args>(args)...), CursorDeleter{false});
}

/// A plan node.
class Operator {
 public:
  virtual ~Operator() = default;
  /// Opens a cursor for one execution (records profile counters when
  /// `profile` is given).
  CursorPtr Open(ExecContext& ctx, std::map<const Operator*, ProfileEntry>* profile) const;
  /// Operator name for EXPLAIN/PROFILE ("ScanAllByLabel").
  virtual std::string Name() const = 0;
  /// One-line details for EXPLAIN ("n:Node {id = $id}").
  virtual std::string Details() const { return ""; }
  /// Inputs, first the main input.
  virtual std::vector<const Operator*> Children() const = 0;

 protected:
  virtual CursorPtr MakeCursor(ExecContext& ctx,
                               std::map<const Operator*, ProfileEntry>* profile) const = 0;
};
using OperatorPtr = std::shared_ptr<const Operator>;

enum class Direction : uint8_t { kOut, kIn, kBoth };

// ---- Factories (one file per operator family under exec/) ---------------

/// Yields one empty row per Reset.
OperatorPtr MakeOnce();
/// Every vertex (optionally with `label`) into `slot`, per input row.
/// Scans read View::kOld (the state before this command) unless told
/// otherwise; MERGE reads kNew to see what it created for earlier rows.
OperatorPtr MakeScanAll(OperatorPtr input, size_t slot, std::string name,
                        storage::View view = storage::View::kOld);
OperatorPtr MakeScanByLabel(OperatorPtr input, size_t slot, std::string name,
                            storage::LabelId label, std::string label_name,
                            storage::View view = storage::View::kOld);
/// Vertices with label and property = value (index seek).
OperatorPtr MakeIndexSeek(OperatorPtr input, size_t slot, std::string name, storage::LabelId label,
                          storage::PropertyId property, std::string description, ExprPtr value,
                          storage::View view = storage::View::kOld);
/// Vertices with label and property within bounds (index range).
OperatorPtr MakeIndexRange(OperatorPtr input, size_t slot, std::string name, storage::LabelId label,
                           storage::PropertyId property, std::string description, ExprPtr lower,
                           bool lower_inclusive, ExprPtr upper, bool upper_inclusive,
                           storage::View view = storage::View::kOld);
/// Looks up a vertex by id(n) = expr.
OperatorPtr MakeScanById(OperatorPtr input, size_t slot, std::string name, ExprPtr id,
                         storage::View view = storage::View::kOld);

struct ExpandSpec {
  size_t from_slot;
  size_t edge_slot;
  size_t to_slot;
  Direction direction;
  std::vector<storage::EdgeTypeId> types;
  bool to_bound = false;    ///< to_slot already holds a node: only edges to it
  bool edge_bound = false;  ///< edge_slot already holds a relationship
  storage::View view = storage::View::kOld;
  std::string description;
};
/// One hop from the node in from_slot.
OperatorPtr MakeExpand(OperatorPtr input, ExpandSpec spec);

struct VarExpandSpec {
  ExpandSpec hop;
  int64_t min_hops = 1;
  int64_t max_hops = -1;  ///< -1: unbounded
  /// Property equality each traversed relationship must satisfy.
  std::vector<std::pair<storage::PropertyId, ExprPtr>> edge_filters;
  /// The expansion runs against the pattern's direction (from its right
  /// end): the relationship list is kept in pattern order regardless.
  bool reversed = false;
};
/// Variable-length expansion; edge_slot receives the list of relationships.
OperatorPtr MakeVarExpand(OperatorPtr input, VarExpandSpec spec);

/// Drops rows whose relationships (single slots or lists) repeat within a
/// MATCH.
OperatorPtr MakeEdgeUniquenessFilter(OperatorPtr input, std::vector<size_t> edge_slots,
                                     std::vector<size_t> edge_list_slots);
OperatorPtr MakeFilter(OperatorPtr input, ExprPtr predicate);
/// Evaluates each expression into its slot.
OperatorPtr MakeProduce(OperatorPtr input, std::vector<std::pair<size_t, ExprPtr>> items);
/// Runs `subplan` per input row; when it yields nothing, nulls `slots` and
/// yields the input row once.
OperatorPtr MakeOptional(OperatorPtr input, OperatorPtr subplan, std::vector<size_t> slots);
OperatorPtr MakeUnwind(OperatorPtr input, ExprPtr list, size_t slot);

enum class AggregateKind : uint8_t {
  kCount,
  kCountStar,
  kSum,
  kAvg,
  kMin,
  kMax,
  kCollect,
  kStDev,
  kStDevP,
  kPercentileCont,
  kPercentileDisc,
};
struct AggregationSpec {
  AggregateKind kind;
  ExprPtr arg;         ///< null for count(*)
  ExprPtr percentile;  ///< percentileCont/Disc second argument
  bool distinct = false;
  size_t out_slot;
};
/// Groups by `keys` (slot, expr) and computes aggregations.
OperatorPtr MakeAggregate(OperatorPtr input, std::vector<std::pair<size_t, ExprPtr>> keys,
                          std::vector<AggregationSpec> aggregations);

/// Where an AggregateByNode finds the node its grouping keys depend on.
struct NodeKeySpec {
  size_t slot;       ///< the node's frame slot
  std::string name;  ///< the variable, for EXPLAIN
  /// The node may recur in rows that are not adjacent (the far end of an
  /// expansion): remember every node's group in a hash memo. Otherwise only
  /// the previous row's node is remembered.
  bool memo = false;
  /// With `memo`, every aggregation is count(*): rows then only need their
  /// node's group, which is looked up a few rows later, after a prefetch
  /// of its memo slot (first appearances keep their order).
  bool counts_only = false;
  /// With `counts_only`: the Expand that produced the node is fused in. The
  /// aggregate expands from its input rows itself, in batches of start
  /// nodes, and never materialises the edge rows. REQUIRES: to_slot == slot,
  /// neither end nor edge bound.
  std::optional<ExpandSpec> expand;
  /// With `expand`: the expansion's input is a scan of every vertex (no
  /// label) or of one label, over a single input row, with the expansion
  /// starting at the scanned node. The aggregation may then split the scan
  /// into gid ranges and run them on several threads (ADR 018).
  struct ParallelScan {
    std::optional<storage::LabelId> label;
    storage::View view = storage::View::kOld;
  };
  std::optional<ParallelScan> parallel_scan;
};
/// As MakeAggregate, for keys that are all deterministic functions of one
/// node (and constants) over an input that performs no writes: the keys are
/// evaluated once per distinct node (per run of equal nodes without `memo`),
/// and other rows of that node go straight to its group. Rows where the slot
/// does not hold a node (OPTIONAL MATCH's null) take the ordinary path.
/// Results, their order and errors are those of MakeAggregate. ADR 016.
OperatorPtr MakeAggregateByNode(OperatorPtr input, std::vector<std::pair<size_t, ExprPtr>> keys,
                                std::vector<AggregationSpec> aggregations, NodeKeySpec node);

struct SortKey {
  ExprPtr expr;
  bool ascending = true;
};
OperatorPtr MakeOrderBy(OperatorPtr input, std::vector<SortKey> keys);
OperatorPtr MakeSkip(OperatorPtr input, ExprPtr count);
/// What LIMIT pulls from its input after the limit is reached.
enum class LimitDrain : uint8_t {
  kNone,      ///< nothing: the input has no updates
  kFirstRow,  ///< one row even for LIMIT 0: updates sit behind an eager barrier
              ///< that runs them all on its first pull
  kAll,       ///< everything: the input performs updates row by row
};
OperatorPtr MakeLimit(OperatorPtr input, ExprPtr count, LimitDrain drain = LimitDrain::kNone);
OperatorPtr MakeDistinct(OperatorPtr input, std::vector<size_t> slots);
/// Materialises every input row first; then (optionally) advances the
/// transaction's command so later reads see the writes.
OperatorPtr MakeAccumulate(OperatorPtr input, bool advance_command);
/// Runs the input to exhaustion and yields no rows (queries without RETURN).
OperatorPtr MakeEmptyResult(OperatorPtr input);
/// Rows of `left`, then rows of `right`, each copied into `out_slots`.
OperatorPtr MakeUnion(OperatorPtr left, std::vector<size_t> left_slots, OperatorPtr right,
                      std::vector<size_t> right_slots, std::vector<size_t> out_slots,
                      bool distinct);
/// Builds a Path from alternating node slots and relationship (or
/// relationship-list) slots.
struct PathElement {
  size_t slot;
  bool is_edge_list = false;
};
OperatorPtr MakeConstructPath(OperatorPtr input, size_t path_slot,
                              std::vector<PathElement> elements);

// ---- Calls (call.cpp) ----------------------------------------------------

/// Per input row, calls `procedure` with `args` and yields one row per result
/// row; `yields` maps output indexes to frame slots. `owner` keeps a fixture
/// procedure alive. `void_passes_rows`: a procedure without outputs yields
/// each input row once (an in-query call) instead of its (zero) result rows.
OperatorPtr MakeCallProcedure(OperatorPtr input, const ProcedureInfo* procedure,
                              std::shared_ptr<const void> owner, std::vector<ExprPtr> args,
                              std::vector<std::pair<size_t, size_t>> yields, bool void_passes_rows);
/// `CALL { subplan }`: per input row, the subplan's rows (the subplan reads
/// the outer row from the shared frame). `unit`: the subquery has no RETURN;
/// it runs to the end and the input row is yielded once.
OperatorPtr MakeApply(OperatorPtr input, OperatorPtr subplan, bool unit);

// ---- Writes -------------------------------------------------------------

struct PropertyAssignment {
  storage::PropertyId key;
  ExprPtr value;
};
struct NodeSpec {
  size_t slot;
  std::vector<storage::LabelId> labels;
  std::vector<PropertyAssignment> properties;
  ExprPtr properties_map;  ///< `{...}` given as a parameter; may be null
  /// Created by MERGE: a null property value is an error (MergeReadOwnWrites).
  bool merge = false;
  /// EXPLAIN text, e.g. "(n:Node {id: $id})".
  std::string description;
};
OperatorPtr MakeCreateNode(OperatorPtr input, NodeSpec node);
struct EdgeSpec {
  size_t slot;
  size_t from_slot;
  size_t to_slot;
  storage::EdgeTypeId type;
  std::vector<PropertyAssignment> properties;
  ExprPtr properties_map;
  /// Created by MERGE: a null property value is an error (MergeReadOwnWrites).
  bool merge = false;
  /// EXPLAIN text, e.g. "(n)-[:Edge]->(m)".
  std::string description;
};
OperatorPtr MakeCreateEdge(OperatorPtr input, EdgeSpec edge);
/// MERGE: per input row, rows of `match` if any, else one row of `create`.
OperatorPtr MakeMerge(OperatorPtr input, OperatorPtr match, OperatorPtr create);
OperatorPtr MakeSetProperty(OperatorPtr input, ExprPtr object, storage::PropertyId key,
                            ExprPtr value);
/// `SET n = map` (replace) or `SET n += map`.
OperatorPtr MakeSetProperties(OperatorPtr input, ExprPtr object, ExprPtr map, bool replace);
OperatorPtr MakeSetLabels(OperatorPtr input, size_t slot, std::vector<storage::LabelId> labels);
OperatorPtr MakeRemoveProperty(OperatorPtr input, ExprPtr object, storage::PropertyId key);
OperatorPtr MakeRemoveLabels(OperatorPtr input, size_t slot, std::vector<storage::LabelId> labels);
OperatorPtr MakeDelete(OperatorPtr input, std::vector<ExprPtr> targets, bool detach);

}  // namespace tributary::cypher::exec
