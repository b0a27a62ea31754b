#pragma once
// A one-byte spinlock guarding one vertex or edge. Critical sections are a
// few hundred instructions at most (copying or mutating one object), so
// spinning is cheaper than parking a thread.

#include <atomic>
#include <cstdint>
#include <thread>

namespace tributary::storage {

/// Test-and-test-and-set lock in one byte. Satisfies Lockable.
class SpinLock {
 public:
  void lock() {
    while (v_.exchange(1, std::memory_order_acquire) != 0) {
      // Spin briefly, then yield: with more threads than cores the holder
      // may be descheduled, and spinning would only delay it.
      for (int spins = 0; v_.load(std::memory_order_relaxed) != 0; ++spins) {
        if (spins < 64) {
#if defined(__x86_64__)
          __builtin_ia32_pause();
#endif
        } else {
          std::this_thread::yield();
        }
      }
    }
  }
  bool try_lock() { return v_.exchange(1, std::memory_order_acquire) == 0; }
  void unlock() { v_.store(0, std::memory_order_release); }

 private:
  std::atomic<uint8_t> v_{0};
};
static_assert(sizeof(SpinLock) == 1);

}  // namespace tributary::storage
