#include "bolt/server.hpp"

#include <sys/socket.h>

#include <spdlog/spdlog.h>
#include <algorithm>
#include <array>
#include <asio.hpp>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <exception>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "bolt/session.hpp"

namespace tributary::bolt {

namespace {

std::string EndpointString(const asio::ip::tcp::endpoint& e) {
  const auto addr = e.address();
  std::string host = addr.is_v6() ? "[" + addr.to_string() + "]" : addr.to_string();
  return host + ":" + std::to_string(e.port());
}

}  // namespace

namespace detail {

class Connection;

class ServerImpl {
 public:
  ServerImpl(ServerOptions options, HandlerFactory factory, std::shared_ptr<Authenticator> auth)
      : options_(std::move(options)),
        factory_(std::move(factory)),
        authenticator_(std::move(auth)),
        io_(),
        accept_strand_(asio::make_strand(io_)),
        acceptor_(accept_strand_),
        execution_threads_(options_.execution_threads != 0
                               ? options_.execution_threads
                               : std::max(kMinDefaultExecutionThreads,
                                          kDefaultExecutionThreadsPerCore *
                                              std::max(1u, std::thread::hardware_concurrency()))),
        execution_(execution_threads_) {}

  ~ServerImpl() { Stop(); }

  Result<void, std::string> Start();
  void Stop();
  void RequestStop() {
    {
      std::lock_guard lock(stop_mutex_);
      stop_requested_ = true;
    }
    stop_cv_.notify_all();
  }
  void StopOnSignals();
  void Wait() {
    {
      std::unique_lock lock(stop_mutex_);
      stop_cv_.wait(lock, [&] { return stop_requested_; });
    }
    Stop();
  }
  uint16_t port() const { return port_; }
  size_t connection_count() const {
    std::lock_guard lock(connections_mutex_);
    return active_;
  }

  // Called by connections. ReleaseSlot frees a connection-limit slot (once,
  // before the socket is closed); Unregister forgets the connection and
  // frees its slot if ReleaseSlot has not.
  void ReleaseSlot();
  void Unregister(uint64_t id, bool counted);
  const ServerOptions& options() const { return options_; }
  const HandlerFactory& factory() const { return factory_; }
  const std::shared_ptr<Authenticator>& authenticator() const { return authenticator_; }
  asio::thread_pool::executor_type executor() { return execution_.get_executor(); }
  // Inline execution: a Session call may run right on the I/O thread that
  // read the request (saving two thread hand-offs, about 60 us of wake-up
  // latency per request on an idle machine) while fewer than (I/O threads -
  // 1) calls run inline, so at least one I/O thread always stays free to
  // accept, read and write. TryEnterInline() claims a place; LeaveInline()
  // gives it back.
  bool TryEnterInline() {
    size_t running = inline_running_.load(std::memory_order_relaxed);
    while (running < inline_limit_) {
      if (inline_running_.compare_exchange_weak(running, running + 1, std::memory_order_acquire)) {
        return true;
      }
    }
    return false;
  }
  void LeaveInline() { inline_running_.fetch_sub(1, std::memory_order_release); }

 private:
  void DoAccept();
  void OnAccept(const asio::error_code& ec, asio::ip::tcp::socket socket);
  // Closes connections whose idle or write deadline passed; re-arms itself
  // on the acceptor's strand every sweep_period_.
  void Sweep();
  void RunWorker();

  ServerOptions options_;
  HandlerFactory factory_;
  std::shared_ptr<Authenticator> authenticator_;

  // Declared before io_ so it outlives it: handlers still queued in the
  // io_context own connections whose destructors unregister here.
  mutable std::mutex connections_mutex_;
  std::condition_variable connections_cv_;
  std::unordered_map<uint64_t, std::weak_ptr<Connection>> connections_;
  size_t active_ = 0;
  uint64_t next_id_ = 1;

  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  bool stop_requested_ = false;
  bool started_ = false;
  bool stopped_ = false;

