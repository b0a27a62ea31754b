// Failures: transforms that raise, hang or return garbage, queries that fail
// mid-batch, conflicts with other writers, and a broker that goes away.

#include <gtest/gtest.h>

#include "stream_test_support.hpp"
#include "streams/system_keys.hpp"

namespace tributary::streams::testing {
namespace {

using std::chrono::milliseconds;

TEST(Failures, ATransformExceptionRollsBackAndStartRetriesTheSameBatch) {
  Database db;
  TempDir dir;
  const std::string flag = dir.Write("fail", "");
  const std::string script = dir.Write("flaky.py", R"py(
import os
def stream(batch):
    out = [("CREATE (:Msg {id: $id})", {"id": m.decode()}) for m in batch]
    if os.path.exists(")py" + flag + R"py("):
        raise ValueError("refusing " + ",".join(m.decode() for m in batch))
    return out
)py");
  const std::string topic = NewTopic();
  db.Run(CreateStream("s", topic, script, "BATCH_SIZE 2 BATCH_INTERVAL 5000"));
  Produce(topic, {"1", "2", "3", "4"});
  db.Run("START STREAM s");
  ASSERT_TRUE(WaitFor([&] { return db.Status("s") == "error"; }));
  EXPECT_EQ(db.LastError("s"), "Transform s: ValueError: refusing 1,2");
  auto details = db.Run("SHOW STREAM s").rows.at(0);
  EXPECT_EQ(details[4].AsString(), "error");
  EXPECT_EQ(details[12].AsString(), "Transform s: ValueError: refusing 1,2");
  EXPECT_TRUE(details[13].IsString());  // When it happened.
  EXPECT_EQ(db.Run("SHOW STREAMS").rows.at(0)[4].AsString(), "error");
  EXPECT_EQ(db.Int("MATCH (m:Msg) RETURN count(m)"), 0);
  EXPECT_EQ(db.Messages("s"), 0u);
  auto control = db.storage().SystemKeys(ControlKey("s"));
  ASSERT_EQ(control.size(), 1u);
  EXPECT_EQ(DecodeControl(control[0].second)->desired, DesiredState::kFailed);

  // Still failing: START retries the same batch (not a later one).
  db.Run("START STREAM s");
  ASSERT_TRUE(WaitFor([&] { return db.Status("s") == "error"; }));
  EXPECT_EQ(db.LastError("s"), "Transform s: ValueError: refusing 1,2");

  std::filesystem::remove(flag);
  db.Run("START STREAM s");
  ASSERT_TRUE(WaitFor([&] { return db.Messages("s") == 4; }));
  EXPECT_EQ(db.Status("s"), "running");
  EXPECT_EQ(db.Int("MATCH (m:Msg) RETURN count(DISTINCT m.id)"), 4);
  EXPECT_EQ(db.Int("MATCH (m:Msg) RETURN count(m)"), 4);
  db.Run("STOP STREAM s");
}

TEST(Failures, ATransformThatHangsTimesOutWithoutDisturbingOtherStreams) {
  StreamManagerOptions options = TestOptions();
  options.transform_timeout = milliseconds(1000);
  Database db(options);
  TempDir dir;
  const std::string slow_topic = NewTopic();
  const std::string topic = NewTopic();
  db.Run(CreateStream("slow", slow_topic,
                      dir.Write("loop.py", "def stream(batch):\n    while True:\n        pass\n")));
  db.Run(CreateStream("healthy", topic, ExampleTransformPath()));
  db.Run("START ALL STREAMS");
  Produce(slow_topic, {"x"});
  Produce(topic, {"1", "2"});
  ASSERT_TRUE(WaitFor([&] { return db.Status("slow") == "error"; }));
  EXPECT_EQ(db.LastError("slow"), "Transform slow: timed out after 1000 ms");
  ASSERT_TRUE(WaitFor([&] { return db.Messages("healthy") == 2; }));
  Produce(topic, {"3"});
  ASSERT_TRUE(WaitFor([&] { return db.Messages("healthy") == 3; }));
  EXPECT_EQ(db.Status("healthy"), "running");
  db.Run("STOP ALL STREAMS");
}

TEST(Failures, AResultOutsideTheContractNamesTheOffendingItem) {
  Database db;
  TempDir dir;
  const std::string topic = NewTopic();
  db.Run(CreateStream("s", topic, dir.Write("bad.py", R"py(
def stream(batch):
    return [("CREATE (:Ok)", {}), ("CREATE (:Bad {a: $a})", {"a": {1, 2}})]
)py")));
  Produce(topic, {"x"});
  db.Run("START STREAM s");
  ASSERT_TRUE(WaitFor([&] { return db.Status("s") == "error"; }));
  EXPECT_NE(db.LastError("s").find("params[\"a\"]: unsupported value of type set"),
            std::string::npos)
      << db.LastError("s");
  EXPECT_EQ(db.Int("MATCH (n) RETURN count(n)"), 0);
}

TEST(Failures, AQueryFailingMidBatchLeavesNothingOfTheBatchVisible) {
  Database db;
  TempDir dir;
  const std::string topic = NewTopic();
  db.Run(CreateStream("s", topic, dir.Write("mixed.py", R"py(
def stream(batch):
    out = []
    for m in batch:
        text = m.decode()
        if text == "boom":
            out.append(("UNWIND [2, 1, 0] AS x CREATE (:Partial {x: 10 / x})", {}))
        else:
            out.append(("CREATE (:Msg {id: $id})", {"id": text}))
    return out
)py"),
                      "BATCH_SIZE 4 BATCH_INTERVAL 5000"));
  Produce(topic, {"1", "2", "boom", "3"});
  db.Run("START STREAM s");
  ASSERT_TRUE(WaitFor([&] { return db.Status("s") == "error"; }));
  EXPECT_NE(db.LastError("s").find("query failed: "), std::string::npos) << db.LastError("s");
  EXPECT_NE(db.LastError("s").find("UNWIND [2, 1, 0] AS x CREATE (:Partial {x: 10 / x})"),
            std::string::npos);
  EXPECT_EQ(db.Int("MATCH (n) RETURN count(n)"), 0);
  EXPECT_EQ(db.Messages("s"), 0u);
  EXPECT_TRUE(db.Run("SHOW STREAM s").rows.at(0)[10].AsMap().empty());
}

TEST(Failures, ConflictsWithOtherWritersAreRetried) {
  Database db;
  TempDir dir;
  const std::string topic = NewTopic();
  db.Run("CREATE (:Hot {c: 0})");
  db.Run(CreateStream("s", topic, dir.Write("hot.py", R"py(
def stream(batch):
    return [("MATCH (n:Hot) SET n.c = n.c + 1", {}) for m in batch]
)py")));
  query::Session other(db.engine());
  other.Begin();
  other.Run("MATCH (n:Hot) SET n.c = 100", {})->Discard();
  db.Run("START STREAM s");
  Produce(topic, {"a", "b", "c"});
  std::this_thread::sleep_for(milliseconds(1000));
  EXPECT_EQ(db.Status("s"), "running");
  EXPECT_EQ(db.Messages("s"), 0u);
  // STOP does not wait for the conflict to clear; the batch is dropped.
  const auto stop_start = std::chrono::steady_clock::now();
  db.Run("STOP STREAM s");
  EXPECT_LT(std::chrono::steady_clock::now() - stop_start, std::chrono::seconds(3));
  EXPECT_EQ(db.Status("s"), "stopped");
  EXPECT_EQ(db.Messages("s"), 0u);
  db.Run("START STREAM s");
  std::this_thread::sleep_for(milliseconds(500));
  EXPECT_EQ(db.Messages("s"), 0u);
  other.Commit();
  ASSERT_TRUE(WaitFor([&] { return db.Messages("s") == 3; }));
  EXPECT_EQ(db.Int("MATCH (n:Hot) RETURN n.c"), 103);
  db.Run("STOP STREAM s");
}

TEST(Failures, ABrokerThatGoesAwayIsAnErrorUntilItComesBack) {
  auto broker = kafka::DevBroker::Start();
  ASSERT_TRUE(broker);
  ASSERT_TRUE((*broker)->CreateTopic("t", 1));
  auto producer = kafka::Producer::Create((*broker)->Address(), {{"linger.ms", "1"}});
  ASSERT_TRUE(producer);
  auto produce = [&](int from, int to) {
    for (int i = from; i < to; ++i) ASSERT_TRUE((*producer)->Produce("t", 0, std::to_string(i)));
    ASSERT_TRUE((*producer)->Flush(20'000));
  };
  {
    Database db;
    db.Run(CreateStream("s", "t", ExampleTransformPath(), "", (*broker)->Address()));
    db.Run("START STREAM s");
    produce(0, 20);
    ASSERT_TRUE(WaitFor([&] { return db.Messages("s") == 20; }));

    ASSERT_TRUE((*broker)->SetDown());
    ASSERT_TRUE(WaitFor([&] { return db.Status("s") == "error"; }));
    EXPECT_EQ(db.LastError("s"), "broker not available at " + (*broker)->Address());
    EXPECT_EQ(db.Run("SHOW STREAMS").rows.at(0)[4].AsString(), "error");

    ASSERT_TRUE((*broker)->SetUp());
    produce(20, 40);
    ASSERT_TRUE(WaitFor([&] { return db.Messages("s") == 40; }, std::chrono::seconds(30)));
    ASSERT_TRUE(WaitFor([&] { return db.Status("s") == "running"; }));
    EXPECT_EQ(db.Int("MATCH (n:Node) RETURN count(DISTINCT n.id)"), 40);
    EXPECT_EQ(db.Int("MATCH (n:Node) RETURN count(n)"), 40);
    db.Run("STOP STREAM s");
  }
  producer->reset();
}

}  // namespace
}  // namespace tributary::streams::testing
