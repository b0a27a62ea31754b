#include "bolt/session.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <span>
#include <vector>

#include "bolt/handshake.hpp"

namespace tributary::bolt {

namespace {

using Clock = std::chrono::steady_clock;

int64_t MillisSince(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

BoltError Invalid(std::string message) {
  return BoltError{codes::kRequestInvalid, std::move(message)};
}

std::string_view QueryTypeCode(QueryType t) {
  switch (t) {
    case QueryType::kRead:
      return "r";
    case QueryType::kWrite:
      return "w";
    case QueryType::kReadWrite:
      return "rw";
    case QueryType::kSchemaWrite:
      return "s";
  }
  return "r";
}

// Neo4j's stats keys; only non-zero counters are sent.
Map StatsMap(const QueryStats& s) {
  Map m;
  auto add = [&](const char* key, int64_t v) {
    if (v != 0) m.AppendUnchecked(key, Value(v));
  };
  add("nodes-created", s.nodes_created);
  add("nodes-deleted", s.nodes_deleted);
  add("relationships-created", s.relationships_created);
  add("relationships-deleted", s.relationships_deleted);
  add("properties-set", s.properties_set);
  add("labels-added", s.labels_added);
  add("labels-removed", s.labels_removed);
  add("indexes-added", s.indexes_added);
  add("indexes-removed", s.indexes_removed);
  add("constraints-added", s.constraints_added);
  add("constraints-removed", s.constraints_removed);
  if (!m.empty()) m.AppendUnchecked("contains-updates", Value(true));
  return m;
}

bool StatsEmpty(const QueryStats& s) {
  return s.nodes_created == 0 && s.nodes_deleted == 0 && s.relationships_created == 0 &&
         s.relationships_deleted == 0 && s.properties_set == 0 && s.labels_added == 0 &&
         s.labels_removed == 0 && s.indexes_added == 0 && s.indexes_removed == 0 &&
         s.constraints_added == 0 && s.constraints_removed == 0;
}

const Value* Field(const Message& m, size_t i) {
  return i < m.fields.size() ? &m.fields[i] : nullptr;
}

// The map at field i (borrowed from the message), or an empty map when the
// field is absent or null.
Result<const Map*, BoltError> MapField(const Message& m, size_t i, const char* what) {
  static const Map kEmpty;
  const Value* v = Field(m, i);
  if (v == nullptr || v->IsNull()) return &kEmpty;
  if (!v->IsMap()) return MakeError(Invalid(std::string(what) + " must be a Map"));
  return &v->AsMap();
}

std::string StringEntry(const Map& m, std::string_view key) {
  const Value* v = m.Find(key);
  return v != nullptr && v->IsString() ? v->AsString() : std::string();
}

AuthToken ParseAuth(const Map& m) {
  return AuthToken{StringEntry(m, "scheme"), StringEntry(m, "principal"),
                   StringEntry(m, "credentials")};
}

// Fills `*out` (default-constructed) from a RUN or BEGIN `extra`; filled in
// place because a TxOptions is costly to move for every RUN.
Result<void, BoltError> ParseTxOptions(const Map& extra, TxOptions* out) {
  TxOptions& o = *out;
  o.extra = extra;
  if (const Value* v = extra.Find("db"); v != nullptr && !v->IsNull()) {
    if (!v->IsString()) return MakeError(Invalid("db must be a String"));
    o.db = v->AsString();
  }
  if (const Value* v = extra.Find("mode"); v != nullptr && v->IsString()) {
    o.mode = v->AsString() == "r" ? AccessMode::kRead : AccessMode::kWrite;
  }
  if (const Value* v = extra.Find("bookmarks"); v != nullptr && !v->IsNull()) {
    if (!v->IsList()) return MakeError(Invalid("bookmarks must be a List"));
    for (const auto& b : v->AsList()) {
      if (!b.IsString()) return MakeError(Invalid("bookmarks must be Strings"));
      o.bookmarks.push_back(b.AsString());
    }
  }
  if (const Value* v = extra.Find("tx_timeout"); v != nullptr && !v->IsNull()) {
    if (!v->IsInt()) return MakeError(Invalid("tx_timeout must be an Integer"));
    o.tx_timeout_ms = v->AsInt();
  }
  if (const Value* v = extra.Find("tx_metadata"); v != nullptr && !v->IsNull()) {
    if (!v->IsMap()) return MakeError(Invalid("tx_metadata must be a Map"));
    o.tx_metadata = v->AsMap();
  }
  o.impersonated_user = StringEntry(extra, "imp_user");
  return {};
}

}  // namespace

std::string_view SessionStateName(SessionState s) {
  switch (s) {
    case SessionState::kHandshake:
      return "HANDSHAKE";
    case SessionState::kNegotiated:
      return "NEGOTIATION";
    case SessionState::kAuthentication:
      return "AUTHENTICATION";
    case SessionState::kReady:
      return "READY";
    case SessionState::kStreaming:
      return "STREAMING";
    case SessionState::kTxReady:
      return "TX_READY";
    case SessionState::kTxStreaming:
      return "TX_STREAMING";
    case SessionState::kFailed:
      return "FAILED";
    case SessionState::kClosed:
      return "DEFUNCT";
  }
  return "UNKNOWN";
}

Session::Session(SessionOptions options, HandlerFactory factory,
                 std::shared_ptr<Authenticator> authenticator)
    : options_(std::move(options)),
      factory_(std::move(factory)),
      authenticator_(std::move(authenticator)),
      dechunker_(options_.max_message_size) {}

Session::~Session() {
  // Results first: an unfinished auto-commit stream aborts its transaction
  // while the handler still exists.
  DropResults();
  ReplaceHandler(nullptr);
}

std::string Session::TakeOutput() {
  std::string out;
  out.swap(output_);
  return out;
}

void Session::SwapOutput(std::string* buffer) {
  buffer->clear();
  buffer->swap(output_);
}

void Session::Interrupt() {
  std::lock_guard lock(handler_mutex_);
  if (handler_) handler_->Interrupt();
}

void Session::ReplaceHandler(std::unique_ptr<QueryHandler> handler) {
  std::unique_ptr<QueryHandler> old;
  {
    std::lock_guard lock(handler_mutex_);
    old = std::move(handler_);
    handler_ = std::move(handler);
  }
  // `old` is destroyed outside the lock: its destructor may block (rollback).
}

void Session::DropResults() {
  auto_result_.reset();
  tx_results_.clear();
  last_qid_ = -1;
}

// ------------------------------------------------------------------ input

void Session::Feed(std::string_view bytes) {
  if (state_ == SessionState::kClosed) return;
  if (state_ == SessionState::kHandshake) {
    FeedHandshake(&bytes);
    if (state_ != SessionState::kNegotiated || bytes.empty()) return;
  }
  if (FeedWholeMessages(bytes)) return;
  std::vector<Dechunker::Event> events;
  dechunker_.Feed(bytes, &events);
  at_message_boundary_.store(dechunker_.Idle(), std::memory_order_release);
  for (auto& event : events) events_.push_back(std::move(event));
  ProcessEvents();
}

bool Session::FeedWholeMessages(std::string_view bytes) {
  // The common case: nothing pending and the bytes are whole messages of one
  // chunk each (a driver's RUN + PULL). They are handled where they lie,
  // without reassembling copies; anything else takes the Dechunker.
  if (!events_.empty() || pull_ || commit_wait_ || !dechunker_.Idle()) return false;
  size_t pos = 0;
  while (pos < bytes.size()) {
    if (bytes.size() - pos < 2) return false;
    const size_t length = (static_cast<size_t>(static_cast<uint8_t>(bytes[pos])) << 8) |
                          static_cast<uint8_t>(bytes[pos + 1]);
    if (length == 0) {  // NOOP
      pos += 2;
      continue;
    }
    if (length > options_.max_message_size || bytes.size() - pos < length + 4 ||
        bytes[pos + 2 + length] != 0 || bytes[pos + 3 + length] != 0) {
      return false;
    }
    pos += length + 4;
  }
  at_message_boundary_.store(true, std::memory_order_release);
  pos = 0;
  while (pos < bytes.size()) {
    const size_t length = (static_cast<size_t>(static_cast<uint8_t>(bytes[pos])) << 8) |
                          static_cast<uint8_t>(bytes[pos + 1]);
    const std::string_view message = bytes.substr(pos + 2, length);
    pos += length == 0 ? 2 : length + 4;
    if (length == 0) continue;
    if (state_ == SessionState::kClosed) return true;
    if (pull_ || commit_wait_) {
      // Paused or awaiting a commit: the rest waits in the queue, as on the
      // Dechunker path.
      events_.push_back(
          Dechunker::Event{Dechunker::EventKind::kMessage, std::string(message), message.size()});
      continue;
    }
    HandleMessage(message);
  }
  return true;
}

void Session::Resume() {
  if (state_ == SessionState::kClosed) return;
  if (commit_wait_) {
    CompleteCommit();
  } else if (pull_) {
    ContinuePull();
  } else {
    return;
  }
  ProcessEvents();
}

void Session::CompleteCommit() {
  const PullInProgress p = *commit_wait_;
  commit_wait_.reset();
  OpenResult* result = &*auto_result_;
  auto outcome = result->stream->CompleteCommit();
  if (!outcome) return FailQuery(outcome.Error());
  FinishPull(*outcome, p.in_tx, p.qid, p.start, result->db);
}

void Session::ProcessEvents() {
  while (!pull_ && !commit_wait_ && !events_.empty()) {
    if (state_ == SessionState::kClosed) {
      events_.clear();
      return;
    }
    Dechunker::Event event = std::move(events_.front());
    events_.pop_front();
    HandleEvent(event);
  }
}

void Session::HandleEvent(Dechunker::Event& event) {
  if (event.kind == Dechunker::EventKind::kOversize) {
    BoltError error = Invalid("message of " + std::to_string(event.size) +
                              " bytes exceeds the maximum message size of " +
                              std::to_string(options_.max_message_size) + " bytes");
    spdlog::warn("[{}] {}", options_.connection_id, error.message);
    if (state_ == SessionState::kFailed) {
      SendIgnored();
    } else if (handler_ == nullptr) {
      FailAndClose(error);
    } else {
      FailQuery(error);
    }
    return;
  }
  HandleMessage(event.message);
}

void Session::FeedHandshake(std::string_view* bytes) {
  if (manifest_sent_) return FeedManifestChoice(bytes);
  const size_t take = std::min(bytes->size(), kHandshakeSize - handshake_.size());
  handshake_.append(bytes->substr(0, take));
  bytes->remove_prefix(take);
  if (handshake_.size() < kHandshakeSize) return;
  auto raw = std::span(reinterpret_cast<const uint8_t*>(handshake_.data()), handshake_.size());
  if (!HasMagic(raw)) {
    spdlog::info("[{}] {}: not a Bolt client (bad magic), closing", options_.connection_id,
                 options_.peer);
    state_ = SessionState::kClosed;
    return;
  }
  if (options_.handshake_manifest && OffersManifestV1First(raw.subspan(4), options_.max_version)) {
    output_ += EncodeManifestV1(options_.max_version);
    manifest_sent_ = true;
    handshake_.clear();
    return FeedManifestChoice(bytes);
  }
  version_ = NegotiateVersion(raw.subspan(4), options_.max_version);
  auto reply = EncodeVersionReply(version_);
  output_.append(reinterpret_cast<const char*>(reply.data()), reply.size());
  if (!version_) {
    spdlog::info("[{}] {}: no common Bolt version, closing", options_.connection_id, options_.peer);
    state_ = SessionState::kClosed;
    return;
  }
  spdlog::debug("[{}] negotiated Bolt {}", options_.connection_id, version_->ToString());
  state_ = SessionState::kNegotiated;
}

void Session::FeedManifestChoice(std::string_view* bytes) {
  // The chosen version (4 bytes), then a varint of capabilities: its last
  // byte is the first without the continuation bit. At most 10 bytes.
  bool complete = false;
  while (!bytes->empty() && !complete) {
    const auto c = static_cast<uint8_t>(bytes->front());
    bytes->remove_prefix(1);
    handshake_.push_back(static_cast<char>(c));
    complete = handshake_.size() > 4 && (c & 0x80) == 0;
    if (handshake_.size() > 4 + 10) {
      spdlog::info("[{}] {}: malformed manifest reply, closing", options_.connection_id,
                   options_.peer);
      state_ = SessionState::kClosed;
      return;
    }
  }
  if (!complete) return;
  auto raw = std::span(reinterpret_cast<const uint8_t*>(handshake_.data()), 4);
  auto chosen = DecodeVersionReply(raw);
  if (!chosen || !IsSupportedVersion(*chosen, options_.max_version)) {
    spdlog::info("[{}] {}: the client chose {} from the manifest, closing", options_.connection_id,
                 options_.peer, chosen ? "unsupported Bolt " + chosen->ToString() : "no version");
    state_ = SessionState::kClosed;
    return;
  }
  version_ = chosen;
  spdlog::debug("[{}] negotiated Bolt {} (manifest v1)", options_.connection_id,
                version_->ToString());
  state_ = SessionState::kNegotiated;
}

void Session::HandleMessage(std::string_view bytes) {
  auto message = DecodeMessage(bytes, options_.decode_limits);
  if (!message) {
    spdlog::warn("[{}] {}: undecodable message ({}), closing", options_.connection_id,
                 options_.peer, message.Error().message);
    FailAndClose(Invalid("malformed message: " + message.Error().message));
    return;
  }
  if (spdlog::should_log(spdlog::level::trace)) {
    spdlog::trace("[{}] <- {}", options_.connection_id, SignatureName(message->signature));
  }
  Dispatch(*message);
}

void Session::RejectInState(const Message& m) {
  BoltError error = Invalid("Message '" + SignatureName(m.signature) +
                            "' cannot be handled by a session in the " +
                            std::string(SessionStateName(state_)) + " state.");
  if (handler_ == nullptr) {
    FailAndClose(error);
  } else {
    FailQuery(error);
  }
}

void Session::Dispatch(Message& m) {
  const auto sig = static_cast<Signature>(m.signature);
  const ProtocolVersion v = *version_;
  const bool known =
      sig == Signature::kHello || sig == Signature::kGoodbye || sig == Signature::kReset ||
      sig == Signature::kRun || sig == Signature::kBegin || sig == Signature::kCommit ||
      sig == Signature::kRollback || sig == Signature::kDiscard || sig == Signature::kPull ||
      (sig == Signature::kRoute && v >= ProtocolVersion{4, 3}) ||
      (sig == Signature::kTelemetry && v >= ProtocolVersion{5, 4}) ||
      ((sig == Signature::kLogon || sig == Signature::kLogoff) && v >= ProtocolVersion{5, 1});
  if (!known) {
    spdlog::warn("[{}] unknown message {} for Bolt {}, closing", options_.connection_id,
                 SignatureName(m.signature), v.ToString());
    FailAndClose(
        Invalid("unknown message " + SignatureName(m.signature) + " for Bolt " + v.ToString()));
    return;
  }
  if (sig == Signature::kGoodbye) {
    DropResults();
    ReplaceHandler(nullptr);
    state_ = SessionState::kClosed;
    return;
  }
  if (state_ == SessionState::kFailed) {
    if (sig == Signature::kReset) {
      OnReset();
    } else {
      SendIgnored();
    }
    return;
  }
  switch (sig) {
    case Signature::kHello:
      if (state_ != SessionState::kNegotiated) return RejectInState(m);
      return OnHello(m);
    case Signature::kLogon:
      if (state_ != SessionState::kAuthentication) return RejectInState(m);
      return OnLogon(m);
    case Signature::kLogoff:
      if (state_ != SessionState::kReady) return RejectInState(m);
      return OnLogoff();
    case Signature::kReset:
      if (state_ == SessionState::kNegotiated) return RejectInState(m);
      if (state_ == SessionState::kAuthentication) return SendSuccess({});
      return OnReset();
    case Signature::kRun:
      if (state_ != SessionState::kReady && state_ != SessionState::kTxReady &&
          state_ != SessionState::kTxStreaming) {
        return RejectInState(m);
      }
      return OnRun(m);
    case Signature::kPull:
    case Signature::kDiscard:
      if (state_ != SessionState::kStreaming && state_ != SessionState::kTxStreaming) {
        return RejectInState(m);
      }
      return OnPullOrDiscard(m, sig == Signature::kPull);
    case Signature::kBegin:
      if (state_ != SessionState::kReady) return RejectInState(m);
      return OnBegin(m);
    case Signature::kCommit:
      if (state_ != SessionState::kTxReady && state_ != SessionState::kTxStreaming) {
        return RejectInState(m);
      }
      return OnCommit();
    case Signature::kRollback:
      if (state_ != SessionState::kTxReady && state_ != SessionState::kTxStreaming) {
        return RejectInState(m);
      }
      return OnRollback();
    case Signature::kRoute:
      if (state_ != SessionState::kReady) return RejectInState(m);
      return OnRoute(m);
    case Signature::kTelemetry:
      if (handler_ == nullptr) return RejectInState(m);
      return SendSuccess({});
    default:
      return RejectInState(m);
  }
}

// --------------------------------------------------------------- handlers

bool Session::Authenticate(const AuthToken& token) {
  auto user = authenticator_->Authenticate(token);
  if (!user) {
    spdlog::info("[{}] {}: authentication failed for '{}' (scheme '{}')", options_.connection_id,
                 options_.peer, token.principal, token.scheme);
    FailAndClose(user.Error());
    return false;
  }
  SessionInfo info{
      options_.connection_id, options_.peer, *version_, *user, user_agent_, commit_wake_};
  auto handler = factory_(info);
  if (!handler) {
    FailAndClose(handler.Error());
    return false;
  }
  ReplaceHandler(std::move(*handler));
  return true;
}

void Session::OnHello(Message& m) {
  if (options_.refuse) {
    spdlog::warn("[{}] {}: refusing connection: {}", options_.connection_id, options_.peer,
                 options_.refuse->message);
    return FailAndClose(*options_.refuse);
  }
  auto extra = MapField(m, 0, "HELLO extra");
  if (!extra) return FailAndClose(extra.Error());
  user_agent_ = StringEntry(**extra, "user_agent");
  const ProtocolVersion v = *version_;
  if (v <= ProtocolVersion{5, 0}) {
    if (!Authenticate(ParseAuth(**extra))) return;
  }
  Map success;
  success.AppendUnchecked("server", Value(options_.server_agent));
  success.AppendUnchecked("connection_id", Value(options_.connection_id));
  if (v >= ProtocolVersion{4, 3}) {
    Map hints;
    if (options_.recv_timeout_hint_seconds > 0) {
      hints.AppendUnchecked("connection.recv_timeout_seconds",
                            Value(options_.recv_timeout_hint_seconds));
    }
    if (v >= ProtocolVersion{5, 4}) {
      hints.AppendUnchecked("telemetry.enabled", Value(options_.telemetry_enabled));
    }
    success.AppendUnchecked("hints", Value(std::move(hints)));
  }
  SendSuccess(success);
  state_ = v >= ProtocolVersion{5, 1} ? SessionState::kAuthentication : SessionState::kReady;
}

void Session::OnLogon(Message& m) {
  auto auth = MapField(m, 0, "LOGON auth");
  if (!auth) return FailAndClose(auth.Error());
  if (!Authenticate(ParseAuth(**auth))) return;
  SendSuccess({});
  state_ = SessionState::kReady;
}

void Session::OnLogoff() {
  DropResults();
  ReplaceHandler(nullptr);
  SendSuccess({});
  state_ = SessionState::kAuthentication;
}

void Session::OnReset() {
  DropResults();
  if (handler_ != nullptr) {
    handler_->Reset();
    state_ = SessionState::kReady;
  } else {
    state_ = SessionState::kAuthentication;
  }
  SendSuccess({});
}

void Session::OnRun(Message& m) {
  const auto start = Clock::now();
  const Value* query = Field(m, 0);
  if (query == nullptr || !query->IsString()) {
    return FailQuery(Invalid("RUN needs a query String"));
  }
  auto params = MapField(m, 1, "RUN parameters");
  auto extra = MapField(m, 2, "RUN extra");
  if (!params || !extra) {
    return FailQuery(!params ? params.Error() : extra.Error());
  }
  const bool in_tx = state_ != SessionState::kReady;
  TxOptions options;
  if (!in_tx) {
    auto parsed = ParseTxOptions(**extra, &options);
    if (!parsed) return Fail(parsed.Error());
  }
  auto stream = handler_->Run(query->AsString(), **params, options, in_tx);
  if (!stream) {
    return FailQuery(stream.Error());
  }
  // SUCCESS {fields, t_first[, qid]}, encoded directly: no Map to build.
  const int64_t qid = in_tx ? next_qid_++ : -1;
  const std::vector<std::string>& fields = (*stream)->Fields();
  scratch_.clear();
  Encoder e(*version_, &scratch_);
  e.WriteStructHeader(static_cast<uint8_t>(Signature::kSuccess), 1);
  e.WriteMapHeader(in_tx ? 3 : 2);
  e.WriteString("fields");
  e.WriteListHeader(fields.size());
  for (const auto& f : fields) e.WriteString(f);
  e.WriteString("t_first");
  e.WriteInt(MillisSince(start));
  if (in_tx) {
    e.WriteString("qid");
    e.WriteInt(qid);
    tx_results_.emplace(qid, OpenResult{std::move(*stream), tx_db_});
    last_qid_ = qid;
    state_ = SessionState::kTxStreaming;
  } else {
    std::string db = options.db.empty() ? handler_->DefaultDatabase() : options.db;
    auto_result_.emplace(OpenResult{std::move(*stream), std::move(db)});
    state_ = SessionState::kStreaming;
  }
  AppendChunked(scratch_, &output_);
}

void Session::OnPullOrDiscard(Message& m, bool pull) {
  const auto start = Clock::now();
  auto extra = MapField(m, 0, "PULL/DISCARD extra");
  if (!extra) {
    return FailQuery(extra.Error());
  }
  int64_t n = -1;
  int64_t qid = -1;
  if (const Value* v = (*extra)->Find("n"); v != nullptr) {
    if (!v->IsInt()) return FailQuery(Invalid("n must be an Integer"));
    n = v->AsInt();
  }
  if (const Value* v = (*extra)->Find("qid"); v != nullptr && !v->IsNull()) {
    if (!v->IsInt()) return FailQuery(Invalid("qid must be an Integer"));
    qid = v->AsInt();
  }
  if (n == 0 || n < -1) return FailQuery(Invalid("n must be positive or -1"));

  const bool in_tx = state_ == SessionState::kTxStreaming;
  if (in_tx) {
    if (qid == -1) qid = last_qid_;
    if (tx_results_.find(qid) == tx_results_.end()) {
      return FailQuery(Invalid("no open result with qid " + std::to_string(qid)));
    }
  }
  if (pull) {
    pull_ = PullInProgress{in_tx, qid, n, start};
    ContinuePull();
    return;
  }
  OpenResult* result = in_tx ? &tx_results_.at(qid) : &*auto_result_;
  auto outcome = result->stream->Discard(n);
  if (!outcome) return FailQuery(outcome.Error());
  if (outcome->has_more) return SendSuccess(Map{{"has_more", Value(true)}});
  if (outcome->commit_pending) {
    commit_wait_ = PullInProgress{in_tx, qid, n, start};
    return;  // see Resume()
  }
  FinishPull(*outcome, in_tx, qid, start, result->db);
}

void Session::ContinuePull() {
  const PullInProgress p = *pull_;
  OpenResult* result = p.in_tx ? &tx_results_.at(p.qid) : &*auto_result_;
  for (;;) {
    // Without pausing, one call does the whole PULL. With it, rows come in
    // batches sized to about a quarter of flush_threshold, and the PULL
    // pauses once flush_threshold bytes are waiting to be written.
    int64_t ask = pull_->remaining;
    if (options_.pausable_pull && (ask < 0 || ask > pull_batch_rows_)) ask = pull_batch_rows_;
    const size_t before = output_.size();
    int64_t rows = 0;
    auto outcome = result->stream->Pull(ask, [&](std::span<const Value> row) {
      ++rows;
      SendRecord(row);
    });
    if (!outcome) {
      pull_.reset();
      return FailQuery(outcome.Error());
    }
    if (pull_->remaining > 0) pull_->remaining -= std::min(pull_->remaining, rows);
    if (!outcome->has_more) {
      pull_.reset();
      if (outcome->commit_pending) {
        commit_wait_ = p;
        return;  // see Resume()
      }
      return FinishPull(*outcome, p.in_tx, p.qid, p.start, result->db);
    }
    if (rows == 0 && options_.pausable_pull) {
      // A stream that returns no rows yet has more would spin here.
      pull_.reset();
      return SendSuccess(Map{{"has_more", Value(true)}});
    }
    if (pull_->remaining == 0 || !options_.pausable_pull) {
      pull_.reset();
      SendSuccess(Map{{"has_more", Value(true)}});
      return;
    }
    if (rows > 0 && output_.size() > before) {
      const int64_t per_row = static_cast<int64_t>((output_.size() - before) / rows) + 1;
      pull_batch_rows_ = std::clamp<int64_t>(
          static_cast<int64_t>(options_.flush_threshold / 4) / per_row, 16, 65536);
    }
    if (output_.size() >= options_.flush_threshold) return;  // paused; see Resume()
  }
}

void Session::FinishPull(const PullOutcome& outcome, bool in_tx, int64_t qid,
                         Clock::time_point start, std::string db) {
  const QuerySummary& summary = outcome.summary;
  if (summary.metadata.empty() && StatsEmpty(summary.stats)) {
    // The usual read's summary, encoded directly: no Map to build.
    const bool with_bookmark = !in_tx && !summary.bookmark.empty();
    scratch_.clear();
    Encoder e(*version_, &scratch_);
    e.WriteStructHeader(static_cast<uint8_t>(Signature::kSuccess), 1);
    e.WriteMapHeader(with_bookmark ? 4 : 3);
    if (with_bookmark) {
      e.WriteString("bookmark");
      e.WriteString(summary.bookmark);
    }
    e.WriteString("type");
    e.WriteString(QueryTypeCode(summary.type));
    e.WriteString("t_last");
    e.WriteInt(MillisSince(start));
    e.WriteString("db");
    e.WriteString(db);
    EndResult(in_tx, qid);
    AppendChunked(scratch_, &output_);
    return;
  }
  Map success;
  if (!in_tx && !summary.bookmark.empty()) {
    success.AppendUnchecked("bookmark", Value(summary.bookmark));
  }
  success.AppendUnchecked("type", Value(std::string(QueryTypeCode(summary.type))));
  success.AppendUnchecked("t_last", Value(MillisSince(start)));
  success.AppendUnchecked("db", Value(db));
  Map stats = StatsMap(summary.stats);
  if (!stats.empty()) success.AppendUnchecked("stats", Value(std::move(stats)));
  for (const auto& [key, value] : summary.metadata) success.Set(key, value);
  EndResult(in_tx, qid);
  SendSuccess(success);
}

void Session::EndResult(bool in_tx, int64_t qid) {
  if (in_tx) {
    tx_results_.erase(qid);
    if (tx_results_.empty()) state_ = SessionState::kTxReady;
  } else {
    auto_result_.reset();
    state_ = SessionState::kReady;
  }
}

void Session::OnBegin(Message& m) {
  auto extra = MapField(m, 0, "BEGIN extra");
  if (!extra) return Fail(extra.Error());
  TxOptions options;
  if (auto parsed = ParseTxOptions(**extra, &options); !parsed) return Fail(parsed.Error());
  auto begun = handler_->Begin(options);
  if (!begun) return Fail(begun.Error());
  tx_db_ = options.db.empty() ? handler_->DefaultDatabase() : options.db;
  next_qid_ = 0;
  state_ = SessionState::kTxReady;
  SendSuccess({});
}

void Session::OnCommit() {
  // Unconsumed results are discarded first so their side effects happen.
  for (auto& [qid, result] : tx_results_) {
    auto done = result.stream->Discard(-1);
    if (!done) {
      return FailQuery(done.Error());
    }
  }
  DropResults();
  auto bookmark = handler_->Commit();
  if (!bookmark) return Fail(bookmark.Error());
  state_ = SessionState::kReady;
  Map success;
  if (!bookmark->empty()) success.AppendUnchecked("bookmark", Value(*bookmark));
  SendSuccess(success);
}

void Session::OnRollback() {
  DropResults();
  auto done = handler_->Rollback();
  if (!done) return Fail(done.Error());
  state_ = SessionState::kReady;
  SendSuccess({});
}

void Session::OnRoute(Message& m) {
  // 4.3: [routing, bookmarks, db]; 4.4+: [routing, bookmarks, extra{db, imp_user}].
  std::string db;
  if (const Value* third = Field(m, 2); third != nullptr) {
    if (third->IsString()) {
      db = third->AsString();
    } else if (third->IsMap()) {
      db = StringEntry(third->AsMap(), "db");
    }
  }
  if (db.empty()) db = handler_->DefaultDatabase();
  auto server = [&](const char* role) {
    return Value(
        Map{{"addresses", Value(List{Value(options_.advertised_address)})}, {"role", Value(role)}});
  };
  Map rt;
  rt.AppendUnchecked("ttl", Value(options_.routing_ttl_seconds));
  rt.AppendUnchecked("db", Value(db));
  rt.AppendUnchecked("servers", Value(List{server("WRITE"), server("READ"), server("ROUTE")}));
  SendSuccess(Map{{"rt", Value(std::move(rt))}});
}

// ----------------------------------------------------------------- output

void Session::SendSuccess(const Map& metadata) {
  scratch_.clear();
  Encoder e(*version_, &scratch_);
  e.WriteStructHeader(static_cast<uint8_t>(Signature::kSuccess), 1);
  e.WriteMap(metadata);
  AppendChunked(scratch_, &output_);
}

void Session::SendFailure(const BoltError& error) {
  scratch_.clear();
  Encoder e(version_.value_or(kNewestVersion), &scratch_);
  e.WriteStructHeader(static_cast<uint8_t>(Signature::kFailure), 1);
  e.WriteMap(Map{{"code", Value(error.code)}, {"message", Value(error.message)}});
  AppendChunked(scratch_, &output_);
}

void Session::SendIgnored() {
  scratch_.clear();
  Encoder e(*version_, &scratch_);
  e.WriteStructHeader(static_cast<uint8_t>(Signature::kIgnored), 0);
  AppendChunked(scratch_, &output_);
}

void Session::SendRecord(std::span<const Value> row) {
  if (flush_failed_) return;
  scratch_.clear();
  Encoder e(*version_, &scratch_);
  e.WriteStructHeader(static_cast<uint8_t>(Signature::kRecord), 1);
  e.WriteListHeader(row.size());
  for (const auto& v : row) e.Write(v);
  AppendChunked(scratch_, &output_);
  MaybeFlush();
}

void Session::MaybeFlush() {
  if (!flush_ || output_.size() < options_.flush_threshold) return;
  if (!flush_(output_)) {
    // The peer is gone: stop producing rows as soon as the handler notices.
    flush_failed_ = true;
    Interrupt();
  }
  output_.clear();
}

void Session::FailQuery(const BoltError& error) {
  DropResults();
  Fail(error);
}

void Session::Fail(const BoltError& error) {
  SendFailure(error);
  state_ = SessionState::kFailed;
}

void Session::FailAndClose(const BoltError& error) {
  SendFailure(error);
  DropResults();
  ReplaceHandler(nullptr);
  state_ = SessionState::kClosed;
}

}  // namespace tributary::bolt
