#pragma once
// The in-memory MVCC property-graph store: the public contract every upper
// layer (query engine, durability, streams) programs against. See
// docs/storage.md for the design (version chains, GC, index layout) and
// docs/adr/ for the decisions behind it.
//
// Threading: a Storage is shared by all threads. A Transaction and the
// accessors it hands out belong to one thread at a time.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/property_value.hpp"
#include "common/result.hpp"

namespace tributary::storage {

/// Global id of a vertex or edge: 64-bit, stable, never reused (also across
/// restarts, once durability restores the counters).
using Gid = uint64_t;
/// Interned names. Ids are process-local; persistent formats store names.
using LabelId = uint32_t;
using PropertyId = uint32_t;
using EdgeTypeId = uint32_t;

/// Which state a read observes inside a transaction. kOld: the snapshot plus
/// this transaction's changes from earlier commands (see
/// Transaction::AdvanceCommand); kNew: also this command's own changes.
/// Other transactions' uncommitted or later-committed changes are never seen.
enum class View : uint8_t { kOld, kNew };

enum class ErrorCode : uint8_t {
  kSerialization,        ///< concurrent write of the same object; retryable
  kDeletedObject,        ///< the object was deleted (in this view)
  kNonexistentObject,    ///< the object is not visible in this view
  kVertexHasEdges,       ///< DeleteVertex of a vertex that still has edges
  kConstraintViolation,  ///< a unique constraint would be violated (commit)
  kIndexExists,
  kIndexMissing,
  kConstraintExists,
  kConstraintMissing,
  kDurability,  ///< the commit observer (WAL) failed; nothing was committed
  /// The WAL failed and could not durably remove the commit's record: the
  /// commit is not visible, but a restart before the log is repaired may
  /// replay it (docs/adr/010-fsync-failure.md).
  kCommitOutcomeUnknown,
};

/// An error with a message a user can read.
struct Error {
  ErrorCode code;
  std::string message;
};

template <typename T>
using StorageResult = Result<T, Error>;

class Storage;
class Transaction;
class EdgeAccessor;
struct Vertex;  // internal
struct Edge;    // internal

/// Handle of a vertex inside one transaction. Cheap to copy; valid while its
/// transaction is alive.
class VertexAccessor {
 public:
  VertexAccessor(Vertex* v, Transaction* tx) : vertex_(v), tx_(tx) {}

  Gid gid() const;
  /// True if the vertex exists (created and not deleted) in `view`.
  bool IsVisible(View view) const;

  /// Adds a label; returns false if it was already there.
  StorageResult<bool> AddLabel(LabelId label);
  /// Removes a label; returns false if it was not there.
  StorageResult<bool> RemoveLabel(LabelId label);
  StorageResult<bool> HasLabel(LabelId label, View view) const;
  /// Labels in ascending id order.
  StorageResult<std::vector<LabelId>> Labels(View view) const;

  /// Null when absent.
  StorageResult<PropertyValue> GetProperty(PropertyId key, View view) const;
  /// Sets a property (a null value removes it); returns the old value.
  StorageResult<PropertyValue> SetProperty(PropertyId key, PropertyValue value);
  /// All properties in ascending key order.
  StorageResult<std::vector<std::pair<PropertyId, PropertyValue>>> Properties(View view) const;
  /// Removes all properties; returns how many were removed.
  StorageResult<size_t> ClearProperties();

  /// Appends the outgoing edges visible in `view` to *out. `types` empty
  /// means every type; `other`, when given, keeps only edges to that vertex.
  /// Cost is proportional to this vertex's degree.
  StorageResult<void> OutEdges(View view, std::span<const EdgeTypeId> types,
                               std::vector<EdgeAccessor>* out,
                               const VertexAccessor* other = nullptr) const;
  /// As OutEdges, for incoming edges (`other` is then the source).
  StorageResult<void> InEdges(View view, std::span<const EdgeTypeId> types,
                              std::vector<EdgeAccessor>* out,
                              const VertexAccessor* other = nullptr) const;
  StorageResult<size_t> OutDegree(View view) const;
  StorageResult<size_t> InDegree(View view) const;

  Vertex* raw() const { return vertex_; }
  /// Starts loading this vertex's property block when it lies outside the
  /// vertex object. A hint for batched readers (parallel aggregation, ADR
  /// 018): it reads the block's address without the vertex lock, so it may
  /// prefetch a stale block, which is harmless. Best called once the
  /// vertex's own line was prefetched, or it waits for that line.
  void PrefetchProperties() const;
  Transaction* transaction() const { return tx_; }
  friend bool operator==(const VertexAccessor& a, const VertexAccessor& b) {
    return a.vertex_ == b.vertex_;
  }

