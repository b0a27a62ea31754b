#pragma once
// Interrupts Python calls that exceed their time limit. Internal to
// tributary_python (includes Python.h).
//
// CPython 3.11 runs Py_AddPendingCall callbacks only in the main thread, and
// transforms run in stream threads, so the watchdog uses
// PyThreadState_SetAsyncExc, which raises an exception in a given thread the
// next time that thread's bytecode loop checks for pending work (at the latest
// at a backward jump, i.e. every loop iteration). Code blocked inside a C
// function (time.sleep, a socket read) is interrupted when it returns to
// bytecode.

#include "python/py_object.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>

namespace tributary::python {

/// A thread that raises `TransformTimeout` in Python threads whose armed
/// deadline passed, and again every kRepeat until they disarm (a script that
/// catches it cannot keep running). Thread-safe.
class Watchdog {
 public:
  /// How often a deadline fires again while the call has not returned.
  static constexpr std::chrono::milliseconds kRepeat{250};

  /// Starts the thread. `timeout_type` is the exception class to raise.
  explicit Watchdog(PyRef timeout_type);
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;
  /// REQUIRES: Stop() was called, and the GIL is held (drops `timeout_type`).
  ~Watchdog();

  /// Stops the thread. REQUIRES: the calling thread does not hold the GIL (the
  /// watchdog may be waiting for it).
  void Stop();

  /// Arms a deadline for the calling thread; returns a token for Disarm().
  /// REQUIRES: the calling thread holds the GIL.
  uint64_t Arm(std::chrono::steady_clock::time_point deadline);

  /// Disarms `token`; returns whether it fired. If it fired, an exception the
  /// thread has not raised yet is cancelled. REQUIRES: the GIL is held by the
  /// thread that armed `token`.
  bool Disarm(uint64_t token);

  /// The exception class (borrowed).
  PyObject* TimeoutType() const { return timeout_type_.get(); }

 private:
  struct Entry {
    unsigned long thread_id;
    std::chrono::steady_clock::time_point deadline;
    bool fired;
  };

  void Run();

  PyRef timeout_type_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::map<uint64_t, Entry> entries_;  // GUARDED_BY(mutex_)
  uint64_t next_token_ = 1;            // GUARDED_BY(mutex_)
  bool stop_ = false;                  // GUARDED_BY(mutex_)
  std::thread thread_;
};

}  // namespace tributary::python
