#pragma once
// CRC-32C (Castagnoli), the checksum of every WAL record and snapshot block.
// Debian 12 packages no CRC32C library, so this is the one hand-written
// checksum: SSE4.2's crc32 instruction when the CPU has it, a table otherwise.

#include <cstddef>
#include <cstdint>

namespace tributary::crc32c {

/// Extends `crc` (the value returned for the preceding bytes, 0 to start)
/// over `n` bytes at `data`. Thread-safe.
uint32_t Extend(uint32_t crc, const void* data, size_t n);

/// CRC-32C of `n` bytes at `data`.
inline uint32_t Value(const void* data, size_t n) { return Extend(0, data, n); }

}  // namespace tributary::crc32c
