#include "storage/durability/fault_injection_env.hpp"

#include <algorithm>
#include <cerrno>
#include <thread>

namespace tributary::storage::durability {
namespace {

class FaultInjectionFile final : public WritableFile {
 public:
  FaultInjectionFile(FaultInjectionEnv& env, std::unique_ptr<WritableFile> base,
                     std::shared_ptr<FaultInjectionEnv::FileState> state)
      : env_(env), base_(std::move(base)), state_(std::move(state)), size_(base_->Size()) {}

  IoResult<void> Append(std::string_view data) override {
    if (int err = env_.TakeWriteFault(); err != 0) {
      // A short write: half the bytes land, then the error.
      (void)base_->Append(data.substr(0, data.size() / 2));
      return MakeError(MakeIoError("write", base_->path(), err));
    }
    auto r = base_->Append(data);
    if (r) {
      size_ += data.size();
      std::lock_guard lock(env_.mu());
      state_->size = size_;
    }
    return r;
  }

  IoResult<void> Sync() override {
    uint64_t covered;
    {
      std::lock_guard lock(env_.mu());
      covered = state_->size;
    }
    if (int err = env_.TakeSyncFault(); err != 0) {
      return MakeError(MakeIoError("fdatasync", base_->path(), err));
    }
    auto r = env_.skip_real_syncs() ? IoResult<void>() : base_->Sync();
    if (auto delay = env_.sync_delay(); delay.count() > 0) std::this_thread::sleep_for(delay);
    if (r) {
      std::lock_guard lock(env_.mu());
      state_->synced = std::max(state_->synced, std::min(covered, state_->size));
      env_.RecordSync();
    }
    return r;
  }

  IoResult<void> Truncate(uint64_t size) override {
    if (int err = env_.TakeTruncateFault(); err != 0) {
      return MakeError(MakeIoError("ftruncate", base_->path(), err));
    }
    auto r = base_->Truncate(size);
    if (r) {
      size_ = size;
      std::lock_guard lock(env_.mu());
      state_->size = size;
      state_->synced = std::min(state_->synced, size);
    }
    return r;
  }

  uint64_t Size() const override { return size_; }
  const std::string& path() const override { return base_->path(); }

 private:
  FaultInjectionEnv& env_;
  std::unique_ptr<WritableFile> base_;
  std::shared_ptr<FaultInjectionEnv::FileState> state_;
  uint64_t size_;  // logical size; a failed Append's prefix is not counted
};

}  // namespace

void FaultInjectionEnv::FailWrites(int count, int errnum) {
  std::lock_guard lock(mu_);
  write_faults_ = count;
  write_errno_ = errnum;
}

void FaultInjectionEnv::FailSyncs(int count, int errnum) {
  std::lock_guard lock(mu_);
  sync_faults_ = count;
  sync_errno_ = errnum;
}

void FaultInjectionEnv::FailTruncates(int count, int errnum) {
  std::lock_guard lock(mu_);
  truncate_faults_ = count;
  truncate_errno_ = errnum;
}

void FaultInjectionEnv::SetNoSpace(bool on) {
  std::lock_guard lock(mu_);
  no_space_ = on;
}

void FaultInjectionEnv::ClearFaults() {
  std::lock_guard lock(mu_);
  write_faults_ = sync_faults_ = truncate_faults_ = 0;
  no_space_ = false;
}

int FaultInjectionEnv::TakeWriteFault() {
  std::lock_guard lock(mu_);
  if (no_space_) return ENOSPC;
  if (write_faults_ > 0) {
    --write_faults_;
    return write_errno_;
  }
  return 0;
}

int FaultInjectionEnv::TakeTruncateFault() {
  std::lock_guard lock(mu_);
  if (truncate_faults_ > 0) {
    --truncate_faults_;
    return truncate_errno_;
  }
  return 0;
}

int FaultInjectionEnv::TakeSyncFault() {
  std::lock_guard lock(mu_);
  if (sync_faults_ > 0) {
    --sync_faults_;
    return sync_errno_;
  }
  return 0;
}

IoResult<std::unique_ptr<WritableFile>> FaultInjectionEnv::NewWritableFile(const std::string& path,
                                                                           bool truncate) {
  {
    std::lock_guard lock(mu_);
    if (no_space_ && !base_.FileExists(path)) {
      return MakeError(MakeIoError("open", path, ENOSPC));
    }
  }
  auto base = base_.NewWritableFile(path, truncate);
  if (!base) return MakeError(base.Error());
  std::lock_guard lock(mu_);
  auto& state = files_[path];
  if (!state) {
    state = std::make_shared<FileState>();
    // Data that existed before this Env saw the file counts as durable.
    state->synced = truncate ? 0 : (*base)->Size();
  }
  state->size = (*base)->Size();
  if (truncate) state->synced = 0;
  return std::unique_ptr<WritableFile>(
      std::make_unique<FaultInjectionFile>(*this, std::move(*base), state));
}

IoResult<void> FaultInjectionEnv::PreallocateFile(const std::string& path, uint64_t size,
                                                  const std::atomic<bool>& cancel) {
  {
    std::lock_guard lock(mu_);
    if (no_space_) return MakeError(MakeIoError("write", path, ENOSPC));
  }
  if (auto r = base_.PreallocateFile(path, size, cancel); !r) return r;
  std::lock_guard lock(mu_);
  auto& state = files_[path];
  state = std::make_shared<FileState>();
  // Logically empty: the zeros are room, not records.
  return {};
}

IoResult<std::unique_ptr<WritableFile>> FaultInjectionEnv::OpenForOverwrite(
    const std::string& path) {
  auto base = base_.OpenForOverwrite(path);
  if (!base) return MakeError(base.Error());
  std::lock_guard lock(mu_);
  auto& state = files_[path];
  if (!state) state = std::make_shared<FileState>();
  state->size = state->synced = 0;
  return std::unique_ptr<WritableFile>(
      std::make_unique<FaultInjectionFile>(*this, std::move(*base), state));
}

IoResult<void> FaultInjectionEnv::Rename(const std::string& from, const std::string& to) {
  auto r = base_.Rename(from, to);
  if (!r) return r;
  std::lock_guard lock(mu_);
  auto it = files_.find(from);
  if (it != files_.end()) {
    files_[to] = it->second;
    files_.erase(it);
  } else {
    files_.erase(to);
  }
  return {};
}

IoResult<void> FaultInjectionEnv::Remove(const std::string& path) {
  auto r = base_.Remove(path);
  if (!r) return r;
  std::lock_guard lock(mu_);
  files_.erase(path);
  return {};
}

IoResult<void> FaultInjectionEnv::TruncateFile(const std::string& path, uint64_t size) {
  auto r = base_.TruncateFile(path, size);
  if (!r) return r;
  std::lock_guard lock(mu_);
  if (auto it = files_.find(path); it != files_.end()) {
    it->second->size = size;
    it->second->synced = std::min(it->second->synced, size);
  }
  return {};
}

IoResult<void> FaultInjectionEnv::DropUnsyncedData() {
  std::lock_guard lock(mu_);
  for (auto& [path, state] : files_) {
    if (!base_.FileExists(path)) continue;
    if (auto r = base_.TruncateFile(path, state->synced); !r) return r;
    state->size = state->synced;
  }
  return {};
}

}  // namespace tributary::storage::durability
