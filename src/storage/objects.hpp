#pragma once
// The in-memory objects of the store and their undo deltas. See
// docs/storage.md for the layout rationale (memory targets) and the version
// chain protocol.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <vector>

#include "storage/label_set.hpp"
#include "storage/property_store.hpp"
#include "storage/spin_lock.hpp"
#include "storage/storage.hpp"

namespace tributary::storage {

/// Transaction ids live above every timestamp, so `ts < start_ts` is only
/// true for committed deltas.
inline constexpr uint64_t kTxnIdBase = uint64_t{1} << 63;
/// Edge type ids are packed into the top 16 bits of an adjacency entry.
inline constexpr uint32_t kMaxEdgeTypes = 1u << 16;
inline constexpr uint64_t kPointerMask = (uint64_t{1} << 48) - 1;

/// One adjacency entry: the other endpoint with the edge type in the top 16
/// bits, and the edge reference (gid << 1) | 1. Edges need no object until
/// they get a property; the edge gid map then points at one.
struct AdjEntry {
  uint64_t vt;
  uint64_t ref;

  Vertex* other() const { return reinterpret_cast<Vertex*>(vt & kPointerMask); }
  EdgeTypeId type() const { return static_cast<EdgeTypeId>(vt >> 48); }
  Gid gid() const { return ref >> 1; }
};

inline uint64_t PackVertexType(Vertex* v, EdgeTypeId type) {
  return reinterpret_cast<uint64_t>(v) | (static_cast<uint64_t>(type) << 48);
}
inline uint64_t GidRef(Gid gid) { return (gid << 1) | 1; }
/// The opaque, stable identity EdgeAccessor carries (never dereferenced).
inline Edge* RefEdge(uint64_t ref) { return reinterpret_cast<Edge*>(ref); }

struct Delta;

/// A field written under its object's lock that other threads may also read
/// without the lock, as a hint only (see PrefetchOutEdges): every access is
/// a relaxed atomic one (a plain move on x86), so such reads are no data
/// race. Read-modify-write operators are a load and a store: REQUIRES the
/// lock for writing.
template <typename T>
class Relaxed {
 public:
  Relaxed(T v = T()) { __atomic_store_n(&v_, v, __ATOMIC_RELAXED); }  // NOLINT: implicit
  Relaxed(const Relaxed&) = delete;
  Relaxed& operator=(const Relaxed&) = delete;
  operator T() const { return __atomic_load_n(&v_, __ATOMIC_RELAXED); }  // NOLINT: implicit
  Relaxed& operator=(T v) {
    __atomic_store_n(&v_, v, __ATOMIC_RELAXED);
    return *this;
  }
  T operator++() {
    T v = static_cast<T>(*this + 1);
    *this = v;
    return v;
  }
  T operator--() {
    T v = static_cast<T>(*this - 1);
    *this = v;
    return v;
  }
  T operator++(int) {
    T old = *this;
    *this = static_cast<T>(old + 1);
    return old;
  }
  T operator--(int) {
    T old = *this;
    *this = static_cast<T>(old - 1);
    return old;
  }

 private:
  T v_;
};

/// A vertex: newest state plus the undo chain (newest first). 64 bytes.
/// Every field except gid is guarded by `lock`.
struct Vertex {
  explicit Vertex(Gid g) : gid(g) {}
  ~Vertex() { std::free(adj); }  // NOLINT: adjacency block is malloc'd
  Vertex(const Vertex&) = delete;
  Vertex& operator=(const Vertex&) = delete;

  Gid gid;
  Delta* delta = nullptr;
  LabelSet labels;
  PropertyStore properties;
  /// Out entries grow up from adj[0], in entries grow down from adj[adj_cap-1].
  /// Also read without the lock by PrefetchOutEdges/PrefetchInEdges.
  Relaxed<AdjEntry*> adj{nullptr};
  Relaxed<uint32_t> out_size{0};
  Relaxed<uint32_t> in_size{0};
  Relaxed<uint32_t> adj_cap{0};
  SpinLock lock;
  bool deleted = false;

