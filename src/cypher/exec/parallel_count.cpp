// Parallel count(*) by node (ADR 018): morsels of a gid-ordered scan,
// expanded on several threads into one shared table of far ends (rows
// counted per thread), then the keys evaluated once per vertex, the table's
// slots split among the threads.
#include "cypher/exec/parallel_count.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <exception>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>
#include <unordered_map>

#include "cypher/errors.hpp"

namespace tributary::cypher::exec {
namespace {

/// Zeroed memory from a fresh anonymous mapping: the kernel zeroes pages on
/// first touch, so the threads that touch them share that work. 2 MiB and
/// more ask for huge pages (the tables are probed at random; ADR 016).
class ZeroedMemory {
 public:
  explicit ZeroedMemory(size_t bytes) : bytes_(std::max<size_t>(bytes, 1)) {
    void* p = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
    if (bytes_ >= (size_t{2} << 20)) (void)madvise(p, bytes_, MADV_HUGEPAGE);
#endif
    data_ = p;
  }
  ~ZeroedMemory() {
    if (data_ != nullptr) munmap(data_, bytes_);
  }
  ZeroedMemory(ZeroedMemory&& o) noexcept : data_(o.data_), bytes_(o.bytes_) { o.data_ = nullptr; }
  ZeroedMemory(const ZeroedMemory&) = delete;
  ZeroedMemory& operator=(const ZeroedMemory&) = delete;
  ZeroedMemory& operator=(ZeroedMemory&&) = delete;
  template <typename T>
  T* As() const {
    return static_cast<T*>(data_);
  }

 private:
  void* data_ = nullptr;
  size_t bytes_;
};

/// A fixed-capacity table of far-end vertices shared by every thread: a
/// key is claimed by compare-and-swap and never removed (linear probing),
/// so a slot index names a vertex for the whole count. Beside each key the
/// position of its first row (as the complement, so zeroed memory means
/// none: an atomic maximum). The rows themselves are counted per thread,
/// in an array by slot index: a locked add per row cost a fifth of the
/// expansion phase.
class SharedCounts {
 public:
  struct Slot {
    uintptr_t key;         ///< vertex address; 0: empty
    uint64_t first_compl;  ///< ~(position of its first row)
  };

  /// REQUIRES: capacity is a power of two.
  explicit SharedCounts(size_t capacity)
      : memory_(capacity * sizeof(Slot)),
        slots_(memory_.As<Slot>()),
        capacity_(capacity),
        shift_(64 - std::countr_zero(capacity)) {}

  size_t Home(const void* key) const {
    auto x = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(key));
    return static_cast<size_t>((x * 0x9E3779B97F4A7C15ull) >> shift_);
  }
  /// Starts loading the slot where `key`'s probe begins.
  void Prefetch(size_t home) const { __builtin_prefetch(&slots_[home]); }
  /// The slot of `key`, claimed if new; kFull when the table is too full.
  static constexpr size_t kFull = ~size_t{0};
  size_t Find(const void* key, size_t home) {
    const auto k = reinterpret_cast<uintptr_t>(key);
    size_t i = home;
    for (size_t probes = 0;; ++probes, i = (i + 1) & (capacity_ - 1)) {
      std::atomic_ref<uintptr_t> slot_key(slots_[i].key);
      uintptr_t seen = slot_key.load(std::memory_order_relaxed);
      if (seen == 0) {
        if (probes > capacity_ / 4 ||
            used_.fetch_add(1, std::memory_order_relaxed) >= capacity_ / 2) {
          return kFull;
        }
        if (slot_key.compare_exchange_strong(seen, k, std::memory_order_relaxed)) return i;
        used_.fetch_sub(1, std::memory_order_relaxed);
      }
      if (seen == k) return i;
    }
  }
  /// Lowers slot i's first row to `at` if earlier.
  void NoteFirst(size_t i, uint64_t at) {
    std::atomic_ref<uint64_t> first(slots_[i].first_compl);
    const uint64_t want = ~at;
    for (uint64_t cur = first.load(std::memory_order_relaxed); cur < want;) {
      if (first.compare_exchange_weak(cur, want, std::memory_order_relaxed)) break;
    }
  }
  /// REQUIRES: no thread is adding.
  const Slot* slots() const { return slots_; }
  size_t capacity() const { return capacity_; }

