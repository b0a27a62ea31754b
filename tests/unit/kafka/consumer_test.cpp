#include "kafka/consumer.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "kafka/dev_broker.hpp"
#include "kafka/producer.hpp"
#include "kafka/topic_check.hpp"
#include "kafka_test_util.hpp"

namespace tributary::kafka {
namespace {

using testing::ClosedLocalPort;
using testing::MillisecondsOf;
using testing::WaitFor;

// One broker for the suite (stopping a mock cluster can take a second); each
// test uses topics named after itself.
class ConsumerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto broker = DevBroker::Start();
    ASSERT_TRUE(broker) << broker.Error().message;
    shared_broker_ = std::move(*broker);
  }
  static void TearDownTestSuite() { shared_broker_.reset(); }

  void SetUp() override {
    broker_ = shared_broker_.get();
    ASSERT_NE(broker_, nullptr);
    auto producer = Producer::Create(broker_->Address());
    ASSERT_TRUE(producer) << producer.Error().message;
    producer_ = std::move(*producer);
  }

  // A topic name unique to the running test.
  static std::string Topic(const std::string& suffix = "") {
    return std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + suffix;
  }

  void Produce(const std::string& topic, int32_t partition, int from, int to) {
    for (int i = from; i < to; ++i) {
      ASSERT_TRUE(producer_->Produce(topic, partition, std::to_string(i)));
    }
    auto flushed = producer_->Flush(5000);
    ASSERT_TRUE(flushed) << flushed.Error().message;
  }

  std::unique_ptr<Consumer> MakeConsumer(const std::string& topic, bool read_only = false) {
    ConsumerOptions options;
    options.brokers = broker_->Address();
    options.topic = topic;
    options.group_id = read_only ? ThrowawayGroupId("s") : DefaultGroupId(Topic());
    options.read_only = read_only;
    options.status_interval_ms = 100;
    auto consumer = Consumer::Create(std::move(options));
    EXPECT_TRUE(consumer) << consumer.Error().message;
    return consumer ? std::move(*consumer) : nullptr;
  }

  // Polls until `count` messages arrived (or 10 s passed).
  static std::vector<Message> Collect(Consumer& consumer, size_t count, PartitionOffsets* ends) {
    std::vector<Message> all;
    WaitFor(
        [&] {
          auto batch = consumer.PollBatch(count - all.size(), 200);
          EXPECT_TRUE(batch);
          if (!batch) return true;
          for (auto& m : batch->messages) all.push_back(std::move(m));
          if (ends != nullptr) {
            for (auto [p, o] : batch->end_offsets) (*ends)[p] = o;
          }
          return all.size() >= count;
        },
        10000);
    return all;
  }

  static inline std::unique_ptr<DevBroker> shared_broker_;
  DevBroker* broker_ = nullptr;
  std::unique_ptr<Producer> producer_;
};

TEST_F(ConsumerTest, ReadsFromTheBeginningWithOffsetsAndEndOffsets) {
  ASSERT_TRUE(broker_->CreateTopic(Topic(), 1));
  Produce(Topic(), 0, 0, 10);
  auto consumer = MakeConsumer(Topic());
  ASSERT_TRUE(consumer->Start({}));
  EXPECT_EQ(consumer->PartitionCount(), 1);

  PartitionOffsets ends;
  std::vector<Message> all = Collect(*consumer, 10, &ends);
  ASSERT_EQ(all.size(), 10u);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(all[i].value, std::to_string(i));
    EXPECT_EQ(all[i].partition, 0);
    EXPECT_EQ(all[i].offset, i);
    EXPECT_GT(all[i].timestamp_ms, 0);
  }
  EXPECT_EQ(ends, (PartitionOffsets{{0, 10}}));
}

