#include "bolt/handshake.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace tributary::bolt {
namespace {

std::optional<ProtocolVersion> Negotiate(std::vector<uint8_t> proposals,
                                         ProtocolVersion max = kNewestVersion) {
  proposals.resize(16, 0);
  return NegotiateVersion(proposals, max);
}

TEST(HandshakeTest, Neo4jDriver630GetsBolt54) {
  // Manifest marker (ignored), 5.8..5.0, 4.4..4.2, 3.0.
  auto v = Negotiate({0, 0, 1, 0xFF, 0, 8, 8, 5, 0, 2, 4, 4, 0, 0, 0, 3});
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, (ProtocolVersion{5, 4}));
  auto reply = EncodeVersionReply(v);
  EXPECT_EQ(reply, (std::array<uint8_t, 4>{0, 0, 4, 5}));
}

TEST(HandshakeTest, MgconsoleGetsBolt41) {
  auto v = Negotiate({0, 0, 1, 4, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0});
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, (ProtocolVersion{4, 1}));
  EXPECT_EQ(EncodeVersionReply(v), (std::array<uint8_t, 4>{0, 0, 1, 4}));
}

TEST(HandshakeTest, VersionCapFallsThroughToTheNextProposal) {
  auto v = Negotiate({0, 0, 1, 0xFF, 0, 8, 8, 5, 0, 2, 4, 4, 0, 0, 0, 3}, {4, 4});
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, (ProtocolVersion{4, 4}));
  v = Negotiate({0, 8, 8, 5}, {5, 1});
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, (ProtocolVersion{5, 1}));
  EXPECT_FALSE(Negotiate({0, 8, 8, 5}, {4, 4}));
}

TEST(HandshakeTest, RangesExpandDownwards) {
  EXPECT_EQ(*Negotiate({0, 3, 3, 5}), (ProtocolVersion{5, 3}));
  EXPECT_EQ(*Negotiate({0, 1, 5, 5}), (ProtocolVersion{5, 4}));  // 5.5 is never chosen
  EXPECT_EQ(*Negotiate({0, 1, 2, 4}), (ProtocolVersion{4, 1}));  // 4.2..4.1
  EXPECT_EQ(*Negotiate({0, 255, 255, 5}), (ProtocolVersion{5, 4}));
  EXPECT_EQ(*Negotiate({0, 0, 0, 5}), (ProtocolVersion{5, 0}));
}

TEST(HandshakeTest, ProposalsAreTriedInOrder) {
  EXPECT_EQ(*Negotiate({0, 0, 1, 4, 0, 4, 4, 5}), (ProtocolVersion{4, 1}));
  EXPECT_EQ(*Negotiate({0, 0, 3, 4, 0, 0, 2, 5}), (ProtocolVersion{5, 2}));  // 4.3 unsupported
}

TEST(HandshakeTest, NothingMatches) {
  EXPECT_FALSE(Negotiate({0, 0, 5, 5}));  // exactly 5.5
  EXPECT_FALSE(Negotiate({0, 0, 3, 4, 0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 2, 4}));
  EXPECT_FALSE(Negotiate({}));
  EXPECT_FALSE(Negotiate({0, 0, 1, 0xFF}));
  EXPECT_EQ(EncodeVersionReply(std::nullopt), (std::array<uint8_t, 4>{0, 0, 0, 0}));
}

TEST(HandshakeTest, ManifestV1IsUsedOnlyWhenOfferedFirst) {
  std::vector<uint8_t> driver = {0, 0, 1, 0xFF, 0, 8, 8, 5, 0, 2, 4, 4, 0, 0, 0, 3};
  EXPECT_TRUE(OffersManifestV1First(driver));
  EXPECT_TRUE(OffersManifestV1First(driver, {4, 4}));
  std::vector<uint8_t> after = {0, 0, 4, 4, 0, 0, 1, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_FALSE(OffersManifestV1First(after));
  // After a proposal nothing matches, the marker still counts.
  std::vector<uint8_t> late = {0, 0, 0, 3, 0, 0, 1, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_TRUE(OffersManifestV1First(late));
  std::vector<uint8_t> mgclient = {0, 0, 1, 4, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_FALSE(OffersManifestV1First(mgclient));
}

TEST(HandshakeTest, ManifestV1ListsTheSupportedRanges) {
  // Marker, 3 ranges: 5.4..5.0, 4.4, 4.1; capabilities 0.
  EXPECT_EQ(
      EncodeManifestV1(),
      std::string("\x00\x00\x01\xFF\x03\x00\x04\x04\x05\x00\x00\x04\x04\x00\x00\x01\x04\x00", 18));
  EXPECT_EQ(
      EncodeManifestV1({5, 1}),
      std::string("\x00\x00\x01\xFF\x03\x00\x01\x01\x05\x00\x00\x04\x04\x00\x00\x01\x04\x00", 18));
  EXPECT_EQ(EncodeManifestV1({4, 4}),
            std::string("\x00\x00\x01\xFF\x02\x00\x00\x04\x04\x00\x00\x01\x04\x00", 14));
  EXPECT_TRUE(IsSupportedVersion({5, 2}));
  EXPECT_FALSE(IsSupportedVersion({5, 2}, {5, 1}));
  EXPECT_FALSE(IsSupportedVersion({5, 5}));
  EXPECT_FALSE(IsSupportedVersion({4, 2}));
}

TEST(HandshakeTest, ClientHandshakeBytes) {
  VersionProposal proposals[] = {{5, 4, 4}, {4, 4, 0}, {4, 1, 0}};
  EXPECT_EQ(BuildClientHandshake(proposals),
            std::string("\x60\x60\xB0\x17\x00\x04\x04\x05\x00\x00\x04\x04\x00\x00\x01\x04"
                        "\x00\x00\x00\x00",
                        20));
  const std::string hs = BuildClientHandshake(proposals);
  EXPECT_TRUE(HasMagic(std::span(reinterpret_cast<const uint8_t*>(hs.data()), hs.size())));
  uint8_t reply[] = {0, 0, 4, 5};
  EXPECT_EQ(*DecodeVersionReply(reply), (ProtocolVersion{5, 4}));
  uint8_t none[] = {0, 0, 0, 0};
  EXPECT_FALSE(DecodeVersionReply(none));
}

}  // namespace
}  // namespace tributary::bolt
