#include "crash_common.hpp"

#include <fstream>
#include <sstream>

namespace tributary::crashtest {

std::string TxKey(int64_t round, int64_t conn, int64_t seq) {
  return std::to_string(round) + "/" + std::to_string(conn) + "/" + std::to_string(seq);
}

std::optional<NodeState> ExpectedNode(int64_t seq, int64_t i, int64_t committed) {
  if (seq < 1 || seq > committed) return std::nullopt;
  const bool updated = seq + kUpdateLag <= committed;
  NodeState node;
  switch (i) {
    case 1:
      node.has_extra = !updated;
      break;
    case 2:
      node.val = updated ? seq + kUpdateLag : 0;
      node.touched = updated && seq + kUntouchLag > committed;
      break;
    default:
      if (seq % 2 == 0 && seq + kDeleteLag <= committed) return std::nullopt;
      break;
  }
  return node;
}

std::optional<EdgeState> ExpectedEdge(int64_t seq, int64_t committed) {
  if (seq < 1 || seq > committed) return std::nullopt;
  if (seq % 2 == 0 && seq + kDeleteLag <= committed) return std::nullopt;
  return EdgeState{seq + kUpdateLag <= committed ? seq + kUpdateLag : 0};
}

std::string AckLogPath(const std::string& work_dir, int64_t round) {
  return work_dir + "/acks/round-" + std::to_string(round) + ".log";
}

Result<std::map<int64_t, ConnLog>, std::string> ReadAckLog(const std::string& path) {
  std::map<int64_t, ConnLog> conns;
  std::ifstream in(path);
  if (!in) return conns;
  std::string line;
  for (int line_no = 1; std::getline(in, line); ++line_no) {
    std::istringstream fields(line);
    std::string kind;
    int64_t conn = -1, seq = -1;
    fields >> kind >> conn >> seq;
    auto bad = [&](const std::string& why) {
      return MakeError(path + ":" + std::to_string(line_no) + ": " + why + ": " + line);
    };
    if (!fields || conn < 0 || seq < 1) return bad("malformed line");
    ConnLog& log = conns[conn];
    if (kind == "attempt") {
      if (seq != log.acked + 1) return bad("attempt out of order");
      log.attempted = seq;
      log.failed = false;  // a retry after a transient failure
    } else if (kind == "ack") {
      std::vector<int64_t> ids(kNodesPerTx + 1);
      for (auto& id : ids) fields >> id;
      if (!fields) return bad("ack without its ids");
      if (seq != log.attempted || seq != log.acked + 1) return bad("ack out of order");
      log.acked = seq;
      log.ids[seq] = std::move(ids);
    } else if (kind == "fail") {
      if (seq != log.attempted) return bad("failure of a commit never attempted");
      log.failed = true;
    } else if (kind == "anomaly") {
      std::string rest;
      std::getline(fields, rest);
      log.anomalies.push_back("conn " + std::to_string(conn) + " seq " + std::to_string(seq) + ":" +
                              rest);
    } else {
      return bad("unknown event");
    }
  }
  return conns;
}

Result<std::unique_ptr<bolt::Client>, bolt::ClientError> Connect(
    uint16_t port, std::chrono::milliseconds timeout) {
  bolt::ClientOptions options;
  options.host = "127.0.0.1";
  options.port = port;
  options.timeout = timeout;
  options.user_agent = "tributary-crash-test/1";
  return bolt::Client::Connect(options);
}

std::string Describe(const bolt::ClientError& error) {
  switch (error.kind) {
    case bolt::ClientError::Kind::kConnection:
      return "connection: " + error.message;
    case bolt::ClientError::Kind::kProtocol:
      return "protocol: " + error.message;
    case bolt::ClientError::Kind::kServer:
      return error.code + ": " + error.message;
  }
  return error.message;
}

std::string Render(const bolt::Value& value) {
  if (value.IsString()) return value.AsString();
  return bolt::DebugString(value);
}

int64_t IntOr(const bolt::Value& value, int64_t fallback) {
  return value.IsInt() ? value.AsInt() : fallback;
}

}  // namespace tributary::crashtest
