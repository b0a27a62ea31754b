#pragma once
// An open-addressing hash map from an object's address to a small value,
// for the aggregations grouped by node (ADR 016).

#include <sys/mman.h>

#include <bit>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <type_traits>

namespace tributary::cypher::exec {

/// Maps object addresses to values of type V (linear probing, multiplicative
/// hash). Lighter than std::unordered_map for the millions of lookups an
/// aggregation over an expansion makes: one probe, no node allocation, one
/// slot of a pointer and a V per key. Tables of 2 MiB and more ask for
/// transparent huge pages: their probes land on random pages, and with 4 KiB
/// pages nearly every one also misses the TLB. V must be trivially copyable.
/// Not thread-safe.
template <typename V>
class PointerMap {
  static_assert(std::is_trivially_copyable_v<V>);

 public:
  PointerMap() = default;
  PointerMap(const PointerMap&) = delete;
  PointerMap& operator=(const PointerMap&) = delete;

  /// The value stored for `key` (mutable in place), or null when absent.
  /// REQUIRES: key != nullptr.
  V* Find(const void* key) const {
    if (capacity_ == 0) return nullptr;
    for (size_t i = Home(key);; i = (i + 1) & (capacity_ - 1)) {
      Slot& s = slots_.get()[i];
      if (s.key == key) return &s.value;
      if (s.key == nullptr) return nullptr;
    }
  }
  /// Starts loading the slot where a lookup of `key` begins.
  void Prefetch(const void* key) const {
    if (capacity_ != 0) __builtin_prefetch(&slots_.get()[Home(key)]);
  }
  /// Stores `value` for `key`. REQUIRES: key != nullptr and not yet present.
  void Insert(const void* key, V value) {
    if (2 * (size_ + 1) > capacity_) Grow();
    Place(key, value);
  }
  /// Bytes held (for memory accounting).
  size_t Bytes() const { return capacity_ * sizeof(Slot); }
  void Clear() {
    slots_.reset();
    capacity_ = 0;
    size_ = 0;
    shift_ = 64;
  }

 private:
  struct Slot {
    const void* key;  ///< null: empty
    V value;
  };
  struct Free {
    void operator()(Slot* p) const { std::free(p); }  // NOLINT: from aligned_alloc
  };
  static constexpr size_t kHugePage = size_t{2} << 20;

  size_t Home(const void* key) const {
    auto x = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(key));
    return static_cast<size_t>((x * 0x9E3779B97F4A7C15ull) >> shift_);
  }
  void Place(const void* key, V value) {
    size_t i = Home(key);
    while (slots_.get()[i].key != nullptr) i = (i + 1) & (capacity_ - 1);
    slots_.get()[i] = {key, value};
    ++size_;
  }
  void Grow() {
    std::unique_ptr<Slot[], Free> old = std::move(slots_);
    size_t old_capacity = capacity_;
    capacity_ = old_capacity == 0 ? 1024 : 2 * old_capacity;
    size_t bytes = capacity_ * sizeof(Slot);
    bool huge = bytes >= kHugePage;
    size_t align = huge ? kHugePage : alignof(std::max_align_t);
    void* memory = std::aligned_alloc(align, (bytes + align - 1) / align * align);
    if (memory == nullptr) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
    if (huge) (void)madvise(memory, bytes, MADV_HUGEPAGE);
#endif
    std::memset(memory, 0, bytes);
    slots_.reset(static_cast<Slot*>(memory));
    shift_ = 64 - std::countr_zero(capacity_);
    size_ = 0;
    for (size_t i = 0; i < old_capacity; ++i) {
      const Slot& s = old.get()[i];
      if (s.key != nullptr) Place(s.key, s.value);
    }
  }
  std::unique_ptr<Slot[], Free> slots_;
  size_t capacity_ = 0;  ///< a power of two, or 0
  size_t size_ = 0;
  int shift_ = 64;
};

}  // namespace tributary::cypher::exec
