#include "kafka/tcp_forwarder.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace tributary::kafka {
namespace {

// Owns a file descriptor.
class UniqueFd {
 public:
  explicit UniqueFd(int fd = -1) : fd_(fd) {}
  ~UniqueFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

// Binds and listens on loopback `port`; returns -1 with errno set on failure.
int ListenOn(bool ipv6, uint16_t port) {
  UniqueFd fd(::socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return -1;
  int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  int rc;
  if (ipv6) {
    ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    sockaddr_in6 addr{};
    addr.sin6_family = AF_INET6;
    addr.sin6_port = htons(port);
    addr.sin6_addr = in6addr_loopback;
    rc = ::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  } else {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    rc = ::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  }
  if (rc != 0 || ::listen(fd.get(), 64) != 0) return -1;
  return fd.release();
}

int ConnectTo(const std::string& host, uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) return -1;
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return -1;
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) return -1;
  return fd.release();
}

// Writes all of `data`; false when the peer is gone.
bool WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

TcpForwarder::TcpForwarder(uint16_t port, std::string target_host, uint16_t target_port)
    : port_(port), target_host_(std::move(target_host)), target_port_(target_port) {}

Result<std::unique_ptr<TcpForwarder>, KafkaError> TcpForwarder::Start(uint16_t port,
                                                                      std::string target_host,
                                                                      uint16_t target_port) {
  if (port == 0) {
    return MakeError(KafkaError{KafkaErrorKind::kInvalidArgument, "the forwarder needs a port"});
  }
  std::unique_ptr<TcpForwarder> f(new TcpForwarder(port, std::move(target_host), target_port));
  int v4 = ListenOn(/*ipv6=*/false, port);
  if (v4 < 0) {
    return MakeError(
        KafkaError{KafkaErrorKind::kFailed,
                   fmt::format("cannot listen on 127.0.0.1:{}: {}", port, std::strerror(errno))});
  }
  f->listen_fds_.push_back(v4);
  // "localhost" may resolve to ::1 first; serve it too where possible.
  if (int v6 = ListenOn(/*ipv6=*/true, port); v6 >= 0) f->listen_fds_.push_back(v6);
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    return MakeError(KafkaError{KafkaErrorKind::kFailed, "cannot create a pipe"});
  }
  f->wake_read_ = pipe_fds[0];
  f->wake_write_ = pipe_fds[1];
  f->acceptor_ = std::thread([raw = f.get()] { raw->AcceptLoop(); });
  return f;
}

TcpForwarder::~TcpForwarder() {
  if (wake_write_ >= 0) {
    char byte = 0;
    // Never read: every poll() watching wake_read_ sees it readable from now on.
    (void)!::write(wake_write_, &byte, 1);
  }
  if (acceptor_.joinable()) acceptor_.join();
  std::list<std::unique_ptr<Connection>> connections;
  {
    std::lock_guard lock(mutex_);
    connections.swap(connections_);
  }
  for (auto& c : connections) c->thread.join();
  for (int fd : listen_fds_) ::close(fd);
  if (wake_read_ >= 0) ::close(wake_read_);
  if (wake_write_ >= 0) ::close(wake_write_);
}

void TcpForwarder::AcceptLoop() {
  std::vector<pollfd> fds;
  fds.push_back({wake_read_, POLLIN, 0});
  for (int fd : listen_fds_) fds.push_back({fd, POLLIN, 0});
  while (true) {
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      spdlog::error("dev-broker forwarder: poll failed: {}", std::strerror(errno));
      return;
    }
    if (fds[0].revents != 0) return;
    for (size_t i = 1; i < fds.size(); ++i) {
      if ((fds[i].revents & POLLIN) == 0) continue;
      int client = ::accept4(fds[i].fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) continue;
      std::lock_guard lock(mutex_);
      // Reap finished connections so the list does not grow without bound.
      for (auto it = connections_.begin(); it != connections_.end();) {
        if ((*it)->done.load()) {
          (*it)->thread.join();
          it = connections_.erase(it);
        } else {
          ++it;
        }
      }
      auto connection = std::make_unique<Connection>();
      Connection* raw = connection.get();
      connection->thread = std::thread([this, client, raw] { Relay(client, raw); });
      connections_.push_back(std::move(connection));
    }
  }
}

void TcpForwarder::Relay(int client_fd, Connection* self) {
  UniqueFd client(client_fd);
  UniqueFd target(ConnectTo(target_host_, target_port_));
  if (target.get() < 0) {
    spdlog::warn("dev-broker forwarder: cannot connect to {}:{}: {}", target_host_, target_port_,
                 std::strerror(errno));
    self->done.store(true);
    return;
  }
  pollfd fds[3] = {{wake_read_, POLLIN, 0}, {client.get(), POLLIN, 0}, {target.get(), POLLIN, 0}};
  char buffer[64 * 1024];
  bool open = true;
  while (open) {
    if (::poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[0].revents != 0) break;
    for (int i = 1; i <= 2 && open; ++i) {
      if (fds[i].revents == 0) continue;
      int to = i == 1 ? target.get() : client.get();
      ssize_t n = ::recv(fds[i].fd, buffer, sizeof(buffer), 0);
      if (n < 0 && errno == EINTR) continue;
      open = n > 0 && WriteAll(to, buffer, static_cast<size_t>(n));
    }
  }
  self->done.store(true);
}

}  // namespace tributary::kafka
