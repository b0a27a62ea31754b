// The crash test's checker: after a restart, compares the whole database with
// what the acknowledgement logs of rounds 1..R allow (see crash_common.hpp and
// tests/crash/README.md):
//
//   crash_check --port P --work DIR --round R [--connections C]
//
// - every acknowledged commit is present;
// - each (round, connection) holds exactly the state after its first K
//   transactions, K = acknowledged or, for an in-doubt last commit,
//   acknowledged + 1: so nothing is half-applied, no update or delete of a
//   committed transaction is lost, and nothing unknown appears;
// - the per-connection counters equal the number of commits present;
// - ids survive restarts, and every id of round r exceeds every id known when
//   round r began (no reuse, also of deleted objects);
// - the index and the unique constraint are back and work.
//
// State across checks lives in DIR/state. Exit 0 when all holds, 1 otherwise.

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "crash_common.hpp"

namespace tributary::crashtest {
namespace {

using bolt::Value;

constexpr std::chrono::milliseconds kOperationTimeout{60000};
/// Violations printed in full; the rest are only counted.
constexpr size_t kMaxPrinted = 40;

/// Ids every object of a round must exceed.
struct IdLimit {
  int64_t node = -1;
  int64_t edge = -1;
};

/// What one check hands to the next (DIR/state).
struct CheckState {
  std::map<int64_t, int64_t> counter_ids;  // conn -> node id of its Counter
  std::map<int64_t, IdLimit> limits;       // round -> ids its objects exceed
  IdLimit max;                             // highest ids known so far

  static CheckState Load(const std::string& path) {
    CheckState state;
    std::ifstream in(path);
    std::string kind;
    while (in >> kind) {
      int64_t a = 0, b = 0, c = 0;
      if (kind == "counter" && in >> a >> b) state.counter_ids[a] = b;
      if (kind == "limit" && in >> a >> b >> c) state.limits[a] = {b, c};
      if (kind == "max" && in >> a >> b) state.max = {a, b};
    }
    return state;
  }

  bool Save(const std::string& path) const {
    const std::string temporary = path + ".tmp";
    {
      std::ofstream out(temporary, std::ios::trunc);
      for (auto [conn, id] : counter_ids) out << "counter " << conn << " " << id << "\n";
      for (auto [round, l] : limits)
        out << "limit " << round << " " << l.node << " " << l.edge << "\n";
      out << "max " << max.node << " " << max.edge << "\n";
      if (!out) return false;
    }
    std::error_code ec;
    std::filesystem::rename(temporary, path, ec);
    return !ec;
  }
};

struct ObservedNode {
  int64_t id = 0;
  NodeState state;
};

struct ObservedEdge {
  int64_t id = 0;
  EdgeState state;
};

/// (round, conn, seq) of a transaction.
using TxId = std::tuple<int64_t, int64_t, int64_t>;

class Checker {
 public:
  /// `settle`: wait for garbage collection to make the index count exact.
  Checker(bolt::Client& client, std::string work_dir, int64_t round, bool settle)
      : client_(client), work_dir_(std::move(work_dir)), round_(round), settle_(settle) {}

  int Run() {
    state_ = CheckState::Load(StatePath());
    if (!ReadLogs() || !ReadNodes() || !ReadEdges()) return Report();
    CheckStrayObjects();
    CheckTransactions();
    CheckCounters();
    CheckIds();
    CheckSchema();
    if (violations_.empty()) UpdateState();
    return Report();
  }

 private:
  std::string StatePath() const { return work_dir_ + "/state"; }

  void Violation(std::string message) { violations_.push_back(std::move(message)); }

  // Runs a read query; nullptr (and a violation) when it fails.
  std::unique_ptr<bolt::QueryResult> Read(const std::string& query) {
    auto result = client_.Execute(query);
    if (!result) {
      Violation("query failed: " + query + ": " + Describe(result.Error()));
      return nullptr;
    }
    return std::make_unique<bolt::QueryResult>(std::move(*result));
  }

  bool ReadLogs() {
    for (int64_t r = 1; r <= round_; ++r) {
      auto log = ReadAckLog(AckLogPath(work_dir_, r));
      if (!log) {
        Violation("unreadable acknowledgement log: " + log.Error());
        return false;
      }
      for (auto& [conn, conn_log] : *log) {
        for (const auto& anomaly : conn_log.anomalies) {
          Violation("round " + std::to_string(r) + " load anomaly: " + anomaly);
        }
        logs_[{r, conn}] = std::move(conn_log);
      }
    }
    return true;
  }

