#pragma once
// The boundary between the Bolt layer and whatever executes queries. The
// Bolt layer knows nothing of the query engine: a thin adapter implements
// QueryHandler and ResultStream on top of it, and Authenticator decides who
// may connect. Every call is synchronous and may block (query execution);
// the server makes them from its execution pool, never from an I/O thread.
//
// Lifecycle per connection:
//   handshake -> authentication (HELLO, or LOGON on 5.1+) -> HandlerFactory
//   creates one QueryHandler -> RUN/PULL/BEGIN/... -> LOGOFF, GOODBYE or
//   disconnect destroys it.
//
// Results: Run() returns a ResultStream that the session owns. Auto-commit
// queries have at most one open stream (a new RUN is refused until it is
// consumed). Inside an explicit transaction any number of streams may be
// open at once; the session numbers them (Bolt `qid`) and routes PULL and
// DISCARD to the right one.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bolt/value.hpp"
#include "bolt/version.hpp"
#include "common/result.hpp"

namespace tributary::bolt {

/// An error reported to the client as FAILURE {code, message}. `code` is a
/// Neo4j status code, e.g. "Neo.ClientError.Statement.SyntaxError".
struct BoltError {
  std::string code;
  std::string message;
};

/// Status codes the Bolt layer itself produces.
namespace codes {
inline constexpr const char* kUnauthorized = "Neo.ClientError.Security.Unauthorized";
inline constexpr const char* kRequestInvalid = "Neo.ClientError.Request.Invalid";
inline constexpr const char* kTransactionNotFound =
    "Neo.ClientError.Transaction.TransactionNotFound";
inline constexpr const char* kResourceExhaustion = "Neo.TransientError.Request.ResourceExhaustion";
inline constexpr const char* kDatabaseError = "Neo.DatabaseError.General.UnknownError";
}  // namespace codes

/// What a client presented to authenticate (HELLO up to 5.0, LOGON on 5.1+).
struct AuthToken {
  std::string scheme;       // "none", "basic", ...; empty when absent
  std::string principal;    // user name
  std::string credentials;  // password
};

/// Decides who may connect. Implementations must be thread-safe: the
/// server shares one authenticator between all connections.
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  /// Returns the authenticated user name (may be empty for anonymous access)
  /// or an error, normally codes::kUnauthorized.
  virtual Result<std::string, BoltError> Authenticate(const AuthToken& token) = 0;
};

/// Facts about a connection handed to the HandlerFactory.
struct SessionInfo {
  std::string connection_id;  // "bolt-17"
  std::string peer;           // "127.0.0.1:53412"
  ProtocolVersion version;    // negotiated Bolt version (temporal tags depend on it)
  std::string user;           // authenticated user
  std::string user_agent;     // from HELLO
  /// When set, auto-commit results may end with their commit pending
  /// (PullOutcome::commit_pending) and call this, from any thread, once its
  /// outcome is known (ADR 020). Empty: commits block in Pull/Discard.
  std::function<void()> commit_wake;
};

/// Transaction access mode requested by the client.
enum class AccessMode { kWrite, kRead };

/// Options of an auto-commit RUN or of BEGIN (from the `extra` dictionary).
struct TxOptions {
  std::string db;  // requested database; empty = default
  AccessMode mode = AccessMode::kWrite;
  std::vector<std::string> bookmarks;  // causal-consistency bookmarks
  std::optional<int64_t> tx_timeout_ms;
  Map tx_metadata;
  std::string impersonated_user;  // `imp_user`; empty when absent
  Map extra;                      // the raw `extra` dictionary
};

/// Kind of query as Bolt reports it in the final summary (`type`).
enum class QueryType { kRead, kWrite, kReadWrite, kSchemaWrite };

/// Update counters; only non-zero ones are sent (with Neo4j's key names).
struct QueryStats {
  int64_t nodes_created = 0;
  int64_t nodes_deleted = 0;
  int64_t relationships_created = 0;
  int64_t relationships_deleted = 0;
  int64_t properties_set = 0;
  int64_t labels_added = 0;
  int64_t labels_removed = 0;
  int64_t indexes_added = 0;
  int64_t indexes_removed = 0;
  int64_t constraints_added = 0;
  int64_t constraints_removed = 0;
};

