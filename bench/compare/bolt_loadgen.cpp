// The Tributary side of `make bench-compare` (see bench/README.md and
// docs/adr/013-bench-compare.md): a data generator and a Bolt load generator
// on the project's own synchronous client (src/bolt/client.hpp).
//
//   bench_compare_bolt gen --nodes N --edges M --seed S --out DIR
//       writes DIR/nodes.csv (id,name) and DIR/edges.csv (src,dst): ids
//       0..N-1, names "name-<id>", M edges between uniformly random distinct
//       nodes (no self-loops), from a splitmix64 stream seeded with S.
//   bench_compare_bolt load --port P --dir DIR [--batch 10000]
//       CREATE INDEX ON :Node(id), then the nodes and the edges through
//       `UNWIND $rows AS r CREATE ...` / `UNWIND $rows AS r MATCH ... CREATE`
//       in batches; prints one JSON line per phase.
//   bench_compare_bolt run --port P --query Q --param KIND --range N
//                          --clients C [--threads T] [--seconds S | --iterations K]
//                          [--warmup-seconds W] [--runs R] [--seed S]
//       runs Q as auto-commit queries from C connections, each with one
//       query in flight, served by T threads (default min(C, 2), as
//       bench-compare runs pgbench with -j min(C, 2)) that poll() their
//       connections: a thread sends a connection's next query as soon as
//       the answer to its last one is read;
//       KIND is `id` ($id uniform in [0, N)), `pair` ($from, $to uniform in
//       [0, N)), `new` ($id unique and >= N) or `none`. Prints one JSON line
//       per measured run: ops, seconds, ops_per_s, p50/p90/p99 in ms, and
//       how many transient errors (write conflicts) were retried.
//   bench_compare_bolt query --port P Q
//       runs one query, prints each row as a JSON array of numbers/strings.
//
// Exit codes: 0 success; 1 a failed query or connection; 2 bad usage.

#include <poll.h>
#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bolt/client.hpp"

namespace tributary::benchcompare {
namespace {

using Clock = std::chrono::steady_clock;
using bolt::Client;
using bolt::List;
using bolt::Map;
using bolt::Value;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "bench_compare_bolt: %s\n", what.c_str());
  std::exit(1);
}

/// splitmix64: small, fast, and the same stream on every machine.
struct SplitMix64 {
  uint64_t state;
  uint64_t Next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  int64_t Below(int64_t n) { return static_cast<int64_t>(Next() % static_cast<uint64_t>(n)); }
};

std::unique_ptr<Client> ConnectOrDie(uint16_t port) {
  bolt::ClientOptions options;
  options.port = port;
  options.timeout = std::chrono::milliseconds(600000);
  auto client = Client::Connect(options);
  if (!client) Die("connect to 127.0.0.1:" + std::to_string(port) + ": " + client.Error().message);
  return std::move(*client);
}