  bool ReadNodes() {
    auto result = Read(
        "MATCH (n:Tx) RETURN id(n), n.round, n.conn, n.seq, n.i, n.k, n.uid, n.val, n.extra, "
        "labels(n), keys(n)");
    if (!result) return false;
    static const std::set<std::string> kKeys = {"round", "conn", "seq", "i",
                                                "k",     "uid",  "val", "extra"};
    for (const auto& row : result->rows) {
      const int64_t id = IntOr(row[0], -1), r = IntOr(row[1], -1), c = IntOr(row[2], -1),
                    s = IntOr(row[3], -1), i = IntOr(row[4], -1);
      const std::string k = TxKey(r, c, s);
      ObservedNode node{id, {IntOr(row[7], -1), !row[8].IsNull(), false}};
      std::string problem;
      if (row[5] != Value(k) || row[6] != Value(k + "/" + std::to_string(i)) || i < 1 ||
          i > kNodesPerTx) {
        problem = "inconsistent identity properties";
      }
      if (!row[8].IsNull() && row[8] != Value("x")) problem = "bad extra";
      for (const auto& label : row[9].AsList()) {
        if (label == Value("Touched")) {
          node.state.touched = true;
        } else if (label != Value("Tx")) {
          problem = "unexpected label " + Render(label);
        }
      }
      for (const auto& key : row[10].AsList()) {
        if (!key.IsString() || kKeys.count(key.AsString()) == 0) {
          problem = "unexpected property " + Render(key);
        }
      }
      if (!problem.empty()) {
        Violation("node " + std::to_string(id) + " " + Render(Value(row)) + ": " + problem);
        continue;
      }
      if (!nodes_.emplace(std::tuple{r, c, s, i}, node).second) {
        Violation("two nodes for round/conn/seq/i " + k + "/" + std::to_string(i));
      }
      ++node_count_;
    }
    return true;
  }

  bool ReadEdges() {
    auto result = Read(
        "MATCH (a)-[e]->(b) RETURN id(e), type(e), e.k, e.w, a.uid, b.uid, keys(e), a.round, "
        "a.conn, a.seq");
    if (!result) return false;
    for (const auto& row : result->rows) {
      const int64_t id = IntOr(row[0], -1), r = IntOr(row[7], -1), c = IntOr(row[8], -1),
                    s = IntOr(row[9], -1);
      const std::string k = TxKey(r, c, s);
      bool keys_ok = true;
      for (const auto& key : row[6].AsList()) keys_ok &= key == Value("k") || key == Value("w");
      if (row[1] != Value("NEXT") || row[2] != Value(k) || row[4] != Value(k + "/1") ||
          row[5] != Value(k + "/2") || !keys_ok || !(row[3].IsNull() || row[3].IsInt())) {
        Violation("edge " + std::to_string(id) + " " + Render(Value(row)) +
                  ": does not belong to the workload");
        continue;
      }
      if (!edges_.emplace(TxId{r, c, s}, ObservedEdge{id, {IntOr(row[3], 0)}}).second) {
        Violation("two NEXT edges for transaction " + k);
      }
      ++edge_count_;
    }
    return true;
  }

  void CheckStrayObjects() {
    auto result = Read("MATCH (n) WHERE NOT n:Tx AND NOT n:Counter RETURN count(n)");
    if (result && (result->rows.size() != 1 || IntOr(result->rows[0][0], -1) != 0)) {
      Violation("nodes outside the workload: " + Render(Value(result->rows.at(0))));
    }
  }

  // The seqs of (round, conn) that have any object in the database.
  int64_t HighestObservedSeq(int64_t r, int64_t c) const {
    int64_t highest = 0;
    for (auto it = nodes_.lower_bound({r, c, 0, 0}); it != nodes_.end(); ++it) {
      auto [nr, nc, ns, ni] = it->first;
      if (nr != r || nc != c) break;
      highest = std::max(highest, ns);
    }
    for (auto it = edges_.lower_bound({r, c, 0}); it != edges_.end(); ++it) {
      auto [er, ec, es] = it->first;
      if (er != r || ec != c) break;
      highest = std::max(highest, es);
    }
    return highest;
  }

  static std::string Show(const std::optional<NodeState>& n) {
    if (!n) return "absent";
    return "{val: " + std::to_string(n->val) + ", extra: " + (n->has_extra ? "x" : "null") +
           (n->touched ? ", :Touched}" : "}");
  }

  static std::string Show(const std::optional<EdgeState>& e) {
    if (!e) return "absent";
    return "{w: " + std::to_string(e->w) + "}";
  }

