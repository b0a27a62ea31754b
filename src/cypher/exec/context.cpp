#include "cypher/exec/context.hpp"

#include <algorithm>

#include "cypher/errors.hpp"

namespace tributary::cypher {

void QueryStats::Add(const QueryStats& o) {
  nodes_created += o.nodes_created;
  nodes_deleted += o.nodes_deleted;
  relationships_created += o.relationships_created;
  relationships_deleted += o.relationships_deleted;
  properties_set += o.properties_set;
  labels_added += o.labels_added;
  labels_removed += o.labels_removed;
  indexes_added += o.indexes_added;
  indexes_removed += o.indexes_removed;
  constraints_added += o.constraints_added;
  constraints_removed += o.constraints_removed;
}

void ExecContext::ChargeMemory(uint64_t bytes) {
  memory_used += bytes;
  if (limits.memory_limit_bytes != 0 && memory_used > limits.memory_limit_bytes) {
    throw MemoryLimitExceeded("Query exceeded the memory limit of " +
                              std::to_string(limits.memory_limit_bytes) + " bytes");
  }
}

void ExecContext::CheckDeadline() const {
  if (limits.interrupt != nullptr && limits.interrupt->load(std::memory_order_relaxed)) {
    throw QueryTerminated(
        "The query was interrupted (the client sent RESET, or the server is shutting down) and "
        "its transaction rolled back");
  }
  if (limits.has_deadline && std::chrono::steady_clock::now() > limits.deadline) {
    throw QueryTimeout("Query exceeded its time limit and was stopped");
  }
}

void* CursorArena::Allocate(size_t size, size_t align) {
  auto fits = [&](std::byte* cur, std::byte* end) {
    auto addr = reinterpret_cast<uintptr_t>(cur);
    auto aligned = (addr + align - 1) & ~static_cast<uintptr_t>(align - 1);
    return aligned + size <= reinterpret_cast<uintptr_t>(end)
               ? reinterpret_cast<std::byte*>(aligned)
               : nullptr;
  };
  std::byte* p = fits(cur_, end_);
  if (p == nullptr) {
    size_t bytes = std::max(kBlockBytes, size + align);
    blocks_.push_back(std::make_unique<std::byte[]>(bytes));
    cur_ = blocks_.back().get();
    end_ = cur_ + bytes;
    p = fits(cur_, end_);
  }
  cur_ = p + size;
  return p;
}

uint64_t ApproxSize(const Value& v) {
  switch (v.type()) {
    case ValueType::kString:
      return sizeof(Value) + v.AsString().size();
    case ValueType::kList: {
      uint64_t n = sizeof(Value);
      for (const auto& e : v.AsList()) n += ApproxSize(e);
      return n;
    }
    case ValueType::kMap: {
      uint64_t n = sizeof(Value);
      for (const auto& [k, e] : v.AsMap()) n += 48 + k.size() + ApproxSize(e);
      return n;
    }
    case ValueType::kPath:
      return sizeof(Value) + v.AsPath().nodes.size() * sizeof(storage::VertexAccessor) +
             v.AsPath().edges.size() * sizeof(storage::EdgeAccessor);
    default:
      return sizeof(Value);
  }
}

}  // namespace tributary::cypher
