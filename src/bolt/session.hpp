#pragma once
// The Bolt protocol state machine of one connection, independent of any
// transport: bytes go in through Feed(), responses come out of
// TakeOutput(). The server drives it from socket reads; tests drive it
// directly.
//
// States (Bolt 4.1 - 5.4):
//   HANDSHAKE -> NEGOTIATED --HELLO--> READY            (<= 5.0, auth in HELLO)
//   HANDSHAKE -> NEGOTIATED --HELLO--> AUTHENTICATION --LOGON--> READY (5.1+)
//   READY --RUN--> STREAMING --PULL/DISCARD (last)--> READY
//   READY --BEGIN--> TX_READY --RUN--> TX_STREAMING --...--> TX_READY
//   TX_* --COMMIT/ROLLBACK--> READY;  READY --LOGOFF--> AUTHENTICATION
//   any --FAILURE--> FAILED (every message IGNORED) --RESET--> READY
//   GOODBYE, bad handshake, undecodable input, auth failure -> CLOSED

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "bolt/chunking.hpp"
#include "bolt/handler.hpp"
#include "bolt/message.hpp"
#include "bolt/version.hpp"

namespace tributary::bolt {

/// Server agent announced in HELLO's SUCCESS (drivers do not check it).
inline constexpr const char* kServerAgent =
    "Neo4j/5.11.0 compatible graph database server - Tributary";

/// Protocol states; see the diagram above.
enum class SessionState {
  kHandshake,
  kNegotiated,
  kAuthentication,
  kReady,
  kStreaming,
  kTxReady,
  kTxStreaming,
  kFailed,
  kClosed,
};

/// "READY", "TX_STREAMING", ...
std::string_view SessionStateName(SessionState s);

/// Per-connection settings, filled in by the server (or a test).
struct SessionOptions {
  /// Highest version to negotiate (tests cap it, e.g. at 4.4).
  ProtocolVersion max_version = kNewestVersion;
  /// Largest accepted message (after de-chunking); larger ones are skipped
  /// and answered with FAILURE.
  size_t max_message_size = 16u << 20;
  std::string server_agent = kServerAgent;
  std::string connection_id = "bolt-0";
  std::string peer;
  /// host:port announced by ROUTE.
  std::string advertised_address = "127.0.0.1:7687";
  int64_t routing_ttl_seconds = 300;
  /// Sent as hints.connection.recv_timeout_seconds (4.3+) when > 0.
  int64_t recv_timeout_hint_seconds = 0;
  /// Sent as hints.telemetry.enabled on 5.4; the driver then sends TELEMETRY.
  bool telemetry_enabled = false;
  /// Answer a client that offers the handshake manifest v1 marker (before
  /// any acceptable version) with the manifest; otherwise with one version.
  bool handshake_manifest = false;
  /// When set, HELLO is answered with this FAILURE and the connection closes
  /// (used past the connection limit).
  std::optional<BoltError> refuse;
  /// During a PULL, output beyond this many bytes is handed to the flush
  /// callback instead of accumulating (or, with `pausable_pull`, pauses).
  size_t flush_threshold = 1u << 20;
  /// When true, a PULL pauses once flush_threshold bytes of output are
  /// pending: Feed() returns with Paused() true, the caller writes
  /// TakeOutput() and calls Resume(). Messages that arrive meanwhile wait
  /// their turn. The server uses this so a slow reader holds no thread.
  bool pausable_pull = false;
  DecodeLimits decode_limits;
};

/// One connection's protocol state. Not thread-safe except Interrupt().
class Session {
 public:
  /// Writes bytes to the peer synchronously; returns false when the peer is
  /// gone. Used to stream large results while a PULL is running.
  using FlushFn = std::function<bool(std::string_view bytes)>;

  /// `authenticator` is shared with other sessions; `factory` creates the
  /// handler after authentication.
  Session(SessionOptions options, HandlerFactory factory,
          std::shared_ptr<Authenticator> authenticator);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  /// Consumes received bytes: the handshake first, then chunked messages.
  /// Every complete message is handled in order (calling the handler
  /// synchronously); responses are appended to the output buffer.
  void Feed(std::string_view bytes);

  /// Returns and clears the pending output.
  std::string TakeOutput();

  /// Moves the pending output into `*buffer` and keeps `*buffer`'s storage,
  /// emptied, for the next output: callers that alternate two buffers this
  /// way allocate none per response.
  void SwapOutput(std::string* buffer);

  /// True while a PULL is paused (see SessionOptions::pausable_pull).
  bool Paused() const { return pull_.has_value(); }

  /// True while an auto-commit query's commit waits for the write-ahead log
  /// (only with SetCommitWake). The commit wake is called once its outcome
  /// is known; the caller then writes TakeOutput() and calls Resume(), which
  /// sends the query's SUCCESS (or FAILURE) and handles the messages queued
  /// behind it. Meanwhile the session holds no thread (ADR 020).
  bool AwaitingCommit() const { return commit_wait_.has_value(); }
  /// True when Resume() would only complete an awaited commit: no messages
  /// wait behind it, so the call is short and never runs a query.
  bool OnlyCommitToComplete() const { return commit_wait_.has_value() && events_.empty(); }