  asio::io_context io_;
  asio::strand<asio::io_context::executor_type> accept_strand_;
  asio::steady_timer sweep_timer_{accept_strand_};
  std::chrono::milliseconds sweep_period_{0};
  asio::ip::tcp::acceptor acceptor_;
  std::optional<asio::signal_set> signals_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::vector<std::thread> workers_;
  uint16_t port_ = 0;
  // Runs every Session call (queries, authentication). Declared after io_:
  // destroyed (joined) first, while the strands its tasks post to exist.
  size_t execution_threads_;
  size_t inline_limit_ = 0;  // I/O threads - 1, set by Start()
  std::atomic<size_t> inline_running_{0};
  asio::thread_pool execution_;
};

// One client connection. Socket and timer operations run on the
// connection's strand (an I/O thread); Session calls (the handler: queries,
// password checks) run on the server's execution pool, or inline on the I/O
// thread while another I/O thread stays free (ADR 009). The two alternate and
// never overlap: read -> execute -> write -> (execute -> write)* -> read, so
// the session is used by one thread at a time and the strand never touches
// it. A PULL pauses once about flush_threshold bytes wait to be written and
// resumes when they are, so a client that stops reading holds no thread,
// only its own connection, until the write deadline closes it. Shutdown()
// is the only cross-thread entry point.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(ServerImpl& server, asio::ip::tcp::socket socket, uint64_t id, bool counted,
             SessionOptions options)
      : server_(server),
        socket_(std::move(socket)),
        id_(id),
        counted_(counted),
        session_(std::move(options), server.factory(), server.authenticator()) {}

  ~Connection() { server_.Unregister(id_, counted_ && !slot_released_); }

  void Start() {
    // Called from the storage's sync thread when a commit this connection
    // waits for has its outcome (ADR 020). A connection being destroyed
    // (weak_ptr expired) needs no wake-up: its transaction's destructor
    // waits for that outcome.
    session_.SetCommitWake([weak = weak_from_this()] {
      if (auto self = weak.lock()) self->OnCommitOutcome();
    });
    asio::dispatch(socket_.get_executor(), [self = shared_from_this()] { self->DoRead(); });
  }

  // Thread-safe: interrupts a running handler call and wakes any pending
  // socket operation; the strand then tears the connection down.
  void Shutdown() {
    session_.Interrupt();
    std::lock_guard lock(fd_mutex_);
    if (!closed_) ::shutdown(socket_.native_handle(), SHUT_RDWR);
  }

  // Thread-safe: true when the idle or write deadline has passed at `now`.
  bool DeadlinePassed(int64_t now_ns) const {
    int64_t deadline = deadline_ns_.load(std::memory_order_relaxed);
    return deadline != 0 && now_ns >= deadline;
  }

  // Thread-safe; called by the server's sweep when DeadlinePassed. Closes
  // the connection on its strand if the deadline still stands there.
  void Expire() {
    asio::post(socket_.get_executor(), [self = shared_from_this()] {
      if (!self->DeadlinePassed(NowNs()) || self->IsClosed()) return;
      const bool writing = self->deadline_writing_;
      self->Close();  // first: the log line then implies the slot is free
      if (writing) {
        spdlog::warn(
            "[bolt-{}] closed connection: a write did not complete within {} ms (the client "
            "stopped reading)",
            self->id_, self->server_.options().write_timeout.count());
      } else {
        spdlog::info("[bolt-{}] closed connection idle for {} ms", self->id_,
                     self->server_.options().idle_timeout.count());
      }
    });
  }

  // Thread-safe; called by the server's sweep. While a Session call runs,
  // the connection does not read, so a RESET the client sends to stop a
  // long query would wait behind it. Peeks (without consuming) at what has
  // arrived and interrupts the call if a RESET is among the complete
  // messages there; the session then handles the bytes as usual: the
  // interrupted query fails (Terminated), the RESET answers SUCCESS.
  void PeekForReset() {
    if (!executing_.load(std::memory_order_acquire) || reset_seen_ ||
        !session_.AtMessageBoundary()) {
      return;
    }
    std::array<char, 512> peek;
    ssize_t n;
    {
      std::lock_guard lock(fd_mutex_);
      if (closed_) return;
      n = ::recv(socket_.native_handle(), peek.data(), peek.size(), MSG_PEEK | MSG_DONTWAIT);
    }
    if (n > 0 && ContainsReset(std::string_view(peek.data(), static_cast<size_t>(n)))) {
      reset_seen_ = true;
      spdlog::debug("[bolt-{}] RESET arrived during a running request: interrupting it", id_);
      session_.Interrupt();
    }
  }