TEST_F(ConsumerTest, BatchIsTakenWhenFull) {
  ASSERT_TRUE(broker_->CreateTopic(Topic(), 1));
  Produce(Topic(), 0, 0, 10);
  auto consumer = MakeConsumer(Topic());
  ASSERT_TRUE(consumer->Start({}));
  Result<Batch, KafkaError> batch = Batch{};
  int64_t ms = MillisecondsOf([&] { batch = consumer->PollBatch(4, 5000); });
  ASSERT_TRUE(batch);
  ASSERT_EQ(batch->messages.size(), 4u);
  EXPECT_LT(ms, 4000) << "a full batch must not wait for the interval";
  EXPECT_EQ(batch->messages[3].offset, 3);
  EXPECT_EQ(batch->end_offsets, (PartitionOffsets{{0, 4}}));
  // The next batch continues where this one ended.
  auto next = consumer->PollBatch(4, 5000);
  ASSERT_TRUE(next);
  ASSERT_FALSE(next->messages.empty());
  EXPECT_EQ(next->messages[0].offset, 4);
}

TEST_F(ConsumerTest, BatchIsTakenWhenTheIntervalElapses) {
  ASSERT_TRUE(broker_->CreateTopic(Topic(), 1));
  Produce(Topic(), 0, 0, 3);
  auto consumer = MakeConsumer(Topic());
  ASSERT_TRUE(consumer->Start({}));
  // Let the three messages arrive, then ask for many more than exist.
  std::vector<Message> first = Collect(*consumer, 1, nullptr);
  ASSERT_EQ(first.size(), 1u);
  Result<Batch, KafkaError> batch = Batch{};
  int64_t ms = MillisecondsOf([&] { batch = consumer->PollBatch(1000, 400); });
  ASSERT_TRUE(batch);
  EXPECT_EQ(batch->messages.size(), 2u);
  EXPECT_GE(ms, 350);
  EXPECT_LT(ms, 2500);
  // Nothing left: an empty batch after the interval.
  ms = MillisecondsOf([&] { batch = consumer->PollBatch(1000, 300); });
  ASSERT_TRUE(batch);
  EXPECT_TRUE(batch->messages.empty());
  EXPECT_TRUE(batch->end_offsets.empty());
  EXPECT_GE(ms, 250);
}

TEST_F(ConsumerTest, ResumesFromGivenOffsets) {
  ASSERT_TRUE(broker_->CreateTopic(Topic(), 1));
  Produce(Topic(), 0, 0, 10);
  auto consumer = MakeConsumer(Topic());
  ASSERT_TRUE(consumer->Start({{0, 7}}));
  std::vector<Message> all = Collect(*consumer, 3, nullptr);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].offset, 7);
  EXPECT_EQ(all[0].value, "7");
  EXPECT_EQ(all[2].offset, 9);
}

TEST_F(ConsumerTest, SeekRepositionsAndDropsPrefetchedMessages) {
  ASSERT_TRUE(broker_->CreateTopic(Topic(), 1));
  Produce(Topic(), 0, 0, 20);
  auto consumer = MakeConsumer(Topic());
  ASSERT_TRUE(consumer->Start({}));
  std::vector<Message> first = Collect(*consumer, 5, nullptr);
  ASSERT_EQ(first.size(), 5u);
  ASSERT_TRUE(consumer->Seek({{0, 2}}));
  std::vector<Message> again = Collect(*consumer, 18, nullptr);
  ASSERT_EQ(again.size(), 18u);
  for (size_t i = 0; i < again.size(); ++i) EXPECT_EQ(again[i].offset, int64_t(i) + 2);
}

TEST_F(ConsumerTest, MultiPartitionTopicKeepsPerPartitionOrder) {
  ASSERT_TRUE(broker_->CreateTopic(Topic(), 4));
  for (int32_t p = 0; p < 4; ++p) Produce(Topic(), p, p * 100, p * 100 + 10);
  auto consumer = MakeConsumer(Topic());
  // Partition 0 resumes at 10 (nothing left), 1 at 5, 2 and 3 from the start.
  ASSERT_TRUE(consumer->Start({{0, 10}, {1, 5}}));
  EXPECT_EQ(consumer->PartitionCount(), 4);
  PartitionOffsets ends;
  std::vector<Message> all = Collect(*consumer, 25, &ends);
  ASSERT_EQ(all.size(), 25u);
  std::map<int32_t, int64_t> last;
  std::map<int32_t, int> count;
  for (const Message& m : all) {
    if (last.count(m.partition)) {
      EXPECT_EQ(m.offset, last[m.partition] + 1);
    }
    last[m.partition] = m.offset;
    ++count[m.partition];
    EXPECT_EQ(m.value, std::to_string(m.partition * 100 + m.offset));
  }
  EXPECT_EQ(count, (std::map<int32_t, int>{{1, 5}, {2, 10}, {3, 10}}));
  EXPECT_EQ(ends, (PartitionOffsets{{1, 10}, {2, 10}, {3, 10}}));
}