 private:
  ZeroedMemory memory_;
  Slot* slots_;
  size_t capacity_;
  int shift_;
  std::atomic<size_t> used_{0};
};

/// A row's position in the sequential order: its morsel, then its index
/// among the morsel's rows. Morsels are consecutive gid ranges and both
/// scans yield gid order, so this order is the sequential one.
constexpr int kMorselShift = 40;
constexpr uint64_t kNone = ~uint64_t{0};
/// Far ends wait this many rows between the prefetch of their table slot
/// (or vertex) and its use.
constexpr size_t kPrefetchDistance = 16;
/// Each thread aims at this many morsels, so a thread slowed down by other
/// work on its core leaves the rest to the others.
constexpr uint64_t kMorselsPerThread = 16;
constexpr uint64_t kMaxMorselGids = uint64_t{1} << 16;
/// The key phase prefetches a vertex this many vertices ahead, and its
/// property block half as far.
constexpr size_t kKeyPrefetchDistance = 8;
/// Table slots per chunk of the key phase.
constexpr size_t kKeyChunk = size_t{1} << 14;

using Groups = std::unordered_map<std::vector<Value>, CountedGroup, ValueHash, ValueEquivalent>;

/// State shared by the threads of one count.
struct Shared {
  Shared(const ParallelCountInput& input, size_t capacity) : in(input), counts(capacity) {}
  const ParallelCountInput& in;
  SharedCounts counts;
  std::vector<std::unique_ptr<storage::VertexCursor>> morsels;
  std::atomic<size_t> next_morsel{0};
  std::atomic<size_t> next_chunk{0};
  /// Set to stop every thread: a limit error, or the table is full.
  std::atomic<bool> stop{false};
  std::atomic<bool> full{false};

  /// The earliest row's error (guarded by error_mu), and its position for
  /// lock-free checks: morsels after it need not run.
  std::mutex error_mu;
  std::exception_ptr error;
  std::atomic<uint64_t> error_at{kNone};

  void RecordError(uint64_t at, std::exception_ptr e) {
    std::lock_guard guard(error_mu);
    if (at < error_at.load(std::memory_order_relaxed)) {
      error = std::move(e);
      error_at.store(at, std::memory_order_relaxed);
    }
  }
};

/// One thread's state.
struct Worker {
  explicit Worker(size_t capacity)
      : rows_memory(capacity * sizeof(uint32_t)), rows(rows_memory.As<uint32_t>()) {}
  ZeroedMemory rows_memory;
  /// Rows this thread counted per table slot (a vertex has fewer than 2^32
  /// rows in memory: its adjacency alone would take 64 GiB).
  uint32_t* rows;
  ExecContext ctx;  ///< a copy of the caller's (limits, parameters, clock)
  Frame frame;
  Groups groups;
  std::vector<storage::EdgeAccessor> edges;
  std::vector<const void*> ends;  ///< far ends of the current batch
  /// Far ends waiting for their prefetched slot: (vertex, position).
  std::vector<std::pair<const void*, uint64_t>> pending;
  size_t pending_head = 0;
};

/// Appends the far ends of `v`'s edges as the fused Expand produces them
/// (an undirected self-loop once).
void GatherEnds(const ExpandSpec& s, const storage::VertexAccessor& v, Worker& w) {
  if (s.direction == Direction::kOut || s.direction == Direction::kBoth) {
    w.edges.clear();
    Unwrap(v.OutEdges(s.view, s.types, &w.edges));
    for (const auto& e : w.edges) w.ends.push_back(e.To().raw());
  }
  if (s.direction == Direction::kIn || s.direction == Direction::kBoth) {
    w.edges.clear();
    Unwrap(v.InEdges(s.view, s.types, &w.edges));
    for (const auto& e : w.edges) {
      if (s.direction == Direction::kBoth && e.From() == e.To()) continue;
      w.ends.push_back(e.From().raw());
    }
  }
}

class Counter {
 public:
  Counter(Shared& sh, Worker& w) : sh_(sh), w_(w) {}

  /// Phase 1: expands morsels until none is left, counting far ends.
  void ExpandMorsels() {
    while (!sh_.stop.load(std::memory_order_relaxed)) {
      size_t m = sh_.next_morsel.fetch_add(1, std::memory_order_relaxed);
      if (m >= sh_.morsels.size()) return;
      uint64_t base = uint64_t{m} << kMorselShift;
      // Rows after an error never count (morsels are taken in order).
      if (base > sh_.error_at.load(std::memory_order_relaxed)) return;
      ExpandMorsel(*sh_.morsels[m], base);
    }
  }

