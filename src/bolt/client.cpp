#include "bolt/client.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "bolt/chunking.hpp"

namespace tributary::bolt {

namespace {

ClientError ConnectionError(std::string message) {
  return ClientError{ClientError::Kind::kConnection, "", std::move(message)};
}

ClientError ProtocolError(std::string message) {
  return ClientError{ClientError::Kind::kProtocol, "", std::move(message)};
}

// Waits until `fd` is ready for `events`; false on timeout or error.
bool WaitFor(int fd, short events, std::chrono::milliseconds timeout) {
  if (timeout.count() <= 0) return true;
  pollfd p{fd, events, 0};
  for (;;) {
    int r = ::poll(&p, 1, static_cast<int>(timeout.count()));
    if (r < 0 && errno == EINTR) continue;
    return r > 0;
  }
}

// Opens a TCP connection to host:port; the descriptor or an error message.
Result<UniqueFd, std::string> OpenSocket(const std::string& host, uint16_t port,
                                         std::chrono::milliseconds timeout) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) {
    return MakeError("cannot resolve " + host + ": " + ::gai_strerror(rc));
  }
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> list(found, &::freeaddrinfo);
  std::string last_error = "no addresses";
  for (addrinfo* ai = list.get(); ai != nullptr; ai = ai->ai_next) {
    UniqueFd fd(::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol));
    if (!fd.valid()) {
      last_error = std::strerror(errno);
      continue;
    }
    const int flags = ::fcntl(fd.get(), F_GETFL, 0);
    if (timeout.count() > 0) ::fcntl(fd.get(), F_SETFL, flags | O_NONBLOCK);
    int rc = ::connect(fd.get(), ai->ai_addr, ai->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      if (WaitFor(fd.get(), POLLOUT, timeout)) {
        int err = 0;
        socklen_t len = sizeof(err);
        ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
        rc = err == 0 ? 0 : -1;
        errno = err;
      } else {
        errno = ETIMEDOUT;
      }
    }
    if (rc == 0) {
      ::fcntl(fd.get(), F_SETFL, flags);
      int one = 1;
      ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
      // The connection stays blocking; the kernel enforces the timeout on each send and
      // recv (EAGAIN when it expires), so a request costs one send and one recv, not a
      // poll before each of them.
      if (timeout.count() > 0) {
        timeval tv{};
        tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
        tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
        ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
      }
      return fd;
    }
    last_error = std::strerror(errno);
  }
  return MakeError("cannot connect to " + host + ":" + service + ": " + last_error);
}

ClientError ServerError(const Message& m) {
  ClientError e{ClientError::Kind::kServer, "", ""};
  if (!m.fields.empty() && m.fields[0].IsMap()) {
    const Map& meta = m.fields[0].AsMap();
    if (const Value* c = meta.Find("code"); c != nullptr && c->IsString()) e.code = c->AsString();
    if (const Value* s = meta.Find("message"); s != nullptr && s->IsString()) {
      e.message = s->AsString();
    }
  }
  return e;
}

Map MetadataOf(const Message& m) {
  return !m.fields.empty() && m.fields[0].IsMap() ? m.fields[0].AsMap() : Map{};
}

bool Is(const Message& m, Signature s) { return m.signature == static_cast<uint8_t>(s); }

}  // namespace

std::vector<VersionProposal> DefaultProposals() { return {{5, 4, 4}, {4, 4, 0}, {4, 1, 0}}; }

Client::Client(Passkey, UniqueFd fd, size_t max_message_size)
    : fd_(std::move(fd)), max_message_size_(max_message_size) {}

Client::~Client() { Close(); }

ClientError Client::Broken(ClientError::Kind kind, std::string message) {
  broken_ = true;
  return ClientError{kind, "", std::move(message)};
}

