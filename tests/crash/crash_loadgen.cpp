// The crash test's client side (see tests/crash/README.md):
//
//   crash_loadgen free-port                  print a free 127.0.0.1 TCP port
//   crash_loadgen wait --port P [--pid N]    wait until the server answers
//   crash_loadgen setup --port P             index, unique constraint, counters
//   crash_loadgen load --port P --round R --work DIR [--connections C]
//                                            commit numbered transactions from C
//                                            connections until the server dies,
//                                            logging every acknowledgement
//   crash_loadgen query --port P QUERY       run one query, print its rows
//   crash_loadgen read-your-writes --port P --seconds S
//                                            check that each commit is visible to
//                                            the next transaction of its connection
//
// Exit codes: 0 success; 1 failure (anomaly, unexpected server error, server
// never became ready); 2 bad usage.

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bolt/unique_fd.hpp"
#include "crash_common.hpp"

namespace tributary::crashtest {
namespace {

using Clock = std::chrono::steady_clock;
using bolt::ClientError;
using bolt::Map;
using bolt::Value;

/// Every Bolt operation times out after this long, so a hung server fails
/// the test instead of hanging it.
constexpr std::chrono::milliseconds kOperationTimeout{20000};
/// A transaction failing with transient errors is retried with exponential
/// backoff from kFirstBackoff up to kMaxBackoff per wait, for kRetryWindow in
/// all, as Neo4j drivers do.
constexpr std::chrono::milliseconds kFirstBackoff{1};
constexpr std::chrono::milliseconds kMaxBackoff{200};
constexpr std::chrono::milliseconds kRetryWindow{30000};

int FreePort() {
  bolt::UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  if (!fd.valid() || ::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    std::perror("free-port");
    return 1;
  }
  std::printf("%d\n", ntohs(address.sin_port));
  return 0;
}

// True while `pid` runs (a zombie, killed but not yet reaped, counts as gone).
bool ProcessRunning(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string comm_and_rest;
  if (!std::getline(stat, comm_and_rest)) return false;
  const size_t close_paren = comm_and_rest.rfind(')');
  return close_paren != std::string::npos && close_paren + 2 < comm_and_rest.size() &&
         comm_and_rest[close_paren + 2] != 'Z';
}

int Wait(uint16_t port, int pid, int timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  std::string last_error = "no attempt";
  while (Clock::now() < deadline) {
    if (pid > 0 && !ProcessRunning(pid)) {
      std::fprintf(stderr, "wait: server process %d exited before it was ready\n", pid);
      return 1;
    }
    if (auto client = Connect(port, std::chrono::milliseconds(2000))) {
      auto result = (*client)->Execute("RETURN 1 AS ready");
      if (result) return 0;
      last_error = Describe(result.Error());
    } else {
      last_error = Describe(client.Error());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::fprintf(stderr, "wait: server on port %u not ready after %d ms: %s\n", port, timeout_ms,
               last_error.c_str());
  return 1;
}

int Setup(uint16_t port, int connections) {
  auto client = Connect(port, kOperationTimeout);
  if (!client) {
    std::fprintf(stderr, "setup: %s\n", Describe(client.Error()).c_str());
    return 1;
  }
  const std::vector<std::string> schema = {
      "CREATE INDEX ON :Tx(k)",
      "CREATE CONSTRAINT ON (n:Tx) ASSERT n.uid IS UNIQUE",
      "UNWIND range(0, $last) AS c CREATE (:Counter {conn: c, n: 0})",
  };
  const Map params{{"last", Value(connections - 1)}};
  for (const auto& query : schema) {
    if (auto r =
            (*client)->Execute(query, query.find("$last") != std::string::npos ? params : Map{});
        !r) {
      std::fprintf(stderr, "setup: %s: %s\n", query.c_str(), Describe(r.Error()).c_str());
      return 1;
    }
  }
  return 0;
}

int Query(uint16_t port, const std::string& query) {
  auto client = Connect(port, kOperationTimeout);
  if (!client) {
    std::printf("ERROR %s\n", Describe(client.Error()).c_str());
    return 1;
  }
  auto result = (*client)->Execute(query);
  if (!result) {
    std::printf("ERROR %s\n", Describe(result.Error()).c_str());
    return 1;
  }
  for (const auto& row : result->rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) line += (i > 0 ? "\t" : "") + Render(row[i]);
    std::printf("%s\n", line.c_str());
  }
  return 0;
}

// ---- load -------------------------------------------------------------------

/// Appends lines to a round's acknowledgement log; thread-safe (one write(2)
/// per line on an O_APPEND descriptor).
class AckLogWriter {
 public:
  explicit AckLogWriter(const std::string& path)
      : fd_(::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644)) {}
  bool valid() const { return fd_.valid(); }
  void Write(const std::string& line) {
    const std::string text = line + "\n";
    // A short write here would corrupt the log the checker trusts; stop hard.
    if (::write(fd_.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
      std::perror("ack log write");
      std::abort();
    }
  }

 private:
  bolt::UniqueFd fd_;
};

enum class TxOutcome {
  kOk,              // a statement succeeded; the transaction goes on
  kAcknowledged,    // COMMIT succeeded
  kTransient,       // a retryable error (Neo.TransientError.*); the client rolled back
  kConnectionLost,  // the server went away (expected: it is being killed)
  kCommitFailed,    // COMMIT answered with a FAILURE
  kAnomaly,         // the data or the server contradicts the workload
};

/// One connection's sequence of transactions.
class Worker {
 public:
  Worker(uint16_t port, int64_t round, int64_t conn, AckLogWriter& log)
      : port_(port), round_(round), conn_(conn), log_(log) {}

  /// Runs until the connection is lost, something unexpected happens or
  /// `deadline`; returns the last outcome.
  TxOutcome Run(Clock::time_point deadline) {
    auto client = Connect(port_, kOperationTimeout);
    if (!client) return TxOutcome::kConnectionLost;
    client_ = std::move(*client);
    for (int64_t seq = 1; Clock::now() < deadline; ++seq) {
      TxOutcome outcome = RunTransaction(seq);
      const auto give_up = Clock::now() + kRetryWindow;
      for (auto backoff = kFirstBackoff; outcome == TxOutcome::kTransient;
           backoff = std::min(2 * backoff, kMaxBackoff)) {
        if (Clock::now() > give_up) {
          return Anomaly(seq, "still failing after retrying for 30 s: " + last_error_);
        }
        std::this_thread::sleep_for(backoff);
        ++retries_;
        outcome = RunTransaction(seq);
      }
      if (outcome != TxOutcome::kAcknowledged) return outcome;
      acknowledged_ = seq;
    }
    return TxOutcome::kAcknowledged;
  }

  /// The highest acknowledged seq.
  int64_t acknowledged() const { return acknowledged_; }
  /// Transactions rolled back by a transient error and run again.
  int64_t retries() const { return retries_; }
  /// What ended the run, for the summary.
  const std::string& last_error() const { return last_error_; }

 private:
  Map Params(int64_t seq) const {
    Map params{{"r", Value(round_)}, {"c", Value(conn_)}, {"s", Value(seq)}};
    params.Set("k", Value(TxKey(round_, conn_, seq)));
    for (auto [name, lag] : {std::pair{"k_update", kUpdateLag},
                             {"k_untouch", kUntouchLag},
                             {"k_delete", kDeleteLag}}) {
      params.Set(name, Value(TxKey(round_, conn_, seq - lag)));
    }
    return params;
  }

  // Runs one statement; on success returns its rows in `rows`.
  TxOutcome Statement(int64_t seq, const std::string& query, const Map& params,
                      std::vector<std::vector<Value>>* rows) {
    auto result = client_->Execute(query, params);
    if (!result) return Failed(seq, result.Error());
    *rows = std::move(result->rows);
    return TxOutcome::kOk;
  }

  // Runs a statement that must report `count(*)` = 1.
  TxOutcome ExactlyOne(int64_t seq, const std::string& query, const Map& params) {
    std::vector<std::vector<Value>> rows;
    if (auto o = Statement(seq, query, params, &rows); o != TxOutcome::kOk) return o;
    if (rows.size() != 1 || rows[0].size() != 1 || IntOr(rows[0][0], -1) != 1) {
      return Anomaly(seq, "expected count 1 from `" + query + "`, got " +
                              (rows.empty() ? "no rows" : Render(Value(rows[0]))));
    }
    return TxOutcome::kOk;
  }

  // Odd connections run each transaction as one auto-commit statement, whose
  // commit the server completes asynchronously (ADR 020); even connections
  // use BEGIN ... COMMIT. Both leave the same state.
  bool AutoCommit() const { return conn_ % 2 == 1; }

  TxOutcome RunAutoCommitTransaction(int64_t seq) {
    Map params = Params(seq);
    // The conditions of RunTransaction's steps, as keys that match nothing.
    if (seq <= kUpdateLag) params.Set("k_update", Value("none"));
    if (seq <= kUntouchLag) params.Set("k_untouch", Value("none"));
    if (seq <= kDeleteLag || seq % 2 != 0) params.Set("k_delete", Value("none"));
    log_.Write("attempt " + std::to_string(conn_) + " " + std::to_string(seq));
    auto result = client_->Execute(
        "CREATE (n1:Tx {round: $r, conn: $c, seq: $s, i: 1, k: $k, uid: $k + '/1', val: 0, "
        "extra: 'x'}), "
        "(n2:Tx {round: $r, conn: $c, seq: $s, i: 2, k: $k, uid: $k + '/2', val: 0}), "
        "(n3:Tx {round: $r, conn: $c, seq: $s, i: 3, k: $k, uid: $k + '/3', val: 0}), "
        "(n1)-[e:NEXT {k: $k}]->(n2) "
        "WITH n1, n2, n3, e "
        "OPTIONAL MATCH (a:Tx {k: $k_update, i: 1})-[eu:NEXT]->(b:Tx {k: $k_update, i: 2}) "
        "SET b.val = $s, b:Touched, eu.w = $s REMOVE a.extra "
        "WITH n1, n2, n3, e, count(a) AS updated "
        "OPTIONAL MATCH (u:Tx {k: $k_untouch, i: 2}) REMOVE u:Touched "
        "WITH n1, n2, n3, e, updated, count(u) AS untouched "
        "OPTIONAL MATCH (:Tx {k: $k_delete, i: 1})-[ed:NEXT]->() DELETE ed "
        "WITH n1, n2, n3, e, updated, untouched, count(ed) AS deleted_edges "
        "OPTIONAL MATCH (d:Tx {k: $k_delete, i: 3}) DELETE d "
        "WITH n1, n2, n3, e, updated, untouched, deleted_edges, count(d) AS deleted_nodes "
        "MATCH (cn:Counter {conn: $c}) SET cn.n = cn.n + 1 "
        "RETURN id(n1), id(n2), id(n3), id(e), updated, untouched, deleted_edges, "
        "deleted_nodes",
        params);
    if (!result) {
      if (result.Error().kind == ClientError::Kind::kServer) {
        log_.Write("fail " + std::to_string(conn_) + " " + std::to_string(seq) + " " +
                   Describe(result.Error()));
      }
      return Failed(seq, result.Error());
    }
    if (result->rows.size() != 1 || result->rows[0].size() != 8) {
      return Anomaly(seq, "the auto-commit transaction returned " +
                              std::to_string(result->rows.size()) + " rows");
    }
    const auto& row = result->rows[0];
    const int64_t want_update = seq > kUpdateLag ? 1 : 0;
    const int64_t want_untouch = seq > kUntouchLag ? 1 : 0;
    const int64_t want_delete = seq > kDeleteLag && seq % 2 == 0 ? 1 : 0;
    if (IntOr(row[4], -1) != want_update || IntOr(row[5], -1) != want_untouch ||
        IntOr(row[6], -1) != want_delete || IntOr(row[7], -1) != want_delete) {
      return Anomaly(seq, "auto-commit transaction matched " + Render(Value(row)));
    }
    std::string line = "ack " + std::to_string(conn_) + " " + std::to_string(seq);
    for (int i = 0; i < 4; ++i) line += " " + std::to_string(IntOr(row[i], -1));
    log_.Write(line);
    return TxOutcome::kAcknowledged;
  }

  TxOutcome RunTransaction(int64_t seq) {
    if (AutoCommit()) return RunAutoCommitTransaction(seq);
    const Map params = Params(seq);
    if (auto r = client_->Begin(); !r) return Failed(seq, r.Error());
    std::vector<std::vector<Value>> rows;
    TxOutcome o = Statement(seq,
                            "UNWIND range(1, 3) AS i "
                            "CREATE (n:Tx {round: $r, conn: $c, seq: $s, i: i, k: $k, "
                            "uid: $k + '/' + toString(i), val: 0}) RETURN i, id(n)",
                            params, &rows);
    if (o != TxOutcome::kOk) return o;
    std::vector<int64_t> ids(kNodesPerTx + 1, -1);
    for (const auto& row : rows) {
      const int64_t i = row.size() == 2 ? IntOr(row[0], 0) : 0;
      if (i < 1 || i > kNodesPerTx) return Anomaly(seq, "bad row from CREATE");
      ids[i - 1] = IntOr(row[1], -1);
    }
    if (rows.size() != kNodesPerTx) return Anomaly(seq, "CREATE returned too few rows");
    o = Statement(seq,
                  "MATCH (a:Tx {k: $k, i: 1}), (b:Tx {k: $k, i: 2}) "
                  "CREATE (a)-[e:NEXT {k: $k}]->(b) SET a.extra = 'x' RETURN id(e)",
                  params, &rows);
    if (o != TxOutcome::kOk) return o;
    if (rows.size() != 1)
      return Anomaly(seq, "edge creation matched " + std::to_string(rows.size()) + " pairs");
    ids[kNodesPerTx] = IntOr(rows[0][0], -1);
    if (seq > kUpdateLag) {
      o = ExactlyOne(seq,
                     "MATCH (a:Tx {k: $k_update, i: 1})-[e:NEXT]->(b:Tx {k: $k_update, i: 2}) "
                     "SET b.val = $s, b:Touched, e.w = $s REMOVE a.extra RETURN count(*)",
                     params);
      if (o != TxOutcome::kOk) return o;
    }
    if (seq > kUntouchLag) {
      o = ExactlyOne(seq, "MATCH (b:Tx {k: $k_untouch, i: 2}) REMOVE b:Touched RETURN count(*)",
                     params);
      if (o != TxOutcome::kOk) return o;
    }
    if (seq > kDeleteLag && seq % 2 == 0) {
      o = ExactlyOne(seq, "MATCH (:Tx {k: $k_delete, i: 1})-[e:NEXT]->() DELETE e RETURN count(*)",
                     params);
      if (o != TxOutcome::kOk) return o;
      o = ExactlyOne(seq, "MATCH (n:Tx {k: $k_delete, i: 3}) DELETE n RETURN count(*)", params);
      if (o != TxOutcome::kOk) return o;
    }
    o = ExactlyOne(seq, "MATCH (n:Counter {conn: $c}) SET n.n = n.n + 1 RETURN count(*)", params);
    if (o != TxOutcome::kOk) return o;

    log_.Write("attempt " + std::to_string(conn_) + " " + std::to_string(seq));
    if (auto r = client_->Commit(); !r) {
      if (r.Error().kind == ClientError::Kind::kServer) {
        last_error_ = Describe(r.Error());
        log_.Write("fail " + std::to_string(conn_) + " " + std::to_string(seq) + " " + last_error_);
        const bool transient = r.Error().code.rfind("Neo.TransientError.", 0) == 0;
        return transient ? TxOutcome::kTransient : TxOutcome::kCommitFailed;
      }
      return Failed(seq, r.Error());
    }
    std::string line = "ack " + std::to_string(conn_) + " " + std::to_string(seq);
    for (int64_t id : ids) line += " " + std::to_string(id);
    log_.Write(line);
    return TxOutcome::kAcknowledged;
  }

  TxOutcome Failed(int64_t seq, const ClientError& error) {
    last_error_ = Describe(error);
    if (error.kind == ClientError::Kind::kConnection) return TxOutcome::kConnectionLost;
    if (error.code.rfind("Neo.TransientError.", 0) == 0) return TxOutcome::kTransient;
    return Anomaly(seq, last_error_);
  }

  TxOutcome Anomaly(int64_t seq, const std::string& message) {
    last_error_ = message;
    log_.Write("anomaly " + std::to_string(conn_) + " " + std::to_string(seq) + " " + message);
    return TxOutcome::kAnomaly;
  }

  uint16_t port_;
  int64_t round_;
  int64_t conn_;
  AckLogWriter& log_;
  std::unique_ptr<bolt::Client> client_;
  int64_t acknowledged_ = 0;
  int64_t retries_ = 0;
  std::string last_error_;
};

int Load(uint16_t port, int64_t round, int connections, const std::string& work_dir,
         double max_seconds) {
  AckLogWriter log(AckLogPath(work_dir, round));
  if (!log.valid()) {
    std::perror(AckLogPath(work_dir, round).c_str());
    return 1;
  }
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(max_seconds));
  std::vector<std::unique_ptr<Worker>> workers;
  std::vector<TxOutcome> outcomes(connections);
  std::vector<std::thread> threads;
  for (int c = 0; c < connections; ++c) {
    workers.push_back(std::make_unique<Worker>(port, round, c, log));
    threads.emplace_back([&, c] { outcomes[c] = workers[c]->Run(deadline); });
  }
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  int64_t total = 0, retries = 0;
  bool ok = true;
  std::string summary;
  for (int c = 0; c < connections; ++c) {
    total += workers[c]->acknowledged();
    retries += workers[c]->retries();
    summary += " " + std::to_string(workers[c]->acknowledged());
    if (outcomes[c] == TxOutcome::kAnomaly || outcomes[c] == TxOutcome::kCommitFailed) {
      ok = false;
      std::fprintf(stderr, "load round %lld conn %d: %s\n", static_cast<long long>(round), c,
                   workers[c]->last_error().c_str());
    }
  }
  std::fprintf(stderr,
               "load round %lld: %lld commits acknowledged in %.2fs (per connection:%s), %lld "
               "retried after transient errors\n",
               static_cast<long long>(round), static_cast<long long>(total), elapsed,
               summary.c_str(), static_cast<long long>(retries));
  return ok ? 0 : 1;
}

// ---- read-your-writes -----------------------------------------------------------

/// Each connection commits a node and, right after the acknowledgement,
/// reads it back in a new transaction; counts reads that miss it.
int ReadYourWrites(uint16_t port, int connections, double seconds) {
  std::atomic<int64_t> commits{0}, misses{0}, conflicts{0}, errors{0};
  // Tells this run's nodes from those of earlier runs against the same server.
  const int64_t run = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(seconds));
  std::vector<std::thread> threads;
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      auto client = Connect(port, kOperationTimeout);
      if (!client) {
        ++errors;
        return;
      }
      for (int64_t seq = 1; Clock::now() < deadline; ++seq) {
        const Map params{{"r", Value(run)}, {"c", Value(c)}, {"s", Value(seq)}};
        if (!(*client)->Execute("CREATE (:Ryw {run: $r, conn: $c, seq: $s, n: 0})", params)) {
          ++errors;
          return;
        }
        ++commits;
        auto read = (*client)->Execute("MATCH (n:Ryw {run: $r, conn: $c, seq: $s}) RETURN count(n)",
                                       params);
        if (!read || read->rows.size() != 1) {
          ++errors;
          return;
        }
        if (IntOr(read->rows[0][0], -1) == 0) ++misses;
        auto write =
            (*client)->Execute("MATCH (n:Ryw {run: $r, conn: $c, seq: $s}) SET n.n = 1", params);
        if (!write) ++conflicts;
      }
    });
  }
  for (auto& t : threads) t.join();
  std::printf(
      "read-your-writes: %lld commits; the next transaction of the same connection missed the "
      "commit %lld times and conflicted with it %lld times; %lld errors\n",
      static_cast<long long>(commits.load()), static_cast<long long>(misses.load()),
      static_cast<long long>(conflicts.load()), static_cast<long long>(errors.load()));
  return misses == 0 && conflicts == 0 && errors == 0 ? 0 : 1;
}

}  // namespace
}  // namespace tributary::crashtest