  void CheckTransactions() {
    std::set<std::pair<int64_t, int64_t>> streams;
    for (const auto& [key, log] : logs_) streams.insert(key);
    for (const auto& [key, node] : nodes_) streams.insert({std::get<0>(key), std::get<1>(key)});
    for (const auto& [key, edge] : edges_) streams.insert({std::get<0>(key), std::get<1>(key)});
    for (auto [r, c] : streams) {
      const ConnLog empty;
      auto found = logs_.find({r, c});
      const ConnLog& log = found == logs_.end() ? empty : found->second;
      const int64_t observed = HighestObservedSeq(r, c);
      const bool in_doubt = log.attempted == log.acked + 1 && !log.failed;
      const int64_t committed = in_doubt && observed == log.acked + 1 ? observed : log.acked;
      committed_[{r, c}] = committed;
      acknowledged_total_ += log.acked;
      in_doubt_total_ += in_doubt ? 1 : 0;
      in_doubt_committed_ += committed > log.acked ? 1 : 0;
      const std::string context = " (round " + std::to_string(r) + " conn " + std::to_string(c) +
                                  ": acknowledged " + std::to_string(log.acked) + ", attempted " +
                                  std::to_string(log.attempted) + (log.failed ? " (failed)" : "") +
                                  ", taken as committed " + std::to_string(committed) + ")";
      if (r < 1 || r > round_) Violation("objects of a round never run" + context);
      for (int64_t s = 1; s <= std::max(committed, observed); ++s) {
        const std::string tx = "transaction " + TxKey(r, c, s);
        for (int64_t i = 1; i <= kNodesPerTx; ++i) {
          auto expected = ExpectedNode(s, i, committed);
          auto it = nodes_.find({r, c, s, i});
          std::optional<NodeState> actual;
          if (it != nodes_.end()) actual = it->second.state;
          if (expected != actual) {
            Violation(tx + " node " + std::to_string(i) + ": expected " + Show(expected) +
                      ", found " + Show(actual) + context);
          }
        }
        auto expected = ExpectedEdge(s, committed);
        auto it = edges_.find({r, c, s});
        std::optional<EdgeState> actual;
        if (it != edges_.end()) actual = it->second.state;
        if (expected != actual) {
          Violation(tx + " edge: expected " + Show(expected) + ", found " + Show(actual) + context);
        }
      }
    }
  }

  void CheckCounters() {
    auto result = Read("MATCH (n:Counter) RETURN n.conn, n.n, id(n)");
    if (!result) return;
    std::map<int64_t, int64_t> expected;
    for (auto [key, committed] : committed_) expected[key.second] += committed;
    for (const auto& row : result->rows) {
      const int64_t conn = IntOr(row[0], -1), n = IntOr(row[1], -1), id = IntOr(row[2], -1);
      if (!counters_.emplace(conn, id).second) Violation("two counters for conn " + Render(row[0]));
      if (n != expected[conn]) {
        Violation("counter of conn " + std::to_string(conn) + " is " + std::to_string(n) +
                  ", but " + std::to_string(expected[conn]) + " of its transactions are present");
      }
      auto known = state_.counter_ids.find(conn);
      if (known != state_.counter_ids.end() && known->second != id) {
        Violation("counter of conn " + std::to_string(conn) + " changed id from " +
                  std::to_string(known->second) + " to " + std::to_string(id));
      }
    }
    for (auto [conn, count] : expected) {
      if (counters_.count(conn) == 0)
        Violation("counter of conn " + std::to_string(conn) + " lost");
    }
  }

  // A round's objects must carry ids above every id known before it ran.
  void CheckAboveLimit(int64_t round, const char* what, int64_t id, int64_t limit,
                       const std::string& where) {
    if (id <= limit) {
      Violation(std::string(what) + " id " + std::to_string(id) + " of " + where +
                " is not above " + std::to_string(limit) + ", the highest id known before round " +
                std::to_string(round) + " began: an id was reused");
    }
  }

