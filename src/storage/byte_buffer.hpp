#pragma once
// ByteBuffer: 16 bytes holding up to 15 bytes inline or a heap block. The
// compact backing store of property sets and of old values in undo deltas.

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <utility>

namespace tributary::storage {

/// Owns a byte string of any length in 16 bytes: inline when it fits in 15
/// bytes (byte 15 = 0x80 | length), else a malloc'd block (bytes 0..7 =
/// length, 8..15 = pointer; user-space pointers have a zero top byte).
/// Move-only. Not thread-safe.
class ByteBuffer {
 public:
  static constexpr size_t kInlineCapacity = 15;

  ByteBuffer() = default;
  ~ByteBuffer() { Free(); }
  ByteBuffer(const ByteBuffer&) = delete;
  ByteBuffer& operator=(const ByteBuffer&) = delete;
  ByteBuffer(ByteBuffer&& o) noexcept {
    std::memcpy(b_, o.b_, sizeof b_);
    std::memset(o.b_, 0, sizeof o.b_);
  }
  ByteBuffer& operator=(ByteBuffer&& o) noexcept {
    if (this != &o) {
      Free();
      std::memcpy(b_, o.b_, sizeof b_);
      std::memset(o.b_, 0, sizeof o.b_);
    }
    return *this;
  }

  /// The stored bytes; valid until the next mutation.
  std::span<const uint8_t> Bytes() const {
    if (b_[15] != 0) return {b_, static_cast<size_t>(b_[15] & 0x7F)};
    uint64_t n;
    const uint8_t* p;
    std::memcpy(&n, b_, 8);
    std::memcpy(&p, b_ + 8, 8);
    return {p, static_cast<size_t>(n)};
  }
  bool Empty() const { return Bytes().empty(); }

  /// Replaces the contents with a copy of [data, data+n).
  void Assign(const uint8_t* data, size_t n) {
    if (n <= kInlineCapacity) {
      uint8_t tmp[16] = {};
      if (n > 0) std::memcpy(tmp, data, n);
      tmp[15] = static_cast<uint8_t>(0x80 | n);
      Free();
      std::memcpy(b_, tmp, 16);
      return;
    }
    auto* p = static_cast<uint8_t*>(std::malloc(n));
    if (p == nullptr) std::abort();
    std::memcpy(p, data, n);
    Free();
    uint64_t len = n;
    std::memcpy(b_, &len, 8);
    std::memcpy(b_ + 8, &p, 8);
  }

  /// Heap bytes owned (0 when inline); for memory accounting.
  size_t HeapBytes() const { return b_[15] != 0 ? 0 : Bytes().size(); }
  /// The heap block's address, or null when the bytes are inline. Read
  /// without the owner's lock, as a prefetch hint only: relaxed atomic
  /// loads, so a concurrent writer makes the answer stale, never a race.
  const void* HeapHint() const {
    if (__atomic_load_n(&b_[15], __ATOMIC_RELAXED) != 0) return nullptr;
    uint64_t p;
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): b_ is 8-aligned
    __atomic_load(reinterpret_cast<const uint64_t*>(b_ + 8), &p, __ATOMIC_RELAXED);
    return reinterpret_cast<const void*>(p);
  }

 private:
  void Free() {
    if (b_[15] == 0) {
      uint8_t* p;
      std::memcpy(&p, b_ + 8, 8);
      std::free(p);  // NOLINT: the block was malloc'd by Assign
    }
    std::memset(b_, 0, sizeof b_);
  }

  alignas(8) uint8_t b_[16] = {};
};
static_assert(sizeof(ByteBuffer) == 16);

}  // namespace tributary::storage
