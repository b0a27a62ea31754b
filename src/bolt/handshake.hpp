#pragma once
// The Bolt handshake: the client sends the magic 60 60 B0 17 and four 4-byte
// proposals [reserved, range, minor, major] (range = how many minor versions
// below `minor` it also accepts); the server answers with one version
// 00 00 minor major, or 00 00 00 00 when none matches. Clients that offer
// the manifest v1 marker get the list of versions instead (see below).

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "bolt/version.hpp"

namespace tributary::bolt {

/// The four bytes that open every Bolt connection.
inline constexpr std::array<uint8_t, 4> kMagic = {0x60, 0x60, 0xB0, 0x17};
/// Magic plus four proposals.
inline constexpr size_t kHandshakeSize = 20;

/// Versions this server implements, newest first: 5.4, 5.3, 5.2, 5.1, 5.0,
/// 4.4, 4.1. (5.5 was never released for negotiation and is never chosen.)
std::span<const ProtocolVersion> SupportedVersions();

/// True when the first four bytes of `handshake` are the Bolt magic.
/// REQUIRES: handshake.size() >= 4.
bool HasMagic(std::span<const uint8_t> handshake);

/// Chooses the version to speak from 16 bytes of proposals: proposals are
/// tried in order; within one, the highest supported version not above
/// `max_version` in [minor - range, minor] wins. Unknown majors (including
/// the 0xFF manifest marker) simply do not match. Returns nullopt when no
/// proposal matches. REQUIRES: proposals.size() == 16.
std::optional<ProtocolVersion> NegotiateVersion(std::span<const uint8_t> proposals,
                                                ProtocolVersion max_version = kNewestVersion);

/// Handshake manifest v1. A client that speaks it offers the marker
/// 00 00 01 FF among its proposals (neo4j-driver 6.x does, first). A server
/// that answers with the marker then sends a varint count, that many version
/// ranges [00, range, minor, major] and a varint capability mask; the client
/// replies with the version it chose (00 00 minor major, or 00 00 00 00 when
/// none suits it) and a varint of the capabilities it wants.
inline constexpr std::array<uint8_t, 4> kManifestV1Marker = {0x00, 0x00, 0x01, 0xFF};

/// True when the manifest marker comes before every proposal that
/// NegotiateVersion would accept. REQUIRES: proposals.size() == 16.
bool OffersManifestV1First(std::span<const uint8_t> proposals,
                           ProtocolVersion max_version = kNewestVersion);

/// The server's manifest v1 answer: the marker, the supported versions not
/// above `max_version` as ranges (newest first), capabilities 0.
std::string EncodeManifestV1(ProtocolVersion max_version = kNewestVersion);

/// True for a version this server implements, not above `max_version`.
bool IsSupportedVersion(ProtocolVersion version, ProtocolVersion max_version = kNewestVersion);

/// The server's 4-byte answer for `version` (00 00 00 00 for nullopt).
std::array<uint8_t, 4> EncodeVersionReply(std::optional<ProtocolVersion> version);

/// Decodes a server's 4-byte answer; nullopt for 00 00 00 00.
/// REQUIRES: reply.size() == 4.
std::optional<ProtocolVersion> DecodeVersionReply(std::span<const uint8_t> reply);

/// One client proposal: `major`.`minor` and `range` minors below it.
struct VersionProposal {
  uint8_t major = 0;
  uint8_t minor = 0;
  uint8_t range = 0;
};

/// Builds a client handshake (magic + up to four proposals, zero-padded).
/// REQUIRES: proposals.size() <= 4.
std::string BuildClientHandshake(std::span<const VersionProposal> proposals);

}  // namespace tributary::bolt
