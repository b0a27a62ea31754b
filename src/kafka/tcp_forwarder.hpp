#pragma once
// A tiny TCP forwarder for `tributary dev-broker --port N` (added by the
// streams module). librdkafka 2.0.2's mock cluster listens only on a port the
// kernel picks; the forwarder accepts on the chosen port and relays each
// connection to the mock's bootstrap address. A Kafka client bootstraps
// through it, learns the mock broker's real address from the metadata answer,
// and connects there directly, so only bootstrap traffic passes through.
// Development and tests only.

#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/result.hpp"
#include "kafka/kafka_error.hpp"

namespace tributary::kafka {

/// Relays TCP connections from 127.0.0.1:port (and [::1]:port when the host
/// has IPv6 loopback) to target_host:target_port until destroyed. Thread-safe.
class TcpForwarder {
 public:
  /// Listens on `port` (must be free on 127.0.0.1) and starts relaying.
  /// Errors: kInvalidArgument for port 0, kFailed when it cannot listen.
  static Result<std::unique_ptr<TcpForwarder>, KafkaError> Start(uint16_t port,
                                                                 std::string target_host,
                                                                 uint16_t target_port);

  TcpForwarder(const TcpForwarder&) = delete;
  TcpForwarder& operator=(const TcpForwarder&) = delete;
  /// Closes the listening sockets and every relayed connection; joins threads.
  ~TcpForwarder();

  /// The port it listens on.
  uint16_t Port() const { return port_; }

 private:
  struct Connection {
    std::thread thread;
    std::atomic<bool> done{false};
  };

  TcpForwarder(uint16_t port, std::string target_host, uint16_t target_port);
  void AcceptLoop();
  void Relay(int client_fd, Connection* self);

  uint16_t port_;
  std::string target_host_;
  uint16_t target_port_;
  std::vector<int> listen_fds_;  // Owned; closed by the destructor.
  int wake_read_ = -1;           // A pipe whose write end is written on shutdown.
  int wake_write_ = -1;
  std::thread acceptor_;
  std::mutex mutex_;
  std::list<std::unique_ptr<Connection>> connections_;  // GUARDED_BY(mutex_)
};

}  // namespace tributary::kafka
