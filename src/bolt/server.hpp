#pragma once
// The Bolt TCP server. An Asio io_context run by a fixed pool of I/O threads
// accepts connections and does all socket reads and writes asynchronously;
// a separate fixed pool of execution threads runs the Session (and so the
// QueryHandler and the Authenticator). A connection is served by one thread
// at a time. Large results are written as they are produced, about
// SessionOptions::flush_threshold bytes at a time; a connection whose client
// does not read pauses without holding any thread and is closed after
// write_timeout. See docs/adr/009-bolt-execution-pool.md.
//
// Typical main():
//   bolt::Server server(options, factory, authenticator);
//   if (auto started = server.Start(); !started) { ...error... }
//   server.StopOnSignals();   // SIGINT / SIGTERM request a graceful stop
//   server.Wait();            // returns once stopped

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "bolt/handler.hpp"
#include "bolt/version.hpp"
#include "common/result.hpp"

namespace tributary::bolt {

namespace detail {
class ServerImpl;
}  // namespace detail

/// Default execution pool size: this many threads per hardware thread, and
/// at least kMinDefaultExecutionThreads (see ServerOptions::execution_threads).
inline constexpr size_t kDefaultExecutionThreadsPerCore = 4;
inline constexpr size_t kMinDefaultExecutionThreads = 8;

/// Server settings. Defaults suit a local development server.
struct ServerOptions {
  /// Address to bind.
  std::string address = "127.0.0.1";
  /// Port to bind; 0 picks an ephemeral port (see Server::port()).
  uint16_t port = 7687;
  /// I/O threads running the io_context (accept, socket reads and writes,
  /// timers); 0 = hardware threads.
  size_t worker_threads = 0;
  /// Execution threads running handler calls (queries, password checks);
  /// 0 = kDefaultExecutionThreadsPerCore per hardware thread, at least
  /// kMinDefaultExecutionThreads (a commit waiting for its fdatasync holds
  /// its thread, and the more commits wait at once the more share one sync).
  /// At most this many requests execute at once; others wait in a queue of
  /// at most one entry per connection.
  size_t execution_threads = 0;
  /// Open connections served at once. Past the limit a new connection
  /// completes the handshake, gets FAILURE
  /// Neo.TransientError.Request.ResourceExhaustion for its HELLO and is
  /// closed (with a log line).
  size_t max_connections = 1000;
  /// A connection idle (no bytes received while waiting for a request) for
  /// this long is closed; zero disables the timeout.
  std::chrono::milliseconds idle_timeout = std::chrono::minutes(30);
  /// A write to a client that does not complete within this time (the
  /// client stopped reading) closes the connection; zero disables it.
  std::chrono::milliseconds write_timeout = std::chrono::seconds(60);
  /// Largest accepted Bolt message after de-chunking.
  size_t max_message_size = 16u << 20;
  /// Highest Bolt version negotiated.
  ProtocolVersion max_version = kNewestVersion;
  /// host:port announced by ROUTE; empty = the local address of the
  /// connection the request came in on.
  std::string advertised_address;
  /// Answer clients that offer the handshake manifest v1 (neo4j-driver 6.x)
  /// with it; false answers them with a plain version, as before.
  bool handshake_manifest = true;
  /// Advertise telemetry on Bolt 5.4 (the driver then sends TELEMETRY).
  bool telemetry_enabled = false;
  /// How long Stop() waits for in-flight requests after interrupting them.
  std::chrono::milliseconds shutdown_grace = std::chrono::seconds(5);
};

/// A running Bolt server. Start once, stop once; the destructor stops it.
/// All methods are thread-safe; Stop() and Wait() must not be called from
/// a worker thread (they join the pool).
class Server {
 public:
  /// `factory` and `authenticator` must be thread-safe (shared by all
  /// connections).
  Server(ServerOptions options, HandlerFactory factory,
         std::shared_ptr<Authenticator> authenticator);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds, listens and starts the worker threads. Error text when the
  /// address cannot be bound.
  Result<void, std::string> Start();

  /// The bound port (useful with port 0). REQUIRES: Start() succeeded.
  uint16_t port() const;

  /// Graceful stop: stops accepting, interrupts in-flight handler calls
  /// (QueryHandler::Interrupt), closes every connection (destroying the
  /// handlers, which rolls back open transactions), waits up to
  /// shutdown_grace for them, then joins the workers. Idempotent.
  void Stop();

  /// Asks Wait() to stop the server; returns immediately. Safe from worker
  /// threads, not from signal handlers (use StopOnSignals for those).
  void RequestStop();

  /// Makes SIGINT and SIGTERM call RequestStop(). REQUIRES: Start() succeeded.
  void StopOnSignals();

  /// Blocks until RequestStop() (or a signal), then calls Stop().
  void Wait();

  /// Connections currently open (refused ones excluded).
  size_t connection_count() const;

 private:
  std::unique_ptr<detail::ServerImpl> impl_;
};

}  // namespace tributary::bolt
