// VertexAccessor and EdgeAccessor: reads reconstruct the transaction's
// version from the newest state and the undo chain; writes take the
// object's lock, check for write conflicts and push an undo delta.

#include <algorithm>
#include <mutex>

#include "storage/storage_impl.hpp"

namespace tributary::storage {
namespace {

enum class Existence : uint8_t { kLive, kDeleted, kNonexistent };

Existence HeadExistence(bool deleted) { return deleted ? Existence::kDeleted : Existence::kLive; }

void TrackExistence(const Delta& d, Existence* state) {
  if (d.action == DeltaAction::kDeleteObject) *state = Existence::kNonexistent;
  if (d.action == DeltaAction::kRecreateObject) *state = Existence::kLive;
}

StorageResult<void> ExistenceResult(Existence state) {
  if (state == Existence::kDeleted) return DeletedError();
  if (state == Existence::kNonexistent) return NonexistentError();
  return {};
}

Gid EntryGid(const AdjEntry& e) { return e.gid(); }

bool TypeMatches(std::span<const EdgeTypeId> types, EdgeTypeId t) {
  if (types.empty()) return true;
  for (EdgeTypeId x : types) {
    if (x == t) return true;
  }
  return false;
}

// The type filter of an expansion: a bit set when every type is below 64
// (the common case), else the list.
class TypeFilter {
 public:
  explicit TypeFilter(std::span<const EdgeTypeId> types) : types_(types) {
    if (types.empty()) {
      mask_ = ~uint64_t{0};
      return;
    }
    for (EdgeTypeId t : types) {
      if (t >= 64) {
        use_list_ = true;
        return;
      }
      mask_ |= uint64_t{1} << t;
    }
  }
  bool operator()(EdgeTypeId t) const {
    if (use_list_) return TypeMatches(types_, t);
    return t < 64 && ((mask_ >> t) & 1) != 0;
  }

