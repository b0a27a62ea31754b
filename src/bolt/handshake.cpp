#include "bolt/handshake.hpp"

#include <algorithm>
#include <cassert>
#include <utility>
#include <vector>

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

bool OffersManifestV1First(std::span<const uint8_t> proposals, ProtocolVersion max_version) {
  assert(proposals.size() == 16);
  for (size_t p = 0; p < 4; ++p) {
    auto slot = proposals.subspan(4 * p, 4);
    if (std::equal(slot.begin(), slot.end(), kManifestV1Marker.begin())) return true;
    std::array<uint8_t, 16> alone{};
    std::copy(slot.begin(), slot.end(), alone.begin());
    if (NegotiateVersion(alone, max_version)) return false;
  }
  return false;
}

std::string EncodeManifestV1(ProtocolVersion max_version) {
  // Ranges of consecutive minors of one major, newest first.
  std::vector<std::pair<ProtocolVersion, uint8_t>> ranges;  // (top, range)
  for (const auto& v : kSupported) {
    if (v > max_version) continue;
    if (!ranges.empty()) {
      auto& [top, range] = ranges.back();
      if (top.major == v.major && top.minor - range - 1 == v.minor) {
        ++range;
        continue;
      }
    }
    ranges.push_back({v, 0});
  }
  std::string out(kManifestV1Marker.begin(), kManifestV1Marker.end());
  out.push_back(static_cast<char>(ranges.size()));  // a varint; always < 128
  for (const auto& [top, range] : ranges) {
    out.push_back('\0');
    out.push_back(static_cast<char>(range));
    out.push_back(static_cast<char>(top.minor));
    out.push_back(static_cast<char>(top.major));
  }
  out.push_back('\0');  // capabilities: none
  return out;
}

bool IsSupportedVersion(ProtocolVersion version, ProtocolVersion max_version) {
  return version <= max_version &&
         std::find(std::begin(kSupported), std::end(kSupported), version) != std::end(kSupported);
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
