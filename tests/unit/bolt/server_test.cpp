// The Bolt server over real 127.0.0.1 sockets, driven by bolt::Client and by
// raw sockets for hostile input.

#include "bolt/server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "bolt/auth.hpp"
#include "bolt/client.hpp"
#include "fake_handler.hpp"

namespace tributary::bolt {
namespace {

using namespace std::chrono_literals;
using testing::FakeFactory;
using testing::FakeState;

class ServerTest : public ::testing::Test {
 protected:
  void StartServer(ServerOptions options = {},
                   std::shared_ptr<Authenticator> auth = std::make_shared<NoAuthAuthenticator>()) {
    options.port = 0;
    if (options.worker_threads == 0) options.worker_threads = 4;
    state_ = std::make_shared<FakeState>();
    server_ = std::make_unique<Server>(options, FakeFactory(state_), std::move(auth));
    auto started = server_->Start();
    ASSERT_TRUE(started) << started.Error();
  }

  ClientOptions ClientOpts() {
    ClientOptions o;
    o.port = server_->port();
    o.timeout = 5s;
    return o;
  }

  std::unique_ptr<Client> Connect() {
    auto c = Client::Connect(ClientOpts());
    EXPECT_TRUE(c) << (c ? "" : c.Error().message);
    return c ? std::move(*c) : nullptr;
  }

  // Waits until `pred` holds or 5 s pass.
  template <typename Pred>
  bool Eventually(Pred pred) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred()) return true;
      std::this_thread::sleep_for(5ms);
    }
    return pred();
  }

  // A raw TCP socket to the server.
  int RawSocket() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(server_->port());
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    return fd;
  }

  // Reads until EOF; returns everything read (or "<timeout>").
  static std::string ReadToEof(int fd) {
    std::string out;
    char buf[4096];
    for (;;) {
      ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
      if (n == 0) return out;
      if (n < 0) return errno == EAGAIN ? "<timeout>" : out;
      out.append(buf, static_cast<size_t>(n));
    }
  }

  std::shared_ptr<FakeState> state_;
  std::unique_ptr<Server> server_;
};

TEST_F(ServerTest, ClientRunsQueriesOn54) {
  StartServer();
  auto c = Connect();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->version(), (ProtocolVersion{5, 4}));
  EXPECT_EQ(c->server_info().Find("server")->AsString(),
            "Neo4j/5.11.0 compatible graph database server - Tributary");
  auto r = c->Execute("ROWS 3");
  ASSERT_TRUE(r) << r.Error().message;
  EXPECT_EQ(r->fields, (std::vector<std::string>{"x"}));
  ASSERT_EQ(r->rows.size(), 3u);
  EXPECT_EQ(r->rows[2][0], Value(2));
  EXPECT_EQ(r->summary.Find("type")->AsString(), "r");
  EXPECT_EQ(server_->connection_count(), 1u);
  c->Close();
  EXPECT_TRUE(Eventually([&] { return server_->connection_count() == 0; }));
  EXPECT_TRUE(Eventually([&] { return state_->destroyed == 1; }));
}

TEST_F(ServerTest, ClientErrorsRecoverTheConnection) {
  StartServer();
  auto c = Connect();
  ASSERT_TRUE(c);
  auto bad = c->Execute("FAIL");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.Error().kind, ClientError::Kind::kServer);
  EXPECT_EQ(bad.Error().code, "Neo.ClientError.Statement.SyntaxError");
  auto bad_pull = c->Execute("FAIL_PULL");
  ASSERT_FALSE(bad_pull);
  EXPECT_EQ(bad_pull.Error().code, "Neo.ClientError.Statement.ArithmeticError");
  auto ok = c->Execute("ROWS 1");
  ASSERT_TRUE(ok) << ok.Error().message;
  EXPECT_EQ(ok->rows.size(), 1u);
}