 private:
  std::span<const EdgeTypeId> types_;
  uint64_t mask_ = 0;
  bool use_list_ = false;
};

// The common typed expansion: calls fn(entry) for each entry in [begin, end)
// of type `want`, in order. Types of adjacent entries alternate at random, so
// a branch per entry would mispredict about half the time (at out-degree
// 100 that cost more than returning every edge); the filter instead
// compacts matching positions into a small buffer without branching.
template <typename Fn>
void ForEachOfType(const AdjEntry* begin, const AdjEntry* end, EdgeTypeId want, Fn&& fn) {
  constexpr size_t kChunk = 64;
  uint8_t hits[kChunk];
  const uint64_t packed = want;
  while (begin != end) {
    size_t n = std::min<size_t>(kChunk, static_cast<size_t>(end - begin));
    size_t k = 0;
    for (size_t i = 0; i < n; ++i) {
      hits[k] = static_cast<uint8_t>(i);
      k += static_cast<size_t>((begin[i].vt >> 48) == packed);
    }
    for (size_t j = 0; j < k; ++j) fn(begin[hits[j]]);
    begin += n;
  }
}

// As ForEachOfType, from end - 1 down to begin.
template <typename Fn>
void ForEachOfTypeReverse(const AdjEntry* begin, const AdjEntry* end, EdgeTypeId want, Fn&& fn) {
  constexpr size_t kChunk = 64;
  uint8_t hits[kChunk];
  const uint64_t packed = want;
  while (end != begin) {
    size_t n = std::min<size_t>(kChunk, static_cast<size_t>(end - begin));
    size_t k = 0;
    for (size_t i = 1; i <= n; ++i) {
      hits[k] = static_cast<uint8_t>(i);
      k += static_cast<size_t>((end[-static_cast<ptrdiff_t>(i)].vt >> 48) == packed);
    }
    for (size_t j = 0; j < k; ++j) fn(end[-static_cast<ptrdiff_t>(hits[j])]);
    end -= n;
  }
}

void SetInList(std::vector<std::pair<PropertyId, PropertyValue>>* props, PropertyId key,
               PropertyValue value) {
  auto it = std::lower_bound(props->begin(), props->end(), key,
                             [](const auto& p, PropertyId k) { return p.first < k; });
  bool present = it != props->end() && it->first == key;
  if (value.IsNull()) {
    if (present) props->erase(it);
  } else if (present) {
    it->second = std::move(value);
  } else {
    props->emplace(it, key, std::move(value));
  }
}

// Collects v's adjacency (out when `out`, else in) visible in `view`,
// filtered, as raw entries.
StorageResult<void> CollectEdges(const Transaction::Impl& tx, Vertex* v, View view, bool out,
                                 std::span<const EdgeTypeId> types, Vertex* other,
                                 std::vector<AdjEntry>* result) {
  auto matches = [&](const AdjEntry& e) {
    return TypeMatches(types, e.type()) && (other == nullptr || e.other() == other);
  };
  const Delta* head;
  Existence state;
  {
    std::lock_guard guard(v->lock);
    state = HeadExistence(v->deleted);
    head = v->delta;
    if (out) {
      for (const AdjEntry* e = v->OutBegin(); e != v->OutEnd(); ++e) {
        if (matches(*e)) result->push_back(*e);
      }
    } else {
      for (const AdjEntry* e = v->InEnd(); e != v->InBegin();) {
        --e;
        if (matches(*e)) result->push_back(*e);
      }
    }
  }
  DeltaAction add = out ? DeltaAction::kAddOutEdge : DeltaAction::kAddInEdge;
  DeltaAction remove = out ? DeltaAction::kRemoveOutEdge : DeltaAction::kRemoveInEdge;
  tx.ForEachUndo(head, view, [&](const Delta& d) {
    TrackExistence(d, &state);
    if (d.action == add) {
      if (matches(d.entry)) result->push_back(d.entry);
    } else if (d.action == remove) {
      if (!matches(d.entry)) return;
      Gid g = EntryGid(d.entry);
      for (size_t i = result->size(); i-- > 0;) {
        if (EntryGid((*result)[i]) == g) {
          result->erase(result->begin() + i);
          break;
        }
      }
    }
  });
  return ExistenceResult(state);
}

}  // namespace

void IndexOnAddLabel(Transaction::Impl& tx, Vertex* v, LabelId label) {
  const IndexRegistry& reg = tx.Indexes();
  if (reg.empty()) return;
  for (const auto& index : reg.label) {
    if (index->label() == label) index->Insert(v->gid, v);
  }
  for (const auto* list : {&reg.label_property, &reg.unique}) {
    for (const auto& index : *list) {
      if (index->label() != label) continue;
      PropertyValue value = v->properties.Get(index->property());
      if (!value.IsNull()) index->Insert(value, v);
    }
  }
}

void IndexOnSetProperty(Transaction::Impl& tx, Vertex* v, PropertyId key,
                        const PropertyValue& value) {
  const IndexRegistry& reg = tx.Indexes();
  if (reg.empty()) return;
  for (const auto* list : {&reg.label_property, &reg.unique}) {
    for (const auto& index : *list) {
      if (index->property() == key && v->labels.Has(index->label())) index->Insert(value, v);
    }
  }
}

// ---- VertexAccessor ---------------------------------------------------

Gid VertexAccessor::gid() const { return vertex_->gid; }

bool VertexAccessor::IsVisible(View view) const {
  const auto& tx = *tx_->impl_;
  Existence state;
  const Delta* head;
  {
    std::lock_guard guard(vertex_->lock);
    state = HeadExistence(vertex_->deleted);
    head = vertex_->delta;
  }
  tx.ForEachUndo(head, view, [&](const Delta& d) { TrackExistence(d, &state); });
  return state == Existence::kLive;
}

StorageResult<bool> VertexAccessor::AddLabel(LabelId label) {
  auto& tx = *tx_->impl_;
  Vertex* v = vertex_;
  std::lock_guard guard(v->lock);
  if (!tx.CanWrite(v->delta)) return SerializationError();
  if (v->deleted) return DeletedError();
  if (label > LabelSet::kMaxLabelId) {
    return MakeError(Error{ErrorCode::kNonexistentObject, "Label id out of range"});
  }
  if (!v->labels.Add(label)) return false;
  tx.AddDelta(v, DeltaAction::kRemoveLabel, label);
  IndexOnAddLabel(tx, v, label);
  tx.AddLabelCount(label, 1);
  if (tx.record_redo) tx.redo.push_back(MakeChange(ChangeKind::kAddLabel, v->gid, label));
  return true;
}

StorageResult<bool> VertexAccessor::RemoveLabel(LabelId label) {
  auto& tx = *tx_->impl_;
  Vertex* v = vertex_;
  std::lock_guard guard(v->lock);
  if (!tx.CanWrite(v->delta)) return SerializationError();
  if (v->deleted) return DeletedError();
  if (!v->labels.Remove(label)) return false;
  tx.AddDelta(v, DeltaAction::kAddLabel, label);
  tx.AddLabelCount(label, -1);
  if (tx.record_redo) tx.redo.push_back(MakeChange(ChangeKind::kRemoveLabel, v->gid, label));
  return true;
}

StorageResult<bool> VertexAccessor::HasLabel(LabelId label, View view) const {
  const auto& tx = *tx_->impl_;
  bool has;
  Existence state;
  const Delta* head;
  {
    std::lock_guard guard(vertex_->lock);
    has = vertex_->labels.Has(label);
    state = HeadExistence(vertex_->deleted);
    head = vertex_->delta;
  }
  tx.ForEachUndo(head, view, [&](const Delta& d) {
    TrackExistence(d, &state);
    if (d.id != label) return;
    if (d.action == DeltaAction::kAddLabel) has = true;
    if (d.action == DeltaAction::kRemoveLabel) has = false;
  });
  if (auto r = ExistenceResult(state); !r) return MakeError(r.Error());
  return has;
}

StorageResult<std::vector<LabelId>> VertexAccessor::Labels(View view) const {
  const auto& tx = *tx_->impl_;
  std::vector<LabelId> labels;
  Existence state;
  const Delta* head;
  {
    std::lock_guard guard(vertex_->lock);
    vertex_->labels.AppendTo(&labels);
    state = HeadExistence(vertex_->deleted);
    head = vertex_->delta;
  }
  tx.ForEachUndo(head, view, [&](const Delta& d) {
    TrackExistence(d, &state);
    auto it = std::lower_bound(labels.begin(), labels.end(), d.id);
    bool present = it != labels.end() && *it == d.id;
    if (d.action == DeltaAction::kAddLabel && !present) labels.insert(it, d.id);
    if (d.action == DeltaAction::kRemoveLabel && present) labels.erase(it);
  });
  if (auto r = ExistenceResult(state); !r) return MakeError(r.Error());
  return labels;
}

void VertexAccessor::PrefetchProperties() const {
  if (const void* block = vertex_->properties.HeapHint(); block != nullptr) {
    __builtin_prefetch(block);
  }
}

StorageResult<PropertyValue> VertexAccessor::GetProperty(PropertyId key, View view) const {
  const auto& tx = *tx_->impl_;
  PropertyValue value;
  Existence state;
  const Delta* head;
  {
    std::lock_guard guard(vertex_->lock);
    value = vertex_->properties.Get(key);
    state = HeadExistence(vertex_->deleted);
    head = vertex_->delta;
  }
  tx.ForEachUndo(head, view, [&](const Delta& d) {
    TrackExistence(d, &state);
    if (d.action == DeltaAction::kSetProperty && d.id == key) value = d.old_value.Decode();
  });
  if (auto r = ExistenceResult(state); !r) return MakeError(r.Error());
  return value;
}

StorageResult<PropertyValue> VertexAccessor::SetProperty(PropertyId key, PropertyValue value) {
  auto& tx = *tx_->impl_;
  Vertex* v = vertex_;
  std::lock_guard guard(v->lock);
  if (!tx.CanWrite(v->delta)) return SerializationError();
  if (v->deleted) return DeletedError();
  PropertyValue old = v->properties.Set(key, value);
  Delta* d = tx.AddDelta(v, DeltaAction::kSetProperty, key);
  ::new (&d->old_value) EncodedValue(old);
  if (!value.IsNull()) IndexOnSetProperty(tx, v, key, value);
  if (tx.record_redo) {
    tx.redo.push_back(MakeChange(ChangeKind::kSetVertexProperty, v->gid, key, std::move(value)));
  }
  return old;
}

StorageResult<std::vector<std::pair<PropertyId, PropertyValue>>> VertexAccessor::Properties(
    View view) const {
  const auto& tx = *tx_->impl_;
  std::vector<std::pair<PropertyId, PropertyValue>> props;
  Existence state;
  const Delta* head;
  {
    std::lock_guard guard(vertex_->lock);
    vertex_->properties.AppendAll(&props);
    state = HeadExistence(vertex_->deleted);
    head = vertex_->delta;
  }
  tx.ForEachUndo(head, view, [&](const Delta& d) {
    TrackExistence(d, &state);
    if (d.action == DeltaAction::kSetProperty) SetInList(&props, d.id, d.old_value.Decode());
  });
  if (auto r = ExistenceResult(state); !r) return MakeError(r.Error());
  return props;
}

StorageResult<size_t> VertexAccessor::ClearProperties() {
  auto& tx = *tx_->impl_;
  Vertex* v = vertex_;
  std::lock_guard guard(v->lock);
  if (!tx.CanWrite(v->delta)) return SerializationError();
  if (v->deleted) return DeletedError();
  auto all = v->properties.All();
  for (auto& [key, old] : all) {
    v->properties.Set(key, PropertyValue());
    Delta* d = tx.AddDelta(v, DeltaAction::kSetProperty, key);
    ::new (&d->old_value) EncodedValue(old);
    if (tx.record_redo) tx.redo.push_back(MakeChange(ChangeKind::kSetVertexProperty, v->gid, key));
  }
  return all.size();
}

StorageResult<void> VertexAccessor::OutEdges(View view, std::span<const EdgeTypeId> types,
                                             std::vector<EdgeAccessor>* out,
                                             const VertexAccessor* other) const {
  const auto& tx = *tx_->impl_;
  Vertex* v = vertex_;
  Vertex* o = other != nullptr ? other->raw() : nullptr;
  // Scans visit vertices in slab order: start fetching the adjacency of
  // the vertex a few expansions ahead (ADR 015).
  PrefetchOutEdges(v + kExpandAhead);
  {
    // Fast path: nothing in the chain is invisible to this view.
    std::lock_guard guard(v->lock);
    if (v->delta == nullptr || !tx.MustUndo(v->delta, view)) {
      if (v->deleted) return DeletedError();
      // Locals: the compiler cannot keep v's fields in registers across the
      // vector writes, which might alias them.
      const AdjEntry* end = v->OutEnd();
      Transaction* t = tx_;
      if (types.size() == 1 && o == nullptr) {
        ForEachOfType(v->OutBegin(), end, types[0], [&](const AdjEntry& entry) {
          out->emplace_back(RefEdge(entry.ref), v, entry.other(), types[0], t);
        });
        return {};
      }
      TypeFilter type_ok(types);
      for (const AdjEntry* e = v->OutBegin(); e != end; ++e) {
        AdjEntry entry = *e;
        if (!type_ok(entry.type()) || (o != nullptr && entry.other() != o)) continue;
        out->emplace_back(RefEdge(entry.ref), v, entry.other(), entry.type(), t);
      }
      return {};
    }
  }
  std::vector<AdjEntry> entries;
  if (auto r = CollectEdges(tx, v, view, true, types, o, &entries); !r) return r;
  for (const auto& e : entries) out->emplace_back(RefEdge(e.ref), v, e.other(), e.type(), tx_);
  return {};
}

StorageResult<void> VertexAccessor::InEdges(View view, std::span<const EdgeTypeId> types,
                                            std::vector<EdgeAccessor>* out,
                                            const VertexAccessor* other) const {
  const auto& tx = *tx_->impl_;
  Vertex* v = vertex_;
  Vertex* o = other != nullptr ? other->raw() : nullptr;
  PrefetchInEdges(v + kExpandAhead);
  {
    std::lock_guard guard(v->lock);
    if (v->delta == nullptr || !tx.MustUndo(v->delta, view)) {
      if (v->deleted) return DeletedError();
      const AdjEntry* begin = v->InBegin();
      Transaction* t = tx_;
      if (types.size() == 1 && o == nullptr) {
        ForEachOfTypeReverse(begin, v->InEnd(), types[0], [&](const AdjEntry& entry) {
          out->emplace_back(RefEdge(entry.ref), entry.other(), v, types[0], t);
        });
        return {};
      }
      TypeFilter type_ok(types);
      for (const AdjEntry* e = v->InEnd(); e != begin;) {
        AdjEntry entry = *--e;
        if (!type_ok(entry.type()) || (o != nullptr && entry.other() != o)) continue;
        out->emplace_back(RefEdge(entry.ref), entry.other(), v, entry.type(), t);
      }
      return {};
    }
  }
  std::vector<AdjEntry> entries;
  if (auto r = CollectEdges(tx, v, view, false, types, o, &entries); !r) return r;
  for (const auto& e : entries) out->emplace_back(RefEdge(e.ref), e.other(), v, e.type(), tx_);
  return {};
}

StorageResult<size_t> VertexAccessor::OutDegree(View view) const {
  const auto& tx = *tx_->impl_;
  {
    std::lock_guard guard(vertex_->lock);
    if (vertex_->delta == nullptr || !tx.MustUndo(vertex_->delta, view)) {
      if (vertex_->deleted) return DeletedError();
      return static_cast<size_t>(vertex_->out_size);
    }
  }
  std::vector<AdjEntry> entries;
  if (auto r = CollectEdges(tx, vertex_, view, true, {}, nullptr, &entries); !r) {
    return MakeError(r.Error());
  }
  return entries.size();
}

StorageResult<size_t> VertexAccessor::InDegree(View view) const {
  const auto& tx = *tx_->impl_;
  {
    std::lock_guard guard(vertex_->lock);
    if (vertex_->delta == nullptr || !tx.MustUndo(vertex_->delta, view)) {
      if (vertex_->deleted) return DeletedError();
      return static_cast<size_t>(vertex_->in_size);
    }
  }
  std::vector<AdjEntry> entries;
  if (auto r = CollectEdges(tx, vertex_, view, false, {}, nullptr, &entries); !r) {
    return MakeError(r.Error());
  }
  return entries.size();
}

// ---- EdgeAccessor -----------------------------------------------------

namespace {

// The edge's object, if it has one (the gid map points at it once the edge
// got its first property).
Edge* EdgeObject(Storage::Impl& s, Gid gid) {
  uint64_t w = s.edges.Get(gid);
  if (w != 0 && (w & 1) == 0) return reinterpret_cast<Edge*>(w);
  return nullptr;
}

}  // namespace

Gid EdgeAccessor::gid() const { return reinterpret_cast<uint64_t>(edge_) >> 1; }

bool EdgeAccessor::IsVisible(View view) const {
  const auto& tx = *tx_->impl_;
  {
    std::lock_guard guard(from_->lock);
    const Delta* head = from_->delta;
    if (head == nullptr || head->info->ts.load(std::memory_order_acquire) < tx.start_ts) {
      return !from_->deleted;
    }
  }
  std::vector<AdjEntry> entries;
  EdgeTypeId type = type_;
  if (!CollectEdges(tx, from_, view, true, std::span<const EdgeTypeId>(&type, 1), to_, &entries)) {
    return false;
  }
  Gid g = gid();
  for (const auto& e : entries) {
    if (EntryGid(e) == g) return true;
  }
  return false;
}

StorageResult<PropertyValue> EdgeAccessor::GetProperty(PropertyId key, View view) const {
  if (!IsVisible(view)) return DeletedError();
  const auto& tx = *tx_->impl_;
  Edge* e = EdgeObject(*tx.s, gid());
  if (e == nullptr) return PropertyValue();
  PropertyValue value;
  const Delta* head;
  {
    std::lock_guard guard(e->lock);
    value = e->properties.Get(key);
    head = e->delta;
  }
  tx.ForEachUndo(head, view, [&](const Delta& d) {
    if (d.action == DeltaAction::kSetProperty && d.id == key) value = d.old_value.Decode();
  });
  return value;
}

StorageResult<std::vector<std::pair<PropertyId, PropertyValue>>> EdgeAccessor::Properties(
    View view) const {
  if (!IsVisible(view)) return DeletedError();
  const auto& tx = *tx_->impl_;
  std::vector<std::pair<PropertyId, PropertyValue>> props;
  Edge* e = EdgeObject(*tx.s, gid());
  if (e == nullptr) return props;
  const Delta* head;
  {
    std::lock_guard guard(e->lock);
    e->properties.AppendAll(&props);
    head = e->delta;
  }
  tx.ForEachUndo(head, view, [&](const Delta& d) {
    if (d.action == DeltaAction::kSetProperty) SetInList(&props, d.id, d.old_value.Decode());
  });
  return props;
}

namespace {

// Gives the edge an Edge object (first property write) and points the gid
// map at it: a representation change readers cannot observe, so it needs
// no delta. Serialized with other promoters and deleters by the source's
// lock.
StorageResult<Edge*> Promote(Transaction::Impl& tx, Gid gid, Vertex* from, Vertex* to) {
  Vertex* a = from < to ? from : to;
  Vertex* b = from < to ? to : from;
  std::lock_guard ga(a->lock);
  std::unique_lock gb(b->lock, std::defer_lock);
  if (b != a) gb.lock();
  const AdjEntry* found = nullptr;
  for (const AdjEntry* e = from->OutBegin(); e != from->OutEnd(); ++e) {
    if (EntryGid(*e) == gid) found = e;
  }
  if (found == nullptr) {
    if (!tx.CanWrite(from->delta)) return SerializationError();
    return DeletedError();
  }
  if (Edge* existing = EdgeObject(*tx.s, gid)) return existing;
  Edge* e = tx.s->edge_slab.New(gid, from);
  tx.s->edges.Set(gid, reinterpret_cast<uint64_t>(e));
  return e;
}

}  // namespace

StorageResult<PropertyValue> EdgeAccessor::SetProperty(PropertyId key, PropertyValue value) {
  auto& tx = *tx_->impl_;
  Gid g = gid();
  Edge* e = EdgeObject(*tx.s, g);
  if (e == nullptr) {
    auto promoted = Promote(tx, g, from_, to_);
    if (!promoted) return MakeError(promoted.Error());
    e = *promoted;
  }
  std::lock_guard guard(e->lock);
  if (!tx.CanWrite(e->delta)) return SerializationError();
  if (e->deleted) return DeletedError();
  PropertyValue old = e->properties.Set(key, value);
  Delta* d = tx.AddDelta(e, DeltaAction::kSetProperty, key);
  ::new (&d->old_value) EncodedValue(old);
  if (tx.record_redo) {
    tx.redo.push_back(MakeChange(ChangeKind::kSetEdgeProperty, g, key, std::move(value)));
  }
  return old;
}

StorageResult<size_t> EdgeAccessor::ClearProperties() {
  auto& tx = *tx_->impl_;
  Gid g = gid();
  Edge* e = EdgeObject(*tx.s, g);
  if (e == nullptr) {
    if (!IsVisible(View::kNew)) return DeletedError();
    return size_t{0};
  }
  std::lock_guard guard(e->lock);
  if (!tx.CanWrite(e->delta)) return SerializationError();
  if (e->deleted) return DeletedError();
  auto all = e->properties.All();
  for (auto& [key, old] : all) {
    e->properties.Set(key, PropertyValue());
    Delta* d = tx.AddDelta(e, DeltaAction::kSetProperty, key);
    ::new (&d->old_value) EncodedValue(old);
    if (tx.record_redo) tx.redo.push_back(MakeChange(ChangeKind::kSetEdgeProperty, g, key));
  }
  return all.size();
}

}  // namespace tributary::storage
