#pragma once
// Internal state of Storage and Transaction, shared by the storage .cpp
// files and by white-box tests (Storage::impl()).

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "storage/containers.hpp"
#include "storage/indexes.hpp"
#include "storage/objects.hpp"
#include "storage/storage.hpp"
#include "storage/system_keys.hpp"

namespace tributary::storage {

/// A transaction's deltas and commit state; outlives the Transaction until
/// garbage collection proves no reader can reach its deltas.
struct UndoBuffer {
  explicit UndoBuffer(uint64_t txn_id) : info(txn_id) {}
  /// From a one-block cache per thread: a lone writer's buffer is freed by
  /// its own Commit (see Storage::Impl::FinishIfAlone), so the next
  /// transaction of that thread reuses the block instead of calling malloc.
  static void* operator new(size_t size);
  static void operator delete(void* p);
  CommitInfo info;
  DeltaArena deltas;
  uint64_t commit_ts = 0;
  /// Filled by Abort: objects the transaction created, now garbage.
  std::vector<Vertex*> dead_vertices;
  std::vector<Gid> dead_edges;
};

/// Interned names; ids are dense from 0. Thread-safe.
class NameMap {
 public:
  explicit NameMap(uint32_t limit) : limit_(limit) {}
  uint32_t IdFor(std::string_view name);
  std::optional<uint32_t> Find(std::string_view name) const;
  std::string_view Name(uint32_t id) const;

 private:
  uint32_t limit_;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string_view, uint32_t> ids_;
  std::deque<std::string> names_;
};

/// Counters for white-box tests and benchmarks.
struct StorageStats {
  uint64_t live_deltas = 0;      ///< deltas not yet freed
  uint64_t pending_buffers = 0;  ///< undo buffers awaiting collection or freeing
  uint64_t vertex_objects = 0;   ///< Vertex objects allocated (incl. deleted, not yet freed)
  uint64_t edge_objects = 0;     ///< Edge objects (edges with properties)
  uint64_t active_transactions = 0;
};

struct Storage::Impl {
  explicit Impl(StorageConfig c) : config(c) {}

  StorageConfig config;
  Slab<Vertex, 4096, kVertexReadAhead> vertex_slab;
  Slab<Edge, 1024> edge_slab;
  GidMap vertices;  ///< gid -> Vertex*
  GidMap edges;     ///< gid -> Edge* (low bit 0) or from Vertex* | 1
  std::atomic<uint64_t> next_vertex_gid{0};
  std::atomic<uint64_t> next_edge_gid{0};
  NameMap labels{LabelSet::kMaxLabelId + 1};
  NameMap properties{~0u};
  NameMap edge_types{kMaxEdgeTypes};

  // Index registry: replaced as a whole under registry_mu; writers cache it
  // and re-read it when registry_version changes.
  mutable std::mutex registry_mu;
  std::shared_ptr<const IndexRegistry> registry = std::make_shared<IndexRegistry>();
  std::atomic<uint64_t> registry_version{0};
  std::mutex ddl_mu;  ///< serializes DDL

  // Active transactions: id -> start timestamp.
  std::mutex active_mu;
  /// (id, start_ts) ascending by id (ids are handed out in order under
  /// active_mu and appended), start timestamps ascending with them; a vector
  /// so that Begin and the end of a transaction allocate nothing.
  std::vector<std::pair<uint64_t, uint64_t>> active;
  uint64_t next_txn_id = kTxnIdBase;  // guarded by active_mu

  // Commit serialization and visibility.
  std::mutex commit_mu;
  uint64_t last_commit_ts = 0;  // guarded by commit_mu
  std::mutex publish_mu;
  /// Signalled (under publish_mu) whenever the watermark advances.
  std::condition_variable publish_cv;
  /// Assigned, not yet published or failed; ascending (timestamps are
  /// assigned in order under commit_mu and appended), so no allocation per
  /// commit once the vector has grown.
  std::vector<uint64_t> in_flight;
  uint64_t last_assigned_ts = 0;  // guarded by publish_mu
  /// Every commit with ts <= watermark is published; snapshots start above it.
  std::atomic<uint64_t> watermark{0};
  CommitObserver* observer = nullptr;

