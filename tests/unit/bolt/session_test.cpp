#include "bolt/session.hpp"

#include <gtest/gtest.h>

#include "bolt/auth.hpp"
#include "bolt/handshake.hpp"
#include "fake_handler.hpp"

namespace tributary::bolt {
namespace {

using testing::FakeFactory;
using testing::FakeState;

const std::vector<uint8_t> kDriverProposals = {0, 0, 1, 0xFF, 0, 8, 8, 5, 0, 2, 4, 4, 0, 0, 0, 3};
const std::vector<uint8_t> kMgconsoleProposals = {0, 0, 1, 4, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0};

// Drives a Session as a client would, byte for byte.
class Harness {
 public:
  explicit Harness(SessionOptions options = {},
                   std::shared_ptr<Authenticator> auth = std::make_shared<NoAuthAuthenticator>())
      : state_(std::make_shared<FakeState>()),
        session_(
            std::make_unique<Session>(std::move(options), FakeFactory(state_), std::move(auth))) {}

  // Sends magic + proposals; returns the 4-byte answer.
  std::vector<uint8_t> Handshake(const std::vector<uint8_t>& proposals) {
    std::string bytes(kMagic.begin(), kMagic.end());
    bytes.append(proposals.begin(), proposals.end());
    session_->Feed(bytes);
    std::string out = session_->TakeOutput();
    if (session_->version()) version_ = *session_->version();
    return std::vector<uint8_t>(out.begin(), out.end());
  }

  // Queues a message; Flush() feeds all queued messages at once (pipelining).
  void Queue(Signature s, std::vector<Value> fields = {}) {
    AppendChunked(EncodeMessage(s, fields, version_), &pending_);
  }

  std::vector<Message> Flush() {
    session_->Feed(pending_);
    pending_.clear();
    return TakeResponses();
  }

  std::vector<Message> Send(Signature s, std::vector<Value> fields = {}) {
    Queue(s, std::move(fields));
    return Flush();
  }

  std::vector<Message> FeedRaw(std::string_view bytes) {
    session_->Feed(bytes);
    return TakeResponses();
  }

  // HELLO (+ LOGON on 5.1+) with no-auth credentials; expects success.
  void Login() {
    Map hello{{"user_agent", Value("test/1.0")}};
    if (version_ < ProtocolVersion{5, 1}) {
      hello.Set("scheme", Value("basic"));
      hello.Set("principal", Value("ann"));
      hello.Set("credentials", Value("pw"));
    }
    Queue(Signature::kHello, {Value(hello)});
    if (version_ >= ProtocolVersion{5, 1}) {
      Queue(Signature::kLogon, {Value(Map{{"scheme", Value("basic")},
                                          {"principal", Value("ann")},
                                          {"credentials", Value("pw")}})});
    }
    auto replies = Flush();
    for (const auto& r : replies) ASSERT_EQ(r.signature, static_cast<uint8_t>(Signature::kSuccess));
    ASSERT_EQ(session_->state(), SessionState::kReady);
  }

  // For a handshake finished by FeedRaw (manifest v1).
  void SetVersion(ProtocolVersion v) { version_ = v; }

  // Responses produced since the last call (e.g. by Resume()).
  std::vector<Message> Take() { return TakeResponses(); }

  Session& session() { return *session_; }
  FakeState& state() { return *state_; }
  void Destroy() { session_.reset(); }

 private:
  std::vector<Message> TakeResponses() {
    std::vector<Dechunker::Event> events;
    out_dechunker_.Feed(session_->TakeOutput(), &events);
    std::vector<Message> messages;
    for (auto& e : events) {
      auto m = DecodeMessage(e.message);
      EXPECT_TRUE(m);
      if (m) messages.push_back(std::move(*m));
    }
    return messages;
  }