TEST_F(ConsumerTest, CommitToGroupIsVisibleToTheGroup) {
  ASSERT_TRUE(broker_->CreateTopic(Topic(), 2));
  Produce(Topic(), 0, 0, 3);
  auto consumer = MakeConsumer(Topic());
  ASSERT_TRUE(consumer->Start({}));
  Collect(*consumer, 3, nullptr);
  ASSERT_TRUE(consumer->CommitToGroup({{0, 3}, {1, 0}}));
  // Let the async commit be sent and its result served.
  (void)consumer->PollBatch(1, 300);

  auto conf =
      MakeConf({{"bootstrap.servers", broker_->Address()}, {"group.id", DefaultGroupId(Topic())}});
  ASSERT_TRUE(conf);
  auto rk = NewClient(RD_KAFKA_CONSUMER, std::move(*conf));
  ASSERT_TRUE(rk);
  PartitionListHandle list(rd_kafka_topic_partition_list_new(2));
  rd_kafka_topic_partition_list_add(list.get(), Topic().c_str(), 0);
  rd_kafka_topic_partition_list_add(list.get(), Topic().c_str(), 1);
  ASSERT_EQ(rd_kafka_committed(rk->get(), list.get(), 5000), RD_KAFKA_RESP_ERR_NO_ERROR);
  EXPECT_EQ(list->elems[0].offset, 3);
  EXPECT_EQ(list->elems[1].offset, 0);
  rd_kafka_consumer_close(rk->get());
}

TEST_F(ConsumerTest, ReadOnlyConsumerUsesAThrowawayGroupAndNeverCommits) {
  ASSERT_TRUE(broker_->CreateTopic(Topic(), 1));
  Produce(Topic(), 0, 0, 2);
  auto consumer = MakeConsumer(Topic(), /*read_only=*/true);
  EXPECT_EQ(consumer->Options().group_id.rfind("tributary-s-test-", 0), 0u);
  EXPECT_NE(ThrowawayGroupId("s"), ThrowawayGroupId("s"));
  ASSERT_TRUE(consumer->Start({{0, 1}}));
  std::vector<Message> all = Collect(*consumer, 1, nullptr);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].value, "1");
  auto commit = consumer->CommitToGroup({{0, 2}});
  ASSERT_FALSE(commit);
  EXPECT_EQ(commit.Error().kind, KafkaErrorKind::kInvalidArgument);
}

TEST_F(ConsumerTest, StartOnMissingTopicFailsWithoutCreatingIt) {
  auto consumer = MakeConsumer(Topic());
  auto started = consumer->Start({});
  ASSERT_FALSE(started);
  EXPECT_EQ(started.Error().kind, KafkaErrorKind::kTopicNotFound);
  auto check = CheckTopic(broker_->Address(), Topic(), 3000);
  ASSERT_FALSE(check);
  EXPECT_EQ(check.Error().kind, KafkaErrorKind::kTopicNotFound);
}

TEST(Consumer, StartOnUnreachableBrokerFails) {
  ConsumerOptions options;
  options.brokers = "127.0.0.1:" + std::to_string(ClosedLocalPort());
  options.topic = "t";
  options.group_id = DefaultGroupId("s");
  options.metadata_timeout_ms = 800;
  auto consumer = Consumer::Create(options);
  ASSERT_TRUE(consumer);
  auto started = (*consumer)->Start({});
  ASSERT_FALSE(started);
  EXPECT_EQ(started.Error().kind, KafkaErrorKind::kBrokerNotAvailable);
  EXPECT_EQ(started.Error().message, "broker not available at " + options.brokers);
  EXPECT_EQ((*consumer)->Status().broker, BrokerState::kNotAvailable);
}