bolt::QueryResult ExecuteOrDie(Client& client, const std::string& query, const Map& params = {}) {
  auto result = client.Execute(query, params);
  if (!result) Die("query failed: " + result.Error().code + " " + result.Error().message);
  return std::move(*result);
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

int Generate(int64_t nodes, int64_t edges, uint64_t seed, const std::string& out) {
  if (nodes < 2) Die("gen needs at least 2 nodes");
  std::filesystem::create_directories(out);
  {
    std::FILE* f = std::fopen((out + "/nodes.csv").c_str(), "w");
    if (f == nullptr) Die("cannot write " + out + "/nodes.csv");
    std::fputs("id,name\n", f);
    for (int64_t i = 0; i < nodes; ++i) std::fprintf(f, "%" PRId64 ",name-%" PRId64 "\n", i, i);
    if (std::fclose(f) != 0) Die("write nodes.csv");
  }
  {
    std::FILE* f = std::fopen((out + "/edges.csv").c_str(), "w");
    if (f == nullptr) Die("cannot write " + out + "/edges.csv");
    std::fputs("src,dst\n", f);
    SplitMix64 rng{seed};
    for (int64_t i = 0; i < edges; ++i) {
      const int64_t src = rng.Below(nodes);
      int64_t dst = rng.Below(nodes - 1);
      if (dst >= src) ++dst;  // uniform over the other nodes: no self-loops
      std::fprintf(f, "%" PRId64 ",%" PRId64 "\n", src, dst);
    }
    if (std::fclose(f) != 0) Die("write edges.csv");
  }
  std::printf("{\"nodes\": %" PRId64 ", \"edges\": %" PRId64 ", \"seed\": %" PRIu64 "}\n", nodes,
              edges, seed);
  return 0;
}

// Sends `query` with $rows built from the CSV at `path` (two integer columns,
// or an integer and a string), `batch` rows at a time.
int64_t LoadCsv(Client& client, const std::string& path, const std::string& query,
                const std::string& first, const std::string& second, bool second_is_string,
                int64_t batch) {
  std::ifstream in(path);
  if (!in) Die("cannot read " + path);
  std::string line;
  std::getline(in, line);  // header
  List rows;
  rows.reserve(static_cast<size_t>(batch));
  int64_t total = 0;
  auto flush = [&] {
    if (rows.empty()) return;
    ExecuteOrDie(client, query, Map{{"rows", Value(std::move(rows))}});
    rows = List();
    rows.reserve(static_cast<size_t>(batch));
  };
  while (std::getline(in, line)) {
    const size_t comma = line.find(',');
    if (comma == std::string::npos) Die("bad line in " + path + ": " + line);
    Map row;
    row.AppendUnchecked(first, Value(static_cast<int64_t>(std::stoll(line.substr(0, comma)))));
    if (second_is_string) {
      row.AppendUnchecked(second, Value(line.substr(comma + 1)));
    } else {
      row.AppendUnchecked(second, Value(static_cast<int64_t>(std::stoll(line.substr(comma + 1)))));
    }
    rows.emplace_back(std::move(row));
    ++total;
    if (static_cast<int64_t>(rows.size()) == batch) flush();
  }
  flush();
  return total;
}

int Load(uint16_t port, const std::string& dir, int64_t batch) {
  auto client = ConnectOrDie(port);
  ExecuteOrDie(*client, "CREATE INDEX ON :Node(id)");
  auto start = Clock::now();
  const int64_t nodes = LoadCsv(*client, dir + "/nodes.csv",
                                "UNWIND $rows AS r CREATE (:Node {id: r.id, name: r.name})", "id",
                                "name", true, batch);
  const double node_seconds = Seconds(Clock::now() - start);
  std::printf("{\"phase\": \"nodes\", \"rows\": %" PRId64 ", \"seconds\": %.6f}\n", nodes,
              node_seconds);
  std::fflush(stdout);
  start = Clock::now();
  const int64_t edges =
      LoadCsv(*client, dir + "/edges.csv",
              "UNWIND $rows AS r MATCH (a:Node {id: r.src}), (b:Node {id: r.dst}) "
              "CREATE (a)-[:Edge]->(b)",
              "src", "dst", false, batch);
  const double edge_seconds = Seconds(Clock::now() - start);
  std::printf("{\"phase\": \"edges\", \"rows\": %" PRId64 ", \"seconds\": %.6f}\n", edges,
              edge_seconds);
  client->Close();
  return 0;
}

struct RunOptions {
  uint16_t port = 0;
  std::string query;
  std::string param = "id";
  int64_t range = 1;
  int clients = 1;
  int threads = 0;  // 0: min(clients, 2)
  double seconds = 2;
  int64_t iterations = 0;  // > 0: a fixed number of queries per client instead of --seconds
  double warmup_seconds = 1;
  int runs = 5;
  uint64_t seed = 42;
};

double Percentile(std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const size_t index =
      std::min(sorted.size() - 1, static_cast<size_t>(q * static_cast<double>(sorted.size())));
  return sorted[index];
}

int Run(const RunOptions& o) {
  std::vector<std::unique_ptr<Client>> clients;
  for (int c = 0; c < o.clients; ++c) clients.push_back(ConnectOrDie(o.port));
  // Unique ids for `new`: each client counts up from its own block, above the range.
  std::vector<int64_t> next_new(static_cast<size_t>(o.clients));
  for (int c = 0; c < o.clients; ++c) {
    next_new[static_cast<size_t>(c)] = o.range + static_cast<int64_t>(c) * (int64_t{1} << 40);
  }
  std::vector<SplitMix64> rngs;
  for (int c = 0; c < o.clients; ++c) rngs.push_back(SplitMix64{o.seed * 1000003 + c});

  // One phase: every client runs queries until the deadline (or its
  // iterations); returns per-query latencies in ms and the wall time.
  auto phase = [&](double seconds, int64_t iterations, std::vector<double>* latencies,
                   int64_t* retried) {
    std::vector<std::vector<double>> per_client(static_cast<size_t>(o.clients));
    std::vector<int64_t> retries(static_cast<size_t>(o.clients));
    std::atomic<bool> failed{false};
    std::string failure;
    std::mutex failure_mutex;
    const auto start = Clock::now();
    const auto deadline =
        start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    auto fail = [&](const bolt::ClientError& e) {
      std::lock_guard lock(failure_mutex);
      failure = e.code + " " + e.message;
      failed = true;
    };
    const int nthreads =
        std::clamp(o.threads > 0 ? o.threads : std::min(o.clients, 2), 1, o.clients);
    std::vector<std::thread> threads;
    for (int t = 0; t < nthreads; ++t) {
      threads.emplace_back([&, t] {
        // One query in flight per connection; this thread owns connections
        // t, t + nthreads, ...
        struct Slot {
          int c = 0;
          bool active = false;
          int64_t done = 0;
          Map params;
          Clock::time_point t0;
          std::chrono::microseconds pause{10};
          Clock::time_point give_up;
        };
        std::vector<Slot> slots;
        for (int c = t; c < o.clients; c += nthreads) {
          Slot slot;
          slot.c = c;
          slots.push_back(std::move(slot));
        }
        auto start_next = [&](Slot& s) {
          s.active = false;
          if (failed.load(std::memory_order_relaxed)) return;
          if (iterations > 0 ? s.done >= iterations : Clock::now() >= deadline) return;
          auto& rng = rngs[static_cast<size_t>(s.c)];
          if (o.param == "id") {
            s.params = Map{{"id", Value(rng.Below(o.range))}};
          } else if (o.param == "pair") {
            s.params = Map{{"from", Value(rng.Below(o.range))}, {"to", Value(rng.Below(o.range))}};
          } else if (o.param == "new") {
            s.params = Map{{"id", Value(next_new[static_cast<size_t>(s.c)]++)}};
          }
          s.t0 = Clock::now();
          s.pause = std::chrono::microseconds(10);
          s.give_up = s.t0 + std::chrono::seconds(10);
          if (auto r = clients[static_cast<size_t>(s.c)]->SendExecute(o.query, s.params); !r) {
            return fail(r.Error());
          }
          s.active = true;
        };
        for (auto& s : slots) start_next(s);
        std::vector<pollfd> fds;
        std::vector<Slot*> polled;
        for (;;) {
          fds.clear();
          polled.clear();
          Slot* buffered = nullptr;
          for (auto& s : slots) {
            if (!s.active) continue;
            if (clients[static_cast<size_t>(s.c)]->HasBufferedInput()) buffered = &s;
            fds.push_back(pollfd{clients[static_cast<size_t>(s.c)]->fd(), POLLIN, 0});
            polled.push_back(&s);
          }
          if (polled.empty()) break;
          if (buffered == nullptr) {
            int n = ::poll(fds.data(), fds.size(), 1000);
            if (n < 0 && errno != EINTR) Die(std::string("poll: ") + std::strerror(errno));
            if (n <= 0) continue;
          }
          for (size_t i = 0; i < polled.size(); ++i) {
            Slot& s = *polled[i];
            if (&s != buffered && (fds[i].revents & (POLLIN | POLLERR | POLLHUP)) == 0) continue;
            auto& client = *clients[static_cast<size_t>(s.c)];
            auto result = client.ReceiveExecute();
            if (!result && result.Error().kind == bolt::ClientError::Kind::kServer &&
                result.Error().code.find("TransientError") != std::string::npos &&
                Clock::now() < s.give_up) {
              // A write conflict: retried with a growing pause (10 us
              // doubling to 1 ms, for up to 10 s), as Neo4j drivers retry
              // transactions, since the conflicting commit may still wait
              // for its fdatasync. The latency includes the retries and the
              // run reports how many there were. (The pause holds up this
              // thread's other connections; conflicts are rare here.)
              retries[static_cast<size_t>(s.c)]++;
              std::this_thread::sleep_for(s.pause);
              s.pause = std::min(2 * s.pause, std::chrono::microseconds(1000));
              if (auto r = client.SendExecute(o.query, s.params); !r) {
                s.active = false;
                fail(r.Error());
              }
              continue;
            }
            if (!result) {
              s.active = false;
              fail(result.Error());
              continue;
            }
            per_client[static_cast<size_t>(s.c)].push_back(
                std::chrono::duration<double, std::milli>(Clock::now() - s.t0).count());
            ++s.done;
            start_next(s);
          }
        }
      });
    }
    for (auto& t : threads) t.join();
    const double wall = Seconds(Clock::now() - start);
    if (failed) Die("query failed: " + failure);
    latencies->clear();
    for (auto& v : per_client) latencies->insert(latencies->end(), v.begin(), v.end());
    *retried = 0;
    for (int64_t r : retries) *retried += r;
    return wall;
  };

  std::vector<double> latencies;
  int64_t retried = 0;
  // Warm-up: --warmup-seconds of queries, or with --iterations one round of
  // them; none when --warmup-seconds is 0.
  if (o.warmup_seconds > 0) {
    phase(o.warmup_seconds, o.iterations > 0 ? o.iterations : 0, &latencies, &retried);
  }
  for (int r = 0; r < o.runs; ++r) {
    const double wall = phase(o.seconds, o.iterations, &latencies, &retried);
    std::sort(latencies.begin(), latencies.end());
    std::printf(
        "{\"run\": %d, \"clients\": %d, \"ops\": %zu, \"seconds\": %.6f, \"ops_per_s\": %.3f, "
        "\"p50_ms\": %.4f, \"p90_ms\": %.4f, \"p99_ms\": %.4f, \"retries\": %" PRId64 "}\n",
        r, o.clients, latencies.size(), wall, static_cast<double>(latencies.size()) / wall,
        Percentile(latencies, 0.50), Percentile(latencies, 0.90), Percentile(latencies, 0.99),
        retried);
    std::fflush(stdout);
  }
  for (auto& c : clients) c->Close();
  return 0;
}

std::string Json(const Value& v) {
  if (v.IsInt()) return std::to_string(v.AsInt());
  if (v.type() == bolt::ValueType::kFloat) return std::to_string(v.AsFloat());
  if (v.type() == bolt::ValueType::kString) {
    std::string out = "\"";
    for (char ch : v.AsString()) {
      if (ch == '"' || ch == '\\') out.push_back('\\');
      out.push_back(ch);
    }
    return out + "\"";
  }
  if (v.type() == bolt::ValueType::kNull) return "null";
  return "\"<" + std::to_string(static_cast<int>(v.type())) + ">\"";
}

int Query(uint16_t port, const std::string& query) {
  auto client = ConnectOrDie(port);
  auto result = ExecuteOrDie(*client, query);
  for (const auto& row : result.rows) {
    std::string line = "[";
    for (size_t i = 0; i < row.size(); ++i) line += (i ? ", " : "") + Json(row[i]);
    std::printf("%s]\n", line.c_str());
  }
  client->Close();
  return 0;
}

}  // namespace
}  // namespace tributary::benchcompare

