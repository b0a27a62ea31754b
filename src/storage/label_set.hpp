#pragma once
// LabelSet: a vertex's labels in 8 bytes. Up to two labels live inline;
// more move to one heap array. Label ids must be below 2^31 - 1.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tributary::storage {

/// Sorted set of label ids. Move-only; not thread-safe (the vertex lock
/// guards it).
class LabelSet {
 public:
  static constexpr uint32_t kMaxLabelId = (1u << 31) - 2;

  LabelSet() = default;
  ~LabelSet();
  LabelSet(const LabelSet&) = delete;
  LabelSet& operator=(const LabelSet&) = delete;
  LabelSet(LabelSet&& o) noexcept : word_(o.word_) { o.word_ = 0; }
  LabelSet& operator=(LabelSet&& o) noexcept;

  bool Has(uint32_t label) const;
  /// Returns false if it was already present.
  bool Add(uint32_t label);
  /// Returns false if it was absent.
  bool Remove(uint32_t label);
  size_t Count() const;
  /// Appends the labels in ascending order.
  void AppendTo(std::vector<uint32_t>* out) const;
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    if (word_ & 1) {
      auto a = static_cast<uint32_t>((word_ >> 1) & kSlotMask);
      auto b = static_cast<uint32_t>((word_ >> 32) & kSlotMask);
      if (a) fn(a - 1);
      if (b) fn(b - 1);
    } else if (word_ != 0) {
      const uint32_t* h = Heap();
      for (uint32_t i = 0; i < h[0]; ++i) fn(h[2 + i]);
    }
  }

 private:
  static constexpr uint64_t kSlotMask = (uint64_t{1} << 31) - 1;
  uint32_t* Heap() const { return reinterpret_cast<uint32_t*>(word_); }
  void SetInline(uint32_t a_plus1, uint32_t b_plus1) {
    word_ = (uint64_t{b_plus1} << 32) | (uint64_t{a_plus1} << 1) | 1;
    if (a_plus1 == 0 && b_plus1 == 0) word_ = 0;
  }

  uint64_t word_ = 0;
};
static_assert(sizeof(LabelSet) == 8);

}  // namespace tributary::storage
