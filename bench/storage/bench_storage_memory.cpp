// Resident memory per vertex and per edge: RSS (from /proc/self/statm)
// before and after loading 1M vertices (one label, one int property) and
// then 10M property-less edges between random vertices. Garbage collection
// runs every 10 transactions, as the background collector would.

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <vector>

#include "storage/storage.hpp"
#include "storage/storage_impl.hpp"

namespace {

uint64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0;
  uint64_t resident = 0;
  statm >> size >> resident;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tributary;
  using namespace tributary::storage;
  const int64_t vertices = argc > 1 ? std::atoll(argv[1]) : 1'000'000;
  const int64_t edges = argc > 2 ? std::atoll(argv[2]) : 10'000'000;
  StorageConfig config;
  config.gc_interval_ms = 0;
  Storage db(config);
  LabelId label = db.LabelIdFor("Person");
  PropertyId prop = db.PropertyIdFor("id");
  EdgeTypeId type = db.EdgeTypeIdFor("KNOWS");

  uint64_t rss0 = ResidentBytes();
  auto start = std::chrono::steady_clock::now();
  std::vector<Gid> gids;
  gids.reserve(vertices);
  int txns = 0;
  for (int64_t base = 0; base < vertices; base += 1000) {
    auto tx = db.Begin();
    for (int64_t i = base; i < std::min(vertices, base + 1000); ++i) {
      auto v = tx->CreateVertex();
      (void)v.AddLabel(label);
      (void)v.SetProperty(prop, PropertyValue(i));
      gids.push_back(v.gid());
    }
    (void)tx->Commit();
    if (++txns % 10 == 0) db.CollectGarbage();
  }
  db.CollectGarbage();
  db.CollectGarbage();
  double vertex_secs = Seconds(start);
  // The gid vector is the benchmark's own; leave it out of the store's bytes.
  uint64_t rss1 = ResidentBytes() - gids.capacity() * sizeof(Gid);

  start = std::chrono::steady_clock::now();
  std::mt19937_64 rng(5);
  for (int64_t base = 0; base < edges; base += 10'000) {
    auto tx = db.Begin();
    for (int64_t i = base; i < std::min(edges, base + 10'000); ++i) {
      auto from = tx->FindVertex(gids[rng() % vertices], View::kNew);
      auto to = tx->FindVertex(gids[rng() % vertices], View::kNew);
      (void)tx->CreateEdge(*from, *to, type);
    }
    (void)tx->Commit();
    if (++txns % 10 == 0) db.CollectGarbage();
  }
  db.CollectGarbage();
  db.CollectGarbage();
  double edge_secs = Seconds(start);
  uint64_t rss2 = ResidentBytes() - gids.capacity() * sizeof(Gid);

  auto stats = db.impl().Stats();
  std::printf("vertices: %lld in %.2f s, edges: %lld in %.2f s\n", static_cast<long long>(vertices),
              vertex_secs, static_cast<long long>(edges), edge_secs);
  std::printf("rss: before %.1f MiB, after vertices %.1f MiB, after edges %.1f MiB\n",
              rss0 / 1048576.0, rss1 / 1048576.0, rss2 / 1048576.0);
  std::printf("bytes/vertex: %.1f\n", static_cast<double>(rss1 - rss0) / vertices);
  std::printf("bytes/edge: %.1f\n", static_cast<double>(rss2 - rss1) / edges);
  std::printf("live deltas after gc: %llu\n", static_cast<unsigned long long>(stats.live_deltas));
  return 0;
}
