#include "storage/objects.hpp"

#include <cstdlib>
#include <cstring>

namespace tributary::storage {
namespace {

// Grows the shared adjacency block by 1.5x, keeping out entries at the
// front and in entries at the back.
void Grow(Vertex* v) {
  uint32_t cap = v->adj_cap < 4 ? 4 : v->adj_cap + v->adj_cap / 2;
  auto* block = static_cast<AdjEntry*>(std::malloc(sizeof(AdjEntry) * cap));
  if (block == nullptr) std::abort();
  if (v->adj != nullptr) {
    std::memcpy(block, v->adj, sizeof(AdjEntry) * v->out_size);
    std::memcpy(block + cap - v->in_size, v->adj + v->adj_cap - v->in_size,
                sizeof(AdjEntry) * v->in_size);
    std::free(v->adj);  // NOLINT: malloc'd above
  }
  v->adj = block;
  v->adj_cap = cap;
}

}  // namespace

void Vertex::AddOut(AdjEntry e) {
  if (out_size + in_size == adj_cap) Grow(this);
  adj[out_size++] = e;
}

void Vertex::AddIn(AdjEntry e) {
  if (out_size + in_size == adj_cap) Grow(this);
  ++in_size;
  adj[adj_cap - in_size] = e;
}

bool Vertex::RemoveOut(Gid gid) {
  for (uint32_t i = out_size; i-- > 0;) {
    if (adj[i].gid() == gid) {
      adj[i] = adj[out_size - 1];
      --out_size;
      return true;
    }
  }
  return false;
}

bool Vertex::RemoveIn(Gid gid) {
  uint32_t first = adj_cap - in_size;
  for (uint32_t i = first; i < adj_cap; ++i) {
    if (adj[i].gid() == gid) {
      adj[i] = adj[first];
      --in_size;
      return true;
    }
  }
  return false;
}

}  // namespace tributary::storage
