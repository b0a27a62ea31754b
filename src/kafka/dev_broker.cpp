#include "kafka/dev_broker.hpp"

#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "kafka/client.hpp"
#include "kafka/tcp_forwarder.hpp"

namespace tributary::kafka {
namespace {

KafkaError MockError(std::string what, rd_kafka_resp_err_t err) {
  return KafkaError{KafkaErrorKind::kFailed, fmt::format("{}: {}", what, rd_kafka_err2str(err))};
}

Result<void, KafkaError> WriteFileAtomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text << '\n';
    if (!out.flush()) {
      return MakeError(KafkaError{KafkaErrorKind::kFailed, "cannot write " + tmp});
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    return MakeError(KafkaError{KafkaErrorKind::kFailed,
                                fmt::format("cannot write {}: {}", path, ec.message())});
  }
  return {};
}

// Blocks SIGINT and SIGTERM in the calling thread for its lifetime, so that
// threads started meanwhile (librdkafka's) inherit the mask and sigwait() in
// this thread receives the signals.
class ScopedSignalBlock {
 public:
  ScopedSignalBlock() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, &old_);
  }
  ~ScopedSignalBlock() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }
  ScopedSignalBlock(const ScopedSignalBlock&) = delete;
  ScopedSignalBlock& operator=(const ScopedSignalBlock&) = delete;

  int Wait() const {
    int signal = 0;
    sigwait(&set_, &signal);
    return signal;
  }

 private:
  sigset_t set_{};
  sigset_t old_{};
};

}  // namespace

Result<std::unique_ptr<DevBroker>, KafkaError> DevBroker::Start(int broker_count) {
  if (broker_count < 1) {
    return MakeError(KafkaError{KafkaErrorKind::kInvalidArgument, "need at least one broker"});
  }
  // The handle only hosts the mock; it never connects anywhere, and its
  // "no bootstrap.servers" warning is noise.
  auto conf = MakeConf({{"client.id", "tributary-dev-broker"}, {"log_level", "3"}});
  if (!conf) return MakeError(conf.Error());
  auto rk = NewClient(RD_KAFKA_PRODUCER, std::move(*conf));
  if (!rk) return MakeError(rk.Error());
  std::unique_ptr<DevBroker> broker(new DevBroker());
  broker->rk_ = std::move(*rk);
  broker->cluster_.reset(rd_kafka_mock_cluster_new(broker->rk_.get(), broker_count));
  if (broker->cluster_ == nullptr) {
    return MakeError(KafkaError{KafkaErrorKind::kFailed, "cannot start the mock Kafka cluster"});
  }
  broker->address_ = rd_kafka_mock_cluster_bootstraps(broker->cluster_.get());
  return broker;
}

DevBroker::~DevBroker() = default;

Result<void, KafkaError> DevBroker::CreateTopic(const std::string& topic, int partitions) {
  if (topic.empty() || partitions < 1) {
    return MakeError(
        KafkaError{KafkaErrorKind::kInvalidArgument,
                   fmt::format("invalid topic '{}' with {} partitions", topic, partitions)});
  }
  rd_kafka_resp_err_t err =
      rd_kafka_mock_topic_create(cluster_.get(), topic.c_str(), partitions, /*replication=*/1);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return MakeError(MockError("cannot create " + topic, err));
  return {};
}

Result<void, KafkaError> DevBroker::SetDown() {
  rd_kafka_resp_err_t err = rd_kafka_mock_broker_set_down(cluster_.get(), -1);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return MakeError(MockError("cannot stop brokers", err));
  return {};
}

Result<void, KafkaError> DevBroker::SetUp() {
  rd_kafka_resp_err_t err = rd_kafka_mock_broker_set_up(cluster_.get(), -1);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return MakeError(MockError("cannot start brokers", err));
  return {};
}

Result<void, KafkaError> RunDevBroker(const DevBrokerOptions& options) {
  if (options.partitions < 1) {
    return MakeError(KafkaError{KafkaErrorKind::kInvalidArgument,
                                "the number of partitions must be at least 1"});
  }
  ScopedSignalBlock signals;
  auto broker = DevBroker::Start();
  if (!broker) return MakeError(broker.Error());
  for (const std::string& topic : options.topics) {
    if (auto created = (*broker)->CreateTopic(topic, options.partitions); !created) {
      return MakeError(created.Error());
    }
  }
  // --port (added with the streams walkthrough): librdkafka 2.0.2's mock cannot
  // listen on a chosen port, so a forwarder there relays bootstrap connections
  // to it; the mock advertises its own address, which clients then use.
  std::unique_ptr<TcpForwarder> forwarder;
  std::string address = (*broker)->Address();
  const std::string mock_address = address;
  if (options.port != 0) {
    const std::string first = mock_address.substr(0, mock_address.find(','));
    const size_t colon = first.rfind(':');
    auto started = TcpForwarder::Start(options.port, first.substr(0, colon),
                                       static_cast<uint16_t>(std::stoi(first.substr(colon + 1))));
    if (!started) return MakeError(started.Error());
    forwarder = std::move(*started);
    address = fmt::format("127.0.0.1:{}", options.port);
  }
  if (!options.address_file.empty()) {
    if (auto written = WriteFileAtomically(options.address_file, address); !written) {
      return MakeError(written.Error());
    }
  }
  if (options.print_address) {
    std::fprintf(stdout, "%s\n", address.c_str());
    std::fflush(stdout);
  }
  std::string topics;
  for (const std::string& topic : options.topics) topics += (topics.empty() ? "" : ", ") + topic;
  std::fprintf(stderr,
               "tributary dev-broker: mock Kafka cluster for development and tests only, at %s; "
               "topics: %s (%d partition%s each). Ctrl-C stops it.\n",
               mock_address.c_str(), topics.empty() ? "(none)" : topics.c_str(), options.partitions,
               options.partitions == 1 ? "" : "s");
  if (forwarder != nullptr) {
    std::fprintf(stderr,
                 "tributary dev-broker: bootstrap also through localhost:%u (forwarded to %s; "
                 "clients then connect to %s directly)\n",
                 static_cast<unsigned>(options.port), mock_address.c_str(), mock_address.c_str());
  }
  std::fflush(stderr);
  signals.Wait();
  if (!options.address_file.empty()) {
    std::error_code ignored;
    std::filesystem::remove(options.address_file, ignored);
  }
  return {};
}

}  // namespace tributary::kafka