Result<std::unique_ptr<Client>, ClientError> Client::Connect(const ClientOptions& options) {
  auto fd = OpenSocket(options.host, options.port, options.timeout);
  if (!fd) return MakeError(ConnectionError(fd.Error()));
  auto client = std::make_unique<Client>(Passkey{}, std::move(*fd), options.max_message_size);
  if (auto r = client->Handshake(options); !r) return MakeError(r.Error());
  if (auto r = client->Authenticate(options); !r) return MakeError(r.Error());
  return client;
}

Result<void, ClientError> Client::Handshake(const ClientOptions& options) {
  if (options.proposals.size() > 4) return MakeError(ProtocolError("at most 4 proposals"));
  if (auto r = SendRaw(BuildClientHandshake(options.proposals)); !r) return r;
  char reply[4];
  if (auto r = ReadExact(reply, 4); !r) return r;
  auto version = DecodeVersionReply(std::span(reinterpret_cast<const uint8_t*>(reply), 4));
  if (!version) {
    return MakeError(Broken(ClientError::Kind::kConnection,
                            "the server supports none of the offered Bolt versions"));
  }
  version_ = *version;
  return {};
}

Result<void, ClientError> Client::Authenticate(const ClientOptions& options) {
  Map auth;
  if (options.username.empty()) {
    auth.AppendUnchecked("scheme", Value("none"));
  } else {
    auth.AppendUnchecked("scheme", Value("basic"));
    auth.AppendUnchecked("principal", Value(options.username));
    auth.AppendUnchecked("credentials", Value(options.password));
  }
  Map hello;
  hello.AppendUnchecked("user_agent", Value(options.user_agent));
  if (version_ >= ProtocolVersion{5, 3}) {
    hello.AppendUnchecked("bolt_agent", Value(Map{{"product", Value(options.user_agent)}}));
  }
  const bool logon = version_ >= ProtocolVersion{5, 1};
  if (!logon) {
    for (const auto& [k, v] : auth) hello.AppendUnchecked(k, v);
  }
  if (auto r = Send(Signature::kHello, {Value(hello)}); !r) return r;
  if (logon) {
    if (auto r = Send(Signature::kLogon, {Value(auth)}); !r) return r;
  }
  // The server closes the connection after an authentication failure, so
  // no RESET here.
  auto hello_reply = Receive();
  if (!hello_reply) return MakeError(hello_reply.Error());
  if (!Is(*hello_reply, Signature::kSuccess)) {
    broken_ = true;
    return MakeError(
        Is(*hello_reply, Signature::kFailure)
            ? ServerError(*hello_reply)
            : ProtocolError("unexpected " + SignatureName(hello_reply->signature) + " for HELLO"));
  }
  server_info_ = MetadataOf(*hello_reply);
  if (logon) {
    auto logon_reply = Receive();
    if (!logon_reply) return MakeError(logon_reply.Error());
    if (!Is(*logon_reply, Signature::kSuccess)) {
      broken_ = true;
      return MakeError(Is(*logon_reply, Signature::kFailure)
                           ? ServerError(*logon_reply)
                           : ProtocolError("unexpected " + SignatureName(logon_reply->signature) +
                                           " for LOGON"));
    }
  }
  return {};
}

void Client::Close() {
  if (!fd_.valid()) return;
  if (!broken_) (void)Send(Signature::kGoodbye, {});
  fd_.Reset();
  broken_ = true;
}

Result<void, ClientError> Client::SendRaw(std::string_view bytes) {
  if (!fd_.valid()) return MakeError(ConnectionError("connection closed"));
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        return MakeError(Broken(ClientError::Kind::kConnection, "write timed out"));
      }
      return MakeError(Broken(ClientError::Kind::kConnection,
                              std::string("write failed: ") + std::strerror(errno)));
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

Result<void, ClientError> Client::Send(Signature signature, const std::vector<Value>& fields) {
  std::string chunked;
  AppendChunked(EncodeMessage(signature, fields, version_), &chunked);
  return SendRaw(chunked);
}

