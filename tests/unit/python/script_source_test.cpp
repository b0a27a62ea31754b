#include "python/script_source.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

namespace tributary::python {
namespace {

// A tiny HTTP/1.0 server on 127.0.0.1 serving canned responses per path, one
// connection at a time, until destroyed.
class TinyHttpServer {
 public:
  struct Response {
    Response(int status, std::string body, int delay_ms = 0, std::string extra_headers = "")
        : status(status),
          body(std::move(body)),
          delay_ms(delay_ms),
          extra_headers(std::move(extra_headers)) {}
    int status;
    std::string body;
    int delay_ms;
    std::string extra_headers;
  };

  explicit TinyHttpServer(std::map<std::string, Response> routes) : routes_(std::move(routes)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int on = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    socklen_t len = sizeof(addr);
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    ::listen(listener_, 8);
    thread_ = std::thread([this] { Serve(); });
  }
  ~TinyHttpServer() {
    stop_ = true;
    thread_.join();
    ::close(listener_);
  }

  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  void Serve() {
    while (!stop_) {
      pollfd pfd{listener_, POLLIN, 0};
      if (::poll(&pfd, 1, 50) <= 0) continue;
      int fd = ::accept(listener_, nullptr, nullptr);
      if (fd < 0) continue;
      std::string request;
      char buffer[4096];
      while (request.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
        if (n <= 0) break;
        request.append(buffer, static_cast<size_t>(n));
      }
      std::string path = request.substr(4, request.find(' ', 4) - 4);  // "GET <path> HTTP/1.1"
      auto it = routes_.find(path);
      Response response = it != routes_.end() ? it->second : Response(404, "not found");
      for (int waited = 0; waited < response.delay_ms && !stop_; waited += 10) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      std::string reply = "HTTP/1.0 " + std::to_string(response.status) + " X\r\n" +
                          "Content-Length: " + std::to_string(response.body.size()) + "\r\n" +
                          response.extra_headers + "Connection: close\r\n\r\n" + response.body;
      ::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL);
      ::close(fd);
    }
  }

  std::map<std::string, Response> routes_;
  int listener_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

const std::string kScript = "def stream(batch):\n    return []\n";

class ScriptFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("tributary-fetch-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "my transform.py").string();
    std::ofstream(path_) << kScript;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(ScriptFile, ReadsAnAbsolutePath) {
  auto text = FetchScript(path_, 1000, 1 << 20);
  ASSERT_TRUE(text) << text.Error();
  EXPECT_EQ(*text, kScript);
}

TEST_F(ScriptFile, ReadsFileUris) {
  std::string encoded = (dir_ / "my%20transform.py").string();
  for (const std::string& uri :
       {"file://" + path_, "file://" + encoded, "file://localhost" + path_}) {
    auto text = FetchScript(uri, 1000, 1 << 20);
    ASSERT_TRUE(text) << uri << ": " << text.Error();
    EXPECT_EQ(*text, kScript);
  }
}

TEST_F(ScriptFile, FailsOnMissingFilesRelativePathsAndOtherSchemes) {
  for (const std::string& uri :
       {(dir_ / "missing.py").string(), std::string("relative/transform.py"),
        std::string("file://otherhost/x.py"), std::string("ftp://127.0.0.1/x.py"),
        std::string("")}) {
    auto text = FetchScript(uri, 1000, 1 << 20);
    EXPECT_FALSE(text) << uri;
  }
  auto missing = FetchScript((dir_ / "missing.py").string(), 1000, 1 << 20);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.Error().find("No such file"), std::string::npos) << missing.Error();
}

TEST_F(ScriptFile, EnforcesTheSizeCap) {
  auto exact = FetchScript(path_, 1000, kScript.size());
  EXPECT_TRUE(exact);
  auto capped = FetchScript(path_, 1000, kScript.size() - 1);
  ASSERT_FALSE(capped);
  EXPECT_NE(capped.Error().find("larger than"), std::string::npos);
}

TEST(FetchScript, DownloadsOverHttp) {
  TinyHttpServer server(
      {{"/transform.py", {200, kScript}}, {"/moved", {302, "", 0, "Location: /transform.py\r\n"}}});
  auto text = FetchScript(server.Url("/transform.py"), 2000, 1 << 20);
  ASSERT_TRUE(text) << text.Error();
  EXPECT_EQ(*text, kScript);
  auto redirected = FetchScript(server.Url("/moved"), 2000, 1 << 20);
  ASSERT_TRUE(redirected) << redirected.Error();
  EXPECT_EQ(*redirected, kScript);
}

TEST(FetchScript, NonSuccessStatusIsAnError) {
  TinyHttpServer server({{"/error", {500, "boom"}}});
  auto missing = FetchScript(server.Url("/missing.py"), 2000, 1 << 20);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.Error().find("404"), std::string::npos) << missing.Error();
  auto failing = FetchScript(server.Url("/error"), 2000, 1 << 20);
  ASSERT_FALSE(failing);
  EXPECT_NE(failing.Error().find("500"), std::string::npos) << failing.Error();
}

TEST(FetchScript, SlowServerTimesOut) {
  TinyHttpServer server({{"/slow", {200, kScript, 3000}}});
  auto start = std::chrono::steady_clock::now();
  auto text = FetchScript(server.Url("/slow"), 300, 1 << 20);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  start)
                .count();
  ASSERT_FALSE(text);
  EXPECT_GE(ms, 250);
  EXPECT_LT(ms, 4000);
  EXPECT_NE(text.Error().find("imed out"), std::string::npos) << text.Error();
}

TEST(FetchScript, LargeBodyExceedsTheCap) {
  TinyHttpServer server({{"/big", {200, std::string(100'000, '#')}}});
  auto text = FetchScript(server.Url("/big"), 2000, 10'000);
  ASSERT_FALSE(text);
  EXPECT_NE(text.Error().find("larger than 10000 bytes"), std::string::npos) << text.Error();
  auto fits = FetchScript(server.Url("/big"), 2000, 100'000);
  EXPECT_TRUE(fits);
}

TEST(FetchScript, UnreachablePortIsAnError) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  const std::string uri = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/t.py";
  auto text = FetchScript(uri, 1000, 1 << 20);
  ASSERT_FALSE(text);
  EXPECT_NE(text.Error().find(uri), std::string::npos) << text.Error();
  EXPECT_EQ(FetchFailureMessage(uri), "Couldn't get the transform script from " + uri);
}

}  // namespace
}  // namespace tributary::python
