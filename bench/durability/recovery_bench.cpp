// Recovery speed: N vertices (one label, two properties) and N edges,
// restored from the WAL alone and from a snapshot. Prints objects/s.
//
//   bench_durability_recovery [N=1000000] [dir=/tmp]

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "storage/durability/durability.hpp"

using namespace tributary;
using namespace tributary::storage;
using Clock = std::chrono::steady_clock;

namespace {

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

}  // namespace

int main(int argc, char** argv) {
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
  std::filesystem::remove_all(dir);
  return 0;
}
