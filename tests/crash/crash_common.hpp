#pragma once
// Shared by the crash test's load generator and checker: the workload's
// definition (which objects transaction `seq` creates, updates and deletes),
// the acknowledgement log the load generator writes, and small helpers over
// the project's Bolt client. See tests/crash/README.md.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bolt/client.hpp"
#include "common/result.hpp"

namespace tributary::crashtest {

// ---- The workload ----------------------------------------------------------
//
// Transaction `seq` of connection `conn` in load round `round` (seq = 1, 2, ...
// per connection and round, each begun only after the previous one was
// acknowledged) does, in one transaction (explicit on even connections, one
// auto-commit statement on odd ones):
//   - create nodes (:Tx {round, conn, seq, i, k, uid, val: 0}) for i = 1..3,
//     k = "round/conn/seq", uid = k + "/" + i (unique constraint);
//   - create (i=1)-[:NEXT {k}]->(i=2) and set extra = "x" on i=1;
//   - seq > kUpdateLag: on transaction seq-3 set val = seq and label :Touched on
//     its node 2, set w = seq on its edge, remove `extra` from its node 1;
//   - seq > kUntouchLag: remove :Touched from node 2 of transaction seq-4;
//   - seq > kDeleteLag and seq even: delete the edge and node 3 of seq-6;
//   - increment n on (:Counter {conn}), a node that lives across all rounds.
// So after the first K transactions of a (round, conn) committed, its objects
// are exactly those ExpectedNode/ExpectedEdge describe.

/// Transaction seq updates transaction seq - kUpdateLag.
constexpr int64_t kUpdateLag = 3;
/// Transaction seq removes the label kUpdateLag set, on seq - kUntouchLag.
constexpr int64_t kUntouchLag = 4;
/// Even transactions seq delete the edge and third node of seq - kDeleteLag.
constexpr int64_t kDeleteLag = 6;
/// Nodes each transaction creates.
constexpr int64_t kNodesPerTx = 3;

/// The property `k` shared by a transaction's objects: "round/conn/seq".
std::string TxKey(int64_t round, int64_t conn, int64_t seq);

/// Node `i` of transaction `seq` as it must be after transactions 1..committed
/// of its (round, conn) committed.
struct NodeState {
  int64_t val = 0;
  bool has_extra = false;
  bool touched = false;
  friend bool operator==(const NodeState&, const NodeState&) = default;
};
/// nullopt when the node must not exist. REQUIRES: 1 <= i <= kNodesPerTx.
std::optional<NodeState> ExpectedNode(int64_t seq, int64_t i, int64_t committed);

/// The NEXT edge of transaction `seq`; `w` is 0 when the property is absent.
struct EdgeState {
  int64_t w = 0;
  friend bool operator==(const EdgeState&, const EdgeState&) = default;
};
/// nullopt when the edge must not exist.
std::optional<EdgeState> ExpectedEdge(int64_t seq, int64_t committed);

// ---- The acknowledgement log ----------------------------------------------
//
// One file per load round, `<work>/acks/round-<R>.log`, one line per event,
// each written with a single write(2) on an O_APPEND descriptor:
//   attempt <conn> <seq>                      COMMIT is about to be sent
//   ack <conn> <seq> <n1> <n2> <n3> <edge>     COMMIT succeeded; the ids
//   fail <conn> <seq> <message>               COMMIT failed with a server error
//                                             (after a transient one, the same seq
//                                             is attempted again)
//   anomaly <conn> <seq> <message>            the workload saw impossible data

/// What the log says about one (round, conn).
struct ConnLog {
  int64_t acked = 0;      // highest acknowledged seq (acks are contiguous from 1)
  int64_t attempted = 0;  // highest seq whose COMMIT was sent
  bool failed = false;    // the last attempt failed with a server error
  /// ids[seq] = {node1, node2, node3, edge} of acknowledged transactions.
  std::map<int64_t, std::vector<int64_t>> ids;
  std::vector<std::string> anomalies;
};

/// Path of round `round`'s log under `work_dir`.
std::string AckLogPath(const std::string& work_dir, int64_t round);

/// Parses one round's log; a missing file is an empty log. Malformed lines
/// and non-contiguous acknowledgements are errors (returned as text).
Result<std::map<int64_t, ConnLog>, std::string> ReadAckLog(const std::string& path);

// ---- Bolt helpers -----------------------------------------------------------

/// Connects to 127.0.0.1:port with a timeout on every operation.
Result<std::unique_ptr<bolt::Client>, bolt::ClientError> Connect(uint16_t port,
                                                                 std::chrono::milliseconds timeout);

/// "code: message" of a client error.
std::string Describe(const bolt::ClientError& error);

/// Renders a value for messages and for the `query` subcommand's output.
std::string Render(const bolt::Value& value);

/// Integer value or `fallback` when the value is not an integer (e.g. null).
int64_t IntOr(const bolt::Value& value, int64_t fallback);

}  // namespace tributary::crashtest
