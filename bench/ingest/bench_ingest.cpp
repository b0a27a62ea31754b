// Kafka ingest benchmark: how fast does a stream turn a topic into the graph,
// against the floor of consuming and transforming alone?
//
//   bench_ingest [--messages N] [--partitions P] [--data-dir DIR]
//
// Messages of the guide's shape, half `i` (a node) and half `i j` (an edge to
// a node created earlier on the same partition), spread over P partitions
// (librdkafka 2.0.2's mock keeps at most 100,000 messages per partition). The
// broker runs in a child process, so the CPU time measured here is the
// database's. Measured in one run:
//   L_k   a librdkafka consumer reading the topic and doing nothing;
//   L_kp  the same plus the example transform, its results thrown away;
//   R     a stream (default batch settings, CREATE INDEX ON :Node(id) first,
//         WAL synced on commit) from START until the last message is
//         committed; with CPU-seconds per million messages and the latency
//         of each batch's queries+commit and of its commit alone.

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

#include "kafka/consumer.hpp"
#include "kafka/dev_broker.hpp"
#include "kafka/producer.hpp"
#include "python/python_runtime.hpp"
#include "python/transform.hpp"
#include "query/engine.hpp"
#include "storage/durability/durability.hpp"
#include "streams/stream_manager.hpp"

namespace {

using namespace tributary;
using Clock = std::chrono::steady_clock;

constexpr const char* kTopic = "ingest";

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t index = static_cast<size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "bench_ingest: %s\n", what.c_str());
  std::exit(1);
}

// The broker's process: starts the mock, reports its address on `out`, and
// lives until `in` closes (the parent exited or is done).
void RunBrokerChild(int partitions, int in, int out) {
  auto broker = kafka::DevBroker::Start();
  if (!broker) Die(broker.Error().message);
  if (auto created = (*broker)->CreateTopic(kTopic, partitions); !created) {
    Die(created.Error().message);
  }
  const std::string line = (*broker)->Address() + "\n";
  if (write(out, line.data(), line.size()) < 0) Die("cannot report the broker address");
  char byte;
  while (read(in, &byte, 1) > 0) {
  }
}

