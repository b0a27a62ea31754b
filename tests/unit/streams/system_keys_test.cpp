#include "streams/system_keys.hpp"

#include <gtest/gtest.h>

namespace tributary::streams {
namespace {

StreamDefinition SampleDefinition() {
  StreamDefinition d;
  d.name = "my stream/1";
  d.kafka_uri = "localhost:9092,other:9093";
  d.topic = "test";
  d.transform_uri = "http://localhost/transform.py";
  d.script = "def stream(batch):\n    return [(\"RETURN 1\", {\"s\": \"\\u00e9\"})]  # é\n";
  d.batch_interval_ms = 250;
  d.batch_size = 7;
  d.consumer_group = "tributary-my stream/1";
  d.created_at_ms = 1714560000123;
  return d;
}

TEST(SystemKeys, KeysArePrefixPlusName) {
  EXPECT_EQ(DefinitionKey("s"), "streams/definition/s");
  EXPECT_EQ(ControlKey("s"), "streams/control/s");
  EXPECT_EQ(ProgressKey("a/b"), "streams/progress/a/b");
}

TEST(SystemKeys, DefinitionRoundTrips) {
  const StreamDefinition d = SampleDefinition();
  auto encoded = EncodeDefinition(d);
  ASSERT_TRUE(encoded) << encoded.Error();
  auto decoded = DecodeDefinition(*encoded);
  ASSERT_TRUE(decoded) << decoded.Error();
  EXPECT_EQ(*decoded, d);
}

TEST(SystemKeys, DefinitionWithInvalidUtf8ScriptIsRefused) {
  StreamDefinition d = SampleDefinition();
  d.script = "x = '\xff'\n";
  auto encoded = EncodeDefinition(d);
  ASSERT_FALSE(encoded);
  EXPECT_EQ(encoded.Error(), "the transform script is not valid UTF-8");
}

TEST(SystemKeys, DamagedDefinitionsAreErrorsNamingTheProblem) {
  EXPECT_FALSE(DecodeDefinition(""));
  EXPECT_FALSE(DecodeDefinition("[1,2]"));
  auto no_version = DecodeDefinition(R"({"name":"s"})");
  ASSERT_FALSE(no_version);
  EXPECT_EQ(no_version.Error(), "stream definition: no version");
  auto future = DecodeDefinition(R"({"version":2})");
  ASSERT_FALSE(future);
  EXPECT_EQ(future.Error(), "stream definition: version 2 is not supported (newest 1)");
  auto encoded = *EncodeDefinition(SampleDefinition());
  auto missing = encoded;
  missing.replace(missing.find("\"topic\""), 7, "\"topix\"");
  auto decoded = DecodeDefinition(missing);
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.Error(), "stream definition: field 'topic' missing");
  auto wrong_type = encoded;
  wrong_type.replace(wrong_type.find("\"batch_size\":7"), 14, "\"batch_size\":\"7\"");
  decoded = DecodeDefinition(wrong_type);
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.Error(), "stream definition: field 'batch_size' has the wrong type");
}

TEST(SystemKeys, ControlRoundTrips) {
  StreamControl stopped;
  EXPECT_EQ(*DecodeControl(EncodeControl(stopped)), stopped);
  StreamControl running;
  running.desired = DesiredState::kRunning;
  running.limit_batches = 3;
  running.limit_base = 17;
  EXPECT_EQ(*DecodeControl(EncodeControl(running)), running);
  StreamControl failed;
  failed.desired = DesiredState::kFailed;
  failed.error = "Transform s: ValueError: \"bad\"\nmessage";
  failed.error_time_ms = 1714560000999;
  EXPECT_EQ(*DecodeControl(EncodeControl(failed)), failed);
}

TEST(SystemKeys, ControlWithBadValuesIsAnError) {
  auto unknown = DecodeControl(
      R"({"version":1,"desired":"paused","limit_batches":null,"limit_base":0,"error":"","error_time_ms":0})");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.Error(), "stream control state: unknown desired state 'paused'");
  EXPECT_FALSE(DecodeControl(
      R"({"version":1,"desired":"running","limit_batches":0,"limit_base":0,"error":"","error_time_ms":0})"));
}

TEST(SystemKeys, ProgressRoundTripsAndHasAFixedShape) {
  StreamProgress p;
  p.offsets = {{0, 12}, {1, 0}, {31, 99999}};
  p.messages = 100111;
  p.batches = 101;
  const std::string encoded = EncodeProgress(p);
  EXPECT_EQ(encoded,
            R"({"version":1,"offsets":{"0":12,"1":0,"31":99999},"messages":100111,"batches":101})");
  EXPECT_EQ(*DecodeProgress(encoded), p);
  EXPECT_EQ(*DecodeProgress(EncodeProgress(StreamProgress{})), StreamProgress{});
}

TEST(SystemKeys, ProgressWithBadPartitionsIsAnError) {
  auto bad = DecodeProgress(R"({"version":1,"offsets":{"x":1},"messages":0,"batches":0})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.Error(), "stream progress: 'x' is not a partition number");
  EXPECT_FALSE(DecodeProgress(R"({"version":1,"offsets":{"0":-1},"messages":0,"batches":0})"));
  EXPECT_FALSE(DecodeProgress(R"({"version":1,"messages":0,"batches":0})"));
}

}  // namespace
}  // namespace tributary::streams
