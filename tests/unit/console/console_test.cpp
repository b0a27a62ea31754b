// RunScript (non-interactive console) against a real Bolt server whose
// handler answers from a script of canned results.

#include "console/console.hpp"

#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "bolt/auth.hpp"
#include "bolt/server.hpp"

namespace tributary::console {
namespace {

using bolt::BoltError;
using bolt::List;
using bolt::Map;
using bolt::Value;

struct Canned {
  std::vector<std::string> fields;
  std::vector<std::vector<Value>> rows;
  bolt::QueryStats stats;
};

class CannedStream : public bolt::ResultStream {
 public:
  explicit CannedStream(Canned c) : c_(std::move(c)) {}
  const std::vector<std::string>& Fields() const override { return c_.fields; }
  Result<bolt::PullOutcome, BoltError> Pull(int64_t n, const bolt::RowSink& sink) override {
    for (const auto& row : c_.rows) sink(row);
    bolt::PullOutcome out;
    out.summary.stats = c_.stats;
    return out;
  }
  Result<bolt::PullOutcome, BoltError> Discard(int64_t) override { return bolt::PullOutcome{}; }

 private:
  Canned c_;
};

class CannedHandler : public bolt::QueryHandler {
 public:
  explicit CannedHandler(const std::map<std::string, Canned>* script) : script_(script) {}
  Result<std::unique_ptr<bolt::ResultStream>, BoltError> Run(const std::string& query, const Map&,
                                                             const bolt::TxOptions&,
                                                             bool) override {
    auto it = script_->find(query);
    if (it == script_->end()) {
      return MakeError(BoltError{"Neo.ClientError.Statement.SyntaxError",
                                 "no canned answer for '" + query + "'"});
    }
    return std::unique_ptr<bolt::ResultStream>(std::make_unique<CannedStream>(it->second));
  }
  Result<void, BoltError> Begin(const bolt::TxOptions&) override { return {}; }
  Result<std::string, BoltError> Commit() override { return std::string(); }
  Result<void, BoltError> Rollback() override { return {}; }
  void Reset() override {}

 private:
  const std::map<std::string, Canned>* script_;
};

bolt::Node MakeNode(int64_t id, const std::string& label, Map props) {
  bolt::Node n;
  n.id = id;
  n.labels = {label};
  n.properties = std::move(props);
  return n;
}

class ConsoleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    script_["SHOW STREAMS"] = {{"name", "uri", "topic"},
                               {{Value("mystream"), Value("localhost:9092"), Value("test")}},
                               {}};
    bolt::Relationship edge{7, 1, 2, "Edge", {}, "", "", ""};
    script_["MATCH (n)-[r]->(m)\nRETURN n, r, m"] = {
        {"n", "r", "m"},
        {{Value(MakeNode(1, "Node", Map{{"id", Value("1")}})), Value(edge),
          Value(MakeNode(2, "Node", Map{{"id", Value("2")}}))}},
        {}};
    script_["RETURN props"] = {
        {"props"}, {{Value(Map{{"from_id", Value("1")}, {"to_id", Value("2")}})}}, {}};
    script_["RETURN [1, 2] AS l, null AS x"] = {
        {"l", "x"}, {{Value(List{Value(1), Value(2)}), Value()}}, {}};
    script_["CREATE (n)"] = {{}, {}, bolt::QueryStats{.nodes_created = 1}};
    script_["RETURN 'a;b' AS s"] = {{"s"}, {{Value("a;b")}}, {}};
  }

  void StartServer(
      std::shared_ptr<bolt::Authenticator> auth = std::make_shared<bolt::NoAuthAuthenticator>()) {
    bolt::ServerOptions o;
    o.port = 0;
    o.worker_threads = 2;
    auto* script = &script_;
    server_ = std::make_unique<bolt::Server>(
        o,
        [script](
            const bolt::SessionInfo&) -> Result<std::unique_ptr<bolt::QueryHandler>, BoltError> {
          return std::unique_ptr<bolt::QueryHandler>(std::make_unique<CannedHandler>(script));
        },
        std::move(auth));
    ASSERT_TRUE(server_->Start());
    options_.port = server_->port();
  }

  int Run(const std::string& input) {
    std::istringstream in(input);
    out_.str("");
    err_.str("");
    return RunScript(options_, in, out_, err_);
  }

