#include "streams/stream_definition.hpp"

#include <gtest/gtest.h>

#include "streams/stream_state.hpp"

namespace tributary::streams {
namespace {

TEST(ValidateKafkaUri, AcceptsHostPortLists) {
  EXPECT_EQ(ValidateKafkaUri("localhost:9092"), std::nullopt);
  EXPECT_EQ(ValidateKafkaUri("127.0.0.1:1,kafka-2.example.com:65535"), std::nullopt);
  EXPECT_EQ(ValidateKafkaUri("[::1]:9092"), std::nullopt);
}

TEST(ValidateKafkaUri, RejectsWhatIsNotHostPort) {
  EXPECT_EQ(ValidateKafkaUri(""), "the Kafka URI is empty");
  EXPECT_EQ(ValidateKafkaUri("localhost"), "'localhost' is not host:port");
  EXPECT_EQ(ValidateKafkaUri(":9092"), "':9092' is not host:port");
  EXPECT_EQ(ValidateKafkaUri("localhost:"), "'localhost:' is not host:port");
  EXPECT_EQ(ValidateKafkaUri("localhost:port"), "'localhost:port' has no valid port");
  EXPECT_EQ(ValidateKafkaUri("localhost:0"), "'localhost:0' has no valid port");
  EXPECT_EQ(ValidateKafkaUri("localhost:70000"), "'localhost:70000' has no valid port");
  EXPECT_EQ(ValidateKafkaUri("a:1,"), "'' is not host:port");
  EXPECT_EQ(ValidateKafkaUri("a:1, b:2"), "' b:2' is not host:port");
  EXPECT_EQ(ValidateKafkaUri("http://x:1"), "'http://x:1' is not host:port");
}

TEST(FormatUnixMs, IsIso8601Utc) {
  EXPECT_EQ(FormatUnixMs(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatUnixMs(1714565405123), "2024-05-01T12:10:05.123Z");
}

TEST(StreamState, KeepsTheLastErrorAfterRecovery) {
  StreamState state;
  EXPECT_EQ(state.Status(), StreamStatus::kStopped);
  state.SetRunning();
  state.SetError("broker not available at x:1", 42);
  EXPECT_EQ(state.Status(), StreamStatus::kError);
  state.SetRunning();
  auto snapshot = state.Get();
  EXPECT_EQ(snapshot.status, StreamStatus::kRunning);
  EXPECT_EQ(snapshot.last_error, "broker not available at x:1");
  EXPECT_EQ(snapshot.last_error_ms, 42);
  EXPECT_EQ(StatusName(StreamStatus::kStopped), "stopped");
  EXPECT_EQ(StatusName(StreamStatus::kRunning), "running");
  EXPECT_EQ(StatusName(StreamStatus::kError), "error");
}

TEST(StreamState, BoundsItsTimings) {
  StreamState state;
  for (size_t i = 0; i < StreamState::kMaxTimings + 10; ++i) state.AddTimings(double(i), 1.0);
  auto timings = state.GetTimings();
  ASSERT_EQ(timings.apply_ms.size(), StreamState::kMaxTimings);
  EXPECT_EQ(timings.apply_ms.front(), 10.0);
  state.ClearTimings();
  EXPECT_TRUE(state.GetTimings().apply_ms.empty());
}

}  // namespace
}  // namespace tributary::streams