 private:
  Vertex* vertex_;
  Transaction* tx_;
};

/// Handle of an edge inside one transaction. Cheap to copy; valid while its
/// transaction is alive.
class EdgeAccessor {
 public:
  EdgeAccessor(Edge* e, Vertex* from, Vertex* to, EdgeTypeId type, Transaction* tx)
      : edge_(e), from_(from), to_(to), type_(type), tx_(tx) {}

  Gid gid() const;
  EdgeTypeId type() const { return type_; }
  VertexAccessor From() const { return VertexAccessor(from_, tx_); }
  VertexAccessor To() const { return VertexAccessor(to_, tx_); }
  bool IsVisible(View view) const;

  StorageResult<PropertyValue> GetProperty(PropertyId key, View view) const;
  StorageResult<PropertyValue> SetProperty(PropertyId key, PropertyValue value);
  StorageResult<std::vector<std::pair<PropertyId, PropertyValue>>> Properties(View view) const;
  StorageResult<size_t> ClearProperties();

  /// Opaque identity of the edge, stable for its lifetime ((gid << 1) | 1:
  /// never dereference it); fit for sorting, hashing and comparing.
  Edge* raw() const { return edge_; }
  friend bool operator==(const EdgeAccessor& a, const EdgeAccessor& b) {
    return a.edge_ == b.edge_;
  }

 private:
  Edge* edge_;
  Vertex* from_;
  Vertex* to_;
  EdgeTypeId type_;
  Transaction* tx_;
};

/// A resumable scan over vertices; each call of Next yields one vertex that
/// is visible in the scan's view and matches its filter.
class VertexCursor {
 public:
  virtual ~VertexCursor() = default;
  /// Stores the next vertex in *out and returns true, or returns false at the end.
  virtual bool Next(VertexAccessor* out) = 0;
};

/// One end of a range lookup.
struct Bound {
  PropertyValue value;
  bool inclusive = true;
};

/// One change of a committed transaction, as the WAL records it.
enum class ChangeKind : uint8_t {
  kCreateVertex,       ///< gid
  kDeleteVertex,       ///< gid
  kAddLabel,           ///< gid, id = label
  kRemoveLabel,        ///< gid, id = label
  kSetVertexProperty,  ///< gid, id = property, value (null = removed)
  kCreateEdge,         ///< gid, from, to, id = edge type
  kDeleteEdge,         ///< gid
  kSetEdgeProperty,    ///< gid, id = property, value
  kPutSystemKey,       ///< key, value (a string)
  kDeleteSystemKey,    ///< key
};

struct Change {
  ChangeKind kind;
  Gid gid = 0;
  Gid from = 0;
  Gid to = 0;
  uint32_t id = 0;
  PropertyValue value;
  std::string key;
};

/// What a committed transaction did, in the order it did it (later changes
/// to the same object come later). Replaying the changes in order onto the
/// state before the commit yields the state after it.
struct CommitRecord {
  uint64_t commit_ts = 0;
  std::vector<Change> changes;
};

/// Schema (DDL) changes; also reported to the observer, in commit order.
enum class SchemaChangeKind : uint8_t {
  kCreateLabelIndex,
  kDropLabelIndex,
  kCreateLabelPropertyIndex,
  kDropLabelPropertyIndex,
  kCreateUniqueConstraint,
  kDropUniqueConstraint,
};

struct SchemaChange {
  SchemaChangeKind kind;
  LabelId label = 0;
  PropertyId property = 0;
};

/// Where the write-ahead log attaches. Storage calls it for every commit that
/// changed something, in commit order.
class CommitObserver {
 public:
  virtual ~CommitObserver() = default;
  /// Called while commits are serialized, before the commit becomes visible.
  /// Returns a ticket for WaitDurable. An error aborts the transaction.
  virtual StorageResult<uint64_t> Append(const CommitRecord& record) = 0;
  /// Called outside the commit lock; returns once the record with `ticket` is
  /// durable. An error aborts the transaction (nobody has seen it yet).
  virtual StorageResult<void> WaitDurable(uint64_t ticket) = 0;
  /// Called outside the commit lock by Transaction::CommitAsync instead of
  /// WaitDurable. kDeferred: the observer took `done` and calls it exactly
  /// once, from a thread of its own and without its locks held, with what
  /// WaitDurable would have returned. kWaitInline: `done` is dropped and the
  /// caller calls WaitDurable (the outcome is known already, or waiting on
  /// the caller's thread is cheaper, as for a lone committer that leads its
  /// own sync). The default never defers.
  enum class Wait : uint8_t { kDeferred, kWaitInline };
  using DurableCallback = std::function<void(StorageResult<void>)>;
  virtual Wait WhenDurable(uint64_t ticket, DurableCallback done) {
    (void)ticket;
    (void)done;
    return Wait::kWaitInline;
  }
  /// Schema changes, called while commits are serialized; durable on return.
  virtual StorageResult<void> AppendSchema(const SchemaChange& change) = 0;
};

struct IndexInfo {
  LabelId label;
  std::optional<PropertyId> property;  ///< nullopt: a label index
  uint64_t entries;
};

struct ConstraintInfo {
  LabelId label;
  PropertyId property;
};

struct StorageConfig {
  /// Background garbage collection period; 0 disables the thread (tests call
  /// CollectGarbage themselves).
  uint32_t gc_interval_ms = 1000;
};

/// A transaction with snapshot isolation. Destroying an uncommitted
/// transaction aborts it. Not thread-safe; one thread at a time, with one
/// exception for parallel reads: while no thread writes through the
/// transaction (or calls AdvanceCommand, Commit, Abort or the Scan*
/// factories), several threads may at once call the const read methods of
/// its VertexAccessor/EdgeAccessor handles (visibility, labels, properties,
/// OutEdges/InEdges, degrees) and Next on distinct cursors (each cursor on
/// one thread at a time). Those reads only take object locks and read the
/// transaction's immutable snapshot state. ADR 018.
class Transaction {
 public:
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  VertexAccessor CreateVertex();
  std::optional<VertexAccessor> FindVertex(Gid gid, View view);
  std::optional<EdgeAccessor> FindEdge(Gid gid, View view);