// ADR 020: a connection whose commit waits for the log holds no thread and
// no pending read; the wake (here from the test thread, in the server from
// the WAL's sync thread) resumes it, and it answers RUN and PULL together.
TEST_F(ServerTest, AnAwaitedCommitResumesOnTheWakeAndHoldsNoThread) {
  ServerOptions o;
  o.worker_threads = 1;
  o.execution_threads = 1;
  StartServer(o);
  auto c = Connect();
  ASSERT_TRUE(c);
  std::thread writer([&] {
    auto r = c->Execute("LATE_COMMIT");
    ASSERT_TRUE(r) << r.Error().message;
    EXPECT_EQ(r->summary.Find("bookmark")->AsString(), "fake:bookmark");
  });
  ASSERT_TRUE(Eventually([&] {
    std::lock_guard lock(state_->mutex);
    return state_->pending_wakes.size() == 1;
  }));
  // With one I/O and one execution thread, another client is served while
  // the first one's commit waits.
  auto other = Connect();
  ASSERT_TRUE(other);
  auto ok = other->Execute("ROWS 2");
  ASSERT_TRUE(ok) << ok.Error().message;
  EXPECT_EQ(ok->rows.size(), 2u);
  state_->CompleteCommits();
  writer.join();
  // The connection reads again: the next query works.
  auto again = c->Execute("ROWS 1");
  ASSERT_TRUE(again) << again.Error().message;
}

TEST_F(ServerTest, AClientThatLeavesWhileItsCommitWaitsIsCleanedUp) {
  StartServer();
  {
    auto c = Connect();
    ASSERT_TRUE(c);
    ASSERT_TRUE(c->Send(Signature::kRun, {Value("LATE_COMMIT"), Value(Map{}), Value(Map{})}));
    ASSERT_TRUE(c->Send(Signature::kPull, {Value(Map{{"n", Value(int64_t{-1})}})}));
    ASSERT_TRUE(Eventually([&] {
      std::lock_guard lock(state_->mutex);
      return state_->pending_wakes.size() == 1;
    }));
  }  // the client disconnects
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(server_->connection_count(), 1u) << "the connection waits for its commit's outcome";
  state_->CompleteCommits();
  EXPECT_TRUE(Eventually([&] { return server_->connection_count() == 0; }));
  EXPECT_TRUE(Eventually([&] { return state_->destroyed == 1; }));
}

TEST_F(ServerTest, ExplicitTransactionsAndPaging) {
  StartServer();
  auto c = Connect();
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->Begin());
  auto run = c->Run("ROWS 5");
  ASSERT_TRUE(run);
  EXPECT_EQ(run->Find("qid")->AsInt(), 0);
  auto page = c->Pull(2, 0);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->rows.size(), 2u);
  EXPECT_TRUE(page->has_more);
  page = c->Pull(-1);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->rows.size(), 3u);
  EXPECT_FALSE(page->has_more);
  auto commit = c->Commit();
  ASSERT_TRUE(commit);
  EXPECT_EQ(commit->Find("bookmark")->AsString(), "fake:commit");
  EXPECT_EQ(state_->commits, 1);
  auto route = c->Route();
  ASSERT_TRUE(route);
  const auto& servers = route->Find("rt")->AsMap().Find("servers")->AsList();
  EXPECT_EQ(servers[0].AsMap().Find("addresses")->AsList()[0].AsString(),
            "127.0.0.1:" + std::to_string(server_->port()));
}

TEST_F(ServerTest, OlderVersionsAndMgconsoleProposals) {
  StartServer();
  ClientOptions o = ClientOpts();
  o.proposals = {{4, 1, 0}, {1, 0, 0}};
  auto c = Client::Connect(o);
  ASSERT_TRUE(c) << c.Error().message;
  EXPECT_EQ((*c)->version(), (ProtocolVersion{4, 1}));
  auto r = (*c)->Execute("GRAPH");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->rows[0][0].IsNode());
  o.proposals = {{4, 4, 2}};
  c = Client::Connect(o);
  ASSERT_TRUE(c);
  EXPECT_EQ((*c)->version(), (ProtocolVersion{4, 4}));
  o.proposals = {{3, 0, 0}};
  c = Client::Connect(o);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.Error().kind, ClientError::Kind::kConnection);
}