int main(int argc, char** argv) {
  using namespace tributary::crashtest;
  ::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"Crash test client: load generator and helpers for tests/crash."};
  app.require_subcommand(1);
  uint16_t port = 0;
  int pid = 0, timeout_ms = 60000, connections = 4;
  int64_t round = 1;
  double max_seconds = 300;
  std::string work_dir, query;

  auto* free_port = app.add_subcommand("free-port", "Print a free TCP port on 127.0.0.1");
  auto* wait = app.add_subcommand("wait", "Wait until the server answers RETURN 1");
  wait->add_option("--port", port)->required();
  wait->add_option("--pid", pid, "Fail as soon as this process exits");
  wait->add_option("--timeout-ms", timeout_ms);
  auto* setup = app.add_subcommand("setup", "Create the index, the constraint and the counters");
  setup->add_option("--port", port)->required();
  setup->add_option("--connections", connections);
  auto* load = app.add_subcommand("load", "Commit numbered transactions until the server dies");
  load->add_option("--port", port)->required();
  load->add_option("--round", round)->required();
  load->add_option("--work", work_dir, "Directory holding acks/")->required();
  load->add_option("--connections", connections);
  load->add_option("--max-seconds", max_seconds, "Stop after this long even if the server lives");
  auto* ryw = app.add_subcommand("read-your-writes",
                                 "Check that a commit is visible to the next transaction");
  ryw->add_option("--port", port)->required();
  ryw->add_option("--connections", connections);
  ryw->add_option("--seconds", max_seconds)->required();
  auto* run = app.add_subcommand("query", "Run one query; print rows, or ERROR and exit 1");
  run->add_option("--port", port)->required();
  run->add_option("query", query)->required();
  CLI11_PARSE(app, argc, argv);

  if (*free_port) return FreePort();
  if (*wait) return Wait(port, pid, timeout_ms);
  if (*setup) return Setup(port, connections);
  if (*load) return Load(port, round, connections, work_dir, max_seconds);
  if (*ryw) return ReadYourWrites(port, connections, max_seconds);
  return Query(port, query);
}
