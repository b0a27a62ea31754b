#include "streams/batch_collector.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <thread>

namespace tributary::streams {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// A consumer whose messages become available at given times after creation.
class FakeTopic {
 public:
  FakeTopic() : start_(Clock::now()) {}

  void Add(milliseconds at, int32_t partition, std::string value) {
    kafka::Message m;
    m.value = std::move(value);
    m.partition = partition;
    m.offset = next_offset_[partition]++;
    pending_.push_back({start_ + at, std::move(m)});
  }
  void FailNextPoll() { fail_next_ = true; }

  PollFunction Poll() {
    return [this](size_t max_messages, int max_wait_ms) -> Result<kafka::Batch, kafka::KafkaError> {
      ++polls_;
      if (fail_next_) {
        fail_next_ = false;
        return MakeError(
            kafka::KafkaError{kafka::KafkaErrorKind::kTopicNotFound, "topic not found"});
      }
      const auto deadline = Clock::now() + milliseconds(max_wait_ms);
      kafka::Batch batch;
      while (true) {
        while (!pending_.empty() && pending_.front().first <= Clock::now() &&
               batch.messages.size() < max_messages) {
          kafka::Message m = std::move(pending_.front().second);
          pending_.pop_front();
          batch.end_offsets[m.partition] = m.offset + 1;
          batch.messages.push_back(std::move(m));
        }
        if (batch.messages.size() >= max_messages || Clock::now() >= deadline) return batch;
        std::this_thread::sleep_for(milliseconds(2));
      }
    };
  }
  int polls() const { return polls_; }
  milliseconds Elapsed() const {
    return std::chrono::duration_cast<milliseconds>(Clock::now() - start_);
  }

 private:
  Clock::time_point start_;
  std::deque<std::pair<Clock::time_point, kafka::Message>> pending_;
  std::map<int32_t, int64_t> next_offset_;
  bool fail_next_ = false;
  int polls_ = 0;
};

const auto kAlways = [] { return true; };

TEST(CollectBatch, TakesTheBatchWhenTheSizeIsReached) {
  FakeTopic topic;
  for (int i = 0; i < 5; ++i) topic.Add(milliseconds(0), 0, std::to_string(i));
  CollectOptions options;
  options.batch_size = 3;
  options.interval = milliseconds(10'000);
  Collected c = CollectBatch(topic.Poll(), options, kAlways);
  ASSERT_FALSE(c.error);
  ASSERT_EQ(c.batch.messages.size(), 3u);
  EXPECT_EQ(c.batch.messages[0].value, "0");
  EXPECT_EQ(c.batch.messages[2].value, "2");
  EXPECT_EQ(c.batch.end_offsets.at(0), 3);
  EXPECT_LT(topic.Elapsed(), milliseconds(1000));
  // The next batch starts where this one ended.
  Collected next =
      CollectBatch(topic.Poll(), options, [&] { return topic.Elapsed() < milliseconds(300); });
  ASSERT_EQ(next.batch.messages.size(), 2u);
  EXPECT_EQ(next.batch.messages[0].value, "3");
}

TEST(CollectBatch, TakesWhatArrivedWhenTheIntervalPasses) {
  FakeTopic topic;
  topic.Add(milliseconds(0), 0, "a");
  topic.Add(milliseconds(50), 1, "b");
  CollectOptions options;
  options.batch_size = 1000;
  options.interval = milliseconds(300);
  Collected c = CollectBatch(topic.Poll(), options, kAlways);
  ASSERT_EQ(c.batch.messages.size(), 2u);
  EXPECT_GE(topic.Elapsed(), milliseconds(290));
  EXPECT_LT(topic.Elapsed(), milliseconds(2000));
  // end_offsets merge partitions seen in different polls.
  EXPECT_EQ(c.batch.end_offsets.size(), 2u);
  EXPECT_EQ(c.batch.end_offsets.at(0), 1);
  EXPECT_EQ(c.batch.end_offsets.at(1), 1);
}

TEST(CollectBatch, AnEmptyIntervalStartsANewOne) {
  FakeTopic topic;
  topic.Add(milliseconds(350), 0, "late");
  CollectOptions options;
  options.batch_size = 10;
  options.interval = milliseconds(100);
  Collected c = CollectBatch(topic.Poll(), options, kAlways);
  ASSERT_EQ(c.batch.messages.size(), 1u);
  // Taken at the end of the interval in which it arrived, never before it did.
  EXPECT_GE(topic.Elapsed(), milliseconds(350));
  EXPECT_LT(topic.Elapsed(), milliseconds(1500));
}

TEST(CollectBatch, PollsInSlicesSoStoppingIsPrompt) {
  FakeTopic topic;
  CollectOptions options;
  options.interval = milliseconds(60'000);
  options.slice = milliseconds(50);
  Collected c =
      CollectBatch(topic.Poll(), options, [&] { return topic.Elapsed() < milliseconds(200); });
  EXPECT_TRUE(c.batch.messages.empty());
  EXPECT_FALSE(c.error);
  EXPECT_LT(topic.Elapsed(), milliseconds(1000));
  EXPECT_GE(topic.polls(), 3);
}

TEST(CollectBatch, GivesUpWhenNothingArrivesInTime) {
  FakeTopic topic;
  CollectOptions options;
  options.interval = milliseconds(100);
  options.give_up_at = Clock::now() + milliseconds(250);
  Collected c = CollectBatch(topic.Poll(), options, kAlways);
  EXPECT_TRUE(c.batch.messages.empty());
  EXPECT_GE(topic.Elapsed(), milliseconds(240));
  EXPECT_LT(topic.Elapsed(), milliseconds(1500));
}

TEST(CollectBatch, DoesNotGiveUpOnceAMessageArrived) {
  FakeTopic topic;
  topic.Add(milliseconds(100), 0, "x");
  topic.Add(milliseconds(250), 0, "y");
  CollectOptions options;
  options.interval = milliseconds(400);
  options.give_up_at = Clock::now() + milliseconds(150);
  Collected c = CollectBatch(topic.Poll(), options, kAlways);
  EXPECT_EQ(c.batch.messages.size(), 2u);
}

TEST(CollectBatch, ReturnsPollErrorsWithTheMessagesBeforeThem) {
  FakeTopic topic;
  topic.FailNextPoll();
  CollectOptions options;
  Collected failed = CollectBatch(topic.Poll(), options, kAlways);
  ASSERT_TRUE(failed.error);
  EXPECT_EQ(failed.error->kind, kafka::KafkaErrorKind::kTopicNotFound);
  EXPECT_TRUE(failed.batch.messages.empty());

  FakeTopic later;
  later.Add(milliseconds(0), 0, "kept");
  options.batch_size = 5;
  options.interval = milliseconds(5000);
  int polls = 0;
  PollFunction poll = [&, inner = later.Poll()](size_t n, int wait) {
    if (++polls == 2) {
      return Result<kafka::Batch, kafka::KafkaError>(
          MakeError(kafka::KafkaError{kafka::KafkaErrorKind::kFailed, "fatal"}));
    }
    return inner(n, wait);
  };
  Collected partial = CollectBatch(poll, options, kAlways);
  ASSERT_TRUE(partial.error);
  EXPECT_EQ(partial.error->message, "fatal");
  ASSERT_EQ(partial.batch.messages.size(), 1u);
  EXPECT_EQ(partial.batch.messages[0].value, "kept");
}

}  // namespace
}  // namespace tributary::streams