  const AdjEntry* OutBegin() const { return adj; }
  const AdjEntry* OutEnd() const { return adj + out_size; }
  /// In entries, newest first.
  const AdjEntry* InBegin() const { return adj + adj_cap - in_size; }
  const AdjEntry* InEnd() const { return adj + adj_cap; }
  void AddOut(AdjEntry e);
  void AddIn(AdjEntry e);
  /// Removes the entry referring to edge `gid`; returns false if absent.
  bool RemoveOut(Gid gid);
  bool RemoveIn(Gid gid);
};
static_assert(sizeof(Vertex) == 64);

/// An expansion of vertex v prefetches the adjacency of v + kExpandAhead
/// (scans visit vertices in slab order), and that vertex's object
/// kExpandAhead slots further on; Slab<Vertex, ..., kVertexReadAhead>
/// keeps those slots readable.
inline constexpr size_t kExpandAhead = 4;
inline constexpr size_t kVertexReadAhead = 2 * kExpandAhead;

/// Prefetches every cache line overlapping [begin, end).
inline void PrefetchLines(const AdjEntry* begin, const AdjEntry* end) {
  if (begin == end) return;
  auto first = reinterpret_cast<uintptr_t>(begin) & ~uintptr_t{63};
  auto last = reinterpret_cast<uintptr_t>(end) - 1;
  for (uintptr_t line = first; line <= last; line += 64) {
    __builtin_prefetch(reinterpret_cast<const void*>(line));
  }
}

/// Asks the cache for the out entries of `v` (up to 512 bytes) and for the
/// vertex kVertexReadAhead slots further on. A hint: it reads v's fields
/// without v's lock (relaxed), so v may be changing, freed to the slab or
/// never constructed (zeroed slot); a stale block address only prefetches
/// a useless line (a prefetch never faults). REQUIRES: v's memory lies in
/// a vertex slab block (a slot or a read-ahead slot).
inline void PrefetchOutEdges(const Vertex* v) {
  __builtin_prefetch(v + kExpandAhead);
  const AdjEntry* block = v->adj;
  if (block == nullptr) return;
  PrefetchLines(block, block + std::min<uint32_t>(v->out_size, 32));
}

/// As PrefetchOutEdges, for the in entries (at the block's end).
inline void PrefetchInEdges(const Vertex* v) {
  __builtin_prefetch(v + kExpandAhead);
  const AdjEntry* block = v->adj;
  if (block == nullptr) return;
  const uint32_t cap = v->adj_cap;
  const uint32_t n = std::min<uint32_t>(v->in_size, std::min<uint32_t>(cap, 32));
  PrefetchLines(block + cap - n, block + cap);
}

/// An edge with properties (edges without properties have no object). 48
/// bytes. Fields except gid and from are guarded by `lock`.
struct Edge {
  Edge(Gid g, Vertex* f) : gid(g), from(f) {}
  Gid gid;
  Vertex* from;
  Delta* delta = nullptr;
  PropertyStore properties;
  SpinLock lock;
  bool deleted = false;
};
static_assert(sizeof(Edge) == 48);

/// Shared by all deltas of one transaction: the transaction id while it
/// runs, its commit timestamp once published.
struct CommitInfo {
  explicit CommitInfo(uint64_t txn_id) : ts(txn_id) {}
  std::atomic<uint64_t> ts;
  /// Set under the commit mutex once the transaction passed validation and
  /// got a commit timestamp (unique-constraint checks treat it as committed).
  std::atomic<bool> committing{false};
};

/// What applying an undo delta does to the object's state.
enum class DeltaAction : uint8_t {
  kDeleteObject,    ///< the transaction created the object
  kRecreateObject,  ///< the transaction deleted the object
  kAddLabel,        ///< the transaction removed label `id`
  kRemoveLabel,     ///< the transaction added label `id`
  kSetProperty,     ///< the transaction changed property `id`; old value
  kAddOutEdge,      ///< the transaction removed an out edge; entry
  kAddInEdge,
  kRemoveOutEdge,  ///< the transaction added an out edge; entry
  kRemoveInEdge,
};

/// One undo record. `next` points to the older delta of the same object;
/// `prev` to the newer one (null: this delta is the object's head).
struct Delta {
  Delta(CommitInfo* i, uint64_t o, uint32_t cid, DeltaAction a, uint32_t x)
      : info(i), owner(o), command_id(cid), id(x), action(a) {}
  ~Delta() {
    if (action == DeltaAction::kSetProperty) old_value.~EncodedValue();
  }
  Delta(const Delta&) = delete;
  Delta& operator=(const Delta&) = delete;

