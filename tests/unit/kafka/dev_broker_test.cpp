#include "kafka/dev_broker.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "kafka/producer.hpp"
#include "kafka/topic_check.hpp"
#include "kafka_test_util.hpp"

namespace tributary::kafka {
namespace {

using testing::WaitFor;

TEST(DevBroker, ListensOnLoopbackAndCreatesTopics) {
  auto broker = DevBroker::Start();
  ASSERT_TRUE(broker) << broker.Error().message;
  EXPECT_EQ((*broker)->Address().rfind("127.0.0.1:", 0), 0u) << (*broker)->Address();
  ASSERT_TRUE((*broker)->CreateTopic("a", 3));
  auto partitions = CheckTopic((*broker)->Address(), "a", 3000);
  ASSERT_TRUE(partitions);
  EXPECT_EQ(*partitions, 3);
  EXPECT_FALSE((*broker)->CreateTopic("", 1));
  EXPECT_FALSE((*broker)->CreateTopic("b", 0));
}

TEST(DevBroker, TwoBrokersGetDifferentPorts) {
  auto a = DevBroker::Start();
  auto b = DevBroker::Start();
  ASSERT_TRUE(a && b);
  EXPECT_NE((*a)->Address(), (*b)->Address());
}

TEST(DevBroker, DownBrokerIsNotAvailableUntilUpAgain) {
  auto broker = DevBroker::Start();
  ASSERT_TRUE(broker);
  ASSERT_TRUE((*broker)->CreateTopic("t", 1));
  ASSERT_TRUE((*broker)->SetDown());
  auto down = CheckTopic((*broker)->Address(), "t", 800);
  ASSERT_FALSE(down);
  EXPECT_EQ(down.Error().kind, KafkaErrorKind::kBrokerNotAvailable);
  ASSERT_TRUE((*broker)->SetUp());
  auto up = CheckTopic((*broker)->Address(), "t", 3000);
  ASSERT_TRUE(up) << up.Error().message;
}

TEST(Producer, ReportsFailedDeliveries) {
  auto broker = DevBroker::Start();
  ASSERT_TRUE(broker);
  ASSERT_TRUE((*broker)->CreateTopic("t", 1));
  auto producer = Producer::Create((*broker)->Address(), {{"message.timeout.ms", "1000"}});
  ASSERT_TRUE(producer);
  ASSERT_TRUE((*producer)->Produce("t", 7, "no such partition"));
  auto flushed = (*producer)->Flush(5000);
  ASSERT_FALSE(flushed);
  EXPECT_NE(flushed.Error().message.find("1 messages failed"), std::string::npos)
      << flushed.Error().message;
  // The failure is reported once.
  ASSERT_TRUE((*producer)->Produce("t", 0, "fine"));
  EXPECT_TRUE((*producer)->Flush(5000));
}

// A free loopback port (bound once, then released).
uint16_t FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// --port (streams module): bootstrap through a forwarder on the chosen port.
TEST(RunDevBroker, ForwardsAChosenPort) {
  const std::string file = (std::filesystem::temp_directory_path() /
                            ("tributary-dev-broker-port-" + std::to_string(::getpid()) + ".addr"))
                               .string();
  DevBrokerOptions options;
  options.port = FreePort();
  options.print_address = false;
  options.address_file = file;
  Result<void, KafkaError> result;
  std::thread runner([&] { result = RunDevBroker(options); });
  ASSERT_TRUE(WaitFor([&] { return std::filesystem::exists(file); }, 5000));
  std::string address;
  std::ifstream(file) >> address;
  EXPECT_EQ(address, "127.0.0.1:" + std::to_string(options.port));
  const std::string via_localhost = "localhost:" + std::to_string(options.port);
  auto partitions = CheckTopic(via_localhost, "test", 3000);
  EXPECT_TRUE(partitions) << partitions.Error().message;
  auto producer = Producer::Create(via_localhost);
  ASSERT_TRUE(producer);
  ASSERT_TRUE((*producer)->Produce("test", 0, "hello"));
  EXPECT_TRUE((*producer)->Flush(5000));
  producer->reset();

  // A second broker cannot take the same port.
  DevBrokerOptions same = options;
  same.address_file.clear();
  auto refused = RunDevBroker(same);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.Error().kind, KafkaErrorKind::kFailed);
  EXPECT_NE(refused.Error().message.find("cannot listen on 127.0.0.1:"), std::string::npos);

  pthread_kill(runner.native_handle(), SIGTERM);
  runner.join();
  EXPECT_TRUE(result);
}

TEST(RunDevBroker, ServesTopicsUntilSigterm) {
  const std::string file = (std::filesystem::temp_directory_path() /
                            ("tributary-dev-broker-" + std::to_string(::getpid()) + ".addr"))
                               .string();
  DevBrokerOptions options;
  options.topics = {"test", "other"};
  options.partitions = 2;
  options.print_address = false;
  options.address_file = file;
  Result<void, KafkaError> result;
  std::thread runner([&] { result = RunDevBroker(options); });
  ASSERT_TRUE(WaitFor([&] { return std::filesystem::exists(file); }, 5000));
  std::string address;
  std::ifstream(file) >> address;
  auto partitions = CheckTopic(address, "other", 3000);
  EXPECT_TRUE(partitions);
  if (partitions) {
    EXPECT_EQ(*partitions, 2);
  }

  pthread_kill(runner.native_handle(), SIGTERM);
  runner.join();
  EXPECT_TRUE(result);
  EXPECT_FALSE(std::filesystem::exists(file));
}

}  // namespace
}  // namespace tributary::kafka