  // Garbage collection.
  std::mutex gc_mu;       ///< one collection at a time; excludes DDL population
  std::mutex garbage_mu;  ///< guards committed/aborted
  std::vector<std::unique_ptr<UndoBuffer>> committed;
  std::vector<std::unique_ptr<UndoBuffer>> aborted;
  std::atomic<bool> index_dirty{false};
  // Unlinked but possibly still read by transactions whose id is below the
  // stamp (guarded by gc_mu).
  std::vector<std::pair<uint64_t, std::unique_ptr<UndoBuffer>>> retired_buffers;
  std::vector<std::pair<uint64_t, Vertex*>> retired_vertices;
  std::vector<std::pair<uint64_t, Edge*>> retired_edges;
  std::atomic<int64_t> live_deltas{0};
  std::atomic<int64_t> pending_buffers{0};

  // System keys, versioned by commit timestamp.
  SystemKeyStore system_keys;

  // Approximate counts, updated at commit.
  std::atomic<int64_t> vertex_count{0};
  std::atomic<int64_t> edge_count{0};
  mutable std::mutex label_count_mu;
  std::unordered_map<LabelId, int64_t> label_counts;

  std::thread gc_thread;
  std::mutex gc_thread_mu;
  std::condition_variable gc_cv;
  bool stopping = false;

  std::shared_ptr<const IndexRegistry> Registry() const {
    std::lock_guard guard(registry_mu);
    return registry;
  }
  void PublishRegistry(std::shared_ptr<const IndexRegistry> r) {
    std::lock_guard guard(registry_mu);
    registry = std::move(r);
    registry_version.fetch_add(1, std::memory_order_seq_cst);
  }
  /// Start timestamp and id of the oldest active transaction (or the next
  /// ones when none is active).
  std::pair<uint64_t, uint64_t> OldestActive();
  /// As OldestActive().first, ignoring the active transaction `txn_id`: no
  /// snapshot other than txn_id's can need a version committed before it.
  uint64_t OldestStartExcept(uint64_t txn_id);
  void FinishTransaction(uint64_t txn_id);
  /// Finishes transaction `txn_id` and returns true if it is the only
  /// active one; else changes nothing and returns false.
  bool FinishIfAlone(uint64_t txn_id);
  /// Marks `ts` as no longer in flight and advances the watermark.
  void Retire(uint64_t ts);
  /// Blocks until every commit with timestamp <= ts is published, so a
  /// committer's next transaction sees its own commit (read-your-writes).
  void WaitVisible(uint64_t ts);
  void Collect();
  /// Cuts every delta of `buf` (committed) off its object's chain, as
  /// Collect would; the buffer still goes to Collect, which repeats the
  /// cut harmlessly and does the rest. REQUIRES: no snapshot needs the
  /// versions (commit_ts below every other active start timestamp), and buf
  /// not yet handed to Collect.
  void UnlinkDeltas(UndoBuffer* buf);
  /// True if Collect has nothing to do for `buf` beyond unlinking and
  /// freeing it: no delta of it makes an index entry, an object or an edge
  /// garbage (it only created things or set properties that had no value).
  static bool OnlyUnlinkNeeded(UndoBuffer& buf);
  StorageStats Stats();
  /// Calls fn(Vertex*) for every vertex in the gid map.
  template <typename Fn>
  void ForEachVertex(Fn&& fn) {
    uint64_t end = next_vertex_gid.load(std::memory_order_acquire);
    for (uint64_t g = 0; g < end; ++g) {
      uint64_t w = vertices.Get(g);
      if (w != 0) fn(reinterpret_cast<Vertex*>(w));
    }
  }
};

struct Transaction::Impl {
  Storage::Impl* s = nullptr;
  uint64_t id = 0;
  uint64_t start_ts = 0;
  uint32_t command_id = 0;
  bool active = true;
  std::unique_ptr<UndoBuffer> undo;
  bool record_redo = false;
  std::vector<Change> redo;
  std::vector<std::pair<std::string, std::optional<std::string>>> system_changes;
  std::shared_ptr<const IndexRegistry> registry;
  /// Registries replaced during this transaction: kept so index pointers
  /// handed to its cursors stay valid until it ends.
  std::vector<std::shared_ptr<const IndexRegistry>> old_registries;
  uint64_t registry_version = ~uint64_t{0};
  int64_t vertex_delta = 0;
  int64_t edge_delta = 0;
  std::vector<std::pair<LabelId, int64_t>> label_deltas;
  /// A commit waiting for the observer's durability callback
  /// (Transaction::CommitAsync). Shared with the callback, so the state the
  /// callback signals outlives a transaction destroyed right after it.
  struct PendingCommit {
    std::atomic<bool> done{false};  ///< set, then notified, by the callback
    Transaction* owner = nullptr;
    uint64_t commit_ts = 0;
    StorageResult<void> result;  ///< valid once `done`
    std::function<void()> wake;  ///< called by the callback before `done`
  };
  std::shared_ptr<PendingCommit> pending_commit;

