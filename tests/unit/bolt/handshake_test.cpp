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