// Node `k` and its edge go to partition k % partitions, the node first, so
// the edge (to node k - partitions, or to itself for the first ones) always
// finds both ends.
void Produce(const std::string& broker, int64_t messages, int partitions) {
  auto producer = kafka::Producer::Create(broker, {{"linger.ms", "20"},
                                                   {"queue.buffering.max.messages", "1000000"},
                                                   {"batch.num.messages", "10000"}});
  if (!producer) Die(producer.Error().message);
  const int64_t nodes = messages / 2;
  for (int64_t k = 0; k < nodes; ++k) {
    const int32_t partition = static_cast<int32_t>(k % partitions);
    const std::string id = std::to_string(k);
    const std::string to = std::to_string(k >= partitions ? k - partitions : k);
    if (!(*producer)->Produce(kTopic, partition, id)) Die("produce failed");
    if (!(*producer)->Produce(kTopic, partition, id + " " + to)) Die("produce failed");
  }
  if (auto flushed = (*producer)->Flush(120'000); !flushed) Die(flushed.Error().message);
}

std::unique_ptr<kafka::Consumer> StartConsumer(const std::string& broker,
                                               const std::string& group) {
  kafka::ConsumerOptions o;
  o.brokers = broker;
  o.topic = kTopic;
  o.group_id = group;
  o.read_only = true;
  auto consumer = kafka::Consumer::Create(o);
  if (!consumer) Die(consumer.Error().message);
  if (auto started = (*consumer)->Start({}); !started) Die(started.Error().message);
  return std::move(*consumer);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Messages per second of consuming (and, with `transform`, transforming).
double MeasureConsumer(const std::string& broker, int64_t messages, python::Transform* transform) {
  const auto start = Clock::now();
  auto consumer = StartConsumer(broker, transform ? "bench-lkp" : "bench-lk");
  int64_t seen = 0;
  size_t produced = 0;
  std::vector<std::string_view> values;
  while (seen < messages) {
    auto batch = consumer->PollBatch(1000, 100);
    if (!batch) Die(batch.Error().message);
    seen += static_cast<int64_t>(batch->messages.size());
    if (transform != nullptr && !batch->messages.empty()) {
      values.clear();
      for (const auto& m : batch->messages) values.emplace_back(m.value);
      auto queries = transform->Call(values);
      if (!queries) Die(queries.Error().message);
      produced += queries->size();
    }
  }
  const double seconds = Seconds(Clock::now() - start);
  if (transform != nullptr && produced != static_cast<size_t>(messages)) {
    Die("the transform produced " + std::to_string(produced) + " queries");
  }
  return static_cast<double>(messages) / seconds;
}

class Handler final : public query::SystemHandler {
 public:
  explicit Handler(streams::StreamManager& m) : m_(m) {}
  query::ResultTable ExecuteStreamStatement(const cypher::Statement& s) override {
    return m_.Execute(s);
  }
  void CreateSnapshot() override {}

 private:
  streams::StreamManager& m_;
};

int64_t Count(query::QueryEngine& engine, const std::string& text) {
  query::Session session(engine);
  int64_t value = -1;
  session.Run(text, {})->Pull(-1, [&](query::QueryResult::Row&& row) { value = row[0].AsInt(); });
  return value;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t messages = 1'000'000;
  int partitions = 32;
  std::string data_dir;
  bool stream_only = false;  // Skip L_k and L_kp (for profiling R alone).
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--messages") {
      messages = std::stoll(argv[i + 1]);
    } else if (flag == "--partitions") {
      partitions = std::stoi(argv[i + 1]);
    } else if (flag == "--data-dir") {
      data_dir = argv[i + 1];
    } else if (flag == "--stream-only") {
      stream_only = std::string(argv[i + 1]) == "1";
    } else {
      Die("usage: bench_ingest [--messages N] [--partitions P] [--data-dir DIR] [--stream-only 1]");
    }
  }
  if (messages / partitions > 100'000) Die("more than 100,000 messages per partition");

  // The broker first, while this process has a single thread (fork).
  int to_child[2];
  int from_child[2];
  if (pipe(to_child) != 0 || pipe(from_child) != 0) Die("pipe");
  const pid_t child = fork();
  if (child == 0) {
    close(to_child[1]);
    close(from_child[0]);
    RunBrokerChild(partitions, to_child[0], from_child[1]);
    _exit(0);
  }
  close(to_child[0]);
  close(from_child[1]);
  std::string broker;
  char c;
  while (read(from_child[0], &c, 1) == 1 && c != '\n') broker.push_back(c);
  if (broker.empty()) Die("the broker did not start");

  std::printf(
      "bench_ingest: %lld messages (half nodes, half edges) over %d partitions, broker %s\n",
      static_cast<long long>(messages), partitions, broker.c_str());
  auto produce_start = Clock::now();
  Produce(broker, messages, partitions);
  std::printf("produced in %.1f s\n", Seconds(Clock::now() - produce_start));

  auto runtime = python::PythonRuntime::Start();
  if (!runtime) Die(runtime.Error());
  const std::string script_path = TRIBUTARY_EXAMPLES_DIR "/transform.py";
  const std::string script = ReadFile(script_path);

  double lk = 0;
  double lkp = 0;
  if (!stream_only) {
    lk = MeasureConsumer(broker, messages, nullptr);
    std::printf("L_k  (consume only):            %10.0f messages/s\n", lk);
    auto transform = python::Transform::Load("bench", script);
    if (!transform) Die(transform.Error().message);
    lkp = MeasureConsumer(broker, messages, transform->get());
    std::printf("L_kp (consume + transform):     %10.0f messages/s\n", lkp);
  }

  // R: the real thing, durable.
  bool own_dir = data_dir.empty();
  if (own_dir) {
    std::string pattern = (std::filesystem::current_path() / "bench-ingest-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) Die("mkdtemp");
    data_dir = pattern;
  }
  double r = 0;
  double cpu_per_million = 0;
  streams::StreamState::Timings timings;
  int64_t nodes = 0;
  int64_t edges = 0;
  {
    storage::Storage storage;
    storage::durability::DurabilityOptions d;
    d.data_dir = data_dir;
    d.wal_sync = storage::durability::SyncPolicy::kCommit;
    d.snapshot_on_shutdown = false;
    auto durability = storage::durability::Durability::Open(d, storage);
    if (!durability) Die(durability.Error().message);
    query::QueryEngine engine(storage, query::EngineOptions{});
    streams::StreamManager manager(engine, streams::StreamManagerOptions{});
    Handler handler(manager);
    engine.SetSystemHandler(&handler);
    query::Session session(engine);
    session.Run("CREATE INDEX ON :Node(id)", {})->Discard();
    session
        .Run("CREATE STREAM bench AS LOAD DATA KAFKA '" + broker + "' WITH TOPIC '" + kTopic +
                 "' WITH TRANSFORM '" + script_path + "'",
             {})
        ->Discard();
    const double cpu_start = CpuSeconds();
    const auto start = Clock::now();
    session.Run("START STREAM bench", {})->Discard();
    while (true) {
      auto info = manager.Info("bench");
      if (info->progress.messages >= static_cast<uint64_t>(messages)) break;
      if (info->state.status == streams::StreamStatus::kError) Die(info->state.last_error);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    const double seconds = Seconds(Clock::now() - start);
    cpu_per_million = (CpuSeconds() - cpu_start) / (static_cast<double>(messages) / 1e6);
    r = static_cast<double>(messages) / seconds;
    timings = manager.Info("bench")->timings;
    session.Run("STOP STREAM bench", {})->Discard();
    nodes = Count(engine, "MATCH (n:Node) RETURN count(n)");
    edges = Count(engine, "MATCH ()-[e:Edge]->() RETURN count(e)");
    manager.Shutdown();
    (*durability)->Shutdown();
  }
  if (own_dir) std::filesystem::remove_all(data_dir);
  if (nodes != messages / 2 || edges != messages / 2) {
    Die("graph has " + std::to_string(nodes) + " nodes and " + std::to_string(edges) + " edges");
  }

  const double apply_total = std::accumulate(timings.apply_ms.begin(), timings.apply_ms.end(), 0.0);
  const double commit_total =
      std::accumulate(timings.commit_ms.begin(), timings.commit_ms.end(), 0.0);
  std::printf(
      "R    (stream, end to end):      %10.0f messages/s   (%zu batches; graph: %lld nodes, "
      "%lld edges)\n",
      r, timings.apply_ms.size(), static_cast<long long>(nodes), static_cast<long long>(edges));
  if (lkp > 0) std::printf("R/L_kp:                         %10.2f\n", r / lkp);
  std::printf("CPU-seconds per million messages: %8.2f\n", cpu_per_million);
  std::printf("batch queries+commit latency:   p50 %.1f ms, p99 %.1f ms (total %.1f s)\n",
              Percentile(timings.apply_ms, 0.5), Percentile(timings.apply_ms, 0.99),
              apply_total / 1000);
  std::printf("batch commit latency:           p50 %.2f ms, p99 %.2f ms (total %.1f s)\n",
              Percentile(timings.commit_ms, 0.5), Percentile(timings.commit_ms, 0.99),
              commit_total / 1000);

  close(to_child[1]);
  waitpid(child, nullptr, 0);
  return 0;
}
