// Ingestion: TEST STREAM, batching, LIMIT, several streams and partitions.

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include "stream_test_support.hpp"

namespace tributary::streams::testing {
namespace {

using std::chrono::milliseconds;

// Records each batch as a :Batch node with its size and first message.
constexpr const char* kBatchRecorder = R"py(
def stream(batch):
    return [("CREATE (:Batch {size: $size, first: $first})",
             {"size": len(batch), "first": batch[0].decode()})]
)py";

// One :Msg node per message, with the message as an integer id.
constexpr const char* kNumbered = R"py(
def stream(batch):
    return [("CREATE (:Msg {id: $id})", {"id": int(m)}) for m in batch]
)py";

TEST(Ingestion, TestStreamShowsTheGuidesExampleWithoutConsuming) {
  Database db;
  const std::string topic = NewTopic();
  db.Run(CreateStream("mystream", topic, ExampleTransformPath()));
  Produce(topic, {"1", "1 2"});
  for (int round = 0; round < 2; ++round) {
    auto table = db.Run("TEST STREAM mystream");
    EXPECT_EQ(table.columns, (std::vector<std::string>{"query", "params"}));
    ASSERT_EQ(table.rows.size(), 2u) << "round " << round;
    EXPECT_EQ(table.rows[0][0].AsString(), "CREATE (:Node {id: $id})");
    EXPECT_EQ(table.rows[0][1].AsMap().at("id").AsString(), "1");
    EXPECT_EQ(table.rows[1][0].AsString(),
              "MATCH (n:Node {id: $from_id}), (m:Node {id: $to_id}) CREATE (n)-[:Edge]->(m)");
    EXPECT_EQ(table.rows[1][1].AsMap().at("from_id").AsString(), "1");
    EXPECT_EQ(table.rows[1][1].AsMap().at("to_id").AsString(), "2");
  }
  EXPECT_EQ(db.Int("MATCH (n) RETURN count(n)"), 0);  // TEST wrote nothing.
  db.Run("START STREAM mystream");
  ASSERT_TRUE(WaitFor([&] { return db.Messages("mystream") == 2; }));
  EXPECT_EQ(db.Int("MATCH (n:Node {id: '1'}) RETURN count(n)"), 1);
  db.Run("STOP STREAM mystream");
  // TEST starts at the stream's position: nothing new, so nothing, promptly.
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(db.Run("TEST STREAM mystream").rows.empty());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST(Ingestion, TestStreamLimitBatches) {
  Database db;
  TempDir dir;
  const std::string topic = NewTopic();
  db.Run(CreateStream("s", topic, dir.Write("numbered.py", kNumbered), "BATCH_SIZE 2"));
  Produce(topic, {"1", "2", "3", "4", "5"});
  EXPECT_EQ(db.Run("TEST STREAM s").rows.size(), 2u);
  EXPECT_EQ(db.Run("TEST STREAM s LIMIT 2 BATCHES").rows.size(), 4u);
  auto all = db.Run("TEST STREAM s LIMIT 10 BATCHES");  // Returns what there is.
  ASSERT_EQ(all.rows.size(), 5u);
  EXPECT_EQ(all.rows[4][1].AsMap().at("id").AsInt(), 5);
  EXPECT_EQ(db.Messages("s"), 0u);
}

TEST(Ingestion, BatchSizeIsHonoured) {
  Database db;
  TempDir dir;
  const std::string topic = NewTopic();
  db.Run(CreateStream("s", topic, dir.Write("batches.py", kBatchRecorder),
                      "BATCH_SIZE 3 BATCH_INTERVAL 60000"));
  db.Run("START STREAM s");
  Produce(topic, {"1", "2", "3", "4", "5", "6", "7"});
  ASSERT_TRUE(WaitFor([&] { return db.Batches("s") == 2; }));
  EXPECT_EQ(db.Int("MATCH (b:Batch) WHERE b.size = 3 RETURN count(b)"), 2);
  // The seventh message waits for the (long) interval.
  std::this_thread::sleep_for(milliseconds(1000));
  EXPECT_EQ(db.Batches("s"), 2u);
  EXPECT_EQ(db.Messages("s"), 6u);
  db.Run("STOP STREAM s");
}

TEST(Ingestion, BatchIntervalIsHonoured) {
  Database db;
  TempDir dir;
  const std::string topic = NewTopic();
  db.Run(CreateStream("s", topic, dir.Write("batches.py", kBatchRecorder), "BATCH_INTERVAL 1500"));
  db.Run("START STREAM s");
  std::this_thread::sleep_for(milliseconds(500));  // Let the consumer connect.
  // Messages produced together within one interval make one batch, taken when
  // the interval ends although the batch size (1000) is far away.
  const auto produced = std::chrono::steady_clock::now();
  Produce(topic, {"a", "b", "c", "d"});
  ASSERT_TRUE(WaitFor([&] { return db.Batches("s") >= 1; }, std::chrono::seconds(10)));
  const auto waited = std::chrono::steady_clock::now() - produced;
  EXPECT_LT(waited, milliseconds(1500 + 2000));
  std::this_thread::sleep_for(milliseconds(300));
  EXPECT_EQ(db.Batches("s"), 1u);
  EXPECT_EQ(db.Int("MATCH (b:Batch) RETURN b.size"), 4);
  db.Run("STOP STREAM s");
}

TEST(Ingestion, LimitStopsTheStreamAfterThatManyBatches) {
  Database db;
  TempDir dir;
  const std::string topic = NewTopic();
  db.Run(CreateStream("s", topic, dir.Write("batches.py", kBatchRecorder), "BATCH_SIZE 2"));
  std::vector<std::string> values;
  for (int i = 1; i <= 10; ++i) values.push_back(std::to_string(i));
  Produce(topic, values);
  db.Run("START STREAM s LIMIT 2 BATCHES");
  ASSERT_TRUE(WaitFor([&] { return db.Status("s") == "stopped"; }));
  EXPECT_EQ(db.Batches("s"), 2u);
  EXPECT_EQ(db.Messages("s"), 4u);
  EXPECT_EQ(db.Int("MATCH (b:Batch) RETURN count(b)"), 2);
  EXPECT_EQ(db.Run("SHOW STREAMS").rows.at(0)[4].AsString(), "stopped");
  // A later START goes on from there.
  db.Run("START STREAM s LIMIT 1 BATCHES");
  ASSERT_TRUE(WaitFor([&] { return db.Batches("s") == 3 && db.Status("s") == "stopped"; }));
  EXPECT_EQ(db.Int("MATCH (b:Batch) RETURN max(toInteger(b.first))"), 5);
  db.Run("START STREAM s");
  ASSERT_TRUE(WaitFor([&] { return db.Messages("s") == 10; }));
  EXPECT_EQ(db.Status("s"), "running");
  db.Run("STOP STREAM s");
}

TEST(Ingestion, TwoStreamsOnOneTopicEachSeeEveryMessage) {
  Database db;
  TempDir dir;
  const std::string topic = NewTopic();
  auto script = [&](const std::string& label) {
    return dir.Write(label + ".py", "def stream(batch):\n    return [(\"CREATE (:" + label +
                                        " {id: $id})\", {\"id\": m.decode()}) for m in batch]\n");
  };
  db.Run(CreateStream("first", topic, script("A")));
  db.Run(CreateStream("second", topic, script("B")));
  db.Run("START ALL STREAMS");
  std::vector<std::string> values;
  for (int i = 0; i < 50; ++i) values.push_back(std::to_string(i));
  Produce(topic, values);
  ASSERT_TRUE(WaitFor([&] { return db.Messages("first") == 50 && db.Messages("second") == 50; }));
  EXPECT_EQ(db.Int("MATCH (a:A) RETURN count(DISTINCT a.id)"), 50);
  EXPECT_EQ(db.Int("MATCH (b:B) RETURN count(DISTINCT b.id)"), 50);
  EXPECT_EQ(db.Int("MATCH (n) RETURN count(n)"), 100);
  db.Run("STOP ALL STREAMS");
}

TEST(Ingestion, ReadsEveryPartitionAndStoresAnOffsetForEach) {
  Database db;
  TempDir dir;
  const std::string topic = NewTopic(4);
  db.Run(CreateStream("s", topic, dir.Write("numbered.py", kNumbered), "BATCH_SIZE 64"));
  for (int32_t p = 0; p < 4; ++p) {
    std::vector<std::string> values;
    for (int i = 0; i < 100; ++i) values.push_back(std::to_string(p * 1000 + i));
    Produce(topic, values, p);
  }
  db.Run("START STREAM s");
  ASSERT_TRUE(WaitFor([&] { return db.Messages("s") == 400; }));
  EXPECT_EQ(db.Int("MATCH (m:Msg) RETURN count(DISTINCT m.id)"), 400);
  auto row = db.Run("SHOW STREAM s").rows.at(0);
  const auto& offsets = row[10].AsMap();
  ASSERT_EQ(offsets.size(), 4u);
  for (const auto& [partition, offset] : offsets) EXPECT_EQ(offset.AsInt(), 100) << partition;
  for (const auto& [partition, lag] : row[11].AsMap()) EXPECT_EQ(lag.AsInt(), 0) << partition;
  db.Run("STOP STREAM s");
}

TEST(Ingestion, OffsetsAreAlsoCommittedToTheConsumerGroup) {
  Database db;
  const std::string topic = NewTopic();
  db.Run(CreateStream("grouped", topic, ExampleTransformPath()));
  Produce(topic, {"1", "2", "3"});
  db.Run("START STREAM grouped");
  ASSERT_TRUE(WaitFor([&] { return db.Messages("grouped") == 3; }));

  // What a lag tool sees: the group's committed offset.
  char errstr[256];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", StreamsEnvironment::Broker().Address().c_str(),
                    errstr, sizeof(errstr));
  rd_kafka_conf_set(conf, "group.id", "tributary-grouped", errstr, sizeof(errstr));
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
  ASSERT_NE(rk, nullptr) << errstr;
  int64_t committed = -1;
  WaitFor([&] {
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(list, topic.c_str(), 0);
    if (rd_kafka_committed(rk, list, 3000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      committed = list->elems[0].offset;
    }
    rd_kafka_topic_partition_list_destroy(list);
    return committed == 3;
  });
  rd_kafka_destroy(rk);
  EXPECT_EQ(committed, 3);
  db.Run("STOP STREAM grouped");
}

}  // namespace
}  // namespace tributary::streams::testing
