#include "bolt/chunking.hpp"

#include <gtest/gtest.h>

#include <random>

namespace tributary::bolt {
namespace {

std::vector<Dechunker::Event> FeedAll(Dechunker& d, std::string_view bytes, size_t piece) {
  std::vector<Dechunker::Event> events;
  while (!bytes.empty()) {
    const size_t n = std::min(piece, bytes.size());
    d.Feed(bytes.substr(0, n), &events);
    bytes.remove_prefix(n);
  }
  return events;
}

TEST(ChunkingTest, SmallMessageIsOneChunkAndAnEndMarker) {
  std::string out;
  AppendChunked("\xB0\x0F", &out);
  EXPECT_EQ(out, std::string("\x00\x02\xB0\x0F\x00\x00", 6));
}

TEST(ChunkingTest, LargeMessagesAreSplitAt65535) {
  for (size_t size : {65534, 65535, 65536, 131070, 131071, 200000}) {
    std::string message(size, '\0');
    for (size_t i = 0; i < size; ++i) message[i] = static_cast<char>(i * 7);
    std::string out;
    AppendChunked(message, &out);
    // Walk the chunks: every one but the last is full.
    size_t pos = 0;
    size_t total = 0;
    size_t chunks = 0;
    for (;;) {
      const size_t n = (static_cast<uint8_t>(out[pos]) << 8) | static_cast<uint8_t>(out[pos + 1]);
      pos += 2;
      if (n == 0) break;
      ++chunks;
      EXPECT_LE(n, kMaxChunkSize);
      if (total + n < size) {
        EXPECT_EQ(n, kMaxChunkSize);
      }
      total += n;
      pos += n;
    }
    EXPECT_EQ(pos, out.size());
    EXPECT_EQ(total, size);
    EXPECT_EQ(chunks, (size + kMaxChunkSize - 1) / kMaxChunkSize);
    Dechunker d(1 << 20);
    auto events = FeedAll(d, out, 4096);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].kind, Dechunker::EventKind::kMessage);
    EXPECT_EQ(events[0].message, message);
    EXPECT_TRUE(d.Idle());
  }
}

TEST(ChunkingTest, ReassemblesAcrossArbitrarySplits) {
  std::string stream;
  std::vector<std::string> messages;
  std::mt19937 rng(7);
  for (int i = 0; i < 50; ++i) {
    std::string m(1 + rng() % 3000, '\0');
    for (auto& c : m) c = static_cast<char>(rng());
    messages.push_back(m);
    AppendChunked(m, &stream, 1 + rng() % 700);    // senders may use small chunks
    if (i % 7 == 0) stream.append("\x00\x00", 2);  // NOOP keep-alive
  }
  for (size_t piece : {1, 2, 3, 17, 1000, 1 << 20}) {
    Dechunker d(1 << 20);
    auto events = FeedAll(d, stream, piece);
    ASSERT_EQ(events.size(), messages.size()) << "piece " << piece;
    for (size_t i = 0; i < messages.size(); ++i) EXPECT_EQ(events[i].message, messages[i]);
    EXPECT_TRUE(d.Idle());
  }
}

TEST(ChunkingTest, OversizeMessageIsSkippedAndTheStreamStaysInSync) {
  std::string stream;
  AppendChunked(std::string(150, 'a'), &stream, 50);
  AppendChunked("next", &stream);
  AppendChunked(std::string(100, 'b'), &stream, 60);  // exactly the limit
  Dechunker d(100);
  auto events = FeedAll(d, stream, 7);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].kind, Dechunker::EventKind::kOversize);
  EXPECT_EQ(events[0].size, 150u);
  EXPECT_TRUE(events[0].message.empty());
  EXPECT_EQ(events[1].kind, Dechunker::EventKind::kMessage);
  EXPECT_EQ(events[1].message, "next");
  EXPECT_EQ(events[2].kind, Dechunker::EventKind::kMessage);
  EXPECT_EQ(events[2].message, std::string(100, 'b'));
}

TEST(ChunkingTest, PartialInputIsNotIdle) {
  Dechunker d(100);
  std::vector<Dechunker::Event> events;
  d.Feed(std::string("\x00", 1), &events);
  EXPECT_FALSE(d.Idle());
  d.Feed(std::string("\x02"
                     "ab",
                     3),
         &events);
  EXPECT_FALSE(d.Idle());
  EXPECT_TRUE(events.empty());
  d.Feed(std::string("\x00\x00", 2), &events);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].message, "ab");
  EXPECT_TRUE(d.Idle());
}

}  // namespace
}  // namespace tributary::bolt