TEST_F(ServerTest, ManyConcurrentConnections) {
  StartServer();
  constexpr int kClients = 12;
  constexpr int kQueries = 25;
  std::atomic<int> rows{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kClients; ++t) {
    threads.emplace_back([&, t] {
      auto c = Client::Connect(ClientOpts());
      if (!c) {
        ++failures;
        return;
      }
      for (int q = 0; q < kQueries; ++q) {
        auto r = (*c)->Execute("ROWS " + std::to_string(t + 1));
        if (!r) {
          ++failures;
          continue;
        }
        rows += static_cast<int>(r->rows.size());
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(rows, kQueries * kClients * (kClients + 1) / 2);
  EXPECT_TRUE(Eventually([&] { return server_->connection_count() == 0; }));
}

TEST_F(ServerTest, LargeResultsStream) {
  StartServer();
  auto c = Connect();
  ASSERT_TRUE(c);
  auto r = c->Execute("ROWS 200000");
  ASSERT_TRUE(r) << r.Error().message;
  ASSERT_EQ(r->rows.size(), 200000u);
  EXPECT_EQ(r->rows.back()[0], Value(199999));
}

TEST_F(ServerTest, AStalledReaderHoldsNoThreadAndIsClosedAfterTheWriteTimeout) {
  ServerOptions o;
  o.worker_threads = 1;
  o.execution_threads = 1;
  o.write_timeout = 2s;
  StartServer(o);
  // Two clients ask for a 12 MB record and never read it: far more than the
  // socket buffers hold, so the server's writes to them cannot complete.
  std::vector<std::unique_ptr<Client>> stalled;
  for (int i = 0; i < 2; ++i) {
    auto c = Connect();
    ASSERT_TRUE(c);
    ASSERT_TRUE(c->Run("ECHO", Map{{"blob", Value(std::string(12u << 20, 'x'))}}));
    ASSERT_TRUE(c->Send(Signature::kPull, {Value(Map{{"n", Value(int64_t{-1})}})}));
    stalled.push_back(std::move(c));
  }
  // With one I/O thread and one execution thread, others are still served.
  auto other = Connect();
  ASSERT_TRUE(other);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) {
    auto r = other->Execute("ROWS 3");
    ASSERT_TRUE(r) << r.Error().message;
    EXPECT_EQ(r->rows.size(), 3u);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1500ms);
  // The stalled ones are closed once a write has waited write_timeout.
  EXPECT_TRUE(Eventually([&] { return server_->connection_count() == 1; }));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 1900ms);
  EXPECT_TRUE(Eventually([&] { return state_->destroyed == 2; }));
  EXPECT_TRUE(other->Execute("ROWS 1"));
}

TEST_F(ServerTest, ConnectionLimit) {
  ServerOptions o;
  o.max_connections = 2;
  StartServer(o);
  auto a = Connect();
  auto b = Connect();
  ASSERT_TRUE(a && b);
  auto refused = Client::Connect(ClientOpts());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.Error().code, "Neo.TransientError.Request.ResourceExhaustion");
  EXPECT_NE(refused.Error().message.find("connection limit of 2"), std::string::npos);
  EXPECT_TRUE(a->Execute("ROWS 1"));  // the others are unaffected
  a->Close();
  ASSERT_TRUE(Eventually([&] { return server_->connection_count() == 1; }));
  auto again = Client::Connect(ClientOpts());
  ASSERT_TRUE(again);
  EXPECT_TRUE((*again)->Execute("ROWS 1"));
}

TEST_F(ServerTest, IdleConnectionsAreClosed) {
  ServerOptions o;
  o.idle_timeout = 200ms;
  StartServer(o);
  auto idle = Connect();
  auto busy = Connect();
  ASSERT_TRUE(idle && busy);
  for (int i = 0; i < 6; ++i) {
    std::this_thread::sleep_for(60ms);
    ASSERT_TRUE(busy->Execute("ROWS 1"));  // activity keeps it open
  }
  ASSERT_TRUE(Eventually([&] { return server_->connection_count() == 1; }));
  auto r = idle->Execute("ROWS 1");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.Error().kind, ClientError::Kind::kConnection);
  EXPECT_TRUE(busy->Execute("ROWS 1"));
}

