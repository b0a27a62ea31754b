// Recovery speed: N vertices (one label, two properties) and N edges,
// restored from the WAL alone and from a snapshot. Prints objects/s.
//
//   bench_durability_recovery [N=1000000] [dir=/tmp] [keep]
//   bench_durability_recovery --open DATA_DIR [repetitions=1]
//
// `keep` leaves the data dir (snapshot + WAL) in place and prints its path;
// `--open` then only recovers it, so a profiler sees nothing but recovery
// (`perf record -g bench_durability_recovery --open DIR 3`).

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <string>

#include "storage/durability/durability.hpp"

using namespace tributary;
using namespace tributary::storage;
using Clock = std::chrono::steady_clock;

namespace {

/// CPU time of the whole process so far.
double CpuSeconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

durability::DurabilityOptions Options(const std::string& dir) {
  durability::DurabilityOptions o;
  o.data_dir = dir;
  o.wal_sync = durability::SyncPolicy::kNone;
  o.snapshot_on_shutdown = false;
  return o;
}

std::unique_ptr<durability::Durability> Open(const std::string& dir, Storage& s) {
  auto d = durability::Durability::Open(Options(dir), s);
  if (!d) {
    std::fprintf(stderr, "open failed: %s\n", d.Error().message.c_str());
    std::exit(1);
  }
  return std::move(*d);
}

int OpenOnly(const std::string& dir, int repetitions) {
  StorageConfig config;
  config.gc_interval_ms = 0;
  for (int i = 0; i < repetitions; ++i) {
    Storage s(config);
    auto t = Clock::now();
    double cpu = CpuSeconds();
    auto d = Open(dir, s);
    double secs = Since(t);
    cpu = CpuSeconds() - cpu;
    uint64_t objects = s.ApproxVertexCount() + s.ApproxEdgeCount();
    // CPU time is the steadier number on a shared machine (recovery runs on
    // one thread; background threads are idle while it runs).
    std::printf(
        "recover %s: %.2fs, %llu objects, %.0f objects/s; %.2f CPU-s, %.0f objects per CPU-s\n",
        dir.c_str(), secs, static_cast<unsigned long long>(objects),
        static_cast<double>(objects) / secs, cpu, static_cast<double>(objects) / cpu);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 2 && std::string(argv[1]) == "--open") {
    return OpenOnly(argv[2], argc > 3 ? std::stoi(argv[3]) : 1);
  }
  const bool keep = argc > 3 && std::string(argv[3]) == "keep";
  const uint64_t n = argc > 1 ? std::stoull(argv[1]) : 1000000;
  const std::string dir = std::string(argc > 2 ? argv[2] : "/tmp") + "/tributary-recovery-bench-" +
                          std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  StorageConfig config;
  config.gc_interval_ms = 0;
  {
    Storage s(config);
    auto d = Open(dir, s);
    LabelId label = s.LabelIdFor("Item");
    PropertyId id = s.PropertyIdFor("id"), name = s.PropertyIdFor("name");
    EdgeTypeId next = s.EdgeTypeIdFor("NEXT");
    auto t = Clock::now();
    constexpr uint64_t kBatch = 5000;
    for (uint64_t start = 0; start < n; start += kBatch) {
      auto tx = s.Begin();
      std::optional<VertexAccessor> prev;
      for (uint64_t i = start; i < std::min(n, start + kBatch); ++i) {
        auto v = tx->CreateVertex();
        (void)v.AddLabel(label);
        (void)v.SetProperty(id, PropertyValue(static_cast<int64_t>(i)));
        (void)v.SetProperty(name, PropertyValue("item-" + std::to_string(i)));
        (void)tx->CreateEdge(prev ? *prev : v, v, next);
        prev = v;
      }
      if (!tx->Commit()) return 1;
      s.CollectGarbage();
    }
    std::printf("load %llu vertices + %llu edges with WAL: %.2fs\n",
                static_cast<unsigned long long>(n), static_cast<unsigned long long>(n), Since(t));
  }
  {
    Storage s(config);
    auto t = Clock::now();
    auto d = Open(dir, s);
    double secs = Since(t);
    std::printf("recover from WAL only : %.2fs, %.0f objects/s\n", secs, 2.0 * n / secs);
    t = Clock::now();
    auto snap = d->CreateSnapshot();
    if (!snap) return 1;
    std::printf("write snapshot        : %.2fs, %.1f MiB\n", Since(t),
                static_cast<double>(std::filesystem::file_size(snap->path)) / (1 << 20));
  }
  {
    Storage s(config);
    auto t = Clock::now();
    auto d = Open(dir, s);
    double secs = Since(t);
    std::printf("recover from snapshot : %.2fs, %.0f objects/s\n", secs, 2.0 * n / secs);
  }
  if (keep) {
    std::printf("data dir kept: %s\n", dir.c_str());
  } else {
    std::filesystem::remove_all(dir);
  }
  return 0;
}
