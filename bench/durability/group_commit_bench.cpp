// Group commit benchmark: single-vertex write transactions with
// --wal-sync=commit against a real Storage and a real disk, 1 writer vs 8
// concurrent writers. Prints commits/s and fdatasyncs per commit.
//
//   bench_durability_group_commit [seconds-per-run=2] [dir=/tmp]

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "storage/durability/durability.hpp"

using namespace tributary;
using namespace tributary::storage;

namespace {

struct RunResult {
  double commits_per_second;
  double syncs_per_commit;
};

RunResult Run(int writers, double seconds, const std::string& base) {
  std::string dir = base + "/tributary-group-commit-" + std::to_string(::getpid()) + "-" +
                    std::to_string(writers);
  std::filesystem::remove_all(dir);
  StorageConfig config;
  config.gc_interval_ms = 100;
  Storage storage(config);
  durability::DurabilityOptions options;
  options.data_dir = dir;
  options.snapshot_on_shutdown = false;
  auto d = durability::Durability::Open(options, storage);
  if (!d) {
    std::fprintf(stderr, "open failed: %s\n", d.Error().message.c_str());
    std::exit(1);
  }
  PropertyId key = storage.PropertyIdFor("n");
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> commits{0};
  uint64_t syncs_before = d.Value()->wal().sync_count();
  std::vector<std::thread> threads;
  auto start = std::chrono::steady_clock::now();
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&] {
      for (int64_t i = 0; !stop.load(std::memory_order_relaxed); ++i) {
        auto tx = storage.Begin();
        auto v = tx->CreateVertex();
        (void)v.SetProperty(key, PropertyValue(i));
        if (tx->Commit()) commits.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : threads) t.join();
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  uint64_t syncs = d.Value()->wal().sync_count() - syncs_before;
  d.Value()->Shutdown();
  std::filesystem::remove_all(dir);
  double n = static_cast<double>(commits.load());
  return {n / elapsed, n > 0 ? static_cast<double>(syncs) / n : 0};
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = argc > 1 ? std::stod(argv[1]) : 2.0;
  std::string dir = argc > 2 ? argv[2] : "/tmp";
  std::printf(
      "group commit, --wal-sync=commit, single-vertex transactions, %.1fs per run, dir %s\n",
      seconds, dir.c_str());
  RunResult one = Run(1, seconds, dir);
  std::printf("1 writer : %10.0f commits/s  (%.2f fdatasync per commit)\n", one.commits_per_second,
              one.syncs_per_commit);
  RunResult eight = Run(8, seconds, dir);
  std::printf("8 writers: %10.0f commits/s  (%.2f fdatasync per commit)\n",
              eight.commits_per_second, eight.syncs_per_commit);
  std::printf("speed-up : %.1fx\n", eight.commits_per_second / one.commits_per_second);
  return 0;
}
