// The stream statements and every message they can fail with.

#include <gtest/gtest.h>

#include "kafka/topic_check.hpp"
#include "stream_test_support.hpp"
#include "streams/system_keys.hpp"

namespace tributary::streams::testing {
namespace {

std::vector<std::string> Strings(const std::vector<cypher::Value>& row) {
  std::vector<std::string> out;
  for (const auto& v : row) out.push_back(v.IsString() ? v.AsString() : "<non-string>");
  return out;
}

size_t StoredKeys(Database& db) { return db.storage().SystemKeys("streams/").size(); }

TEST(StreamStatements, CreatedStreamsAreStoppedAndListedWithTheFiveColumns) {
  Database db;
  const std::string topic = NewTopic();
  db.Run(CreateStream("mystream", topic, ExampleTransformPath()));
  db.Run(CreateStream("another", topic, "file://" + ExampleTransformPath()));
  auto table = db.Run("SHOW STREAMS");
  EXPECT_EQ(table.columns,
            (std::vector<std::string>{"name", "uri", "topic", "transform", "status"}));
  ASSERT_EQ(table.rows.size(), 2u);
  const std::string broker = StreamsEnvironment::Broker().Address();
  EXPECT_EQ(Strings(table.rows[0]),
            (std::vector<std::string>{"another", broker, topic, "file://" + ExampleTransformPath(),
                                      "stopped"}));
  EXPECT_EQ(Strings(table.rows[1]), (std::vector<std::string>{"mystream", broker, topic,
                                                              ExampleTransformPath(), "stopped"}));
  // Keywords are case-insensitive.
  EXPECT_EQ(db.Run("show streams").rows.size(), 2u);
}

TEST(StreamStatements, ShowStreamGivesTheDetails) {
  Database db;
  const std::string topic = NewTopic(2);
  db.Run(CreateStream("s", topic, ExampleTransformPath()));
  db.Run(CreateStream("t", topic, ExampleTransformPath(), "BATCH_INTERVAL 250 BATCH_SIZE 7"));
  db.Run(CreateStream("u", topic, ExampleTransformPath(), "BATCH INTERVAL 300 BATCH SIZE 8"));
  auto table = db.Run("SHOW STREAM s");
  EXPECT_EQ(table.columns, (std::vector<std::string>{
                               "name", "uri", "topic", "transform", "status", "batch_interval",
                               "batch_size", "consumer_group", "messages", "batches", "offsets",
                               "lag", "last_error", "last_error_time"}));
  ASSERT_EQ(table.rows.size(), 1u);
  const auto& row = table.rows[0];
  EXPECT_EQ(row[4].AsString(), "stopped");
  EXPECT_EQ(row[5].AsInt(), 100);
  EXPECT_EQ(row[6].AsInt(), 1000);
  EXPECT_EQ(row[7].AsString(), "tributary-s");
  EXPECT_EQ(row[8].AsInt(), 0);
  EXPECT_EQ(row[9].AsInt(), 0);
  EXPECT_TRUE(row[10].AsMap().empty());
  ASSERT_TRUE(row[11].IsMap());
  EXPECT_EQ(row[11].AsMap().size(), 2u);
  EXPECT_TRUE(row[12].IsNull());
  EXPECT_TRUE(row[13].IsNull());
  auto t = db.Run("SHOW STREAM t").rows.at(0);
  EXPECT_EQ(t[5].AsInt(), 250);
  EXPECT_EQ(t[6].AsInt(), 7);
  auto u = db.Run("SHOW STREAM u").rows.at(0);
  EXPECT_EQ(u[5].AsInt(), 300);
  EXPECT_EQ(u[6].AsInt(), 8);

  Produce(topic, {"1", "2", "3"}, 1);
  auto lag = db.Run("SHOW STREAM s").rows.at(0)[11].AsMap();
  EXPECT_EQ(lag.at("0").AsInt(), 0);
  EXPECT_EQ(lag.at("1").AsInt(), 3);
}

TEST(StreamStatements, CreateRefusesWhatItCannotUseAndStoresNothing) {
  Database db;
  TempDir dir;
  const std::string topic = NewTopic();
  const std::string good = ExampleTransformPath();

  const std::string missing = dir.path() + "/missing.py";
  EXPECT_EQ(db.Error(CreateStream("s", topic, missing)),
            "Couldn't get the transform script from " + missing);
  const std::string http = "http://127.0.0.1:1/transform.py";
  EXPECT_EQ(db.Error(CreateStream("s", topic, http)),
            "Couldn't get the transform script from " + http);

  const std::string syntax = dir.Write("syntax.py", "def stream(batch)\n    return []\n");
  EXPECT_EQ(db.Error(CreateStream("s", topic, syntax)),
            "Kafka stream s, transform script " + syntax + ": SyntaxError: expected ':' (line 1)");
  const std::string no_stream = dir.Write("nostream.py", "def transform(batch):\n    return []\n");
  EXPECT_EQ(db.Error(CreateStream("s", topic, no_stream)),
            "Kafka stream s, transform script " + no_stream +
                ": the script defines no callable 'stream'");
  const std::string raises = dir.Write("raises.py", "import nonexistent_module_xyz\n");
  EXPECT_EQ(db.Error(CreateStream("s", topic, raises)),
            "Kafka stream s, transform script " + raises +
                ": ModuleNotFoundError: No module named 'nonexistent_module_xyz'");

  EXPECT_EQ(db.Error(CreateStream("s", topic, good, "", "127.0.0.1:1")),
            "Kafka stream s, broker not available at 127.0.0.1:1");
  EXPECT_EQ(db.Error(CreateStream("s", "no_such_topic", good)), "Kafka stream s, topic not found");
  // Looking the topic up did not create it.
  auto check = kafka::CheckTopic(StreamsEnvironment::Broker().Address(), "no_such_topic", 3000);
  ASSERT_FALSE(check);
  EXPECT_EQ(check.Error().kind, kafka::KafkaErrorKind::kTopicNotFound);

  EXPECT_EQ(db.Error(CreateStream("s", topic, good, "", "localhost")),
            "Kafka stream s, invalid Kafka URI 'localhost': 'localhost' is not host:port");

  EXPECT_EQ(StoredKeys(db), 0u);
  EXPECT_TRUE(db.Run("SHOW STREAMS").rows.empty());

  db.Run(CreateStream("s", topic, good));
  EXPECT_EQ(db.Error(CreateStream("s", topic, good)), "Kafka stream s already exists.");
  EXPECT_EQ(db.Run("SHOW STREAMS").rows.size(), 1u);
}

TEST(StreamStatements, OptionsAreValidatedNamingTheOption) {
  Database db;
  const std::string topic = NewTopic();
  const std::string prefix = "CREATE STREAM s AS LOAD DATA KAFKA '" +
                             StreamsEnvironment::Broker().Address() + "' WITH TOPIC '" + topic +
                             "' WITH TRANSFORM '" + ExampleTransformPath() + "' ";
  EXPECT_NE(db.Error(prefix + "BATCH_INTERVAL 0").find("BATCH_INTERVAL"), std::string::npos);
  EXPECT_NE(db.Error(prefix + "BATCH_SIZE -5").find("BATCH_SIZE"), std::string::npos);
  EXPECT_NE(db.Error(prefix + "BATCH_SIZE 'ten'").find("BATCH_SIZE"), std::string::npos);
  EXPECT_NE(db.Error("CREATE STREAM s AS LOAD DATA KAFKA 9092 WITH TOPIC 't' WITH TRANSFORM 'x'")
                .find("KAFKA"),
            std::string::npos);
  db.Run(CreateStream("s", topic, ExampleTransformPath()));
  EXPECT_NE(db.Error("START STREAM s LIMIT 0 BATCHES").find("LIMIT"), std::string::npos);
  EXPECT_NE(db.Error("TEST STREAM s LIMIT 1.5 BATCHES").find("LIMIT"), std::string::npos);
}

TEST(StreamStatements, NamesThatDoNotExistAndStatesThatDoNotFit) {
  Database db;
  const std::string topic = NewTopic();
  for (const std::string statement :
       {"DROP STREAM nope", "SHOW STREAM nope", "START STREAM nope", "STOP STREAM nope",
        "TEST STREAM nope", "START STREAM nope LIMIT 2 BATCHES"}) {
    EXPECT_EQ(db.Error(statement), "Kafka stream nope doesn't exist.") << statement;
  }
  db.Run(CreateStream("s", topic, ExampleTransformPath()));
  EXPECT_EQ(db.Error("STOP STREAM s"), "Kafka stream s is already stopped");
  db.Run("START STREAM s");
  EXPECT_EQ(db.Status("s"), "running");
  EXPECT_EQ(db.Error("START STREAM s"), "Kafka stream s is already running");
  EXPECT_EQ(db.Error("TEST STREAM s"), "Kafka stream s is already running");
  db.Run("STOP STREAM s");
  EXPECT_EQ(db.Status("s"), "stopped");
  EXPECT_EQ(db.Error("STOP STREAM s"), "Kafka stream s is already stopped");
}

TEST(StreamStatements, AreRefusedInsideExplicitTransactions) {
  Database db;
  query::Session session(db.engine());
  session.Begin();
  for (const std::string statement :
       {"SHOW STREAMS", "START STREAM s", "STOP ALL STREAMS", "TEST STREAM s",
        "CREATE STREAM s AS LOAD DATA KAFKA 'a:1' WITH TOPIC 't' WITH TRANSFORM 'x'"}) {
    try {
      session.Run(statement, {});
      ADD_FAILURE() << statement;
    } catch (const cypher::CypherError& e) {
      EXPECT_EQ(std::string(e.what()), "Stream clause not allowed in multicommand transactions.");
    }
  }
  session.Rollback();
}

TEST(StreamStatements, DropRemovesTheDefinitionScriptAndOffsets) {
  Database db;
  const std::string topic = NewTopic();
  Produce(topic, {"1", "2"});
  db.Run(CreateStream("s", topic, ExampleTransformPath()));
  db.Run("START STREAM s");
  ASSERT_TRUE(WaitFor([&] { return db.Messages("s") == 2; }));
  EXPECT_EQ(StoredKeys(db), 3u);
  db.Run("DROP STREAM s");
  EXPECT_EQ(StoredKeys(db), 0u);
  EXPECT_TRUE(db.Run("SHOW STREAMS").rows.empty());
  EXPECT_EQ(db.Error("DROP STREAM s"), "Kafka stream s doesn't exist.");
  // A new stream of the same name starts over: no offsets survived.
  db.Run(CreateStream("s", topic, ExampleTransformPath()));
  EXPECT_EQ(db.Run("TEST STREAM s").rows.size(), 2u);
  // Dropping a running stream stops it first.
  db.Run("START STREAM s");
  EXPECT_EQ(db.Status("s"), "running");
  db.Run("DROP STREAM s");
  EXPECT_EQ(StoredKeys(db), 0u);
}

TEST(StreamStatements, StartAllAndStopAllStreams) {
  Database db;
  const std::string topic = NewTopic();
  for (const std::string name : {"a", "b", "c"}) {
    db.Run(CreateStream(name, topic, ExampleTransformPath()));
  }
  db.Run("START STREAM b");
  db.Run("START ALL STREAMS");
  for (const std::string name : {"a", "b", "c"}) EXPECT_EQ(db.Status(name), "running") << name;
  db.Run("START ALL STREAMS");  // Already running ones are left alone.
  db.Run("STOP STREAM a");
  db.Run("STOP ALL STREAMS");
  for (const std::string name : {"a", "b", "c"}) EXPECT_EQ(db.Status(name), "stopped") << name;
  db.Run("STOP ALL STREAMS");
  for (const auto& [key, value] : db.storage().SystemKeys(kControlPrefix)) {
    EXPECT_EQ(DecodeControl(value)->desired, DesiredState::kStopped) << key;
  }
}

TEST(StreamStatements, TheScriptIsStoredSoItsUriIsNotNeededAgain) {
  Database db;
  TempDir dir;
  const std::string topic = NewTopic();
  std::ifstream example(ExampleTransformPath());
  const std::string text((std::istreambuf_iterator<char>(example)),
                         std::istreambuf_iterator<char>());
  const std::string script = dir.Write("transform.py", text);
  db.Run(CreateStream("s", topic, script));
  std::filesystem::remove(script);
  auto stored = db.storage().SystemKeys(DefinitionKey("s"));
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(DecodeDefinition(stored[0].second)->script, text);
  Produce(topic, {"7"});
  EXPECT_EQ(db.Run("TEST STREAM s").rows.size(), 1u);
  db.Run("START STREAM s");
  ASSERT_TRUE(WaitFor([&] { return db.Int("MATCH (n:Node {id: '7'}) RETURN count(n)") == 1; }));
}

}  // namespace
}  // namespace tributary::streams::testing