  std::shared_ptr<FakeState> state_;
  std::unique_ptr<Session> session_;
  ProtocolVersion version_{5, 4};
  std::string pending_;
  Dechunker out_dechunker_{1 << 30};
};

bool IsSuccess(const Message& m) {
  return m.signature == static_cast<uint8_t>(Signature::kSuccess);
}

const Map& Meta(const Message& m) { return m.fields.at(0).AsMap(); }

std::string Code(const Message& m) { return Meta(m).Find("code")->AsString(); }

std::string Kinds(const std::vector<Message>& ms) {
  std::string out;
  for (const auto& m : ms) {
    if (!out.empty()) out += " ";
    out += SignatureName(m.signature);
  }
  return out;
}

Map Pull(int64_t n, int64_t qid = -1) {
  Map m{{"n", Value(n)}};
  if (qid != -1) m.Set("qid", Value(qid));
  return m;
}

std::vector<Value> RunFields(const std::string& query, Map params = {}, Map extra = {}) {
  return {Value(query), Value(std::move(params)), Value(std::move(extra))};
}

TEST(SessionTest, HandshakeWithTheDriversBytesAnswers54) {
  Harness h;
  EXPECT_EQ(h.Handshake(kDriverProposals), (std::vector<uint8_t>{0, 0, 4, 5}));
  EXPECT_EQ(h.session().state(), SessionState::kNegotiated);
}

TEST(SessionTest, HandshakeArrivingByteByByte) {
  Harness h;
  std::string bytes(kMagic.begin(), kMagic.end());
  bytes.append(kMgconsoleProposals.begin(), kMgconsoleProposals.end());
  for (char c : bytes) h.session().Feed(std::string_view(&c, 1));
  EXPECT_EQ(h.session().TakeOutput(), std::string("\x00\x00\x01\x04", 4));
}

TEST(SessionTest, BadMagicClosesWithoutAnswer) {
  Harness h;
  h.session().Feed("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(h.session().ShouldClose());
  EXPECT_EQ(h.session().TakeOutput(), "");
}

TEST(SessionTest, NoCommonVersionAnswersZerosAndCloses) {
  Harness h;
  EXPECT_EQ(h.Handshake({0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0}),
            (std::vector<uint8_t>{0, 0, 0, 0}));
  EXPECT_TRUE(h.session().ShouldClose());
}

TEST(SessionTest, VersionCap) {
  SessionOptions o;
  o.max_version = {4, 4};
  Harness h(o);
  EXPECT_EQ(h.Handshake(kDriverProposals), (std::vector<uint8_t>{0, 0, 4, 4}));
  h.Login();
  EXPECT_EQ(h.state().last_user, "ann");
}

TEST(SessionTest, Bolt54HelloLogonRunPull) {
  Harness h;
  h.Handshake(kDriverProposals);
  auto hello =
      h.Send(Signature::kHello, {Value(Map{{"user_agent", Value("neo4j-javascript/6.3.0")}})});
  ASSERT_EQ(hello.size(), 1u);
  ASSERT_TRUE(IsSuccess(hello[0]));
  EXPECT_EQ(Meta(hello[0]).Find("server")->AsString(),
            "Neo4j/5.11.0 compatible graph database server - Tributary");
  EXPECT_EQ(Meta(hello[0]).Find("connection_id")->AsString(), "bolt-0");
  ASSERT_TRUE(Meta(hello[0]).Find("hints")->IsMap());
  EXPECT_FALSE(Meta(hello[0]).Find("hints")->AsMap().Find("telemetry.enabled")->AsBool());
  EXPECT_EQ(h.session().state(), SessionState::kAuthentication);
  EXPECT_EQ(h.state().created, 0);  // no handler before LOGON

  auto logon = h.Send(Signature::kLogon, {Value(Map{{"scheme", Value("none")}})});
  ASSERT_TRUE(IsSuccess(logon.at(0)));
  EXPECT_EQ(h.state().created, 1);

  auto run = h.Send(Signature::kRun, RunFields("ROWS 3"));
  ASSERT_TRUE(IsSuccess(run.at(0)));
  EXPECT_EQ(Meta(run[0]).Find("fields")->AsList(), (List{Value("x")}));
  EXPECT_TRUE(Meta(run[0]).Find("t_first")->IsInt());
  EXPECT_FALSE(Meta(run[0]).Contains("qid"));
  EXPECT_EQ(h.session().state(), SessionState::kStreaming);

  auto pull = h.Send(Signature::kPull, {Value(Pull(-1))});
  ASSERT_EQ(Kinds(pull), "RECORD RECORD RECORD SUCCESS");
  EXPECT_EQ(pull[2].fields[0].AsList(), (List{Value(2)}));
  const Map& summary = Meta(pull[3]);
  EXPECT_EQ(summary.Find("bookmark")->AsString(), "fake:bookmark");
  EXPECT_EQ(summary.Find("type")->AsString(), "r");
  EXPECT_EQ(summary.Find("db")->AsString(), "tributary");
  EXPECT_TRUE(summary.Find("t_last")->IsInt());
  EXPECT_FALSE(summary.Contains("stats"));
  EXPECT_FALSE(summary.Contains("has_more"));
  EXPECT_EQ(h.session().state(), SessionState::kReady);
}

// Whole one-chunk messages are handled in place; split or multi-chunk ones
// are reassembled first. Both must answer alike.
TEST(SessionTest, MessagesSplitAcrossReadsOrChunksAnswerAsWholeOnes) {
  auto run_pull = [](ProtocolVersion v, size_t max_chunk) {
    std::string bytes;
    AppendChunked(EncodeMessage(Signature::kRun, RunFields("ROWS 2", Map{{"p", Value(1)}}), v),
                  &bytes, max_chunk);
    bytes += std::string("\0\0", 2);  // a NOOP between messages
    AppendChunked(EncodeMessage(Signature::kPull, {Value(Pull(-1))}, v), &bytes, max_chunk);
    return bytes;
  };
  auto answers = [&](size_t max_chunk, size_t piece) {
    Harness h;
    h.Handshake(kDriverProposals);
    h.Login();
    const std::string bytes = run_pull(ProtocolVersion{5, 4}, max_chunk);
    std::vector<Message> replies;
    for (size_t pos = 0; pos < bytes.size(); pos += piece) {
      auto more = h.FeedRaw(std::string_view(bytes).substr(pos, piece));
      replies.insert(replies.end(), more.begin(), more.end());
    }
    EXPECT_EQ(h.session().state(), SessionState::kReady);
    return Kinds(replies);
  };
  const std::string whole = answers(kMaxChunkSize, 1 << 20);
  EXPECT_EQ(whole, "SUCCESS RECORD RECORD SUCCESS");
  EXPECT_EQ(answers(kMaxChunkSize, 1), whole);  // byte by byte
  EXPECT_EQ(answers(kMaxChunkSize, 7), whole);
  EXPECT_EQ(answers(5, 1 << 20), whole);  // many small chunks in one read
  EXPECT_EQ(answers(5, 3), whole);
}

TEST(SessionTest, PullHonoursNAndReportsHasMore) {
  Harness h;
  h.Handshake(kDriverProposals);
  h.Login();
  h.Send(Signature::kRun, RunFields("ROWS 5"));
  auto page1 = h.Send(Signature::kPull, {Value(Pull(2))});
  ASSERT_EQ(Kinds(page1), "RECORD RECORD SUCCESS");
  EXPECT_TRUE(Meta(page1[2]).Find("has_more")->AsBool());
  EXPECT_EQ(Meta(page1[2]).size(), 1u);
  auto page2 = h.Send(Signature::kPull, {Value(Pull(2))});
  ASSERT_EQ(Kinds(page2), "RECORD RECORD SUCCESS");
  EXPECT_EQ(page2[0].fields[0].AsList(), (List{Value(2)}));
  EXPECT_TRUE(Meta(page2[2]).Find("has_more")->AsBool());
  auto page3 = h.Send(Signature::kPull, {Value(Pull(2))});
  ASSERT_EQ(Kinds(page3), "RECORD SUCCESS");
  EXPECT_FALSE(Meta(page3[1]).Contains("has_more"));
  EXPECT_TRUE(Meta(page3[1]).Contains("bookmark"));
  // Exactly n rows remaining: has_more is false right away.
  h.Send(Signature::kRun, RunFields("ROWS 2"));
  auto exact = h.Send(Signature::kPull, {Value(Pull(2))});
  ASSERT_EQ(Kinds(exact), "RECORD RECORD SUCCESS");
  EXPECT_FALSE(Meta(exact[2]).Contains("has_more"));
}

TEST(SessionTest, DiscardSkipsRows) {
  Harness h;
  h.Handshake(kDriverProposals);
  h.Login();
  h.Send(Signature::kRun, RunFields("ROWS 5"));
  auto d1 = h.Send(Signature::kDiscard, {Value(Pull(3))});
  ASSERT_EQ(Kinds(d1), "SUCCESS");
  EXPECT_TRUE(Meta(d1[0]).Find("has_more")->AsBool());
  auto rest = h.Send(Signature::kPull, {Value(Pull(-1))});
  ASSERT_EQ(Kinds(rest), "RECORD RECORD SUCCESS");
  EXPECT_EQ(rest[0].fields[0].AsList(), (List{Value(3)}));
}

TEST(SessionTest, PipelinedFailureIgnoresUntilReset) {
  Harness h;
  h.Handshake(kDriverProposals);
  h.Queue(Signature::kHello, {Value(Map{{"user_agent", Value("x")}})});
  h.Queue(Signature::kLogon, {Value(Map{{"scheme", Value("none")}})});
  h.Queue(Signature::kRun, RunFields("ROWS 1"));
  h.Queue(Signature::kPull, {Value(Pull(1000))});
  h.Queue(Signature::kRun, RunFields("FAIL"));
  h.Queue(Signature::kPull, {Value(Pull(1000))});
  h.Queue(Signature::kRun, RunFields("ROWS 1"));
  h.Queue(Signature::kBegin, {Value(Map{})});
  h.Queue(Signature::kReset);
  h.Queue(Signature::kRun, RunFields("ROWS 2"));
  h.Queue(Signature::kPull, {Value(Pull(1000))});
  auto replies = h.Flush();
  EXPECT_EQ(Kinds(replies),
            "SUCCESS SUCCESS SUCCESS RECORD SUCCESS FAILURE IGNORED IGNORED IGNORED SUCCESS "
            "SUCCESS RECORD RECORD SUCCESS");
  EXPECT_EQ(Code(replies[5]), "Neo.ClientError.Statement.SyntaxError");
  EXPECT_EQ(Meta(replies[5]).Find("message")->AsString(), "Invalid input 'FAIL'");
  EXPECT_EQ(h.state().resets, 1);
  EXPECT_EQ(h.state().begins, 0);
}

TEST(SessionTest, FailureDuringPullAbortsAndNeedsReset) {
  Harness h;
  h.Handshake(kDriverProposals);
  h.Login();
  h.Send(Signature::kRun, RunFields("FAIL_PULL"));
  auto pull = h.Send(Signature::kPull, {Value(Pull(-1))});
  ASSERT_EQ(Kinds(pull), "FAILURE");
  EXPECT_EQ(h.session().state(), SessionState::kFailed);
  EXPECT_EQ(Kinds(h.Send(Signature::kRun, RunFields("ROWS 1"))), "IGNORED");
  EXPECT_EQ(Kinds(h.Send(Signature::kPull, {Value(Pull(-1))})), "IGNORED");
  EXPECT_EQ(Kinds(h.Send(Signature::kReset)), "SUCCESS");
  EXPECT_EQ(h.session().state(), SessionState::kReady);
}

TEST(SessionTest, ResetAbortsAnOpenAutoCommitResult) {
  Harness h;
  h.Handshake(kDriverProposals);
  h.Login();
  h.Send(Signature::kRun, RunFields("ROWS 10"));
  h.Send(Signature::kPull, {Value(Pull(1))});
  EXPECT_EQ(Kinds(h.Send(Signature::kReset)), "SUCCESS");
  EXPECT_EQ(h.state().aborted_streams, 1);
  EXPECT_EQ(h.session().state(), SessionState::kReady);
}

TEST(SessionTest, RunWhileStreamingIsAProtocolError) {
  Harness h;
  h.Handshake(kDriverProposals);
  h.Login();
  h.Send(Signature::kRun, RunFields("ROWS 1"));
  auto second = h.Send(Signature::kRun, RunFields("ROWS 1"));
  ASSERT_EQ(Kinds(second), "FAILURE");
  EXPECT_EQ(Code(second[0]), "Neo.ClientError.Request.Invalid");
  EXPECT_FALSE(h.session().ShouldClose());
  auto commit = h.Send(Signature::kCommit);
  EXPECT_EQ(Kinds(commit), "IGNORED");
}

TEST(SessionTest, ExplicitTransactionWithSeveralResults) {
  Harness h;
  h.Handshake(kDriverProposals);
  h.Login();
  ASSERT_EQ(Kinds(h.Send(Signature::kBegin, {Value(Map{{"db", Value("graph")}})})), "SUCCESS");
  EXPECT_EQ(h.session().state(), SessionState::kTxReady);
  auto run0 = h.Send(Signature::kRun, RunFields("ROWS 3"));
  EXPECT_EQ(Meta(run0.at(0)).Find("qid")->AsInt(), 0);
  EXPECT_TRUE(h.state().last_in_tx);
  auto run1 = h.Send(Signature::kRun, RunFields("ROWS 2"));
  EXPECT_EQ(Meta(run1.at(0)).Find("qid")->AsInt(), 1);
  EXPECT_EQ(h.session().state(), SessionState::kTxStreaming);

  auto p0 = h.Send(Signature::kPull, {Value(Pull(1, 0))});
  ASSERT_EQ(Kinds(p0), "RECORD SUCCESS");
  EXPECT_EQ(p0[0].fields[0].AsList(), (List{Value(0)}));
  EXPECT_TRUE(Meta(p0[1]).Find("has_more")->AsBool());

  auto p1 = h.Send(Signature::kPull, {Value(Pull(-1))});  // qid -1: the latest (1)
  ASSERT_EQ(Kinds(p1), "RECORD RECORD SUCCESS");
  EXPECT_FALSE(Meta(p1[2]).Contains("bookmark"));  // bookmarks come with COMMIT
  EXPECT_EQ(Meta(p1[2]).Find("db")->AsString(), "graph");
  EXPECT_EQ(h.session().state(), SessionState::kTxStreaming);  // qid 0 still open

  auto p0rest = h.Send(Signature::kPull, {Value(Pull(-1, 0))});
  ASSERT_EQ(Kinds(p0rest), "RECORD RECORD SUCCESS");
  EXPECT_EQ(h.session().state(), SessionState::kTxReady);

  auto unknown = h.Send(Signature::kRun, RunFields("ROWS 1"));
  EXPECT_EQ(Meta(unknown.at(0)).Find("qid")->AsInt(), 2);
  auto commit = h.Send(Signature::kCommit);
  ASSERT_EQ(Kinds(commit), "SUCCESS");
  EXPECT_EQ(Meta(commit[0]).Find("bookmark")->AsString(), "fake:commit");
  EXPECT_EQ(h.state().discards, 1);  // the unconsumed result was discarded first
  EXPECT_EQ(h.state().commits, 1);
  EXPECT_EQ(h.session().state(), SessionState::kReady);
}

TEST(SessionTest, PullOfAnUnknownQidFails) {
  Harness h;
  h.Handshake(kDriverProposals);
  h.Login();
  h.Send(Signature::kBegin, {Value(Map{})});
  h.Send(Signature::kRun, RunFields("ROWS 1"));
  auto bad = h.Send(Signature::kPull, {Value(Pull(-1, 9))});
  ASSERT_EQ(Kinds(bad), "FAILURE");
  h.Send(Signature::kReset);
  EXPECT_EQ(h.state().rollbacks, 1);
}

TEST(SessionTest, RollbackAndGoodbyeInsideATransaction) {
  Harness h;
  h.Handshake(kDriverProposals);
  h.Login();
  h.Send(Signature::kBegin, {Value(Map{})});
  h.Send(Signature::kRun, RunFields("ROWS 1"));
  EXPECT_EQ(Kinds(h.Send(Signature::kRollback)), "SUCCESS");
  EXPECT_EQ(h.state().rollbacks, 1);
  h.Send(Signature::kBegin, {Value(Map{})});
  EXPECT_EQ(Kinds(h.Send(Signature::kGoodbye)), "");
  EXPECT_TRUE(h.session().ShouldClose());
  EXPECT_EQ(h.state().destroyed, 1);
  EXPECT_EQ(h.state().rollbacks, 2);  // the handler rolled back on destruction
}

TEST(SessionTest, StatsOnlyNonZeroWithContainsUpdates) {
  Harness h;
  h.Handshake(kDriverProposals);
  h.Login();
  h.Send(Signature::kRun, RunFields("CREATE"));
  auto pull = h.Send(Signature::kPull, {Value(Pull(-1))});
  ASSERT_EQ(Kinds(pull), "SUCCESS");
  EXPECT_EQ(Meta(pull[0]).Find("type")->AsString(), "w");
  const Map& stats = Meta(pull[0]).Find("stats")->AsMap();
  EXPECT_EQ(stats, (Map{{"nodes-created", Value(1)},
                        {"properties-set", Value(2)},
                        {"contains-updates", Value(true)}}));
}

TEST(SessionTest, RunExtraReachesTheHandler) {
  Harness h;
  h.Handshake(kDriverProposals);
  h.Login();
  h.Send(Signature::kRun,
         RunFields("ROWS 0", {}, Map{{"db", Value("other")}, {"mode", Value("r")}}));
  auto pull = h.Send(Signature::kPull, {Value(Pull(-1))});
  EXPECT_EQ(h.state().last_db, "other");
  EXPECT_EQ(Meta(pull.at(0)).Find("db")->AsString(), "other");
  // A badly typed option is a client error, not a crash.
  auto bad = h.Send(Signature::kRun, RunFields("ROWS 0", {}, Map{{"bookmarks", Value(3)}}));
  EXPECT_EQ(Kinds(bad), "FAILURE");
}

TEST(SessionTest, ParametersArePassedThrough) {
  Harness h;
  h.Handshake(kDriverProposals);
  h.Login();
  Map params{{"i", Value(7)}, {"f", Value(7.0)}, {"s", Value("x")}, {"l", Value(List{Value(1)})}};
  auto run = h.Send(Signature::kRun, RunFields("ECHO", params));
  EXPECT_EQ(Meta(run.at(0)).Find("fields")->AsList(),
            (List{Value("i"), Value("f"), Value("s"), Value("l")}));
  auto pull = h.Send(Signature::kPull, {Value(Pull(-1))});
  ASSERT_EQ(Kinds(pull), "RECORD SUCCESS");
  const List& row = pull[0].fields[0].AsList();
  EXPECT_TRUE(row[0].IsInt());
  EXPECT_TRUE(row[1].IsFloat());  // ints and floats stay distinct
  EXPECT_EQ(row[3], Value(List{Value(1)}));
}

TEST(SessionTest, RouteAnswersASingleServerTable) {
  SessionOptions o;
  o.advertised_address = "127.0.0.1:7777";
  Harness h(o);
  h.Handshake(kDriverProposals);
  h.Login();
  auto route = h.Send(Signature::kRoute, {Value(Map{{"address", Value("localhost:7777")}}),
                                          Value(List{}), Value(Map{{"db", Value("graph")}})});
  ASSERT_EQ(Kinds(route), "SUCCESS");
  const Map& rt = Meta(route[0]).Find("rt")->AsMap();
  EXPECT_EQ(rt.Find("ttl")->AsInt(), 300);
  EXPECT_EQ(rt.Find("db")->AsString(), "graph");
  const List& servers = rt.Find("servers")->AsList();
  ASSERT_EQ(servers.size(), 3u);
  std::vector<std::string> roles;
  for (const auto& s : servers) {
    roles.push_back(s.AsMap().Find("role")->AsString());
    EXPECT_EQ(s.AsMap().Find("addresses")->AsList(), (List{Value("127.0.0.1:7777")}));
  }
  EXPECT_EQ(roles, (std::vector<std::string>{"WRITE", "READ", "ROUTE"}));
  // Without a db the handler's default is reported.
  auto def = h.Send(Signature::kRoute, {Value(Map{}), Value(List{}), Value(Map{})});
  EXPECT_EQ(Meta(def.at(0)).Find("rt")->AsMap().Find("db")->AsString(), "tributary");
}

TEST(SessionTest, TelemetryOn54) {
  SessionOptions o;
  o.telemetry_enabled = true;
  Harness h(o);
  h.Handshake(kDriverProposals);
  auto hello = h.Send(Signature::kHello, {Value(Map{{"user_agent", Value("x")}})});
  EXPECT_TRUE(Meta(hello.at(0)).Find("hints")->AsMap().Find("telemetry.enabled")->AsBool());
  h.Send(Signature::kLogon, {Value(Map{{"scheme", Value("none")}})});
  EXPECT_EQ(Kinds(h.Send(Signature::kTelemetry, {Value(1)})), "SUCCESS");
  EXPECT_EQ(h.session().state(), SessionState::kReady);
}

TEST(SessionTest, TelemetryBefore54IsUnknown) {
  SessionOptions o;
  o.max_version = {5, 3};
  Harness h(o);
  h.Handshake(kDriverProposals);
  h.Login();
  auto t = h.Send(Signature::kTelemetry, {Value(1)});
  ASSERT_EQ(Kinds(t), "FAILURE");
  EXPECT_TRUE(h.session().ShouldClose());
}

TEST(SessionTest, MgconsoleFlowOnBolt41) {
  Harness h;
  EXPECT_EQ(h.Handshake(kMgconsoleProposals), (std::vector<uint8_t>{0, 0, 1, 4}));
  auto hello = h.Send(Signature::kHello,
                      {Value(Map{{"user_agent", Value("mg/1.5.2")}, {"scheme", Value("none")}})});
  ASSERT_EQ(Kinds(hello), "SUCCESS");
  EXPECT_FALSE(Meta(hello[0]).Contains("hints"));  // hints arrived with 4.3
  EXPECT_EQ(h.session().state(), SessionState::kReady);
  // mgclient pipelines RUN + PULL {n: -1}.
  h.Queue(Signature::kRun, RunFields("GRAPH"));
  h.Queue(Signature::kPull, {Value(Pull(-1))});
  auto replies = h.Flush();
  ASSERT_EQ(Kinds(replies), "SUCCESS RECORD SUCCESS");
  const List& row = replies[1].fields[0].AsList();
  EXPECT_TRUE(row[0].IsNode());
  EXPECT_TRUE(row[0].AsNode().element_id.empty());  // 3-field Node on 4.x
  EXPECT_TRUE(row[1].IsRelationship());
  EXPECT_TRUE(row[2].IsPath());
  // ROUTE does not exist on 4.1.
  auto route = h.Send(Signature::kRoute, {Value(Map{}), Value(List{}), Value()});
  EXPECT_EQ(Kinds(route), "FAILURE");
  EXPECT_TRUE(h.session().ShouldClose());
}

TEST(SessionTest, RecordBytesOn41HaveThreeFieldNodes) {
  Harness h;
  h.Handshake(kMgconsoleProposals);
  h.Login();
  h.Send(Signature::kRun, RunFields("GRAPH"));
  h.session().Feed([&] {
    std::string s;
    AppendChunked(EncodeMessage(Signature::kPull, {Value(Pull(-1))}, {4, 1}), &s);
    return s;
  }());
  const std::string out = h.session().TakeOutput();
  // chunk header (2) + B1 71 + list header 93 + node B3 4E
  ASSERT_GT(out.size(), 7u);
  EXPECT_EQ(static_cast<uint8_t>(out[2]), 0xB1);
  EXPECT_EQ(static_cast<uint8_t>(out[3]), 0x71);
  EXPECT_EQ(static_cast<uint8_t>(out[4]), 0x93);
  EXPECT_EQ(static_cast<uint8_t>(out[5]), 0xB3);
  EXPECT_EQ(static_cast<uint8_t>(out[6]), 0x4E);
}

TEST(SessionTest, WrongPasswordIsUnauthorizedAndCloses) {
  std::unordered_map<std::string, std::string> users;
  users["ann"] = *HashPassword("secret", HashStrength::kMinimal);
  Harness h({}, std::make_shared<FileAuthenticator>(users));
  h.Handshake(kDriverProposals);
  h.Send(Signature::kHello, {Value(Map{{"user_agent", Value("x")}})});
  auto logon = h.Send(Signature::kLogon, {Value(Map{{"scheme", Value("basic")},
                                                    {"principal", Value("ann")},
                                                    {"credentials", Value("wrong")}})});
  ASSERT_EQ(Kinds(logon), "FAILURE");
  EXPECT_EQ(Code(logon[0]), "Neo.ClientError.Security.Unauthorized");
  EXPECT_TRUE(h.session().ShouldClose());
  EXPECT_EQ(h.state().created, 0);
}

TEST(SessionTest, AuthInsideHelloUpTo50) {
  std::unordered_map<std::string, std::string> users;
  users["ann"] = *HashPassword("secret", HashStrength::kMinimal);
  auto auth = std::make_shared<FileAuthenticator>(users);
  SessionOptions o;
  o.max_version = {5, 0};
  Harness ok(o, auth);
  ok.Handshake(kDriverProposals);
  auto hello = ok.Send(Signature::kHello, {Value(Map{{"user_agent", Value("x")},
                                                     {"scheme", Value("basic")},
                                                     {"principal", Value("ann")},
                                                     {"credentials", Value("secret")}})});
  ASSERT_EQ(Kinds(hello), "SUCCESS");
  EXPECT_EQ(ok.session().state(), SessionState::kReady);
  EXPECT_EQ(ok.state().last_user, "ann");

  Harness bad(o, auth);
  bad.Handshake(kDriverProposals);
  auto denied = bad.Send(Signature::kHello,
                         {Value(Map{{"user_agent", Value("x")}, {"scheme", Value("none")}})});
  ASSERT_EQ(Kinds(denied), "FAILURE");
  EXPECT_TRUE(bad.session().ShouldClose());
}

TEST(SessionTest, LogoffAndLogonAgain) {
  Harness h;
  h.Handshake(kDriverProposals);
  h.Login();
  h.Send(Signature::kBegin, {Value(Map{})});
  EXPECT_EQ(Kinds(h.Send(Signature::kLogoff)), "FAILURE");  // not allowed in a transaction
  h.Send(Signature::kReset);
  EXPECT_EQ(Kinds(h.Send(Signature::kLogoff)), "SUCCESS");
  EXPECT_EQ(h.session().state(), SessionState::kAuthentication);
  EXPECT_EQ(h.state().destroyed, 1);
  auto logon = h.Send(Signature::kLogon, {Value(Map{{"scheme", Value("none")}})});
  ASSERT_EQ(Kinds(logon), "SUCCESS");
  EXPECT_EQ(h.state().created, 2);
  h.Send(Signature::kRun, RunFields("ROWS 1"));
  EXPECT_EQ(Kinds(h.Send(Signature::kPull, {Value(Pull(-1))})), "RECORD SUCCESS");
  EXPECT_EQ(Kinds(h.Send(Signature::kLogoff)), "SUCCESS");
  EXPECT_EQ(Kinds(h.Send(Signature::kRun, RunFields("ROWS 1"))), "FAILURE");
  EXPECT_TRUE(h.session().ShouldClose());  // unauthenticated misuse closes
}

TEST(SessionTest, OversizeMessageFailsButKeepsTheConnection) {
  SessionOptions o;
  o.max_message_size = 200;
  Harness h(o);
  h.Handshake(kDriverProposals);
  h.Login();
  h.Queue(Signature::kRun, RunFields(std::string(500, 'x')));
  h.Queue(Signature::kPull, {Value(Pull(-1))});
  auto replies = h.Flush();
  ASSERT_EQ(Kinds(replies), "FAILURE IGNORED");
  EXPECT_NE(Meta(replies[0]).Find("message")->AsString().find("exceeds the maximum message size"),
            std::string::npos);
  EXPECT_EQ(Kinds(h.Send(Signature::kReset)), "SUCCESS");
  h.Send(Signature::kRun, RunFields("ROWS 1"));
  EXPECT_EQ(Kinds(h.Send(Signature::kPull, {Value(Pull(-1))})), "RECORD SUCCESS");
}

TEST(SessionTest, UndecodableMessageCloses) {
  Harness h;
  h.Handshake(kDriverProposals);
  h.Login();
  std::string garbage;
  AppendChunked(std::string("\xB1\x10\xD6\xFF\xFF\xFF\xFF", 7), &garbage);
  auto replies = h.FeedRaw(garbage);
  ASSERT_EQ(Kinds(replies), "FAILURE");
  EXPECT_TRUE(h.session().ShouldClose());
  // Whatever follows is dropped.
  EXPECT_TRUE(h.FeedRaw(garbage).empty());
}

TEST(SessionTest, UnknownMessageAndAckFailureClose) {
  for (uint8_t sig : {0x0E, 0x42}) {
    Harness h;
    h.Handshake(kDriverProposals);
    h.Login();
    std::string bytes;
    AppendChunked(std::string{static_cast<char>(0xB0), static_cast<char>(sig)}, &bytes);
    auto replies = h.FeedRaw(bytes);
    ASSERT_EQ(Kinds(replies), "FAILURE");
    EXPECT_TRUE(h.session().ShouldClose());
  }
}

TEST(SessionTest, MessagesBeforeHelloClose) {
  Harness h;
  h.Handshake(kDriverProposals);
  auto replies = h.Send(Signature::kRun, RunFields("ROWS 1"));
  ASSERT_EQ(Kinds(replies), "FAILURE");
  EXPECT_TRUE(h.session().ShouldClose());
}

TEST(SessionTest, RefusedConnectionFailsHello) {
  SessionOptions o;
  o.refuse = BoltError{codes::kResourceExhaustion, "limit"};
  Harness h(o);
  h.Handshake(kDriverProposals);
  auto replies = h.Send(Signature::kHello, {Value(Map{{"user_agent", Value("x")}})});
  ASSERT_EQ(Kinds(replies), "FAILURE");
  EXPECT_EQ(Code(replies[0]), "Neo.TransientError.Request.ResourceExhaustion");
  EXPECT_TRUE(h.session().ShouldClose());
}

TEST(SessionTest, LargeResultsAreFlushedWhileStreaming) {
  SessionOptions o;
  o.flush_threshold = 4096;
  Harness h(o);
  h.Handshake(kDriverProposals);
  h.Login();
  size_t flushed = 0;
  int flushes = 0;
  h.session().SetFlush([&](std::string_view bytes) {
    flushed += bytes.size();
    ++flushes;
    return true;
  });
  h.Send(Signature::kRun, RunFields("ROWS 5000"));
  h.Queue(Signature::kPull, {Value(Pull(-1))});
  h.Flush();
  EXPECT_GT(flushes, 5);
  EXPECT_GT(flushed, 5000u * 4);
}

TEST(SessionTest, APausablePullPausesUntilResumedAndQueuesWhatFollows) {
  SessionOptions o;
  o.flush_threshold = 4096;
  o.pausable_pull = true;
  Harness h(o);
  h.Handshake(kDriverProposals);
  h.Login();
  h.Send(Signature::kRun, RunFields("ROWS 5000"));
  h.Queue(Signature::kPull, {Value(Pull(-1))});
  // Pipelined behind the PULL: handled only once it is done.
  h.Queue(Signature::kRun, RunFields("ROWS 2"));
  h.Queue(Signature::kPull, {Value(Pull(-1))});
  auto replies = h.Flush();
  ASSERT_TRUE(h.session().Paused());
  size_t records = replies.size();
  int pauses = 1;
  while (h.session().Paused()) {
    // Each pause leaves about flush_threshold bytes to write, not the whole result.
    EXPECT_LT(records, 5000u);
    h.session().Resume();
    auto more = h.Take();
    replies.insert(replies.end(), more.begin(), more.end());
    records = replies.size();
    ++pauses;
  }
  EXPECT_GT(pauses, 5);
  // 5000 records, SUCCESS, then the queued RUN's SUCCESS, 2 records, SUCCESS.
  ASSERT_EQ(replies.size(), 5000u + 1 + 1 + 2 + 1);
  EXPECT_EQ(replies[4999].fields[0].AsList()[0], Value(4999));
  EXPECT_EQ(replies[5000].signature, static_cast<uint8_t>(Signature::kSuccess));
  EXPECT_EQ(replies[5000].fields[0].AsMap().Find("has_more"), nullptr);
  EXPECT_EQ(replies[5003].fields[0].AsList()[0], Value(1));
  EXPECT_EQ(h.session().state(), SessionState::kReady);
}

// ADR 020: with a commit wake, an auto-commit query whose commit waits for
// the log leaves the session awaiting it (no thread held); the PULL's SUCCESS
// and what was pipelined behind it come after Resume().
TEST(SessionTest, AnAwaitedCommitAnswersAfterTheWakeAndQueuesWhatFollows) {
  Harness h;
  int wakes = 0;
  h.session().SetCommitWake([&] { ++wakes; });
  h.Handshake(kDriverProposals);
  h.Login();
  h.Queue(Signature::kRun, RunFields("LATE_COMMIT"));
  h.Queue(Signature::kPull, {Value(Pull(-1))});
  h.Queue(Signature::kRun, RunFields("ROWS 1"));
  h.Queue(Signature::kPull, {Value(Pull(-1))});
  auto replies = h.Flush();
  ASSERT_EQ(replies.size(), 1u);  // RUN's SUCCESS only
  EXPECT_TRUE(h.session().AwaitingCommit());
  EXPECT_FALSE(h.session().Paused());
  h.state().CompleteCommits();
  EXPECT_EQ(wakes, 1);
  h.session().Resume();
  EXPECT_FALSE(h.session().AwaitingCommit());
  auto more = h.Take();
  // PULL's SUCCESS with the commit's bookmark, then RUN, a record, SUCCESS.
  ASSERT_EQ(more.size(), 4u);
  ASSERT_EQ(more[0].signature, static_cast<uint8_t>(Signature::kSuccess));
  EXPECT_EQ(more[0].fields[0].AsMap().Find("bookmark")->AsString(), "fake:bookmark");
  EXPECT_EQ(more[2].fields[0].AsList()[0], Value(0));
  EXPECT_EQ(h.session().state(), SessionState::kReady);
  // A commit that fails after the wait fails its query; the connection goes on.
  h.Queue(Signature::kRun, RunFields("LATE_COMMIT_FAIL"));
  h.Queue(Signature::kPull, {Value(Pull(-1))});
  h.Flush();
  ASSERT_TRUE(h.session().AwaitingCommit());
  h.state().CompleteCommits();
  h.session().Resume();
  auto failed = h.Take();
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].signature, static_cast<uint8_t>(Signature::kFailure));
  EXPECT_EQ(failed[0].fields[0].AsMap().Find("code")->AsString(),
            "Neo.DatabaseError.Transaction.TransactionCommitFailed");
  h.Send(Signature::kReset);
  EXPECT_EQ(h.session().state(), SessionState::kReady);
}

TEST(SessionTest, APausablePullHonoursN) {
  SessionOptions o;
  o.flush_threshold = 4096;
  o.pausable_pull = true;
  Harness h(o);
  h.Handshake(kDriverProposals);
  h.Login();
  h.Send(Signature::kRun, RunFields("ROWS 5000"));
  auto replies = h.Send(Signature::kPull, {Value(Pull(3000))});
  while (h.session().Paused()) {
    h.session().Resume();
    auto more = h.Take();
    replies.insert(replies.end(), more.begin(), more.end());
  }
  ASSERT_EQ(replies.size(), 3001u);
  EXPECT_EQ(Kinds({replies.back()}), "SUCCESS");
  EXPECT_EQ(replies.back().fields[0].AsMap().Find("has_more")->AsBool(), true);
  replies = h.Send(Signature::kPull, {Value(Pull(-1))});
  while (h.session().Paused()) {
    h.session().Resume();
    auto more = h.Take();
    replies.insert(replies.end(), more.begin(), more.end());
  }
  ASSERT_EQ(replies.size(), 2001u);
  EXPECT_EQ(replies[0].fields[0].AsList()[0], Value(3000));
  EXPECT_EQ(h.session().state(), SessionState::kReady);
}

TEST(SessionTest, ManifestV1Handshake) {
  SessionOptions o;
  o.handshake_manifest = true;
  Harness h(o);
  auto reply = h.Handshake(kDriverProposals);
  const std::vector<uint8_t> manifest = {0, 0, 1, 0xFF, 3, 0, 4, 4, 5, 0, 0, 4, 4, 0, 0, 1, 4, 0};
  EXPECT_EQ(reply, manifest);
  EXPECT_FALSE(h.session().version());
  // The client's choice (5.3) and its capabilities (a two-byte varint), then
  // HELLO in the same bytes.
  auto replies = h.FeedRaw(std::string("\x00\x00\x03\x05\x80\x01", 6));
  EXPECT_TRUE(replies.empty());
  ASSERT_TRUE(h.session().version());
  EXPECT_EQ(*h.session().version(), (ProtocolVersion{5, 3}));
  EXPECT_EQ(h.session().state(), SessionState::kNegotiated);
  h.SetVersion({5, 3});
  h.Login();
  EXPECT_EQ(Kinds(h.Send(Signature::kRun, RunFields("ROWS 1"))), "SUCCESS");
}

TEST(SessionTest, ManifestV1ChoiceOfNothingOrOfAnUnofferedVersionCloses) {
  for (const std::string& choice :
       {std::string("\x00\x00\x00\x00\x00", 5), std::string("\x00\x00\x05\x05\x00", 5),
        std::string("\x00\x00\x04\x05\x00", 5)}) {
    SessionOptions o;
    o.handshake_manifest = true;
    o.max_version = {5, 3};
    Harness h(o);
    h.Handshake(kDriverProposals);
    h.FeedRaw(choice);
    EXPECT_TRUE(h.session().ShouldClose());
  }
  // Without the option the marker is ignored (a plain version answers it).
  Harness plain;
  EXPECT_EQ(plain.Handshake(kDriverProposals), (std::vector<uint8_t>{0, 0, 4, 5}));
}

TEST(SessionTest, DestroyingASessionRollsBack) {
  Harness h;
  h.Handshake(kDriverProposals);
  h.Login();
  h.Send(Signature::kBegin, {Value(Map{})});
  h.Send(Signature::kRun, RunFields("ROWS 5"));
  h.Destroy();
  EXPECT_EQ(h.state().aborted_streams, 0);  // explicit-tx streams are not auto-commit
  EXPECT_EQ(h.state().rollbacks, 1);
  EXPECT_EQ(h.state().destroyed, 1);
}

}  // namespace
}  // namespace tributary::bolt
