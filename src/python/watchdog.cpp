#include "python/watchdog.hpp"

#include <vector>

namespace tributary::python {

Watchdog::Watchdog(PyRef timeout_type) : timeout_type_(std::move(timeout_type)) {
  thread_ = std::thread([this] { Run(); });
}

Watchdog::~Watchdog() { Stop(); }

void Watchdog::Stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

uint64_t Watchdog::Arm(std::chrono::steady_clock::time_point deadline) {
  uint64_t token;
  {
    std::lock_guard lock(mutex_);
    token = next_token_++;
    entries_[token] = Entry{PyThread_get_thread_ident(), deadline, false};
  }
  wake_.notify_all();
  return token;
}

bool Watchdog::Disarm(uint64_t token) {
  bool fired = false;
  {
    // Both this thread and Run() hold the GIL while holding mutex_ here, so an
    // exception is never set after the entry is gone.
    std::lock_guard lock(mutex_);
    auto it = entries_.find(token);
    if (it != entries_.end()) {
      fired = it->second.fired;
      entries_.erase(it);
    }
  }
  // The call may have returned between the watchdog setting the exception and
  // the bytecode loop raising it; do not let it surface in unrelated code.
  if (fired) PyThreadState_SetAsyncExc(PyThread_get_thread_ident(), nullptr);
  return fired;
}

void Watchdog::Run() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    auto now = std::chrono::steady_clock::now();
    auto earliest = std::chrono::steady_clock::time_point::max();
    bool due = false;
    for (const auto& [token, entry] : entries_) {
      earliest = std::min(earliest, entry.deadline);
      if (entry.deadline <= now) due = true;
    }
    if (!due) {
      if (earliest == std::chrono::steady_clock::time_point::max()) {
        wake_.wait(lock);
      } else {
        wake_.wait_until(lock, earliest);
      }
      continue;
    }
    // Never wait for the GIL while holding mutex_: a thread holding the GIL may
    // be waiting for mutex_ in Arm/Disarm.
    lock.unlock();
    PyGILState_STATE gil = PyGILState_Ensure();
    lock.lock();
    now = std::chrono::steady_clock::now();
    for (auto& [token, entry] : entries_) {
      if (entry.deadline > now) continue;
      PyThreadState_SetAsyncExc(entry.thread_id, timeout_type_.get());
      entry.fired = true;
      entry.deadline = now + kRepeat;
    }
    lock.unlock();
    PyGILState_Release(gil);
    lock.lock();
  }
}

}  // namespace tributary::python