  /// Phase 2: evaluates the keys of chunks of the table's vertices and
  /// sums their rows per key.
  void EvaluateKeys(const std::vector<Worker>& workers) {
    const SharedCounts& counts = sh_.counts;
    const auto* slots = counts.slots();
    const size_t n = counts.capacity();
    const size_t node_slot = sh_.in.node_slot;
    std::vector<Value> key;
    std::vector<size_t> used;  // the chunk's occupied slots
    while (!sh_.stop.load(std::memory_order_relaxed)) {
      size_t begin = sh_.next_chunk.fetch_add(1, std::memory_order_relaxed) * kKeyChunk;
      if (begin >= n) return;
      size_t end = std::min(n, begin + kKeyChunk);
      used.clear();
      for (size_t i = begin; i < end; ++i) {
        if (slots[i].key != 0) used.push_back(i);
      }
      for (size_t j = 0; j < used.size(); ++j) {
        // The key evaluation locks the vertex and reads its properties:
        // fetch its line for writing, then (its line arrived meanwhile) its
        // property block.
        if (j + 2 * kKeyPrefetchDistance < used.size()) {
          __builtin_prefetch(
              reinterpret_cast<const void*>(slots[used[j + 2 * kKeyPrefetchDistance]].key), 1);
        }
        if (j + kKeyPrefetchDistance < used.size()) {
          auto* ahead =
              reinterpret_cast<storage::Vertex*>(slots[used[j + kKeyPrefetchDistance]].key);
          storage::VertexAccessor(ahead, w_.ctx.tx).PrefetchProperties();
        }
        const size_t i = used[j];
        const auto& slot = slots[i];
        uint64_t rows = 0;
        for (const Worker& w : workers) rows += w.rows[i];
        const uint64_t first = ~slot.first_compl;
        try {
          w_.ctx.CheckLimits();
        } catch (...) {
          sh_.RecordError(first, std::current_exception());
          sh_.stop.store(true, std::memory_order_relaxed);
          return;
        }
        // Vertices first met after a recorded error never count.
        if (first > sh_.error_at.load(std::memory_order_relaxed)) continue;
        auto* vertex = reinterpret_cast<storage::Vertex*>(slot.key);
        w_.frame[node_slot] = Value(storage::VertexAccessor(vertex, w_.ctx.tx));
        key.clear();
        try {
          for (const auto& [out_slot, e] : sh_.in.keys) key.push_back(e->Eval(w_.frame, w_.ctx));
        } catch (...) {
          sh_.RecordError(first, std::current_exception());
          continue;
        }
        auto it = w_.groups.find(key);
        if (it == w_.groups.end()) {
          CountedGroup g;
          g.key = key;
          g.first = first;
          it = w_.groups.emplace(std::move(key), std::move(g)).first;
          key = {};
        } else {
          it->second.first = std::min(it->second.first, first);
        }
        it->second.count += static_cast<int64_t>(rows);
      }
    }
  }

 private:
  void ExpandMorsel(storage::VertexCursor& cursor, uint64_t base) {
    const ExpandSpec& s = sh_.in.expand;
    uint64_t row = 0;  // rows of this morsel counted so far
    storage::VertexAccessor v(nullptr, nullptr);
    for (bool more = true; more;) {
      // Start nodes in batches, so their adjacency misses overlap.
      w_.ends.clear();
      try {
        for (size_t starts = 0; starts < 16 && w_.ends.size() < 1024; ++starts) {
          w_.ctx.CheckLimits();
          if (!cursor.Next(&v)) {
            more = false;
            break;
          }
          GatherEnds(s, v, w_);
        }
      } catch (...) {
        // The rows gathered before the error come first.
        if (Count(base, row)) Drain();
        sh_.RecordError(base | (row + w_.ends.size()), std::current_exception());
        return;
      }
      if (!Count(base, row)) return;
      row += w_.ends.size();
    }
    Drain();
  }

  /// Queues the batch's far ends (rows base | first_row, ...). False when
  /// the table is full.
  bool Count(uint64_t base, uint64_t first_row) {
    for (size_t i = 0; i < w_.ends.size(); ++i) {
      const void* end = w_.ends[i];
      const size_t home = sh_.counts.Home(end);
      sh_.counts.Prefetch(home);
      __builtin_prefetch(&w_.rows[home], 1);
      w_.pending.emplace_back(end, base | (first_row + i));
      if (w_.pending.size() - w_.pending_head > kPrefetchDistance) {
        if (!Apply(w_.pending[w_.pending_head++])) return false;
      }
    }
    if (w_.pending_head >= 4 * kPrefetchDistance) {
      w_.pending.erase(w_.pending.begin(),
                       w_.pending.begin() + static_cast<std::ptrdiff_t>(w_.pending_head));
      w_.pending_head = 0;
    }
    return true;
  }
  bool Drain() {
    while (w_.pending_head < w_.pending.size()) {
      if (!Apply(w_.pending[w_.pending_head++])) return false;
    }
    w_.pending.clear();
    w_.pending_head = 0;
    return true;
  }
  bool Apply(const std::pair<const void*, uint64_t>& row) {
    const size_t i = sh_.counts.Find(row.first, sh_.counts.Home(row.first));
    if (i == SharedCounts::kFull) {
      sh_.full.store(true, std::memory_order_relaxed);
      sh_.stop.store(true, std::memory_order_relaxed);
      return false;
    }
    // This thread's rows come in order: only its first row of a vertex can
    // be the vertex's first.
    if (w_.rows[i]++ == 0) sh_.counts.NoteFirst(i, row.second);
    return true;
  }