  // True if the chunked bytes, read from a message boundary, hold a complete
  // RESET message (a structure of no fields with signature 0x0F).
  static bool ContainsReset(std::string_view bytes) {
    std::string message;
    size_t pos = 0;
    while (pos + 2 <= bytes.size()) {
      const size_t length =
          (static_cast<uint8_t>(bytes[pos]) << 8) | static_cast<uint8_t>(bytes[pos + 1]);
      pos += 2;
      if (length == 0) {  // end of a message (or a NOOP)
        if (message == std::string_view("\xB0\x0F", 2)) return true;
        message.clear();
        continue;
      }
      if (pos + length > bytes.size()) return false;
      if (message.size() < 16) message.append(bytes.substr(pos, length));
      pos += length;
    }
    return false;
  }

  static int64_t NowNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }

 private:
  // What one turn on the execution pool produced (its bytes are in
  // output_).
  struct Step {
    bool paused = false;
    bool awaiting_commit = false;
    bool close = false;
  };

  // The commit wake and the connection's own "the session returned awaiting
  // a commit" race; whichever comes second resumes the session (on the
  // connection's strand), so it never runs on two threads at once.
  enum CommitSignal : uint8_t { kNoSignal, kSessionWaiting, kOutcomeKnown };
  void OnCommitOutcome() {
    if (commit_signal_.exchange(kOutcomeKnown, std::memory_order_acq_rel) == kSessionWaiting) {
      ResumeAfterCommit();
    }
  }
  void SessionAwaitsCommit() {
    // Nothing else holds the connection while it waits (no socket operation
    // is pending): it holds itself until the resume is posted.
    awaiting_self_ = shared_from_this();
    if (commit_signal_.exchange(kSessionWaiting, std::memory_order_acq_rel) == kOutcomeKnown) {
      ResumeAfterCommit();
    }
  }
  void ResumeAfterCommit() {
    commit_signal_.store(kNoSignal, std::memory_order_relaxed);
    asio::post(socket_.get_executor(),
               [self = std::move(awaiting_self_)] { self->Execute(std::nullopt); });
  }

  // The connection closes once `timeout` passes without ClearDeadline
  // (data arrived, the write completed). A deadline is a clock read and a
  // store, not a timer: ServerImpl's sweep checks every connection a few
  // times per timeout, which saves the timer syscalls and handler
  // round trips per message (ADR 009). Called on the strand.
  void SetDeadline(std::chrono::milliseconds timeout, bool writing) {
    if (timeout.count() <= 0) return;
    deadline_writing_ = writing;
    deadline_ns_.store(
        NowNs() + std::chrono::duration_cast<std::chrono::nanoseconds>(timeout).count(),
        std::memory_order_relaxed);
  }
  void ClearDeadline() { deadline_ns_.store(0, std::memory_order_relaxed); }

  void DoRead() {
    SetDeadline(server_.options().idle_timeout, false);
    socket_.async_read_some(
        asio::buffer(buffer_),
        [self = shared_from_this()](const asio::error_code& ec, size_t n) { self->OnRead(ec, n); });
  }

  void OnRead(const asio::error_code& ec, size_t n) {
    ClearDeadline();
    if (ec) {
      if (ec != asio::error::eof && ec != asio::error::operation_aborted) {
        spdlog::debug("[bolt-{}] read failed: {}", id_, ec.message());
      }
      Close();
      return;
    }
    // buffer_ is not read into again before this turn's write is done.
    Execute(std::string_view(buffer_.data(), n));
  }

  // Runs the session: Feed(bytes), or Resume() when `bytes` is nullopt; then
  // continues on the connection's I/O side with what it produced. Runs
  // inline on this I/O thread when ServerImpl::TryEnterInline allows it,
  // otherwise on the execution pool. Called on the I/O side. REQUIRES:
  // `bytes` stays valid until the turn's output is written.
  void Execute(std::optional<std::string_view> bytes) {
    if (!bytes && session_.OnlyCommitToComplete()) {
      // Completing a commit the WAL has decided is a few microseconds and
      // never runs a query: always inline, not worth two hand-offs.
      AfterExecute(RunSession(bytes));
      return;
    }
    if (server_.TryEnterInline()) {
      Step step = RunSession(bytes);
      server_.LeaveInline();
      AfterExecute(step);
      return;
    }
    asio::post(server_.executor(), [self = shared_from_this(), bytes] {
      Step step = self->RunSession(bytes);
      asio::post(self->socket_.get_executor(), [self, step] { self->AfterExecute(step); });
    });
  }

  Step RunSession(std::optional<std::string_view> bytes) {
    Step step;
    reset_seen_ = false;
    executing_.store(true, std::memory_order_release);
    struct Done {
      std::atomic<bool>& flag;
      ~Done() { flag.store(false, std::memory_order_release); }
    } done{executing_};
    try {
      if (bytes) {
        session_.Feed(*bytes);
      } else {
        session_.Resume();
      }
      if (output_.empty()) {
        session_.SwapOutput(&output_);
      } else {
        // Output held back while a commit was awaited (AfterExecute) goes
        // first.
        output_ += session_.TakeOutput();
      }
      step.paused = session_.Paused();
      step.awaiting_commit = session_.AwaitingCommit();
      step.close = session_.ShouldClose();
    } catch (const std::exception& e) {
      // A handler bug must not take the server down: drop this connection.
      spdlog::error("[bolt-{}] exception while handling a request: {}", id_, e.what());
      output_.clear();
      step = Step{};
      step.close = true;
    }
    return step;
  }

  void AfterExecute(const Step& step) {
    if (IsClosed()) return;
    if (step.awaiting_commit) {
      // What came before the commit (the RUN's SUCCESS, the PULL's records)
      // stays in output_ and goes out with the commit's answer: one write
      // and one wake-up of the client instead of two. Resume's output is
      // appended to it (RunSession).
      Next(step);
      return;
    }
    if (output_.empty()) {
      Next(step);
      return;
    }
    // Most responses fit into the socket's send buffer: write them now
    // (the socket is non-blocking) instead of through async_write, whose
    // completion handler would be one more trip through the scheduler.
    size_t written = 0;
    asio::error_code ec;
    while (written < output_.size()) {
      written +=
          socket_.write_some(asio::buffer(output_.data() + written, output_.size() - written), ec);
      if (ec) break;
    }
    if (!ec) {
      WriteDone();
      Next(step);
      return;
    }
    if (ec != asio::error::would_block && ec != asio::error::try_again) {
      spdlog::debug("[bolt-{}] write failed: {}", id_, ec.message());
      Close();
      return;
    }
    SetDeadline(server_.options().write_timeout, true);
    asio::async_write(socket_, asio::buffer(output_.data() + written, output_.size() - written),
                      [self = shared_from_this(), step](const asio::error_code& ec, size_t) {
                        self->ClearDeadline();
                        if (ec) {
                          self->Close();
                        } else {
                          self->WriteDone();
                          self->Next(step);
                        }
                      });
  }

  // After output_ is written: keeps its storage for the next turn (it and
  // the session's buffer alternate), unless a large result grew it.
  void WriteDone() {
    if (output_.capacity() > kKeptOutputCapacity) {
      std::string().swap(output_);
    } else {
      output_.clear();
    }
  }

  // After the output of `step` is written: close, resume a paused PULL, wait
  // for a pending commit's outcome, or wait for the next request.
  void Next(const Step& step) {
    if (step.close) {
      Close();
    } else if (step.paused) {
      // Posted, not called: AfterExecute may have called us directly, and
      // a long result must not recurse once per chunk.
      asio::post(socket_.get_executor(),
                 [self = shared_from_this()] { self->Execute(std::nullopt); });
    } else if (step.awaiting_commit) {
      SessionAwaitsCommit();  // no thread waits; OnCommitOutcome resumes
    } else {
      DoRead();
    }
  }

  bool IsClosed() {
    std::lock_guard lock(fd_mutex_);
    return closed_;
  }

  void Close() {
    ClearDeadline();
    std::lock_guard lock(fd_mutex_);
    if (closed_) return;
    closed_ = true;
    // The slot is given back before the peer can see the close, so a client
    // that saw the server close its connection may reconnect at once. (A
    // close started by the client is seen here only after the server reads
    // it, which races with that client's next connect.)
    if (counted_) {
      server_.ReleaseSlot();
      slot_released_ = true;
    }
    asio::error_code ignored;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  ServerImpl& server_;
  asio::ip::tcp::socket socket_;
  // A Session call is running (PeekForReset looks for a RESET meanwhile).
  std::atomic<bool> executing_{false};
  std::atomic<uint8_t> commit_signal_{kNoSignal};  // see OnCommitOutcome
  std::shared_ptr<Connection> awaiting_self_;      // set while the session awaits a commit
  // A RESET was seen during this call; set only by the sweep's thread
  // between the call's start and end (reset in RunSession), so one
  // interrupt per call.
  std::atomic<bool> reset_seen_{false};
  // Idle deadline while reading, write deadline while writing; 0 = none.
  std::atomic<int64_t> deadline_ns_{0};
  bool deadline_writing_ = false;  // strand only
  uint64_t id_;
  bool counted_;
  Session session_;  // used only on the execution pool (and Interrupt())
  std::array<char, 16384> buffer_{};
  // The output of the current turn, written on the I/O side; owned by the
  // execution side while the turn runs (see Step).
  std::string output_;
  static constexpr size_t kKeptOutputCapacity = 64 * 1024;
  std::mutex fd_mutex_;  // guards closed_ and the descriptor against Shutdown()
  bool closed_ = false;
  bool slot_released_ = false;  // set with closed_, read in the destructor
};

}  // namespace detail