Result<void, ClientError> Client::ReadExact(char* out, size_t n) {
  while (n > 0) {
    if (read_pos_ < read_buffer_.size()) {
      const size_t take = std::min(n, read_buffer_.size() - read_pos_);
      std::memcpy(out, read_buffer_.data() + read_pos_, take);
      read_pos_ += take;
      out += take;
      n -= take;
      continue;
    }
    if (!fd_.valid()) return MakeError(ConnectionError("connection closed"));
    read_buffer_.resize(64 * 1024);
    read_pos_ = 0;
    ssize_t got = ::recv(fd_.get(), read_buffer_.data(), read_buffer_.size(), 0);
    if (got < 0 && errno == EINTR) {
      read_buffer_.clear();
      continue;
    }
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      read_buffer_.clear();
      return MakeError(Broken(ClientError::Kind::kConnection, "read timed out"));
    }
    if (got <= 0) {
      read_buffer_.clear();
      return MakeError(Broken(ClientError::Kind::kConnection,
                              got == 0 ? "connection closed by server"
                                       : std::string("read failed: ") + std::strerror(errno)));
    }
    read_buffer_.resize(static_cast<size_t>(got));
  }
  return {};
}

Result<Message, ClientError> Client::Receive() {
  std::string message;
  for (;;) {
    unsigned char header[2];
    if (auto r = ReadExact(reinterpret_cast<char*>(header), 2); !r) return MakeError(r.Error());
    const size_t size = (static_cast<size_t>(header[0]) << 8) | header[1];
    if (size == 0) {
      if (message.empty()) continue;  // NOOP
      break;
    }
    if (message.size() + size > max_message_size_) {
      return MakeError(Broken(ClientError::Kind::kProtocol, "response exceeds the maximum size"));
    }
    const size_t old = message.size();
    message.resize(old + size);
    if (auto r = ReadExact(message.data() + old, size); !r) return MakeError(r.Error());
  }
  auto decoded = DecodeMessage(message);
  if (!decoded) {
    return MakeError(
        Broken(ClientError::Kind::kProtocol, "undecodable response: " + decoded.Error().message));
  }
  return std::move(*decoded);
}

Result<Map, ClientError> Client::ExpectSuccess(size_t pipelined_after) {
  auto reply = Receive();
  if (!reply) return MakeError(reply.Error());
  if (Is(*reply, Signature::kSuccess)) return MetadataOf(*reply);
  if (!Is(*reply, Signature::kFailure)) {
    return MakeError(
        Broken(ClientError::Kind::kProtocol, "unexpected " + SignatureName(reply->signature)));
  }
  return Recover(ServerError(*reply), pipelined_after);
}

Unexpected<ClientError> Client::Recover(ClientError error, size_t pipelined_after) {
  for (size_t i = 0; i < pipelined_after; ++i) {
    auto ignored = Receive();
    if (!ignored) return MakeError(ignored.Error());
  }
  if (auto r = Send(Signature::kReset, {}); !r) return MakeError(r.Error());
  auto reset = Receive();
  if (!reset) return MakeError(reset.Error());
  if (!Is(*reset, Signature::kSuccess)) {
    return MakeError(Broken(ClientError::Kind::kProtocol, "RESET failed"));
  }
  return MakeError(std::move(error));
}

Result<Map, ClientError> Client::Request(Signature signature, const std::vector<Value>& fields) {
  if (auto r = Send(signature, fields); !r) return MakeError(r.Error());
  return ExpectSuccess();
}

Result<Map, ClientError> Client::Run(const std::string& query, const Map& parameters,
                                     const Map& extra) {
  return Request(Signature::kRun, {Value(query), Value(parameters), Value(extra)});
}

