// Garbage collection: unlinks undo deltas no snapshot needs, removes index
// entries no version needs, retires deleted objects, and frees all of it
// once every transaction that might still hold a pointer has finished.

#include <algorithm>

#include "storage/storage_impl.hpp"

namespace tributary::storage {
namespace {

// Cuts the chain at d: d and everything older become unreachable.
// REQUIRES: the owner's lock.
void Unlink(Delta* d, Delta** head) {
  if (d->prev == nullptr) {
    if (*head == d) *head = nullptr;
  } else {
    d->prev->next.store(nullptr, std::memory_order_release);
  }
}

// Calls check(deleted, exists) on the newest state and on every older state
// a transaction with start timestamp >= bound may still see; `apply`
// applies a delta to the caller's copy of the state. Returns true as soon
// as `check` does. REQUIRES: v->lock.
template <typename Apply, typename Check>
bool AnyVisibleVersion(Vertex* v, uint64_t bound, Apply&& apply, Check&& check) {
  bool deleted = v->deleted;
  bool exists = true;
  if (check(exists && !deleted)) return true;
  for (const Delta* d = v->delta; d != nullptr; d = d->next.load(std::memory_order_acquire)) {
    if (d->info->ts.load(std::memory_order_acquire) < bound) break;
    if (d->action == DeltaAction::kDeleteObject) exists = false;
    if (d->action == DeltaAction::kRecreateObject) {
      exists = true;
      deleted = false;
    }
    apply(*d);
    if (check(exists && !deleted)) return true;
  }
  return false;
}

void CleanIndexes(Storage::Impl& s, uint64_t bound) {
  auto reg = s.Registry();
  for (const auto& index : reg->label) {
    LabelId label = index->label();
    for (const auto& e : index->All()) {
      Vertex* v = e.vertex;
      std::lock_guard guard(v->lock);
      bool has = v->labels.Has(label);
      bool needed = AnyVisibleVersion(
          v, bound,
          [&](const Delta& d) {
            if (d.id != label) return;
            if (d.action == DeltaAction::kAddLabel) has = true;
            if (d.action == DeltaAction::kRemoveLabel) has = false;
          },
          [&](bool live) { return live && has; });
      if (!needed) index->Erase(e.gid, v);
    }
  }
  for (const auto* list : {&reg->label_property, &reg->unique}) {
    for (const auto& index : *list) {
      LabelId label = index->label();
      PropertyId prop = index->property();
      for (const auto& e : index->All()) {
        Vertex* v = e.vertex;
        std::lock_guard guard(v->lock);
        bool has = v->labels.Has(label);
        PropertyValue value = v->properties.Get(prop);
        bool needed = AnyVisibleVersion(
            v, bound,
            [&](const Delta& d) {
              if (d.action == DeltaAction::kAddLabel && d.id == label) has = true;
              if (d.action == DeltaAction::kRemoveLabel && d.id == label) has = false;
              if (d.action == DeltaAction::kSetProperty && d.id == prop) {
                value = d.old_value.Decode();
              }
            },
            [&](bool live) { return live && has && e.key.Matches(value); });
        if (!needed) index->Erase(e.key, v);
      }
    }
  }
}

}  // namespace

void Storage::Impl::UnlinkDeltas(UndoBuffer* buf) {
  // Also detaches the older delta below each cut (of an earlier buffer that
  // Collect has yet to see): Collect's Unlink of it would otherwise write
  // through its `prev` into this buffer, which Commit may free first.
  auto cut = [](Delta* d, Delta** head) {
    Unlink(d, head);
    Delta* older = d->next.load(std::memory_order_relaxed);
    if (older != nullptr && older->info != d->info && older->prev == d) older->prev = nullptr;
  };
  buf->deltas.ForEach([&](Delta* d) {
    if (d->OwnerIsEdge()) {
      Edge* e = d->OwnerEdge();
      std::lock_guard guard(e->lock);
      cut(d, &e->delta);
    } else {
      Vertex* v = d->OwnerVertex();
      std::lock_guard guard(v->lock);
      cut(d, &v->delta);
    }
  });
}

// Keep in step with the switch in Collect: the actions that leave it work.
bool Storage::Impl::OnlyUnlinkNeeded(UndoBuffer& buf) {
  bool only = true;
  buf.deltas.ForEach([&](Delta* d) {
    switch (d->action) {
      case DeltaAction::kRecreateObject:
      case DeltaAction::kAddLabel:
      case DeltaAction::kAddOutEdge:
        only = false;
        break;
      case DeltaAction::kSetProperty:
        if (!d->old_value.IsNull()) only = false;
        break;
      default:
        break;
    }
  });
  return only;
}

void Storage::Impl::Collect() {
  std::lock_guard gc(gc_mu);
  auto [bound, oldest_id] = OldestActive();
  std::vector<std::unique_ptr<UndoBuffer>> done;
  size_t n_committed = 0;
  {
    std::lock_guard guard(garbage_mu);
    auto keep = std::partition(committed.begin(), committed.end(),
                               [bound = bound](const auto& b) { return b->commit_ts >= bound; });
    for (auto it = keep; it != committed.end(); ++it) done.push_back(std::move(*it));
    committed.erase(keep, committed.end());
    n_committed = done.size();
    for (auto& b : aborted) done.push_back(std::move(b));
    aborted.clear();
  }
  std::sort(done.begin(), done.begin() + n_committed,
            [](const auto& a, const auto& b) { return a->commit_ts < b->commit_ts; });

  // Aborted transactions may have left entries for values they set; decide
  // from the buffers themselves (a flag could be consumed by an earlier pass
  // that did not yet see the buffer).
  index_dirty.store(false);
  bool scan = done.size() > n_committed;
  std::vector<Vertex*> dead_vertices;
  std::vector<Gid> dead_edges;
  for (size_t i = 0; i < n_committed; ++i) {
    done[i]->deltas.ForEach([&](Delta* d) {
      if (d->OwnerIsEdge()) {
        Edge* e = d->OwnerEdge();
        std::lock_guard guard(e->lock);
        Unlink(d, &e->delta);
        return;
      }
      Vertex* v = d->OwnerVertex();
      std::lock_guard guard(v->lock);
      Unlink(d, &v->delta);
      switch (d->action) {  // keep OnlyUnlinkNeeded in step
        case DeltaAction::kRecreateObject:
          dead_vertices.push_back(v);
          scan = true;
          break;
        case DeltaAction::kAddLabel:
          scan = true;
          break;
        case DeltaAction::kSetProperty:
          if (!d->old_value.IsNull()) scan = true;
          break;
        case DeltaAction::kAddOutEdge:
          dead_edges.push_back(d->entry.gid());
          break;
        default:
          break;
      }
    });
  }
  for (size_t i = n_committed; i < done.size(); ++i) {
    auto& b = *done[i];
    dead_vertices.insert(dead_vertices.end(), b.dead_vertices.begin(), b.dead_vertices.end());
    dead_edges.insert(dead_edges.end(), b.dead_edges.begin(), b.dead_edges.end());
  }
  if (scan && !Registry()->empty()) CleanIndexes(*this, bound);

  // Unpublish dead objects, then stamp them: only transactions that began
  // before the stamp can still hold pointers to them.
  std::vector<Vertex*> vertices_out;
  for (Vertex* v : dead_vertices) {
    std::lock_guard guard(v->lock);
    if (!v->deleted || v->delta != nullptr) continue;
    if (vertices.Get(v->gid) != reinterpret_cast<uint64_t>(v)) continue;
    vertices.Set(v->gid, 0);
    vertices_out.push_back(v);
  }
  std::vector<Edge*> edges_out;
  for (Gid g : dead_edges) {
    uint64_t w = edges.Get(g);
    if (w == 0) continue;
    edges.Set(g, 0);
    if ((w & 1) == 0) edges_out.push_back(reinterpret_cast<Edge*>(w));
  }
  uint64_t stamp;
  {
    std::lock_guard guard(active_mu);
    stamp = next_txn_id;
  }
  for (Vertex* v : vertices_out) retired_vertices.emplace_back(stamp, v);
  for (Edge* e : edges_out) retired_edges.emplace_back(stamp, e);
  for (auto& b : done) retired_buffers.emplace_back(stamp, std::move(b));

  // Free what no running transaction can reach.
  uint64_t oldest = OldestActive().second;
  auto free_if = [oldest](auto& list, auto&& release) {
    size_t kept = 0;
    for (auto& item : list) {
      if (item.first <= oldest) {
        release(item.second);
      } else {
        list[kept++] = std::move(item);
      }
    }
    list.resize(kept);
  };
  free_if(retired_buffers, [this](std::unique_ptr<UndoBuffer>& b) {
    live_deltas.fetch_sub(static_cast<int64_t>(b->deltas.size()));
    pending_buffers.fetch_sub(1);
    b.reset();
  });
  free_if(retired_vertices, [this](Vertex* v) { vertex_slab.Delete(v); });
  free_if(retired_edges, [this](Edge* e) { edge_slab.Delete(e); });
}

}  // namespace tributary::storage
