#include "kafka/topic_check.hpp"

#include <gtest/gtest.h>

#include "kafka/client.hpp"
#include "kafka/dev_broker.hpp"
#include "kafka_test_util.hpp"

namespace tributary::kafka {
namespace {

using testing::ClosedLocalPort;
using testing::MillisecondsOf;

// One broker for the suite: stopping a mock cluster can take a second.
class CheckTopicTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto broker = DevBroker::Start();
    ASSERT_TRUE(broker) << broker.Error().message;
    broker_ = std::move(*broker);
  }
  static void TearDownTestSuite() { broker_.reset(); }
  static inline std::unique_ptr<DevBroker> broker_;
};

TEST_F(CheckTopicTest, ExistingTopicReportsItsPartitions) {
  auto* broker = &broker_;
  ASSERT_TRUE((*broker)->CreateTopic("test", 1));
  ASSERT_TRUE((*broker)->CreateTopic("wide", 8));

  auto one = CheckTopic((*broker)->Address(), "test", 3000);
  ASSERT_TRUE(one) << one.Error().message;
  EXPECT_EQ(*one, 1);
  auto eight = CheckTopic((*broker)->Address(), "wide", 3000);
  ASSERT_TRUE(eight) << eight.Error().message;
  EXPECT_EQ(*eight, 8);
}

TEST(CheckTopic, UnreachableBrokerIsReportedWithinTheTimeout) {
  const std::string uri = "127.0.0.1:" + std::to_string(ClosedLocalPort());
  Result<int, KafkaError> result = 0;
  int64_t ms = MillisecondsOf([&] { result = CheckTopic(uri, "test", 1000); });
  ASSERT_FALSE(result);
  EXPECT_EQ(result.Error().kind, KafkaErrorKind::kBrokerNotAvailable);
  EXPECT_EQ(result.Error().message, "broker not available at " + uri);
  EXPECT_GE(ms, 900);
  EXPECT_LT(ms, 4000);
}

TEST_F(CheckTopicTest, MissingTopicIsNotFoundAndNotCreated) {
  auto* broker = &broker_;

  auto missing = CheckTopic((*broker)->Address(), "nope", 3000);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.Error().kind, KafkaErrorKind::kTopicNotFound);
  EXPECT_EQ(missing.Error().message, "topic not found");
  // Looking again proves the first lookup created nothing.
  auto again = CheckTopic((*broker)->Address(), "nope", 3000);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.Error().kind, KafkaErrorKind::kTopicNotFound);
}

// Documents why CheckTopic must use the all-topics listing: asking the mock for
// one topic by name creates it, even with allow.auto.create.topics=false.
TEST_F(CheckTopicTest, MockAutoCreatesTopicsAskedForByName) {
  auto* broker = &broker_;
  auto conf = MakeConf(
      {{"bootstrap.servers", (*broker)->Address()}, {"allow.auto.create.topics", "false"}});
  ASSERT_TRUE(conf);
  auto rk = NewClient(RD_KAFKA_PRODUCER, std::move(*conf));
  ASSERT_TRUE(rk);
  rd_kafka_topic_t* topic = rd_kafka_topic_new(rk->get(), "by-name", nullptr);
  const rd_kafka_metadata_t* raw = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(rk->get(), 0, topic, &raw, 3000);
  MetadataHandle metadata(raw);
  rd_kafka_topic_destroy(topic);
  ASSERT_EQ(err, RD_KAFKA_RESP_ERR_NO_ERROR);

  auto found = CheckTopic((*broker)->Address(), "by-name", 3000);
  ASSERT_TRUE(found) << "librdkafka's mock no longer auto-creates topics; "
                        "update dev_broker.hpp: "
                     << found.Error().message;
  EXPECT_GE(*found, 1);
}

TEST(CheckTopic, RejectsEmptyArguments) {
  auto no_brokers = CheckTopic("", "test", 100);
  ASSERT_FALSE(no_brokers);
  EXPECT_EQ(no_brokers.Error().kind, KafkaErrorKind::kInvalidArgument);
  auto no_topic = CheckTopic("127.0.0.1:1", "", 100);
  ASSERT_FALSE(no_topic);
  EXPECT_EQ(no_topic.Error().kind, KafkaErrorKind::kInvalidArgument);
}

}  // namespace
}  // namespace tributary::kafka
