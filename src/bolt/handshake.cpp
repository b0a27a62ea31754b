#include "bolt/handshake.hpp"

#include <algorithm>
#include <cassert>

namespace tributary::bolt {

namespace {
constexpr ProtocolVersion kSupported[] = {{5, 4}, {5, 3}, {5, 2}, {5, 1}, {5, 0}, {4, 4}, {4, 1}};
}  // namespace

std::span<const ProtocolVersion> SupportedVersions() { return kSupported; }

bool HasMagic(std::span<const uint8_t> handshake) {
  assert(handshake.size() >= 4);
  return std::equal(kMagic.begin(), kMagic.end(), handshake.begin());
}

std::optional<ProtocolVersion> NegotiateVersion(std::span<const uint8_t> proposals,
                                                ProtocolVersion max_version) {
  assert(proposals.size() == 16);
  for (size_t p = 0; p < 4; ++p) {
    const uint8_t range = proposals[4 * p + 1];
    const uint8_t minor = proposals[4 * p + 2];
    const uint8_t major = proposals[4 * p + 3];
    const int lowest_minor = std::max(0, static_cast<int>(minor) - static_cast<int>(range));
    // kSupported is sorted newest first, so the first hit is the highest.
    for (const auto& v : kSupported) {
      if (v > max_version || v.major != major) continue;
      if (v.minor <= minor && v.minor >= lowest_minor) return v;
    }
  }
  return std::nullopt;
}

std::array<uint8_t, 4> EncodeVersionReply(std::optional<ProtocolVersion> version) {
  if (!version) return {0, 0, 0, 0};
  return {0, 0, version->minor, version->major};
}

std::optional<ProtocolVersion> DecodeVersionReply(std::span<const uint8_t> reply) {
  assert(reply.size() == 4);
  if (reply[2] == 0 && reply[3] == 0) return std::nullopt;
  return ProtocolVersion{reply[3], reply[2]};
}

std::string BuildClientHandshake(std::span<const VersionProposal> proposals) {
  assert(proposals.size() <= 4);
  std::string out(kMagic.begin(), kMagic.end());
  for (size_t i = 0; i < 4; ++i) {
    if (i < proposals.size()) {
      out.push_back('\0');
      out.push_back(static_cast<char>(proposals[i].range));
      out.push_back(static_cast<char>(proposals[i].minor));
      out.push_back(static_cast<char>(proposals[i].major));
    } else {
      out.append(4, '\0');
    }
  }
  return out;
}

}  // namespace tributary::bolt