  std::map<std::string, Canned> script_;
  std::unique_ptr<bolt::Server> server_;
  ConsoleOptions options_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(ConsoleTest, PrintsTablesForEachQuery) {
  StartServer();
  EXPECT_EQ(Run("SHOW STREAMS;\nMATCH (n)-[r]->(m)\nRETURN n, r, m;\nRETURN props;\n"), 0);
  EXPECT_EQ(out_.str(),
            "+----------+----------------+-------+\n"
            "| name     | uri            | topic |\n"
            "+----------+----------------+-------+\n"
            "| mystream | localhost:9092 | test  |\n"
            "+----------+----------------+-------+\n"
            R"(+------------------+---------+------------------+
| n                | r       | m                |
+------------------+---------+------------------+
| (:Node {id:"1"}) | [:Edge] | (:Node {id:"2"}) |
+------------------+---------+------------------+
+-------------------------+
| props                   |
+-------------------------+
| {from_id:"1",to_id:"2"} |
+-------------------------+
)");
  EXPECT_EQ(err_.str(), "");
}

TEST_F(ConsoleTest, UpdatesWithoutRowsPrintNothing) {
  StartServer();
  EXPECT_EQ(Run("CREATE (n);\nRETURN [1, 2] AS l, null AS x;"), 0);  // last query has no ';'
  EXPECT_EQ(out_.str(),
            "+--------+------+\n"
            "| l      | x    |\n"
            "+--------+------+\n"
            "| [1, 2] | Null |\n"
            "+--------+------+\n");
}

TEST_F(ConsoleTest, SemicolonsInStringsStayInTheQuery) {
  StartServer();
  EXPECT_EQ(Run("RETURN 'a;b' AS s;"), 0);
  EXPECT_EQ(out_.str(),
            "+-----+\n"
            "| s   |\n"
            "+-----+\n"
            "| a;b |\n"
            "+-----+\n");
}

TEST_F(ConsoleTest, StopsAtTheFirstError) {
  StartServer();
  EXPECT_EQ(Run("SHOW STREAMS;\nBROKEN QUERY;\nRETURN props;"), 1);
  EXPECT_EQ(out_.str().find("props"), std::string::npos);
  EXPECT_NE(out_.str().find("mystream"), std::string::npos);
  EXPECT_EQ(err_.str(),
            "Failed query: BROKEN QUERY\n"
            "Client received exception: no canned answer for 'BROKEN QUERY'\n");
}

TEST_F(ConsoleTest, ContinueOnError) {
  StartServer();
  options_.continue_on_error = true;
  EXPECT_EQ(Run("BROKEN;\nRETURN props;\nALSO BROKEN;\n"), 0);
  EXPECT_NE(out_.str().find("{from_id:\"1\",to_id:\"2\"}"), std::string::npos);
  EXPECT_NE(err_.str().find("Client received exception: no canned answer for 'BROKEN'"),
            std::string::npos);
  EXPECT_NE(err_.str().find("no canned answer for 'ALSO BROKEN'"), std::string::npos);
}

TEST_F(ConsoleTest, CsvAndJsonFormats) {
  StartServer();
  options_.output_format = OutputFormat::kCsv;
  EXPECT_EQ(Run("SHOW STREAMS;RETURN props;"), 0);
  EXPECT_EQ(out_.str(),
            "\"name\",\"uri\",\"topic\"\n"
            "\"mystream\",\"localhost:9092\",\"test\"\n"
            "\"props\"\n"
            "\"{from_id:\"\"1\"\",to_id:\"\"2\"\"}\"\n");
  options_.output_format = OutputFormat::kJson;
  EXPECT_EQ(Run("SHOW STREAMS;\nRETURN props;"), 0);
  EXPECT_EQ(out_.str(),
            "{\"name\":\"mystream\",\"uri\":\"localhost:9092\",\"topic\":\"test\"}\n"
            "{\"props\":{\"from_id\":\"1\",\"to_id\":\"2\"}}\n");
}

TEST_F(ConsoleTest, ConnectionFailure) {
  StartServer();
  const uint16_t port = server_->port();
  server_->Stop();
  options_.port = port;
  EXPECT_EQ(Run("SHOW STREAMS;"), 1);
  EXPECT_EQ(out_.str(), "");
  EXPECT_EQ(err_.str().rfind("Connection failure: ", 0), 0u) << err_.str();
}

TEST_F(ConsoleTest, Authentication) {
  std::unordered_map<std::string, std::string> users;
  users["ann"] = *bolt::HashPassword("pw", bolt::HashStrength::kMinimal);
  StartServer(std::make_shared<bolt::FileAuthenticator>(users));
  options_.username = "ann";
  options_.password = "pw";
  EXPECT_EQ(Run("SHOW STREAMS;"), 0);
  options_.password = "nope";
  EXPECT_EQ(Run("SHOW STREAMS;"), 1);
  EXPECT_NE(err_.str().find("authentication failure"), std::string::npos) << err_.str();
}

}  // namespace
}  // namespace tributary::console