TEST_F(ServerTest, GarbageClosesOnlyThatConnection) {
  StartServer();
  auto good = Connect();
  ASSERT_TRUE(good);
  // Not Bolt at all.
  int http = RawSocket();
  const std::string get = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
  ASSERT_EQ(::send(http, get.data(), get.size(), 0), static_cast<ssize_t>(get.size()));
  EXPECT_EQ(ReadToEof(http), "");
  ::close(http);
  // A valid handshake, then an undecodable message.
  int bolt = RawSocket();
  std::string bytes = BuildClientHandshake(std::vector<VersionProposal>{{5, 4, 0}});
  bytes += std::string("\x00\x05\xB1\x10\xD6\xFF\xFF\x00\x00", 9);
  ASSERT_EQ(::send(bolt, bytes.data(), bytes.size(), 0), static_cast<ssize_t>(bytes.size()));
  const std::string reply = ReadToEof(bolt);
  ASSERT_GE(reply.size(), 4u);
  EXPECT_EQ(reply.substr(0, 4), std::string("\x00\x00\x04\x05", 4));
  EXPECT_NE(reply.find("Neo.ClientError.Request.Invalid"), std::string::npos);
  ::close(bolt);
  // Random bytes after the handshake, and a peer that vanishes mid-message.
  int noise = RawSocket();
  std::string junk = BuildClientHandshake(std::vector<VersionProposal>{{4, 4, 0}});
  for (int i = 0; i < 5000; ++i) junk.push_back(static_cast<char>(i * 131 + 7));
  ::send(noise, junk.data(), junk.size(), MSG_NOSIGNAL);
  ::close(noise);
  auto r = good->Execute("ROWS 2");
  ASSERT_TRUE(r) << r.Error().message;
  EXPECT_EQ(r->rows.size(), 2u);
  EXPECT_TRUE(Eventually([&] { return server_->connection_count() == 1; }));
}

TEST_F(ServerTest, OversizeMessagesFailButTheConnectionSurvives) {
  ServerOptions o;
  o.max_message_size = 1024;
  StartServer(o);
  auto c = Connect();
  ASSERT_TRUE(c);
  auto big = c->Execute("ECHO", Map{{"blob", Value(std::string(5000, 'x'))}});
  ASSERT_FALSE(big);
  EXPECT_EQ(big.Error().kind, ClientError::Kind::kServer);
  EXPECT_NE(big.Error().message.find("exceeds the maximum message size"), std::string::npos);
  auto ok = c->Execute("ECHO", Map{{"small", Value("y")}});
  ASSERT_TRUE(ok) << ok.Error().message;
  EXPECT_EQ(ok->rows[0][0], Value("y"));
}

TEST_F(ServerTest, AuthenticationWithAnAuthFile) {
  std::unordered_map<std::string, std::string> users;
  users["ann"] = *HashPassword("s3cret", HashStrength::kMinimal);
  StartServer({}, std::make_shared<FileAuthenticator>(users));
  ClientOptions o = ClientOpts();
  o.username = "ann";
  o.password = "s3cret";
  auto ok = Client::Connect(o);
  ASSERT_TRUE(ok) << ok.Error().message;
  EXPECT_TRUE((*ok)->Execute("ROWS 1"));
  EXPECT_EQ(state_->last_user, "ann");
  for (int v : {0, 1}) {
    o.password = "wrong";
    if (v == 1) o.proposals = {{4, 4, 0}};  // auth inside HELLO
    auto denied = Client::Connect(o);
    ASSERT_FALSE(denied);
    EXPECT_EQ(denied.Error().code, "Neo.ClientError.Security.Unauthorized");
  }
  o.username.clear();  // scheme none
  EXPECT_FALSE(Client::Connect(o));
}

TEST_F(ServerTest, ResetInterruptsARunningPull) {
  // ADR 009: the connection does not read while a request runs; the sweep
  // peeks at what arrived and interrupts the call when a RESET is there.
  StartServer();
  auto c = Connect();
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->Send(Signature::kRun, {Value("BLOCK"), Value(Map{}), Value(Map{})}));
  ASSERT_TRUE(c->Send(Signature::kPull, {Value(Map{{"n", Value(int64_t{-1})}})}));
  ASSERT_TRUE(Eventually([&] { return state_->blocked == 1; }));
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(c->Send(Signature::kReset, {}));
  auto run = c->Receive();
  ASSERT_TRUE(run);
  EXPECT_EQ(run->signature, static_cast<uint8_t>(Signature::kSuccess));
  auto pull = c->Receive();
  ASSERT_TRUE(pull);
  EXPECT_EQ(pull->signature, static_cast<uint8_t>(Signature::kFailure));
  auto reset = c->Receive();
  ASSERT_TRUE(reset);
  EXPECT_EQ(reset->signature, static_cast<uint8_t>(Signature::kSuccess));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_GE(state_->interrupts, 1);
  // The connection goes on normally, and a later request is not interrupted.
  auto r = c->Execute("ROWS 2");
  ASSERT_TRUE(r) << r.Error().message;
  EXPECT_EQ(r->rows.size(), 2u);
}

