#pragma once
// Allocation helpers of the store: a slab allocator for fixed-size objects
// and a chunked gid -> object map.

#include <sys/mman.h>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <new>
#include <vector>

namespace tributary::storage {

/// Hands out objects of type T from blocks of kPerBlock, reusing freed
/// slots. Thread-safe. Objects still alive when the slab is destroyed are
/// not destructed (the owner destroys them first). With kReadAhead > 0,
/// blocks start zeroed and end in kReadAhead spare slots, so `obj + k` for
/// any object and k <= kReadAhead is readable memory (a zeroed or
/// formerly used slot, or an object), for readers that peek ahead.
template <typename T, size_t kPerBlock = 4096, size_t kReadAhead = 0>
class Slab {
 public:
  template <typename... Args>
  T* New(Args&&... args) {
    void* slot;
    {
      std::lock_guard guard(mu_);
      if (free_ != nullptr) {
        slot = free_;
        free_ = free_->next;
      } else {
        if (blocks_.empty() || used_ == kPerBlock) {
          blocks_.push_back(kReadAhead > 0 ? std::make_unique<Block>()
                                           : std::make_unique_for_overwrite<Block>());
          used_ = 0;
        }
        slot = blocks_.back()->bytes + used_ * sizeof(T);
        ++used_;
      }
      ++live_;
    }
    return ::new (slot) T(std::forward<Args>(args)...);
  }

  /// Destroys *obj and recycles its slot.
  void Delete(T* obj) {
    obj->~T();
    auto* node = reinterpret_cast<FreeNode*>(obj);
    std::lock_guard guard(mu_);
    node->next = free_;
    free_ = node;
    --live_;
  }

  size_t live() const {
    std::lock_guard guard(mu_);
    return live_;
  }

 private:
  struct FreeNode {
    FreeNode* next;
  };
  static_assert(sizeof(T) >= sizeof(FreeNode));
  struct alignas(64) Block {
    alignas(T) std::byte bytes[(kPerBlock + kReadAhead) * sizeof(T)];
  };
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Block>> blocks_;
  size_t used_ = 0;
  FreeNode* free_ = nullptr;
  size_t live_ = 0;
};

/// Maps gids (dense, from 0) to one 64-bit word (0 = absent): a directory of
/// lazily allocated 64Ki-entry chunks, so lookups are two loads and unused
/// ranges cost nothing. Lookups are lock-free; supports gids below 2^36.
class GidMap {
 public:
  static constexpr uint64_t kChunkBits = 16;
  static constexpr uint64_t kDirSize = uint64_t{1} << 20;
  static constexpr uint64_t kMaxGid = (kDirSize << kChunkBits) - 1;

  // The 8 MiB directory is mapped, not calloc'd: glibc serves a calloc of
  // that size from the heap (memset, every page touched) once its mmap
  // threshold has grown, which made creating and destroying a Storage
  // cost ~9.5 ms. Untouched pages of the mapping cost nothing.
  GidMap() {
    void* p =
        ::mmap(nullptr, kDirBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) std::abort();
    dir_ = static_cast<Slot*>(p);
  }
  ~GidMap() {
    uint64_t end = chunks_end_.load(std::memory_order_relaxed);
    for (uint64_t i = 0; i < end; ++i) std::free(dir_[i].load(std::memory_order_relaxed));
    ::munmap(dir_, kDirBytes);
  }
  GidMap(const GidMap&) = delete;
  GidMap& operator=(const GidMap&) = delete;

  uint64_t Get(uint64_t gid) const {
    if (gid > kMaxGid) return 0;
    Word* chunk = dir_[gid >> kChunkBits].load(std::memory_order_acquire);
    if (chunk == nullptr) return 0;
    return chunk[gid & kChunkMask].load(std::memory_order_acquire);
  }
  /// REQUIRES: gid <= kMaxGid.
  void Set(uint64_t gid, uint64_t value) {
    Word* chunk = Chunk(gid >> kChunkBits);
    chunk[gid & kChunkMask].store(value, std::memory_order_release);
  }

 private:
  using Word = std::atomic<uint64_t>;
  using Slot = std::atomic<Word*>;
  static constexpr uint64_t kChunkMask = (uint64_t{1} << kChunkBits) - 1;

  Word* Chunk(uint64_t i) {
    Word* chunk = dir_[i].load(std::memory_order_acquire);
    if (chunk != nullptr) return chunk;
    std::lock_guard guard(grow_mu_);
    chunk = dir_[i].load(std::memory_order_acquire);
    if (chunk == nullptr) {
      chunk = static_cast<Word*>(std::calloc(uint64_t{1} << kChunkBits, sizeof(Word)));
      if (chunk == nullptr) std::abort();
      dir_[i].store(chunk, std::memory_order_release);
      if (i >= chunks_end_.load(std::memory_order_relaxed)) {
        chunks_end_.store(i + 1, std::memory_order_relaxed);
      }
    }
    return chunk;
  }

  static constexpr size_t kDirBytes = kDirSize * sizeof(Slot);
  Slot* dir_;
  std::mutex grow_mu_;
  /// One past the highest allocated chunk (written under grow_mu_).
  std::atomic<uint64_t> chunks_end_{0};
};

}  // namespace tributary::storage