/// The final summary of an exhausted result.
struct QuerySummary {
  QueryType type = QueryType::kRead;
  QueryStats stats;
  /// Bookmark of the committed auto-commit transaction; empty for queries
  /// inside an explicit transaction (COMMIT returns it) or when unsupported.
  std::string bookmark;
  /// Extra entries merged into the final SUCCESS (e.g. "notifications").
  Map metadata;
};

/// Result of a PULL or DISCARD step.
struct PullOutcome {
  /// True while rows remain; `summary` is then ignored.
  bool has_more = false;
  /// The rows are done but the auto-commit transaction waits for the
  /// write-ahead log: SessionInfo::commit_wake will be called, and then
  /// ResultStream::CompleteCommit gives the real outcome. `summary` is
  /// ignored.
  bool commit_pending = false;
  QuerySummary summary;
};

/// Receives rows during ResultStream::Pull. The span is valid only during
/// the call; the session encodes it immediately.
using RowSink = std::function<void(std::span<const Value> row)>;

/// One open result of a RUN. Owned by the session; destroyed when exhausted,
/// on RESET, ROLLBACK, COMMIT, GOODBYE or disconnect. Destroying an
/// auto-commit stream that is not exhausted must abort its transaction.
class ResultStream {
 public:
  virtual ~ResultStream() = default;
  /// Column names, known right after Run().
  virtual const std::vector<std::string>& Fields() const = 0;
  /// Emits up to `n` rows to `sink` (n < 0: all). When the result is
  /// exhausted, returns has_more = false and the summary; an auto-commit
  /// query commits at that point. An error fails the query (and, for
  /// auto-commit, aborts its transaction).
  virtual Result<PullOutcome, BoltError> Pull(int64_t n, const RowSink& sink) = 0;
  /// Like Pull but throws the rows away (side effects still happen).
  virtual Result<PullOutcome, BoltError> Discard(int64_t n) = 0;
  /// After an outcome with commit_pending (and SessionInfo::commit_wake):
  /// the final outcome of the commit, as Pull would have returned it.
  virtual Result<PullOutcome, BoltError> CompleteCommit() { return PullOutcome{}; }
};

/// Executes queries for one authenticated connection. Called from one
/// thread at a time, except Interrupt() which may come from any thread.
/// Destroying the handler must roll back any open transaction.
class QueryHandler {
 public:
  virtual ~QueryHandler() = default;

  /// Prepares (and may start executing) `query`. Inside an explicit
  /// transaction `in_transaction` is true and `options` is empty (the
  /// options were given to Begin); otherwise this is an auto-commit query
  /// whose transaction the returned stream owns.
  virtual Result<std::unique_ptr<ResultStream>, BoltError> Run(const std::string& query,
                                                               const Map& parameters,
                                                               const TxOptions& options,
                                                               bool in_transaction) = 0;
  /// Opens an explicit transaction.
  virtual Result<void, BoltError> Begin(const TxOptions& options) = 0;
  /// Commits the explicit transaction; returns its bookmark (may be empty).
  /// All of its streams have been destroyed or exhausted before the call.
  virtual Result<std::string, BoltError> Commit() = 0;
  /// Rolls back the explicit transaction. Streams are destroyed first.
  virtual Result<void, BoltError> Rollback() = 0;
  /// Returns to a clean state after RESET or a failure: roll back any open
  /// transaction. Streams are destroyed first. Must not fail.
  virtual void Reset() = 0;
  /// Asks a blocking Run/Pull/Commit on another thread to stop soon (server
  /// shutdown). Thread-safe; may be a no-op.
  virtual void Interrupt() {}
  /// Database name reported in summaries and routing tables when the client
  /// did not name one.
  virtual std::string DefaultDatabase() const { return "tributary"; }
};

/// Creates the handler of a connection once it has authenticated. Must be
/// thread-safe. An error is sent as FAILURE and closes the connection.
using HandlerFactory =
    std::function<Result<std::unique_ptr<QueryHandler>, BoltError>(const SessionInfo& info)>;

}  // namespace tributary::bolt
