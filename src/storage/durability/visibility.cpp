#include "storage/durability/visibility.hpp"

#include <chrono>
#include <thread>

#include "storage/storage_impl.hpp"

namespace tributary::storage::durability {

void WaitUntilVisible(Storage& storage, uint64_t commit_ts) {
  // Storage::Begin starts at watermark + 1 and sees commits with ts below
  // that; the watermark passes commit_ts once every older commit finished.
  auto& watermark = storage.impl().watermark;
  for (int spins = 0; watermark.load(std::memory_order_acquire) < commit_ts; ++spins) {
    if (spins < 64) {
      std::this_thread::yield();
    } else {
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  }
}

}  // namespace tributary::storage::durability
