#pragma once
// A small synchronous Bolt client (blocking TCP) for the console, tests and
// load generators. One Client is one connection; it is not thread-safe.
//
// After a FAILURE the client sends RESET itself (as mgclient does), so the
// connection is ready for the next request; an explicit transaction that
// failed is thereby rolled back.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bolt/handshake.hpp"
#include "bolt/message.hpp"
#include "bolt/unique_fd.hpp"
#include "bolt/value.hpp"
#include "bolt/version.hpp"
#include "common/result.hpp"

namespace tributary::bolt {

/// The default handshake proposals: 5.4..5.0, 4.4, 4.1.
std::vector<VersionProposal> DefaultProposals();

/// Connection settings.
struct ClientOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 7687;
  /// Empty user name: scheme "none"; otherwise "basic".
  std::string username;
  std::string password;
  std::string user_agent = "tributary-client/0.1";
  /// Handshake proposals, in order of preference: 5.4..5.0, 4.4, 4.1.
  std::vector<VersionProposal> proposals = DefaultProposals();
  /// Connect/read/write timeout; zero waits forever.
  std::chrono::milliseconds timeout{0};
  /// Largest response message accepted.
  size_t max_message_size = 1u << 30;
};

/// A failed client operation.
struct ClientError {
  enum class Kind {
    kConnection,  // TCP, handshake or I/O failure; the client is unusable
    kProtocol,    // the server sent something unexpected; the client is unusable
    kServer,      // the server answered FAILURE; the client is usable again
  };
  Kind kind = Kind::kConnection;
  std::string code;  // Neo4j status code for kServer
  std::string message;
};

/// Rows and metadata of a query run to completion.
struct QueryResult {
  std::vector<std::string> fields;
  std::vector<std::vector<Value>> rows;
  Map run_metadata;  // RUN's SUCCESS (fields, t_first, qid)
  Map summary;       // the final SUCCESS (bookmark, type, stats, db, t_last, ...)
};

/// One page of a PULL.
struct PullPage {
  std::vector<std::vector<Value>> rows;
  bool has_more = false;
  Map metadata;  // the SUCCESS that ended the page
};

/// A connected, authenticated Bolt session.
class Client {
  struct Passkey {
    explicit Passkey() = default;
  };

 public:
  /// Use Connect(); the passkey keeps construction private.
  Client(Passkey, UniqueFd fd, size_t max_message_size);
  /// Connects, negotiates a version, sends HELLO (and LOGON on 5.1+).
  static Result<std::unique_ptr<Client>, ClientError> Connect(const ClientOptions& options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  /// The negotiated Bolt version.
  ProtocolVersion version() const { return version_; }
  /// Metadata of HELLO's SUCCESS (server, connection_id, hints).
  const Map& server_info() const { return server_info_; }

  /// RUN + PULL {n: -1} (pipelined): all rows and the summary.
  Result<QueryResult, ClientError> Execute(const std::string& query, const Map& parameters = {},
                                           const Map& extra = {});
  /// Execute in two halves, for a caller that multiplexes several
  /// connections on one thread (poll() on fd() between them): SendExecute
  /// writes RUN + PULL; ReceiveExecute reads the answer (blocking until it
  /// is complete). Exactly one ReceiveExecute per SendExecute.
  Result<void, ClientError> SendExecute(const std::string& query, const Map& parameters = {},
                                        const Map& extra = {});
  Result<QueryResult, ClientError> ReceiveExecute();
  /// The socket, for poll(); -1 once closed.
  int fd() const { return fd_.get(); }
  /// True when bytes of a reply are buffered already (poll() would not see them).
  bool HasBufferedInput() const { return read_pos_ < read_buffer_.size(); }
  /// RUN only; returns RUN's SUCCESS metadata (fields, qid in transactions).
  Result<Map, ClientError> Run(const std::string& query, const Map& parameters = {},
                               const Map& extra = {});
  /// PULL {n, qid}; n = -1 pulls everything, qid = -1 the latest result.
  Result<PullPage, ClientError> Pull(int64_t n = -1, int64_t qid = -1);
  /// DISCARD {n, qid}.
  Result<Map, ClientError> Discard(int64_t n = -1, int64_t qid = -1);
  Result<Map, ClientError> Begin(const Map& extra = {});
  /// Returns COMMIT's SUCCESS metadata (bookmark).
  Result<Map, ClientError> Commit();
  Result<Map, ClientError> Rollback();
  Result<Map, ClientError> Reset();
  /// ROUTE (4.4+ shape); returns the SUCCESS metadata ({rt: ...}).
  Result<Map, ClientError> Route(const Map& routing = {}, const std::string& db = "");
  /// Sends GOODBYE and closes the socket. Idempotent.
  void Close();

  /// Low level: sends one message (chunked).
  Result<void, ClientError> Send(Signature signature, const std::vector<Value>& fields);
  /// Low level: sends raw bytes.
  Result<void, ClientError> SendRaw(std::string_view bytes);
  /// Low level: receives the next message (NOOPs skipped).
  Result<Message, ClientError> Receive();

 private:
  Result<void, ClientError> Handshake(const ClientOptions& options);
  Result<void, ClientError> Authenticate(const ClientOptions& options);
  Result<void, ClientError> ReadExact(char* out, size_t n);
  // Expects SUCCESS; on FAILURE resets the connection and returns kServer.
  Result<Map, ClientError> ExpectSuccess(size_t pipelined_after = 0);
  // Consumes the replies of `pipelined_after` pipelined requests, sends RESET
  // and returns `error`.
  Unexpected<ClientError> Recover(ClientError error, size_t pipelined_after);
  Result<Map, ClientError> Request(Signature signature, const std::vector<Value>& fields);
  ClientError Broken(ClientError::Kind kind, std::string message);

  UniqueFd fd_;
  size_t max_message_size_;
  ProtocolVersion version_;
  Map server_info_;
  std::string read_buffer_;
  size_t read_pos_ = 0;
  bool broken_ = false;
};

}  // namespace tributary::bolt