using detail::Connection;
using detail::ServerImpl;

Result<void, std::string> ServerImpl::Start() {
  asio::error_code ec;
  auto address = asio::ip::make_address(options_.address, ec);
  if (ec) return MakeError("invalid bind address '" + options_.address + "': " + ec.message());
  asio::ip::tcp::endpoint endpoint(address, options_.port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return MakeError("cannot listen on " + EndpointString(endpoint) + ": " + ec.message());
  }
  port_ = acceptor_.local_endpoint().port();
  work_.emplace(io_.get_executor());
  size_t threads = options_.worker_threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  inline_limit_ = threads - 1;
  DoAccept();
  // A deadline is noticed within a quarter of the shorter timeout, and a
  // RESET during a running request within 100 ms (sweeps at least 10 ms
  // apart).
  std::chrono::milliseconds shortest{400};
  for (auto t : {options_.idle_timeout, options_.write_timeout}) {
    if (t.count() > 0) shortest = std::min(shortest, t);
  }
  sweep_period_ = std::max(shortest / 4, std::chrono::milliseconds(10));
  asio::post(accept_strand_, [this] { Sweep(); });
  for (size_t i = 0; i < threads; ++i) workers_.emplace_back([this] { RunWorker(); });
  started_ = true;
  spdlog::info("Bolt server listening on {}:{} with {} I/O threads and {} query execution threads",
               options_.address, port_, threads, execution_threads_);
  return {};
}