  StorageResult<EdgeAccessor> CreateEdge(const VertexAccessor& from, const VertexAccessor& to,
                                         EdgeTypeId type);
  /// Deleting an object already deleted by this transaction succeeds.
  StorageResult<void> DeleteEdge(const EdgeAccessor& edge);
  /// Fails with kVertexHasEdges if the vertex still has edges.
  StorageResult<void> DeleteVertex(const VertexAccessor& vertex);
  /// Deletes the vertex and all its edges; returns the number of edges deleted.
  StorageResult<size_t> DetachDeleteVertex(const VertexAccessor& vertex);

  /// Every vertex visible in `view`.
  std::unique_ptr<VertexCursor> ScanVertices(View view);
  /// Vertices with `label` (uses the label index when there is one).
  std::unique_ptr<VertexCursor> ScanLabel(LabelId label, View view);
  /// Exclusive upper bound of the gids of every vertex a scan by this
  /// transaction can yield: vertices created later are invisible to it.
  Gid VertexGidEnd() const;
  /// As ScanLabel (or ScanVertices when `label` is empty), restricted to
  /// gids in [lo, hi). Both scans yield vertices in gid order, so
  /// consecutive ranges partition a full scan in order (parallel scans).
  std::unique_ptr<VertexCursor> ScanGidRange(std::optional<LabelId> label, View view, Gid lo,
                                             Gid hi);
  /// Vertices with `label` whose `property` equals `value` with Cypher's `=`
  /// (1 matches 1.0). Uses the label+property index when there is one.
  std::unique_ptr<VertexCursor> ScanLabelPropertyEqual(LabelId label, PropertyId property,
                                                       const PropertyValue& value, View view);
  /// Vertices with `label` whose `property` lies within the bounds, in
  /// CompareOrder; only values of the bounds' kind (numbers with numbers,
  /// strings with strings, ...) match, as in Cypher's `<`.
  std::unique_ptr<VertexCursor> ScanLabelPropertyRange(LabelId label, PropertyId property,
                                                       std::optional<Bound> lower,
                                                       std::optional<Bound> upper, View view);

  /// Starts a new command: changes made so far become visible in View::kOld.
  void AdvanceCommand();
  /// Makes all changes visible atomically to transactions that start later.
  /// On error the transaction is aborted and leaves no trace.
  StorageResult<void> Commit();
  /// Commit without blocking for durability (ADR 020). Either
  /// the commit ends here (kDone, or an error, exactly as Commit), or it
  /// waits for the write-ahead log (kPending): the record is written, the
  /// changes are not yet visible, and `wake` is called once, from another
  /// thread, when the outcome is known (after the transaction may already
  /// have been destroyed, so it must check that what it wakes still
  /// exists). The caller must then call
  /// CompleteCommit() for it, and must not touch the transaction in
  /// between. Destroying or aborting a pending transaction waits for the
  /// outcome first.
  enum class CommitProgress : uint8_t { kDone, kPending };
  StorageResult<CommitProgress> CommitAsync(std::function<void()> wake);
  /// After kPending (and usually after `wake`): the commit's outcome, as
  /// Commit would have returned it; blocks until it is known. On success
  /// the changes are visible when it returns. No-op without a pending commit.
  StorageResult<void> CompleteCommit();
  /// Undoes every change. Idempotent.
  void Abort();
  bool IsActive() const;