  /// The registry in force; call with the object's lock held so a
  /// concurrent index build either sees this change or is seen by it.
  const IndexRegistry& Indexes() {
    uint64_t v = s->registry_version.load(std::memory_order_seq_cst);
    if (v != registry_version) {
      if (registry) old_registries.push_back(std::move(registry));
      registry = s->Registry();
      registry_version = v;
    }
    return *registry;
  }

  /// True if this transaction may modify an object whose head delta is
  /// `head` (first-updater-wins).
  bool CanWrite(const Delta* head) const {
    if (head == nullptr) return true;
    uint64_t ts = head->info->ts.load(std::memory_order_acquire);
    return ts == id || ts < start_ts;
  }
  /// True if undo delta `d` must be applied to reconstruct this
  /// transaction's `view`.
  bool MustUndo(const Delta* d, View view) const {
    uint64_t ts = d->info->ts.load(std::memory_order_acquire);
    if (ts == id) return view == View::kOld && d->command_id >= command_id;
    return ts >= start_ts;
  }
  /// Calls fn(delta) for each delta of the chain at `head` that `view`
  /// must undo, newest first.
  template <typename Fn>
  void ForEachUndo(const Delta* head, View view, Fn&& fn) const {
    for (const Delta* d = head; d != nullptr; d = d->next.load(std::memory_order_acquire)) {
      if (!MustUndo(d, view)) break;
      fn(*d);
    }
  }

  /// Links a new delta at the head of v's (or e's) chain. REQUIRES: the
  /// object's lock.
  Delta* AddDelta(Vertex* v, DeltaAction a, uint32_t x = 0) {
    return Link(reinterpret_cast<uint64_t>(v), &v->delta, a, x);
  }
  Delta* AddDelta(Edge* e, DeltaAction a, uint32_t x = 0) {
    return Link(reinterpret_cast<uint64_t>(e) | 1, &e->delta, a, x);
  }
  void AddLabelCount(LabelId l, int64_t d) {
    for (auto& [k, n] : label_deltas) {
      if (k == l) {
        n += d;
        return;
      }
    }
    label_deltas.emplace_back(l, d);
  }
  void Record(Change c) {
    if (record_redo) redo.push_back(std::move(c));
  }

 private:
  Delta* Link(uint64_t owner, Delta** head, DeltaAction a, uint32_t x) {
    if (!undo) undo = std::make_unique<UndoBuffer>(id);
    Delta* d = undo->deltas.Emplace(&undo->info, owner, command_id, a, x);
    d->next.store(*head, std::memory_order_release);
    if (*head != nullptr) (*head)->prev = d;
    *head = d;
    return d;
  }
};

/// A Change with the fields the WAL needs for `kind`.
inline Change MakeChange(ChangeKind kind, Gid gid, uint32_t id = 0, PropertyValue value = {}) {
  Change c;
  c.kind = kind;
  c.gid = gid;
  c.id = id;
  c.value = std::move(value);
  return c;
}

/// Error helpers.
inline Unexpected<Error> SerializationError() {
  return MakeError(Error{ErrorCode::kSerialization,
                         "Cannot resolve conflicting transactions: the object was changed by a "
                         "concurrent transaction; retry"});
}
inline Unexpected<Error> DeletedError() {
  return MakeError(Error{ErrorCode::kDeletedObject, "The object was deleted"});
}
inline Unexpected<Error> NonexistentError() {
  return MakeError(Error{ErrorCode::kNonexistentObject, "The object does not exist in this view"});
}

/// Inserts index entries for v after it gained `label`. REQUIRES: v->lock.
void IndexOnAddLabel(Transaction::Impl& tx, Vertex* v, LabelId label);
/// Inserts index entries for v after property `key` became `value`.
/// REQUIRES: v->lock.
void IndexOnSetProperty(Transaction::Impl& tx, Vertex* v, PropertyId key,
                        const PropertyValue& value);

}  // namespace tributary::storage
