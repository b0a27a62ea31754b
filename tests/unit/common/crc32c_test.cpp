#include "common/crc32c.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace tributary::crc32c {
namespace {

// Reference vectors from RFC 3720 (iSCSI), appendix B.4.
TEST(Crc32cTest, RfcVectors) {
  std::vector<uint8_t> buf(32, 0);
  EXPECT_EQ(Value(buf.data(), buf.size()), 0x8A9136AAu);
  std::fill(buf.begin(), buf.end(), 0xFF);
  EXPECT_EQ(Value(buf.data(), buf.size()), 0x62A8AB43u);
  for (int i = 0; i < 32; ++i) buf[i] = static_cast<uint8_t>(i);
  EXPECT_EQ(Value(buf.data(), buf.size()), 0x46DD794Eu);
  for (int i = 0; i < 32; ++i) buf[i] = static_cast<uint8_t>(31 - i);
  EXPECT_EQ(Value(buf.data(), buf.size()), 0x113FDB5Cu);
}

TEST(Crc32cTest, CheckValue) {
  const char* s = "123456789";
  EXPECT_EQ(Value(s, std::strlen(s)), 0xE3069283u);
}

TEST(Crc32cTest, EmptyInputIsZero) { EXPECT_EQ(Value("", 0), 0u); }

TEST(Crc32cTest, ExtendEqualsWholeForEverySplit) {
  std::string data;
  for (int i = 0; i < 100; ++i) data.push_back(static_cast<char>(i * 7 + 3));
  uint32_t whole = Value(data.data(), data.size());
  for (size_t split = 0; split <= data.size(); ++split) {
    uint32_t part = Extend(0, data.data(), split);
    EXPECT_EQ(Extend(part, data.data() + split, data.size() - split), whole) << split;
  }
}

TEST(Crc32cTest, UnalignedStartsAgree) {
  std::vector<uint8_t> data(64);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 13);
  for (size_t off = 0; off < 8; ++off) {
    std::vector<uint8_t> copy(data.begin() + off, data.end());
    EXPECT_EQ(Value(data.data() + off, data.size() - off), Value(copy.data(), copy.size()));
  }
}

TEST(Crc32cTest, DetectsSingleBitFlip) {
  std::string data(40, 'a');
  uint32_t base = Value(data.data(), data.size());
  for (size_t i = 0; i < data.size(); ++i) {
    std::string flipped = data;
    flipped[i] ^= 1;
    EXPECT_NE(Value(flipped.data(), flipped.size()), base);
  }
}

}  // namespace
}  // namespace tributary::crc32c