Result<PullPage, ClientError> Client::Pull(int64_t n, int64_t qid) {
  Map args{{"n", Value(n)}};
  if (qid != -1) args.Set("qid", Value(qid));
  if (auto r = Send(Signature::kPull, {Value(args)}); !r) return MakeError(r.Error());
  PullPage page;
  for (;;) {
    auto reply = Receive();
    if (!reply) return MakeError(reply.Error());
    if (Is(*reply, Signature::kRecord)) {
      if (reply->fields.size() != 1 || !reply->fields[0].IsList()) {
        return MakeError(Broken(ClientError::Kind::kProtocol, "malformed RECORD"));
      }
      page.rows.push_back(std::move(reply->fields[0].AsList()));
      continue;
    }
    if (Is(*reply, Signature::kSuccess)) {
      page.metadata = MetadataOf(*reply);
      const Value* more = page.metadata.Find("has_more");
      page.has_more = more != nullptr && more->IsBool() && more->AsBool();
      return page;
    }
    if (Is(*reply, Signature::kFailure)) return Recover(ServerError(*reply), 0);
    return MakeError(Broken(ClientError::Kind::kProtocol,
                            "unexpected " + SignatureName(reply->signature) + " during PULL"));
  }
}

Result<QueryResult, ClientError> Client::Execute(const std::string& query, const Map& parameters,
                                                 const Map& extra) {
  if (auto r = SendExecute(query, parameters, extra); !r) return MakeError(r.Error());
  return ReceiveExecute();
}

Result<void, ClientError> Client::SendExecute(const std::string& query, const Map& parameters,
                                              const Map& extra) {
  // Pipelined like the drivers: RUN and PULL leave in one write.
  std::string out;
  AppendChunked(
      EncodeMessage(Signature::kRun, {Value(query), Value(parameters), Value(extra)}, version_),
      &out);
  AppendChunked(EncodeMessage(Signature::kPull, {Value(Map{{"n", Value(int64_t{-1})}})}, version_),
                &out);
  return SendRaw(out);
}

Result<QueryResult, ClientError> Client::ReceiveExecute() {
  auto run = ExpectSuccess(/*pipelined_after=*/1);
  if (!run) return MakeError(run.Error());
  QueryResult result;
  result.run_metadata = std::move(*run);
  if (const Value* f = result.run_metadata.Find("fields"); f != nullptr && f->IsList()) {
    for (const auto& name : f->AsList()) {
      result.fields.push_back(name.IsString() ? name.AsString() : DebugString(name));
    }
  }
  for (;;) {
    auto reply = Receive();
    if (!reply) return MakeError(reply.Error());
    if (Is(*reply, Signature::kRecord)) {
      if (reply->fields.size() != 1 || !reply->fields[0].IsList()) {
        return MakeError(Broken(ClientError::Kind::kProtocol, "malformed RECORD"));
      }
      result.rows.push_back(std::move(reply->fields[0].AsList()));
      continue;
    }
    if (Is(*reply, Signature::kSuccess)) {
      result.summary = MetadataOf(*reply);
      return result;
    }
    if (Is(*reply, Signature::kFailure)) return Recover(ServerError(*reply), 0);
    return MakeError(Broken(ClientError::Kind::kProtocol,
                            "unexpected " + SignatureName(reply->signature) + " during PULL"));
  }
}

Result<Map, ClientError> Client::Discard(int64_t n, int64_t qid) {
  Map args{{"n", Value(n)}};
  if (qid != -1) args.Set("qid", Value(qid));
  return Request(Signature::kDiscard, {Value(args)});
}

Result<Map, ClientError> Client::Begin(const Map& extra) {
  return Request(Signature::kBegin, {Value(extra)});
}

Result<Map, ClientError> Client::Commit() { return Request(Signature::kCommit, {}); }

Result<Map, ClientError> Client::Rollback() { return Request(Signature::kRollback, {}); }

Result<Map, ClientError> Client::Reset() { return Request(Signature::kReset, {}); }

Result<Map, ClientError> Client::Route(const Map& routing, const std::string& db) {
  Map extra;
  if (!db.empty()) extra.AppendUnchecked("db", Value(db));
  return Request(Signature::kRoute, {Value(routing), Value(List{}), Value(extra)});
}

}  // namespace tributary::bolt