  bool OwnerIsEdge() const { return (owner & 1) != 0; }
  Vertex* OwnerVertex() const { return reinterpret_cast<Vertex*>(owner); }
  Edge* OwnerEdge() const { return reinterpret_cast<Edge*>(owner & ~uint64_t{1}); }

  CommitInfo* info;
  uint64_t owner;  ///< Vertex*, or Edge* | 1
  Delta* prev = nullptr;
  std::atomic<Delta*> next{nullptr};
  uint32_t command_id;
  uint32_t id;
  DeltaAction action;
  union {
    EncodedValue old_value;  ///< kSetProperty
    AdjEntry entry;          ///< edge actions
  };
};

/// Append-only storage of one transaction's deltas, in creation order, with
/// stable addresses. The first kInline deltas live inside the arena (the
/// UndoBuffer), so a small transaction allocates one block for all of its
/// undo state; later ones go to heap chunks growing from 16 to 128 deltas.
class DeltaArena {
 public:
  DeltaArena() = default;
  ~DeltaArena();
  DeltaArena(const DeltaArena&) = delete;
  DeltaArena& operator=(const DeltaArena&) = delete;

  template <typename... Args>
  Delta* Emplace(Args&&... args) {
    void* slot;
    if (size_ < kInline) {
      slot = inline_ + size_ * sizeof(Delta);
    } else {
      if (chunks_.empty() || used_ == chunks_.back().cap) AddChunk();
      slot = chunks_.back().data + used_ * sizeof(Delta);
      ++used_;
    }
    ++size_;
    return ::new (slot) Delta(std::forward<Args>(args)...);
  }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  template <typename Fn>
  void ForEach(Fn&& fn) {
    size_t n = size_ < kInline ? size_ : kInline;
    for (size_t i = 0; i < n; ++i) fn(At(inline_, i));
    for (size_t c = 0; c < chunks_.size(); ++c) {
      size_t m = c + 1 == chunks_.size() ? used_ : chunks_[c].cap;
      for (size_t i = 0; i < m; ++i) fn(At(chunks_[c].data, i));
    }
  }
  template <typename Fn>
  void ForEachReverse(Fn&& fn) {
    for (size_t c = chunks_.size(); c-- > 0;) {
      size_t m = c + 1 == chunks_.size() ? used_ : chunks_[c].cap;
      for (size_t i = m; i-- > 0;) fn(At(chunks_[c].data, i));
    }
    size_t n = size_ < kInline ? size_ : kInline;
    for (size_t i = n; i-- > 0;) fn(At(inline_, i));
  }

 private:
  static constexpr size_t kInline = 4;
  static constexpr size_t kFirstChunk = 16;
  static constexpr size_t kMaxChunk = 128;
  struct Chunk {
    std::byte* data;
    size_t cap;
  };
  static Delta* At(std::byte* base, size_t i) {
    return std::launder(reinterpret_cast<Delta*>(base + i * sizeof(Delta)));
  }
  void AddChunk() {
    size_t cap = chunks_.empty() ? kFirstChunk : std::min(chunks_.back().cap * 2, kMaxChunk);
    auto* data = static_cast<std::byte*>(::operator new(cap * sizeof(Delta)));
    chunks_.push_back(Chunk{data, cap});
    used_ = 0;
  }
  alignas(Delta) std::byte inline_[kInline * sizeof(Delta)];
  std::vector<Chunk> chunks_;
  size_t used_ = 0;  ///< deltas in the last chunk
  size_t size_ = 0;
};

inline DeltaArena::~DeltaArena() {
  ForEach([](Delta* d) { d->~Delta(); });
  for (const Chunk& c : chunks_) ::operator delete(c.data);
}

}  // namespace tributary::storage