  void CheckIds() {
    if (round_ >= 1 && state_.limits.count(round_) == 0) state_.limits[round_] = state_.max;
    for (const auto& [key, node] : nodes_) {
      auto [r, c, s, i] = key;
      const std::string where = "transaction " + TxKey(r, c, s) + " node " + std::to_string(i);
      auto log = logs_.find({r, c});
      if (log != logs_.end()) {
        auto ids = log->second.ids.find(s);
        if (ids != log->second.ids.end() && ids->second[i - 1] != node.id) {
          Violation(where + " has id " + std::to_string(node.id) + " but was created with id " +
                    std::to_string(ids->second[i - 1]));
        }
      }
      if (auto limit = state_.limits.find(r); limit != state_.limits.end()) {
        CheckAboveLimit(r, "node", node.id, limit->second.node, where);
      }
    }
    for (const auto& [key, edge] : edges_) {
      auto [r, c, s] = key;
      const std::string where = "transaction " + TxKey(r, c, s) + " edge";
      auto log = logs_.find({r, c});
      if (log != logs_.end()) {
        auto ids = log->second.ids.find(s);
        if (ids != log->second.ids.end() && ids->second[kNodesPerTx] != edge.id) {
          Violation(where + " has id " + std::to_string(edge.id) + " but was created with id " +
                    std::to_string(ids->second[kNodesPerTx]));
        }
      }
      if (auto limit = state_.limits.find(r); limit != state_.limits.end()) {
        CheckAboveLimit(r, "edge", edge.id, limit->second.edge, where);
      }
    }
    // Acknowledged ids, also of objects deleted since, were handed out during
    // their round, so they too must exceed the round's limit.
    for (const auto& [key, log] : logs_) {
      auto limit = state_.limits.find(key.first);
      if (limit == state_.limits.end()) continue;
      for (const auto& [seq, ids] : log.ids) {
        const std::string where = "acknowledged transaction " + TxKey(key.first, key.second, seq);
        for (int64_t i = 0; i < kNodesPerTx; ++i) {
          CheckAboveLimit(key.first, "node", ids[i], limit->second.node, where);
        }
        CheckAboveLimit(key.first, "edge", ids[kNodesPerTx], limit->second.edge, where);
      }
    }
  }

  // Entries of the :Tx(k) index, or -1 when the index is not listed.
  int64_t IndexEntries() {
    auto result = Read("SHOW INDEX INFO");
    if (!result) return -1;
    for (const auto& row : result->rows) {
      if (row.size() >= 4 && row[1] == Value("Tx") && row[2] == Value("k"))
        return IntOr(row[3], -1);
    }
    return -1;
  }

  // Looks every transaction key up through the index (the plan is
  // ScanAllByLabelPropertyValue) and compares with what the label scan found.
  void CheckIndexLookups() {
    std::map<std::string, TxId> keys;
    for (auto [stream, committed] : committed_) {
      auto [r, c] = stream;
      const int64_t last = std::max(committed, HighestObservedSeq(r, c)) + 1;
      for (int64_t s = 1; s <= last; ++s) keys.emplace(TxKey(r, c, s), TxId{r, c, s});
    }
    std::set<std::tuple<int64_t, int64_t, int64_t, int64_t>> found;
    constexpr size_t kChunk = 20000;
    for (auto it = keys.begin(); it != keys.end();) {
      bolt::List chunk;
      for (; it != keys.end() && chunk.size() < kChunk; ++it) chunk.emplace_back(it->first);
      auto result = client_.Execute("UNWIND $keys AS key MATCH (n:Tx {k: key}) RETURN key, n.i",
                                    bolt::Map{{"keys", Value(std::move(chunk))}});
      if (!result) {
        Violation("index lookup failed: " + Describe(result.Error()));
        return;
      }
      for (const auto& row : result->rows) {
        auto key = keys.find(Render(row[0]));
        if (key == keys.end()) continue;
        auto [r, c, s] = key->second;
        if (!found.emplace(r, c, s, IntOr(row[1], -1)).second) {
          Violation("index lookup of " + key->first + " returned node " + Render(row[1]) +
                    " twice");
        }
      }
    }
    for (const auto& [key, node] : nodes_) {
      if (found.erase(key) == 0) {
        auto [r, c, s, i] = key;
        Violation("index lookup misses node " + std::to_string(i) + " of transaction " +
                  TxKey(r, c, s));
      }
    }
    for (auto [r, c, s, i] : found) {
      Violation("index lookup of " + TxKey(r, c, s) + " returns node " + std::to_string(i) +
                ", which a label scan does not find");
    }
  }

