#include "query/plan_cache.hpp"

namespace tributary::query {

std::shared_ptr<const PreparedStatement> PlanCache::Find(std::string_view text) {
  std::lock_guard lock(mu_);
  auto it = index_.find(text);
  if (it == index_.end()) {
    ++stats_.misses;
    return nullptr;
  }
  ++stats_.hits;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->second;
}

void PlanCache::Insert(std::string_view text, std::shared_ptr<const PreparedStatement> entry) {
  if (capacity_ == 0) return;
  std::lock_guard lock(mu_);
  auto it = index_.find(text);
  if (it != index_.end()) {
    it->second->second = std::move(entry);
    lru_.splice(lru_.begin(), lru_, it->second);
    return;
  }
  lru_.emplace_front(std::string(text), std::move(entry));
  index_.emplace(lru_.front().first, lru_.begin());
  while (lru_.size() > capacity_) {
    index_.erase(lru_.back().first);
    lru_.pop_back();
  }
}

void PlanCache::Clear() {
  std::lock_guard lock(mu_);
  index_.clear();
  lru_.clear();
}

PlanCache::Stats PlanCache::GetStats() const {
  std::lock_guard lock(mu_);
  Stats s = stats_;
  s.size = lru_.size();
  return s;
}

}  // namespace tributary::query
