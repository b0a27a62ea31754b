#pragma once
// Helpers shared by the storage unit tests.

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "storage/storage.hpp"

namespace tributary::storage::testing {

/// Drains a cursor into gids, sorted.
inline std::vector<Gid> Gids(std::unique_ptr<VertexCursor> cursor) {
  std::vector<Gid> out;
  VertexAccessor v(nullptr, nullptr);
  while (cursor->Next(&v)) out.push_back(v.gid());
  std::sort(out.begin(), out.end());
  return out;
}

/// Outgoing edges of v in `view`; fails the test on error.
inline std::vector<EdgeAccessor> Out(const VertexAccessor& v, View view,
                                     std::vector<EdgeTypeId> types = {}) {
  std::vector<EdgeAccessor> out;
  auto r = v.OutEdges(view, types, &out);
  EXPECT_TRUE(r.HasValue());
  return out;
}

inline std::vector<EdgeAccessor> In(const VertexAccessor& v, View view,
                                    std::vector<EdgeTypeId> types = {}) {
  std::vector<EdgeAccessor> out;
  auto r = v.InEdges(view, types, &out);
  EXPECT_TRUE(r.HasValue());
  return out;
}

inline StorageConfig NoGcThread() {
  StorageConfig c;
  c.gc_interval_ms = 0;
  return c;
}

}  // namespace tributary::storage::testing