  /// Continues a paused PULL or completes an awaited commit, then the
  /// messages queued behind it. May pause again. No-op when neither.
  void Resume();

  /// Sets the function auto-commit results call (from any thread) when a
  /// commit they left pending has its outcome; see AwaitingCommit(). Set
  /// before the handshake: handlers created later receive it.
  void SetCommitWake(std::function<void()> wake) { commit_wake_ = std::move(wake); }

  /// True once the connection must be closed (after writing the output).
  bool ShouldClose() const { return state_ == SessionState::kClosed; }

  /// Sets the callback used to stream large PULL output.
  void SetFlush(FlushFn flush) { flush_ = std::move(flush); }

  /// Interrupts a blocking handler call from another thread (shutdown, or
  /// a RESET the connection saw arrive while the call runs).
  void Interrupt();

  /// Thread-safe: true when every byte fed so far belongs to complete
  /// messages, so the next bytes from the client start a new message (the
  /// connection then may look for a RESET among them; ADR 009).
  bool AtMessageBoundary() const { return at_message_boundary_.load(std::memory_order_acquire); }

  /// The current protocol state.
  SessionState state() const { return state_; }
  /// The negotiated version; nullopt before the handshake completes.
  std::optional<ProtocolVersion> version() const { return version_; }

 private:
  struct OpenResult {
    std::unique_ptr<ResultStream> stream;
    std::string db;
  };

  // A PULL in progress, kept while it is paused.
  struct PullInProgress {
    bool in_tx = false;
    int64_t qid = -1;
    int64_t remaining = -1;  // rows still wanted; -1 = all
    std::chrono::steady_clock::time_point start;
  };

  void FeedHandshake(std::string_view* bytes);
  void FeedManifestChoice(std::string_view* bytes);
  // Handles `bytes` in place when nothing is pending and they are whole
  // one-chunk messages; false (nothing consumed) otherwise.
  bool FeedWholeMessages(std::string_view bytes);
  void ProcessEvents();
  void HandleEvent(Dechunker::Event& event);
  void ContinuePull();
  void CompleteCommit();
  void FinishPull(const PullOutcome& outcome, bool in_tx, int64_t qid,
                  std::chrono::steady_clock::time_point start, std::string db);
  // Forgets the finished result (`qid` inside a transaction) and moves to
  // the state after it.
  void EndResult(bool in_tx, int64_t qid);
  void HandleMessage(std::string_view bytes);
  void Dispatch(Message& m);
  void OnHello(Message& m);
  void OnLogon(Message& m);
  void OnLogoff();
  void OnRun(Message& m);
  void OnPullOrDiscard(Message& m, bool pull);
  void OnBegin(Message& m);
  void OnCommit();
  void OnRollback();
  void OnReset();
  void OnRoute(Message& m);
  bool Authenticate(const AuthToken& token);
  void DropResults();
  void ReplaceHandler(std::unique_ptr<QueryHandler> handler);

  void SendSuccess(const Map& metadata);
  void SendFailure(const BoltError& error);
  void SendIgnored();
  void SendRecord(std::span<const Value> row);
  void Fail(const BoltError& error);          // FAILURE, then FAILED
  void FailQuery(const BoltError& error);     // drop results, then Fail
  void FailAndClose(const BoltError& error);  // FAILURE, then CLOSED
  void RejectInState(const Message& m);
  void MaybeFlush();

  SessionOptions options_;
  HandlerFactory factory_;
  std::shared_ptr<Authenticator> authenticator_;
  FlushFn flush_;

  SessionState state_ = SessionState::kHandshake;
  std::optional<ProtocolVersion> version_;
  std::string handshake_;
  bool manifest_sent_ = false;
  Dechunker dechunker_;
  std::atomic<bool> at_message_boundary_{false};  // see AtMessageBoundary()
  std::string output_;
  std::string scratch_;
  bool flush_failed_ = false;
  // Messages received but not yet handled (only non-empty while paused).
  std::deque<Dechunker::Event> events_;
  std::optional<PullInProgress> pull_;
  // An auto-commit PULL or DISCARD whose commit waits (AwaitingCommit()).
  std::optional<PullInProgress> commit_wait_;
  std::function<void()> commit_wake_;
  int64_t pull_batch_rows_ = 256;

  std::string user_agent_;
  // Guards handler_ against Interrupt() from other threads; held only while
  // the pointer changes, never during handler calls.
  std::mutex handler_mutex_;
  std::unique_ptr<QueryHandler> handler_;
  // Declared after handler_ so they are destroyed before it.
  std::optional<OpenResult> auto_result_;
  std::map<int64_t, OpenResult> tx_results_;
  int64_t next_qid_ = 0;
  int64_t last_qid_ = -1;
  std::string tx_db_;
};

}  // namespace tributary::bolt