  Shared& sh_;
  Worker& w_;
};

/// Runs fn(i) for i in [0, n) on n threads, this one being thread 0, and
/// joins them. Threads that cannot be started are skipped: fn takes its
/// work from shared counters, so the started ones do it all.
template <typename Fn>
void RunOnThreads(size_t n, const Fn& fn) {
  std::vector<std::thread> threads;
  threads.reserve(n - 1);
  for (size_t i = 1; i < n; ++i) {
    try {
      threads.emplace_back([&fn, i] { fn(i); });
    } catch (const std::system_error&) {
      break;
    }
  }
  fn(0);
  for (auto& t : threads) t.join();
}

}  // namespace

std::optional<std::vector<CountedGroup>> CountByNodeInParallel(const ParallelCountInput& in,
                                                               const Frame& frame,
                                                               ExecContext& ctx) {
  const size_t threads = std::max<uint32_t>(ctx.threads, 1);
  const storage::Gid end = ctx.tx->VertexGidEnd();

  // The table holds every distinct far end at most half full: at most one
  // per vertex, and about as many as rows on a sparse scan (the estimate
  // from the approximate counts; if it is short, the table fills and the
  // caller runs sequentially).
  const storage::Storage& store = ctx.tx->storage();
  const double vertices = static_cast<double>(std::max<uint64_t>(store.ApproxVertexCount(), 1));
  const double scanned =
      in.scan.label ? static_cast<double>(store.ApproxLabelCount(*in.scan.label)) : vertices;
  const double sides = in.expand.direction == Direction::kBoth ? 2.0 : 1.0;
  const double rows =
      1.25 * sides * scanned * static_cast<double>(store.ApproxEdgeCount()) / vertices;
  const auto distinct = static_cast<uint64_t>(
      std::clamp(rows, 1024.0, static_cast<double>(std::max<uint64_t>(end, 1024))));
  const size_t capacity = std::bit_ceil(2 * distinct);
  const uint64_t table_bytes = capacity * (sizeof(SharedCounts::Slot) + threads * sizeof(uint32_t));
  if (ctx.limits.memory_limit_bytes != 0 &&
      ctx.memory_used + table_bytes > ctx.limits.memory_limit_bytes) {
    return std::nullopt;
  }
  Shared sh(in, capacity);

  // Morsels: consecutive gid ranges, opened here (opening a scan is not
  // one of the reads threads may share).
  const uint64_t gids =
      std::clamp<uint64_t>(end / (threads * kMorselsPerThread), 1, kMaxMorselGids);
  for (storage::Gid lo = 0; lo < end; lo += gids) {
    sh.morsels.push_back(ctx.tx->ScanGidRange(in.scan.label, in.scan.view, lo,
                                              std::min<storage::Gid>(lo + gids, end)));
  }

  // The statement clock is fixed before the threads copy the context, so
  // every thread's temporal functions see one instant.
  if (ctx.statement_clock_nanos == 0) {
    ctx.statement_clock_nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count();
  }
  std::vector<Worker> workers;
  workers.reserve(threads);
  for (size_t i = 0; i < threads; ++i) workers.emplace_back(capacity);
  for (auto& w : workers) {
    w.ctx = ctx;
    w.ctx.cursor_arena = nullptr;
    w.frame = frame;
  }
  // A failure outside the rows (bad_alloc) stops everyone and wins.
  auto guarded = [&sh](auto&& phase) {
    try {
      phase();
    } catch (...) {
      sh.RecordError(0, std::current_exception());
      sh.stop.store(true, std::memory_order_relaxed);
    }
  };
  RunOnThreads(threads,
               [&](size_t i) { guarded([&] { Counter(sh, workers[i]).ExpandMorsels(); }); });
  if (!sh.stop.load()) {
    RunOnThreads(threads, [&](size_t i) {
      guarded([&] { Counter(sh, workers[i]).EvaluateKeys(workers); });
    });
  }
  if (sh.full.load()) return std::nullopt;
  if (sh.error) std::rethrow_exception(sh.error);

  Groups merged;
  for (auto& w : workers) {
    for (auto& [key, g] : w.groups) {
      auto [it, fresh] = merged.try_emplace(key, std::move(g));
      if (!fresh) {
        it->second.count += g.count;
        it->second.first = std::min(it->second.first, g.first);
      }
    }
  }
  std::vector<CountedGroup> out;
  out.reserve(merged.size());
  for (auto& [key, g] : merged) out.push_back(std::move(g));
  std::sort(out.begin(), out.end(),
            [](const CountedGroup& a, const CountedGroup& b) { return a.first < b.first; });
  return out;
}

}  // namespace tributary::cypher::exec
