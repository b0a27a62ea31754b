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

/// Writer-preferring reader-writer spinlock in 4 bytes: bit 0 is the
/// writer, the rest counts readers. Guards index structures, whose critical
/// sections are one B+tree descent plus a short copy. Satisfies
/// SharedLockable.
class SharedSpinLock {
 public:
  void lock_shared() {
    while (true) {
      uint32_t v = s_.fetch_add(kReader, std::memory_order_acquire);
      if ((v & kWriter) == 0) return;
      s_.fetch_sub(kReader, std::memory_order_relaxed);
      Wait([this] { return (s_.load(std::memory_order_relaxed) & kWriter) != 0; });
    }
  }
  void unlock_shared() { s_.fetch_sub(kReader, std::memory_order_release); }
  void lock() {
    // Claim the writer bit (new readers back off), then wait for readers.
    while ((s_.fetch_or(kWriter, std::memory_order_acquire) & kWriter) != 0) {
      Wait([this] { return (s_.load(std::memory_order_relaxed) & kWriter) != 0; });
    }
    Wait([this] { return (s_.load(std::memory_order_acquire) & ~kWriter) != 0; });
  }
  void unlock() { s_.fetch_and(~kWriter, std::memory_order_release); }

 private:
  static constexpr uint32_t kWriter = 1;
  static constexpr uint32_t kReader = 2;
  template <typename Busy>
  static void Wait(Busy&& busy) {
    for (int spins = 0; busy(); ++spins) {
      if (spins < 64) {
#if defined(__x86_64__)
        __builtin_ia32_pause();
#endif
      } else {
        std::this_thread::yield();
      }
    }
  }
  std::atomic<uint32_t> s_{0};
};

}  // namespace tributary::storage
