#pragma once
// Bounded LRU cache of prepared statements keyed by the exact query text
// (parameters are not part of the key).

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "cypher/parser/ast.hpp"
#include "cypher/planner/plan.hpp"

namespace tributary::query {

/// A parsed (and, for queries, planned) statement. Immutable; shared.
struct PreparedStatement {
  cypher::StatementPtr statement;
  /// Set for kQuery statements.
  std::shared_ptr<const cypher::Plan> plan;
  cypher::QueryMode mode = cypher::QueryMode::kNormal;
};

/// Thread-safe LRU map text -> PreparedStatement.
class PlanCache {
 public:
  struct Stats {
    uint64_t hits = 0;
    uint64_t misses = 0;
    size_t size = 0;
  };

  explicit PlanCache(size_t capacity) : capacity_(capacity) {}

  /// The cached entry for `text`, or null.
  std::shared_ptr<const PreparedStatement> Find(std::string_view text);
  /// Inserts (or replaces) an entry, evicting the least recently used.
  void Insert(std::string_view text, std::shared_ptr<const PreparedStatement> entry);
  void Clear();
  Stats GetStats() const;

 private:
  using Lru = std::list<std::pair<std::string, std::shared_ptr<const PreparedStatement>>>;
  mutable std::mutex mu_;
  size_t capacity_;
  Lru lru_;  // front = most recent; guarded by mu_
  std::unordered_map<std::string_view, Lru::iterator> index_;  // keys view into lru_
  Stats stats_;
};

}  // namespace tributary::query
