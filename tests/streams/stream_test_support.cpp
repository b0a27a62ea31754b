#include "stream_test_support.hpp"

#include <cstdlib>

namespace tributary::streams::testing {
namespace {

std::unique_ptr<kafka::DevBroker> g_broker;
std::unique_ptr<kafka::Producer> g_producer;

}  // namespace

void StreamsEnvironment::SetUp() {
  auto runtime = python::PythonRuntime::Start();
  ASSERT_TRUE(runtime) << runtime.Error();
  runtime_ = std::move(*runtime);
  auto broker = kafka::DevBroker::Start();
  ASSERT_TRUE(broker) << broker.Error().message;
  g_broker = std::move(*broker);
  auto producer = kafka::Producer::Create(g_broker->Address(), {{"linger.ms", "1"}});
  ASSERT_TRUE(producer) << producer.Error().message;
  g_producer = std::move(*producer);
}

void StreamsEnvironment::TearDown() {
  g_producer.reset();
  g_broker.reset();
  runtime_.reset();
}

kafka::DevBroker& StreamsEnvironment::Broker() { return *g_broker; }
kafka::Producer& StreamsEnvironment::Producer() { return *g_producer; }

bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

std::string NewTopic(int partitions) {
  static std::atomic<int> counter{0};
  std::string topic = "topic" + std::to_string(counter.fetch_add(1));
  auto created = StreamsEnvironment::Broker().CreateTopic(topic, partitions);
  EXPECT_TRUE(created) << created.Error().message;
  return topic;
}

void Produce(const std::string& topic, const std::vector<std::string>& values, int32_t partition) {
  for (const auto& v : values) {
    auto produced = StreamsEnvironment::Producer().Produce(topic, partition, v);
    ASSERT_TRUE(produced) << produced.Error().message;
  }
  auto flushed = StreamsEnvironment::Producer().Flush(10'000);
  ASSERT_TRUE(flushed) << flushed.Error().message;
}

TempDir::TempDir() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "tributary-streams-XXXXXX").string();
  path_ = ::mkdtemp(pattern.data());
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::Write(const std::string& name, const std::string& text) const {
  const std::string file = path_ + "/" + name;
  std::ofstream(file, std::ios::trunc) << text;
  return file;
}

std::string ExampleTransformPath() { return TRIBUTARY_EXAMPLES_DIR "/transform.py"; }

StreamManagerOptions TestOptions() {
  StreamManagerOptions o;
  o.kafka_timeout = std::chrono::milliseconds(3000);
  o.transform_timeout = std::chrono::milliseconds(5000);
  o.fetch_timeout = std::chrono::milliseconds(3000);
  o.test_wait = std::chrono::milliseconds(1500);
  o.retry_min = std::chrono::milliseconds(100);
  o.retry_max = std::chrono::milliseconds(500);
  o.consumer_status_interval_ms = 200;
  // The mock answers an empty fetch only after fetch.wait.max.ms.
  o.consumer_config = {{"fetch.wait.max.ms", "50"}};
  return o;
}

class Database::Handler final : public query::SystemHandler {
 public:
  explicit Handler(StreamManager& manager) : manager_(manager) {}
  query::ResultTable ExecuteStreamStatement(const cypher::Statement& statement) override {
    return manager_.Execute(statement);
  }
  void CreateSnapshot() override {}

 private:
  StreamManager& manager_;
};

Database::Database(StreamManagerOptions options, std::string data_dir)
    : engine_(storage_, query::EngineOptions{}) {
  if (!data_dir.empty()) {
    storage::durability::DurabilityOptions d;
    d.data_dir = data_dir;
    auto opened = storage::durability::Durability::Open(d, storage_);
    if (!opened) {
      ADD_FAILURE() << opened.Error().message;
    } else {
      durability_ = std::move(*opened);
    }
  }
  manager_ = std::make_unique<StreamManager>(engine_, std::move(options));
  handler_ = std::make_unique<Handler>(*manager_);
  engine_.SetSystemHandler(handler_.get());
  manager_->Recover();
}

Database::~Database() {
  manager_->Shutdown();
  if (durability_) durability_->Shutdown();
}

query::ResultTable Database::Run(const std::string& text) {
  query::Session session(engine_);
  auto result = session.Run(text, {});
  query::ResultTable table;
  table.columns = result->columns();
  result->Pull(-1, [&](query::QueryResult::Row&& row) { table.rows.push_back(std::move(row)); });
  return table;
}

std::string Database::Error(const std::string& text) {
  try {
    Run(text);
  } catch (const cypher::CypherError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected `" << text << "` to fail";
  return "";
}

int64_t Database::Int(const std::string& text) {
  auto table = Run(text);
  if (table.rows.empty() || table.rows[0].empty() || !table.rows[0][0].IsInt()) {
    ADD_FAILURE() << "`" << text << "` returned no integer";
    return -1;
  }
  return table.rows[0][0].AsInt();
}

std::string Database::Status(const std::string& name) {
  auto info = manager_->Info(name);
  return info ? std::string(StatusName(info->state.status)) : "";
}

uint64_t Database::Messages(const std::string& name) {
  auto info = manager_->Info(name);
  return info ? info->progress.messages : 0;
}

uint64_t Database::Batches(const std::string& name) {
  auto info = manager_->Info(name);
  return info ? info->progress.batches : 0;
}

std::string Database::LastError(const std::string& name) {
  auto info = manager_->Info(name);
  return info ? info->state.last_error : "";
}

std::string CreateStream(const std::string& name, const std::string& topic,
                         const std::string& script, const std::string& extra,
                         const std::string& broker) {
  return "CREATE STREAM " + name + " AS LOAD DATA KAFKA '" +
         (broker.empty() ? StreamsEnvironment::Broker().Address() : broker) + "' WITH TOPIC '" +
         topic + "' WITH TRANSFORM '" + script + "' " + extra;
}

}  // namespace tributary::streams::testing