  /// System metadata (stream definitions and offsets) written atomically with
  /// this transaction's graph changes.
  void PutSystemKey(std::string key, std::string value);
  void DeleteSystemKey(std::string key);
  /// System keys starting with `prefix` as this transaction sees them: those
  /// committed before it began (same cut as its graph reads), then its own
  /// changes. Sorted by key.
  std::vector<std::pair<std::string, std::string>> SystemKeys(std::string_view prefix) const;

  /// Recovery only (WAL replay, snapshot load): create objects with given
  /// gids. REQUIRES: the gid was never used in this Storage. The id counters
  /// move past every gid given here, so new ids never reuse them.
  VertexAccessor CreateVertexWithGid(Gid gid);
  StorageResult<EdgeAccessor> CreateEdgeWithGid(Gid gid, const VertexAccessor& from,
                                                const VertexAccessor& to, EdgeTypeId type);

  Storage& storage() const { return *storage_; }

  /// Internal state (storage implementation and white-box tests only).
  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  // Commit's halves (transaction.cpp).
  StorageResult<std::optional<uint64_t>> BeginCommit(uint64_t* commit_ts);
  Error FailCommit(uint64_t commit_ts, const Error& error);
  void PublishCommit(uint64_t commit_ts);
  StorageResult<void> FinishCommit(std::optional<uint64_t> ticket, uint64_t commit_ts);
  /// Abort without waiting for a pending commit (its callback calls this).
  void AbortChanges();
  friend class Storage;
  friend class VertexAccessor;
  friend class EdgeAccessor;
  Transaction(Storage* storage, std::unique_ptr<Impl> impl);
  Storage* storage_;
  std::unique_ptr<Impl> impl_;
};

/// The graph store. Thread-safe.
class Storage {
 public:
  explicit Storage(StorageConfig config = {});
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  /// Starts a transaction at the latest committed snapshot.
  std::unique_ptr<Transaction> Begin();

  /// Name interning; the *Id functions create the id on first use.
  LabelId LabelIdFor(std::string_view name);
  PropertyId PropertyIdFor(std::string_view name);
  EdgeTypeId EdgeTypeIdFor(std::string_view name);
  std::optional<LabelId> FindLabel(std::string_view name) const;
  std::optional<PropertyId> FindProperty(std::string_view name) const;
  std::optional<EdgeTypeId> FindEdgeType(std::string_view name) const;
  /// The returned view stays valid for the Storage's lifetime.
  std::string_view LabelName(LabelId id) const;
  std::string_view PropertyName(PropertyId id) const;
  std::string_view EdgeTypeName(EdgeTypeId id) const;

  /// Index and constraint DDL; online (concurrent transactions go on).
  StorageResult<void> CreateLabelIndex(LabelId label);
  StorageResult<void> DropLabelIndex(LabelId label);
  StorageResult<void> CreateLabelPropertyIndex(LabelId label, PropertyId property);
  StorageResult<void> DropLabelPropertyIndex(LabelId label, PropertyId property);
  /// Fails with kConstraintViolation naming a violating pair of vertices if
  /// existing data violates it.
  StorageResult<void> CreateUniqueConstraint(LabelId label, PropertyId property);
  StorageResult<void> DropUniqueConstraint(LabelId label, PropertyId property);
  bool HasLabelIndex(LabelId label) const;
  bool HasLabelPropertyIndex(LabelId label, PropertyId property) const;
  std::vector<IndexInfo> ListIndexes() const;
  std::vector<ConstraintInfo> ListConstraints() const;

  /// Planner statistics (approximate, cheap).
  uint64_t ApproxVertexCount() const;
  uint64_t ApproxEdgeCount() const;
  uint64_t ApproxLabelCount(LabelId label) const;

  /// Latest committed system metadata whose key starts with `prefix`.
  std::vector<std::pair<std::string, std::string>> SystemKeys(std::string_view prefix) const;

  /// Attaches the WAL. REQUIRES: no transaction is active. Not owned.
  void SetCommitObserver(CommitObserver* observer);

  /// Recovery only: the next gids to hand out (never below what was used).
  Gid NextVertexGid() const;
  Gid NextEdgeGid() const;
  void AdvanceGids(Gid next_vertex, Gid next_edge);

  /// Reclaims versions and deleted objects no active transaction can see.
  void CollectGarbage();

  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace tributary::storage