  void CheckSchema() {
    // Entries of objects deleted before the crash stay in the index until the
    // first garbage collection after recovery, so only --settle waits for an
    // exact count.
    int64_t entries = IndexEntries();
    for (int waited_ms = 0; settle_ && entries != node_count_ && waited_ms < 30000;
         waited_ms += 100) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      entries = IndexEntries();
    }
    if (entries < 0) {
      Violation("index :Tx(k) missing after recovery");
    } else if (entries < node_count_ || (settle_ && entries != node_count_)) {
      Violation("index :Tx(k) holds " + std::to_string(entries) + " entries for " +
                std::to_string(node_count_) + " :Tx nodes");
    }
    CheckIndexLookups();
    if (auto result = Read("SHOW CONSTRAINT INFO")) {
      bool found = false;
      for (const auto& row : result->rows) {
        if (row.size() >= 3 && row[0] == Value("unique") && row[1] == Value("Tx") &&
            Render(row[2]).find("uid") != std::string::npos) {
          found = true;
        }
      }
      if (!found) Violation("unique constraint on :Tx(uid) missing after recovery");
    }
    if (nodes_.empty()) return;
    // The constraint must also be enforced, not just listed.
    auto [key, node] = *nodes_.begin();
    auto [r, c, s, i] = key;
    const std::string uid = TxKey(r, c, s) + "/" + std::to_string(i);
    auto probe = client_.Execute("CREATE (:Tx:Probe {uid: $uid})", bolt::Map{{"uid", Value(uid)}});
    if (probe) {
      Violation("the unique constraint on :Tx(uid) accepted a second node with uid " + uid);
      (void)client_.Execute("MATCH (n:Probe) DETACH DELETE n");
    } else if (probe.Error().kind != bolt::ClientError::Kind::kServer) {
      Violation("constraint probe: " + Describe(probe.Error()));
    }
  }

  void UpdateState() {
    for (auto [conn, id] : counters_) state_.counter_ids[conn] = id;
    IdLimit& max = state_.max;
    for (const auto& [key, node] : nodes_) max.node = std::max(max.node, node.id);
    for (const auto& [key, edge] : edges_) max.edge = std::max(max.edge, edge.id);
    for (auto [conn, id] : counters_) max.node = std::max(max.node, id);
    for (const auto& [key, log] : logs_) {
      for (const auto& [seq, ids] : log.ids) {
        for (int64_t i = 0; i < kNodesPerTx; ++i) max.node = std::max(max.node, ids[i]);
        max.edge = std::max(max.edge, ids[kNodesPerTx]);
      }
    }
    if (!state_.Save(StatePath())) Violation("cannot write " + StatePath());
  }

  int Report() {
    for (size_t i = 0; i < violations_.size() && i < kMaxPrinted; ++i) {
      std::fprintf(stderr, "VIOLATION: %s\n", violations_[i].c_str());
    }
    if (violations_.size() > kMaxPrinted) {
      std::fprintf(stderr, "... and %zu more violations\n", violations_.size() - kMaxPrinted);
    }
    int64_t present = 0;
    for (auto [key, committed] : committed_) present += committed;
    std::fprintf(stderr,
                 "check after round %lld: %s; %lld transactions present (%lld acknowledged, "
                 "%lld of %lld in doubt committed), %lld nodes, %lld edges, max ids node %lld "
                 "edge %lld\n",
                 static_cast<long long>(round_), violations_.empty() ? "OK" : "FAILED",
                 static_cast<long long>(present), static_cast<long long>(acknowledged_total_),
                 static_cast<long long>(in_doubt_committed_),
                 static_cast<long long>(in_doubt_total_), static_cast<long long>(node_count_),
                 static_cast<long long>(edge_count_), static_cast<long long>(state_.max.node),
                 static_cast<long long>(state_.max.edge));
    return violations_.empty() ? 0 : 1;
  }

  bolt::Client& client_;
  const std::string work_dir_;
  const int64_t round_;
  const bool settle_;
  CheckState state_;
  std::map<std::pair<int64_t, int64_t>, ConnLog> logs_;
  std::map<std::tuple<int64_t, int64_t, int64_t, int64_t>, ObservedNode> nodes_;
  std::map<TxId, ObservedEdge> edges_;
  std::map<std::pair<int64_t, int64_t>, int64_t> committed_;
  std::map<int64_t, int64_t> counters_;  // conn -> id
  int64_t node_count_ = 0, edge_count_ = 0;
  int64_t acknowledged_total_ = 0, in_doubt_total_ = 0, in_doubt_committed_ = 0;
  std::vector<std::string> violations_;
};

}  // namespace
}  // namespace tributary::crashtest

int main(int argc, char** argv) {
  using namespace tributary::crashtest;
  CLI::App app{"Crash test checker: compares the database with the acknowledgement logs."};
  uint16_t port = 0;
  int64_t round = 0;
  std::string work_dir;
  app.add_option("--port", port)->required();
  app.add_option("--work", work_dir, "Directory holding acks/ and state")->required();
  app.add_option("--round", round, "Last load round that ran")->required();
  bool settle = false;
  app.add_flag("--settle", settle, "Wait until the index count is exact (garbage collected)");
  CLI11_PARSE(app, argc, argv);
  auto client = Connect(port, kOperationTimeout);
  if (!client) {
    std::fprintf(stderr, "check: %s\n", Describe(client.Error()).c_str());
    return 1;
  }
  return Checker(**client, work_dir, round, settle).Run();
}
