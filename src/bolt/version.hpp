#pragma once
// A Bolt protocol version as negotiated in the handshake.

#include <compare>
#include <cstdint>
#include <string>

namespace tributary::bolt {

/// Bolt protocol version (major.minor). Ordered by major then minor.
struct ProtocolVersion {
  uint8_t major = 0;
  uint8_t minor = 0;

  friend auto operator<=>(const ProtocolVersion&, const ProtocolVersion&) = default;

  /// "5.4".
  std::string ToString() const { return std::to_string(major) + "." + std::to_string(minor); }
};

/// The newest version this server speaks.
inline constexpr ProtocolVersion kNewestVersion{5, 4};

/// True on 5.x, where graph structures carry element ids.
inline bool HasElementIds(ProtocolVersion v) { return v.major >= 5; }

/// True when zoned date-times use the UTC-based structures DateTime (0x49)
/// and DateTimeZoneId (0x69); otherwise the legacy 0x46 / 0x66 (local
/// seconds). The server never agrees to the 4.4 "utc" patch, so this is 5.x.
inline bool UsesUtcDateTime(ProtocolVersion v) { return v.major >= 5; }

}  // namespace tributary::bolt