TEST_F(ServerTest, GracefulStopInterruptsAndRollsBack) {
  ServerOptions o;
  o.shutdown_grace = 3s;
  StartServer(o);
  auto in_tx = Connect();
  ASSERT_TRUE(in_tx);
  ASSERT_TRUE(in_tx->Begin());
  ASSERT_TRUE(in_tx->Run("ROWS 3"));
  // A client blocked in a long PULL on another connection.
  std::atomic<bool> pull_returned{false};
  std::thread blocked([&] {
    auto c = Client::Connect(ClientOpts());
    ASSERT_TRUE(c);
    auto r = (*c)->Execute("BLOCK");
    EXPECT_FALSE(r);
    pull_returned = true;
  });
  ASSERT_TRUE(Eventually([&] { return state_->blocked == 1; }));
  const auto start = std::chrono::steady_clock::now();
  server_->Stop();
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_LT(took, 2s);
  blocked.join();
  EXPECT_TRUE(pull_returned);
  EXPECT_GE(state_->interrupts, 2);
  EXPECT_EQ(state_->destroyed, state_->created);
  EXPECT_EQ(state_->rollbacks, 1);  // the open transaction was rolled back
  EXPECT_EQ(server_->connection_count(), 0u);
  // No longer accepting.
  EXPECT_FALSE(Client::Connect(ClientOpts()));
  EXPECT_FALSE(in_tx->Commit());
  server_->Stop();  // idempotent
}

TEST_F(ServerTest, WaitReturnsAfterRequestStop) {
  StartServer();
  std::thread stopper([&] {
    std::this_thread::sleep_for(50ms);
    server_->RequestStop();
  });
  server_->Wait();
  stopper.join();
  EXPECT_FALSE(Client::Connect(ClientOpts()));
}

TEST_F(ServerTest, StopOnSignalsHandlesSigterm) {
  StartServer();
  server_->StopOnSignals();
  std::this_thread::sleep_for(20ms);  // let the signal set install
  std::thread waiter([&] { server_->Wait(); });
  ::kill(::getpid(), SIGTERM);
  waiter.join();
  EXPECT_FALSE(Client::Connect(ClientOpts()));
}

TEST_F(ServerTest, BindFailureIsReported) {
  StartServer();
  ServerOptions o;
  o.port = server_->port();
  Server second(o, FakeFactory(state_), std::make_shared<NoAuthAuthenticator>());
  auto started = second.Start();
  ASSERT_FALSE(started);
  EXPECT_NE(started.Error().find("cannot listen"), std::string::npos);
  ServerOptions bad;
  bad.address = "not-an-address";
  Server third(bad, FakeFactory(state_), std::make_shared<NoAuthAuthenticator>());
  EXPECT_FALSE(third.Start());
}

// The client's timeout holds against a peer that accepts and never answers (the kernel
// enforces it on the blocking socket: SO_RCVTIMEO).
TEST(ClientTimeoutTest, ASilentPeerTimesOutTheHandshake) {
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::listen(listener, 4), 0);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ClientOptions o;
  o.port = ntohs(addr.sin_port);
  o.timeout = 200ms;
  const auto start = std::chrono::steady_clock::now();
  auto c = Client::Connect(o);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ::close(listener);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.Error().kind, ClientError::Kind::kConnection);
  EXPECT_NE(c.Error().message.find("timed out"), std::string::npos) << c.Error().message;
  EXPECT_GE(elapsed, 150ms);
  EXPECT_LT(elapsed, 3s);
}

}  // namespace
}  // namespace tributary::bolt
