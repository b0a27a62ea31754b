// Restarts: a Database is closed (as `tributary serve` shuts down) and opened
// again on the same data directory.

#include <gtest/gtest.h>

#include "stream_test_support.hpp"

namespace tributary::streams::testing {
namespace {

std::vector<std::string> Range(int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i < to; ++i) out.push_back(std::to_string(i));
  return out;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(Recovery, RunningStreamsResumeWhereTheyWereAndStoppedOnesStayStopped) {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  const std::string script = dir.Write("transform.py", ReadFile(ExampleTransformPath()));
  const std::string topic = NewTopic(2);
  const std::string other = NewTopic();
  {
    Database db(TestOptions(), data);
    db.Run(CreateStream("running", topic, script, "BATCH_SIZE 7"));
    db.Run(CreateStream("stopped", other, script));
    db.Run("START STREAM running");
    Produce(topic, Range(0, 30), 0);
    Produce(topic, Range(100, 130), 1);
    ASSERT_TRUE(WaitFor([&] { return db.Messages("running") == 60; }));
    Produce(other, {"5"});
  }
  std::filesystem::remove(script);   // The stored text is what runs now.
  Produce(topic, Range(30, 50), 0);  // Produced while the server is down.
  {
    Database db(TestOptions(), data);
    auto shown = db.Run("SHOW STREAMS");
    ASSERT_EQ(shown.rows.size(), 2u);
    EXPECT_EQ(shown.rows[0][0].AsString(), "running");
    EXPECT_EQ(shown.rows[0][4].AsString(), "running");
    EXPECT_EQ(shown.rows[1][0].AsString(), "stopped");
    EXPECT_EQ(shown.rows[1][4].AsString(), "stopped");
    ASSERT_TRUE(WaitFor([&] { return db.Messages("running") == 80; }));
    EXPECT_EQ(db.Int("MATCH (n:Node) RETURN count(n)"), 80);
    EXPECT_EQ(db.Int("MATCH (n:Node) RETURN count(DISTINCT n.id)"), 80);
    EXPECT_EQ(db.Messages("stopped"), 0u);
    EXPECT_EQ(db.Run("TEST STREAM stopped").rows.size(), 1u);
    Produce(topic, Range(130, 140), 1);
    ASSERT_TRUE(WaitFor([&] { return db.Messages("running") == 90; }));
    db.Run("STOP STREAM running");
  }
  {
    Database db(TestOptions(), data);
    EXPECT_EQ(db.Status("running"), "stopped");
    EXPECT_EQ(db.Int("MATCH (n:Node) RETURN count(n)"), 90);
  }
}

TEST(Recovery, ABrokenStreamNeitherBlocksNorDeletesTheOthers) {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  const std::string flag = dir.path() + "/broken";
  const std::string brittle = dir.Write("brittle.py", R"py(
import os
if os.path.exists(")py" + flag + R"py("):
    raise RuntimeError("cannot start today")
def stream(batch):
    return [("CREATE (:Brittle {id: $id})", {"id": m.decode()}) for m in batch]
)py");
  const std::string fine_topic = NewTopic();
  const std::string brittle_topic = NewTopic();
  std::string lost_address;
  {
    auto lost = kafka::DevBroker::Start();
    ASSERT_TRUE(lost);
    lost_address = (*lost)->Address();
    ASSERT_TRUE((*lost)->CreateTopic("t", 1));
    Database db(TestOptions(), data);
    db.Run(CreateStream("unreachable", "t", ExampleTransformPath(), "", lost_address));
    db.Run(CreateStream("brittle", brittle_topic, brittle));
    db.Run(CreateStream("fine", fine_topic, ExampleTransformPath()));
    db.Run("START ALL STREAMS");
  }  // The server stops; then its broker of "unreachable" goes away for good.
  std::ofstream(flag) << "x";
  {
    Database db(TestOptions(), data);
    Produce(fine_topic, {"1", "2"});
    ASSERT_TRUE(WaitFor([&] { return db.Messages("fine") == 2; }));
    EXPECT_EQ(db.Status("fine"), "running");
    ASSERT_TRUE(WaitFor([&] { return db.Status("unreachable") == "error"; }));
    EXPECT_EQ(db.LastError("unreachable"), "broker not available at " + lost_address);
    ASSERT_TRUE(WaitFor([&] { return db.Status("brittle") == "error"; }));
    EXPECT_EQ(db.LastError("brittle"), "Transform brittle: RuntimeError: cannot start today");
    EXPECT_EQ(db.Run("SHOW STREAMS").rows.size(), 3u);

    // It keeps retrying: once the script can load, it runs by itself.
    std::filesystem::remove(flag);
    Produce(brittle_topic, {"b"});
    ASSERT_TRUE(WaitFor([&] { return db.Messages("brittle") == 1; }));
    EXPECT_EQ(db.Status("brittle"), "running");
    EXPECT_EQ(db.Status("unreachable"), "error");
  }
}

TEST(Recovery, ABatchLimitSurvivesARestart) {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  const std::string topic = NewTopic();
  {
    Database db(TestOptions(), data);
    db.Run(CreateStream("s", topic, ExampleTransformPath(), "BATCH_SIZE 1"));
    db.Run("START STREAM s LIMIT 3 BATCHES");
    Produce(topic, {"1"});
    ASSERT_TRUE(WaitFor([&] { return db.Batches("s") == 1; }));
  }
  Produce(topic, {"2", "3", "4", "5"});
  {
    Database db(TestOptions(), data);
    ASSERT_TRUE(WaitFor([&] { return db.Batches("s") == 3 && db.Status("s") == "stopped"; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    EXPECT_EQ(db.Batches("s"), 3u);
    EXPECT_EQ(db.Int("MATCH (n:Node) RETURN count(n)"), 3);
  }
  {
    Database db(TestOptions(), data);
    EXPECT_EQ(db.Status("s"), "stopped");
  }
}

TEST(Recovery, AFailedStreamStaysFailedWithItsReason) {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  const std::string topic = NewTopic();
  std::string error;
  {
    Database db(TestOptions(), data);
    db.Run(CreateStream("s", topic,
                        dir.Write("raise.py", "def stream(batch):\n    raise KeyError('k')\n")));
    Produce(topic, {"1"});
    db.Run("START STREAM s");
    ASSERT_TRUE(WaitFor([&] { return db.Status("s") == "error"; }));
    error = db.LastError("s");
    EXPECT_EQ(error, "Transform s: KeyError: 'k'");
  }
  {
    Database db(TestOptions(), data);
    EXPECT_EQ(db.Status("s"), "error");
    EXPECT_EQ(db.LastError("s"), error);
    EXPECT_TRUE(db.Run("SHOW STREAM s").rows.at(0)[13].IsString());
    db.Run("STOP STREAM s");  // STOP turns a failed stream into a stopped one.
    EXPECT_EQ(db.Status("s"), "stopped");
  }
}

}  // namespace
}  // namespace tributary::streams::testing