int main(int argc, char** argv) {
  using namespace tributary::benchcompare;
  CLI::App app{"Tributary's side of make bench-compare: data generator and Bolt load generator"};
  app.require_subcommand(1);

  int64_t nodes = 1000000;
  int64_t edges = 10000000;
  uint64_t seed = 42;
  std::string out;
  auto* gen = app.add_subcommand("gen", "write nodes.csv and edges.csv");
  gen->add_option("--nodes", nodes);
  gen->add_option("--edges", edges);
  gen->add_option("--seed", seed);
  gen->add_option("--out", out)->required();

  uint16_t port = 0;
  std::string dir;
  int64_t batch = 10000;
  auto* load = app.add_subcommand("load", "load the CSVs through UNWIND over Bolt");
  load->add_option("--port", port)->required();
  load->add_option("--dir", dir)->required();
  load->add_option("--batch", batch);

  RunOptions ro;
  auto* run = app.add_subcommand("run", "measure one query from C connections");
  run->add_option("--port", ro.port)->required();
  run->add_option("--query", ro.query)->required();
  run->add_option("--param", ro.param)->check(CLI::IsMember({"id", "pair", "new", "none"}));
  run->add_option("--range", ro.range);
  run->add_option("--clients", ro.clients);
  run->add_option("--threads", ro.threads,
                  "client threads polling the connections (default min(clients, 2), like "
                  "pgbench -j)");
  run->add_option("--seconds", ro.seconds);
  run->add_option("--iterations", ro.iterations);
  run->add_option("--warmup-seconds", ro.warmup_seconds);
  run->add_option("--runs", ro.runs);
  run->add_option("--seed", ro.seed);

  std::string text;
  auto* query = app.add_subcommand("query", "run one query and print its rows");
  query->add_option("--port", port)->required();
  query->add_option("query", text)->required();

  CLI11_PARSE(app, argc, argv);
  if (*gen) return Generate(nodes, edges, seed, out);
  if (*load) return Load(port, dir, batch);
  if (*run) return Run(ro);
  if (*query) return Query(port, text);
  return 2;
}
