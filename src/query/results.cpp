#include "query/results.hpp"

#include <algorithm>
#include <thread>

#include "cypher/errors.hpp"
#include "cypher/exec/expression.hpp"

namespace tributary::query {

namespace {

/// Freed PlanResult blocks of this thread, reused by the next one.
struct ResultBlockPool {
  static constexpr int kMax = 4;
  void* blocks[kMax] = {};
  int count = 0;
  ~ResultBlockPool() {
    for (int i = 0; i < count; ++i) ::operator delete(blocks[i]);
    count = 0;
  }
};
thread_local ResultBlockPool result_pool;

}  // namespace

void* PlanResult::operator new(size_t size) {
  if (size == sizeof(PlanResult) && result_pool.count > 0) {
    return result_pool.blocks[--result_pool.count];
  }
  return ::operator new(size);
}

void PlanResult::operator delete(void* p, size_t size) {
  if (size == sizeof(PlanResult) && result_pool.count < ResultBlockPool::kMax) {
    result_pool.blocks[result_pool.count++] = p;
    return;
  }
  ::operator delete(p);
}

PlanResult::PlanResult(std::shared_ptr<const cypher::Plan> plan, storage::Transaction* tx,
                       std::unique_ptr<storage::Transaction> owned_tx, storage::Storage& storage,
                       std::vector<cypher::Value> params, const EngineOptions& options,
                       const std::atomic<bool>* interrupt)
    : plan_(std::move(plan)), owned_tx_(std::move(owned_tx)) {
  ctx_.limits.interrupt = interrupt;
  ctx_.tx = tx;
  ctx_.storage = &storage;
  ctx_.params = std::move(params);
  if (options.query_timeout.count() > 0) {
    ctx_.limits.has_deadline = true;
    ctx_.limits.deadline = std::chrono::steady_clock::now() + options.query_timeout;
  }
  ctx_.limits.memory_limit_bytes = options.query_memory_limit;
  // hardware_concurrency() reads /sys on every call: once per process.
  static const uint32_t kHardwareThreads = std::max(1u, std::thread::hardware_concurrency());
  ctx_.threads = options.query_threads != 0 ? options.query_threads : kHardwareThreads;
  ctx_.parallel_min_vertices = options.parallel_min_vertices;
  ctx_.cursor_arena = &arena_;
  frame_.resize(plan_->num_slots);
}

PlanResult::~PlanResult() {
  if (!done_ && owned_tx_) owned_tx_->Abort();
}

void PlanResult::Fail() {
  done_ = true;
  cursor_.reset();
  if (owned_tx_) owned_tx_->Abort();
}

void PlanResult::Finish() {
  done_ = true;
  cursor_.reset();
  if (!owned_tx_) return;
  if (commit_wake_) {
    auto r = owned_tx_->CommitAsync(std::move(commit_wake_));
    if (r.HasError()) cypher::exec::ThrowStorageError(r.Error());
    commit_pending_ = *r == storage::Transaction::CommitProgress::kPending;
    return;
  }
  auto r = owned_tx_->Commit();
  if (r.HasError()) cypher::exec::ThrowStorageError(r.Error());
}

void PlanResult::CompleteCommit() {
  if (!commit_pending_) return;
  commit_pending_ = false;
  auto r = owned_tx_->CompleteCommit();
  if (r.HasError()) cypher::exec::ThrowStorageError(r.Error());
}

bool PlanResult::Pull(int64_t n, const Sink& sink) {
  if (done_) return false;
  try {
    if (!cursor_) cursor_ = plan_->root->Open(ctx_, profile_.get());
    for (int64_t i = 0; n < 0 || i < n; ++i) {
      if (!cursor_->Next(frame_, ctx_)) {
        Finish();
        return false;
      }
      // row_ keeps its storage across rows unless the sink takes it.
      row_.clear();
      row_.reserve(plan_->column_slots.size());
      for (size_t s : plan_->column_slots) row_.push_back(frame_[s]);
      sink(std::move(row_));
    }
    row_.clear();
    return true;
  } catch (...) {
    Fail();
    throw;
  }
}

bool TableResult::Pull(int64_t n, const Sink& sink) {
  for (int64_t i = 0; (n < 0 || i < n) && pos_ < table_.rows.size(); ++i) {
    sink(std::move(table_.rows[pos_++]));
  }
  return pos_ < table_.rows.size();
}

}  // namespace tributary::query