void ServerImpl::RunWorker() {
  for (;;) {
    try {
      io_.run();
      return;
    } catch (const std::exception& e) {
      spdlog::error("Bolt worker caught an exception: {}", e.what());
    }
  }
}

void ServerImpl::DoAccept() {
  acceptor_.async_accept(asio::make_strand(io_),
                         [this](const asio::error_code& ec, asio::ip::tcp::socket socket) {
                           OnAccept(ec, std::move(socket));
                         });
}

void ServerImpl::OnAccept(const asio::error_code& ec, asio::ip::tcp::socket socket) {
  if (!acceptor_.is_open()) return;
  if (ec) {
    spdlog::warn("Bolt accept failed: {}", ec.message());
    if (ec == asio::error::no_descriptors) {
      // Out of file descriptors: back off instead of spinning.
      auto timer =
          std::make_shared<asio::steady_timer>(accept_strand_, std::chrono::milliseconds(100));
      timer->async_wait([this, timer](const asio::error_code&) { DoAccept(); });
      return;
    }
    DoAccept();
    return;
  }
  asio::error_code ignored;
  socket.set_option(asio::ip::tcp::no_delay(true), ignored);
  socket.non_blocking(true, ignored);  // for Connection::AfterExecute's direct write
  SessionOptions so;
  so.max_version = options_.max_version;
  so.max_message_size = options_.max_message_size;
  so.telemetry_enabled = options_.telemetry_enabled;
  so.pausable_pull = true;
  so.handshake_manifest = options_.handshake_manifest;
  const auto peer = socket.remote_endpoint(ignored);
  so.peer = EndpointString(peer);
  so.advertised_address = options_.advertised_address.empty()
                              ? EndpointString(socket.local_endpoint(ignored))
                              : options_.advertised_address;
  uint64_t id;
  bool counted;
  {
    std::lock_guard lock(connections_mutex_);
    id = next_id_++;
    counted = active_ < options_.max_connections;
    if (counted) ++active_;
  }
  so.connection_id = "bolt-" + std::to_string(id);
  if (!counted) {
    spdlog::warn("[{}] {}: connection limit of {} reached; refusing after the handshake",
                 so.connection_id, so.peer, options_.max_connections);
    so.refuse = BoltError{codes::kResourceExhaustion, "The server's connection limit of " +
                                                          std::to_string(options_.max_connections) +
                                                          " has been reached."};
  }
  spdlog::debug("[{}] accepted {}", so.connection_id, so.peer);
  auto connection =
      std::make_shared<Connection>(*this, std::move(socket), id, counted, std::move(so));
  {
    std::lock_guard lock(connections_mutex_);
    connections_[id] = connection;
  }
  connection->Start();
  DoAccept();
}