// A stream being stopped while its consumer waits for a hanging broker must
// not wait out the whole metadata timeout (STOP STREAM and shutdown stay quick).
TEST(Consumer, StartOnHangingBrokerGivesUpWhenCancelled) {
  testing::SilentLocalListener hanging;
  ConsumerOptions options;
  options.brokers = "127.0.0.1:" + std::to_string(hanging.Port());
  options.topic = "t";
  options.group_id = DefaultGroupId("s");
  options.metadata_timeout_ms = 20000;
  auto consumer = Consumer::Create(options);
  ASSERT_TRUE(consumer);
  const auto begin = std::chrono::steady_clock::now();
  const auto cancelled = [&] {
    return std::chrono::steady_clock::now() - begin > std::chrono::milliseconds(300);
  };
  Result<void, KafkaError> started;
  const int64_t ms = MillisecondsOf([&] { started = (*consumer)->Start({}, cancelled); });
  ASSERT_FALSE(started);
  EXPECT_EQ(started.Error().kind, KafkaErrorKind::kCancelled);
  EXPECT_GE(ms, 300);
  // Gives up within a couple of kCancelCheckMs slices, far below the 20 s timeout.
  EXPECT_LT(ms, 300 + 10 * kCancelCheckMs);
}

TEST(Consumer, RejectsIncompleteOptions) {
  auto consumer = Consumer::Create(ConsumerOptions{});
  ASSERT_FALSE(consumer);
  EXPECT_EQ(consumer.Error().kind, KafkaErrorKind::kInvalidArgument);
}

TEST_F(ConsumerTest, BrokerOutageIsReportedAndIngestionResumes) {
  // Its own broker: the outage must not touch the other tests' broker.
  auto own = DevBroker::Start();
  ASSERT_TRUE(own);
  broker_ = own->get();
  auto producer = Producer::Create(broker_->Address());
  ASSERT_TRUE(producer);
  producer_ = std::move(*producer);
  ASSERT_TRUE(broker_->CreateTopic(Topic(), 1));
  Produce(Topic(), 0, 0, 2);
  auto consumer = MakeConsumer(Topic());
  ASSERT_TRUE(consumer->Start({}));
  ASSERT_EQ(Collect(*consumer, 2, nullptr).size(), 2u);
  ASSERT_TRUE(WaitFor(
      [&] {
        (void)consumer->PollBatch(10, 50);
        return consumer->Status().broker == BrokerState::kUp;
      },
      5000));

  ASSERT_TRUE(broker_->SetDown());
  bool reported = WaitFor(
      [&] {
        auto batch = consumer->PollBatch(10, 50);
        EXPECT_TRUE(batch);
        return consumer->Status().broker == BrokerState::kNotAvailable;
      },
      8000);
  ASSERT_TRUE(reported) << BrokerStateName(consumer->Status().broker);
  EXPECT_EQ(BrokerStateName(consumer->Status().broker), "broker not available");
  EXPECT_FALSE(consumer->Status().last_error.empty());

  ASSERT_TRUE(broker_->SetUp());
  Produce(Topic(), 0, 2, 4);
  std::vector<Message> after = Collect(*consumer, 2, nullptr);
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[0].offset, 2);
  EXPECT_TRUE(WaitFor(
      [&] {
        (void)consumer->PollBatch(10, 50);
        return consumer->Status().broker == BrokerState::kUp;
      },
      5000));
  consumer.reset();
  producer_.reset();
}

TEST_F(ConsumerTest, DestroyingDuringAnOutageDoesNotHang) {
  auto own = DevBroker::Start();
  ASSERT_TRUE(own);
  broker_ = own->get();
  auto producer = Producer::Create(broker_->Address());
  ASSERT_TRUE(producer);
  producer_ = std::move(*producer);
  ASSERT_TRUE(broker_->CreateTopic(Topic(), 2));
  Produce(Topic(), 0, 0, 3);
  auto consumer = MakeConsumer(Topic());
  ASSERT_TRUE(consumer->Start({}));
  PartitionOffsets ends;
  ASSERT_EQ(Collect(*consumer, 3, &ends).size(), 3u);
  ASSERT_TRUE(broker_->SetDown());
  // A commit that can never complete is in flight when the consumer goes away.
  ASSERT_TRUE(consumer->CommitToGroup(ends));
  (void)consumer->PollBatch(10, 100);
  int64_t ms = MillisecondsOf([&] { consumer.reset(); });
  EXPECT_LT(ms, 6000);
  producer_.reset();
}

}  // namespace
}  // namespace tributary::kafka