void ServerImpl::Sweep() {
  if (!acceptor_.is_open()) return;  // stopping
  const int64_t now = Connection::NowNs();
  std::vector<std::shared_ptr<Connection>> live;
  {
    std::lock_guard lock(connections_mutex_);
    live.reserve(connections_.size());
    for (auto& [id, weak] : connections_) {
      if (auto c = weak.lock()) live.push_back(std::move(c));
    }
  }
  for (auto& c : live) {
    if (c->DeadlinePassed(now)) c->Expire();
    c->PeekForReset();
  }
  sweep_timer_.expires_after(sweep_period_);
  sweep_timer_.async_wait([this](const asio::error_code& ec) {
    if (!ec) Sweep();
  });
}

void ServerImpl::ReleaseSlot() {
  std::lock_guard lock(connections_mutex_);
  --active_;
}

void ServerImpl::Unregister(uint64_t id, bool counted) {
  {
    std::lock_guard lock(connections_mutex_);
    connections_.erase(id);
    if (counted) --active_;
  }
  connections_cv_.notify_all();
}

void ServerImpl::StopOnSignals() {
  // Installed on the acceptor's strand (which Stop() also uses), and waited
  // for, so a signal raised right after this call is already handled.
  std::promise<void> installed;
  asio::post(accept_strand_, [this, &installed] {
    if (!signals_) {
      signals_.emplace(io_, SIGINT, SIGTERM);
      signals_->async_wait([this](const asio::error_code& ec, int signal) {
        if (ec) return;
        spdlog::info("received signal {}, stopping the Bolt server", signal);
        RequestStop();
      });
    }
    installed.set_value();
  });
  installed.get_future().wait();
}

void ServerImpl::Stop() {
  {
    std::lock_guard lock(stop_mutex_);
    if (stopped_ || !started_) {
      stopped_ = true;
      return;
    }
    stopped_ = true;
    stop_requested_ = true;
  }
  stop_cv_.notify_all();
  // 1. Stop accepting (on the acceptor's strand, which owns it).
  std::promise<void> closed;
  asio::post(accept_strand_, [&] {
    asio::error_code ignored;
    acceptor_.close(ignored);
    sweep_timer_.cancel();
    if (signals_) signals_->cancel(ignored);
    closed.set_value();
  });
  closed.get_future().wait();
  // 2. Interrupt handlers and wake every connection; each one closes itself
  //    on its strand and its session destroys the handler (rollback).
  std::vector<std::shared_ptr<Connection>> live;
  {
    std::lock_guard lock(connections_mutex_);
    for (auto& [id, weak] : connections_) {
      if (auto c = weak.lock()) live.push_back(std::move(c));
    }
  }
  for (auto& c : live) c->Shutdown();
  live.clear();
  // 3. Wait for them to finish, then stop the pool.
  {
    std::unique_lock lock(connections_mutex_);
    if (!connections_cv_.wait_for(lock, options_.shutdown_grace,
                                  [&] { return connections_.empty(); })) {
      spdlog::warn("{} Bolt connections still busy after {} ms; stopping anyway",
                   connections_.size(), options_.shutdown_grace.count());
    }
  }
  work_.reset();
  io_.stop();
  for (auto& t : workers_) t.join();
  workers_.clear();
  // Handler calls still running past the grace period finish here; what
  // they post to the stopped io_context is destroyed with it.
  execution_.join();
  spdlog::info("Bolt server stopped");
}

Server::Server(ServerOptions options, HandlerFactory factory,
               std::shared_ptr<Authenticator> authenticator)
    : impl_(std::make_unique<detail::ServerImpl>(std::move(options), std::move(factory),
                                                 std::move(authenticator))) {}

Server::~Server() = default;

Result<void, std::string> Server::Start() { return impl_->Start(); }
uint16_t Server::port() const { return impl_->port(); }
void Server::Stop() { impl_->Stop(); }
void Server::RequestStop() { impl_->RequestStop(); }
void Server::StopOnSignals() { impl_->StopOnSignals(); }
void Server::Wait() { impl_->Wait(); }
size_t Server::connection_count() const { return impl_->connection_count(); }

}  // namespace tributary::bolt
