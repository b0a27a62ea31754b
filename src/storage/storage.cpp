// Storage: transactions, name interning, index and constraint DDL,
// statistics, system keys.

#include "storage/storage.hpp"

#include <algorithm>
#include <unordered_map>

#include "storage/storage_impl.hpp"

namespace tributary::storage {

// ---- NameMap ------------------------------------------------------------

uint32_t NameMap::IdFor(std::string_view name) {
  {
    std::shared_lock guard(mu_);
    auto it = ids_.find(name);
    if (it != ids_.end()) return it->second;
  }
  std::unique_lock guard(mu_);
  auto it = ids_.find(name);
  if (it != ids_.end()) return it->second;
  if (names_.size() >= limit_) std::abort();  // more names than the id space holds
  names_.emplace_back(name);
  auto id = static_cast<uint32_t>(names_.size() - 1);
  ids_.emplace(std::string_view(names_.back()), id);
  return id;
}

std::optional<uint32_t> NameMap::Find(std::string_view name) const {
  std::shared_lock guard(mu_);
  auto it = ids_.find(name);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

std::string_view NameMap::Name(uint32_t id) const {
  std::shared_lock guard(mu_);
  if (id >= names_.size()) return {};
  return names_[id];
}

// ---- Storage::Impl ------------------------------------------------------

std::pair<uint64_t, uint64_t> Storage::Impl::OldestActive() {
  std::lock_guard guard(active_mu);
  if (active.empty()) return {watermark.load() + 1, next_txn_id};
  return {active.begin()->second, active.begin()->first};
}

uint64_t Storage::Impl::OldestStartExcept(uint64_t txn_id) {
  std::lock_guard guard(active_mu);
  for (const auto& [id, start] : active) {
    if (id != txn_id) return start;
  }
  return watermark.load() + 1;
}

bool Storage::Impl::FinishIfAlone(uint64_t txn_id) {
  std::lock_guard guard(active_mu);
  if (active.size() != 1 || active.front().first != txn_id) return false;
  active.clear();
  return true;
}

void Storage::Impl::FinishTransaction(uint64_t txn_id) {
  std::lock_guard guard(active_mu);
  auto it = std::lower_bound(active.begin(), active.end(), std::make_pair(txn_id, uint64_t{0}));
  if (it != active.end() && it->first == txn_id) active.erase(it);
}

void Storage::Impl::Retire(uint64_t ts) {
  std::lock_guard guard(publish_mu);
  auto it = std::find(in_flight.begin(), in_flight.end(), ts);
  if (it != in_flight.end()) in_flight.erase(it);
  uint64_t w = in_flight.empty() ? last_assigned_ts : in_flight.front() - 1;
  if (w > watermark.load()) {
    watermark.store(w);
    publish_cv.notify_all();
  }
}

void Storage::Impl::WaitVisible(uint64_t ts) {
  // Usually already visible (no older commit is still waiting for its
  // fsync): no lock then.
  if (watermark.load(std::memory_order_acquire) >= ts) return;
  std::unique_lock guard(publish_mu);
  publish_cv.wait(guard, [&] { return watermark.load() >= ts; });
}

StorageStats Storage::Impl::Stats() {
  StorageStats st;
  st.live_deltas = static_cast<uint64_t>(live_deltas.load());
  st.pending_buffers = static_cast<uint64_t>(pending_buffers.load());
  st.vertex_objects = vertex_slab.live();
  st.edge_objects = edge_slab.live();
  std::lock_guard guard(active_mu);
  st.active_transactions = active.size();
  return st;
}

// ---- Storage ------------------------------------------------------------

Storage::Storage(StorageConfig config) : impl_(std::make_unique<Impl>(config)) {
  if (config.gc_interval_ms > 0) {
    Impl* s = impl_.get();
    s->gc_thread = std::thread([s] {
      std::unique_lock lock(s->gc_thread_mu);
      while (!s->stopping) {
        s->gc_cv.wait_for(lock, std::chrono::milliseconds(s->config.gc_interval_ms));
        if (s->stopping) break;
        lock.unlock();
        s->Collect();
        lock.lock();
      }
    });
  }
}

Storage::~Storage() {
  auto& s = *impl_;
  {
    std::lock_guard guard(s.gc_thread_mu);
    s.stopping = true;
  }
  s.gc_cv.notify_all();
  if (s.gc_thread.joinable()) s.gc_thread.join();
  // Deltas first (they only point at objects), then the objects.
  s.committed.clear();
  s.aborted.clear();
  s.retired_buffers.clear();
  uint64_t vend = s.next_vertex_gid.load();
  for (uint64_t g = 0; g < vend; ++g) {
    uint64_t w = s.vertices.Get(g);
    if (w != 0) s.vertex_slab.Delete(reinterpret_cast<Vertex*>(w));
  }
  for (auto& [stamp, v] : s.retired_vertices) s.vertex_slab.Delete(v);
  uint64_t eend = s.next_edge_gid.load();
  for (uint64_t g = 0; g < eend; ++g) {
    uint64_t w = s.edges.Get(g);
    if (w != 0 && (w & 1) == 0) s.edge_slab.Delete(reinterpret_cast<Edge*>(w));
  }
  for (auto& [stamp, e] : s.retired_edges) s.edge_slab.Delete(e);
}

std::unique_ptr<Transaction> Storage::Begin() {
  auto& s = *impl_;
  auto tx = std::make_unique<Transaction::Impl>();
  tx->s = &s;
  {
    std::lock_guard guard(s.active_mu);
    tx->id = s.next_txn_id++;
    tx->start_ts = s.watermark.load() + 1;
    s.active.emplace_back(tx->id, tx->start_ts);
  }
  tx->record_redo = s.observer != nullptr;
  return std::unique_ptr<Transaction>(new Transaction(this, std::move(tx)));  // private ctor
}

LabelId Storage::LabelIdFor(std::string_view name) { return impl_->labels.IdFor(name); }
PropertyId Storage::PropertyIdFor(std::string_view name) { return impl_->properties.IdFor(name); }
EdgeTypeId Storage::EdgeTypeIdFor(std::string_view name) { return impl_->edge_types.IdFor(name); }
std::optional<LabelId> Storage::FindLabel(std::string_view name) const {
  return impl_->labels.Find(name);
}
std::optional<PropertyId> Storage::FindProperty(std::string_view name) const {
  return impl_->properties.Find(name);
}
std::optional<EdgeTypeId> Storage::FindEdgeType(std::string_view name) const {
  return impl_->edge_types.Find(name);
}
std::string_view Storage::LabelName(LabelId id) const { return impl_->labels.Name(id); }
std::string_view Storage::PropertyName(PropertyId id) const { return impl_->properties.Name(id); }
std::string_view Storage::EdgeTypeName(EdgeTypeId id) const { return impl_->edge_types.Name(id); }

// ---- DDL ----------------------------------------------------------------

namespace {

// Inserts entries for every version of every vertex (the newest state and
// all states the undo chains can reconstruct) that has the label.
void PopulateLabelIndex(Storage::Impl& s, LabelIndex& index) {
  LabelId label = index.label();
  s.ForEachVertex([&](Vertex* v) {
    std::lock_guard guard(v->lock);
    bool any = v->labels.Has(label);
    for (const Delta* d = v->delta; d != nullptr && !any; d = d->next.load()) {
      any = d->action == DeltaAction::kAddLabel && d->id == label;
    }
    if (any) index.Insert(v->gid, v);
  });
}

void PopulatePropertyIndex(Storage::Impl& s, LabelPropertyIndex& index) {
  LabelId label = index.label();
  PropertyId prop = index.property();
  s.ForEachVertex([&](Vertex* v) {
    std::lock_guard guard(v->lock);
    bool any = v->labels.Has(label);
    for (const Delta* d = v->delta; d != nullptr && !any; d = d->next.load()) {
      any = d->action == DeltaAction::kAddLabel && d->id == label;
    }
    if (!any) return;
    PropertyValue head = v->properties.Get(prop);
    if (!head.IsNull()) index.Insert(head, v);
    for (const Delta* d = v->delta; d != nullptr; d = d->next.load()) {
      if (d->action != DeltaAction::kSetProperty || d->id != prop) continue;
      PropertyValue old = d->old_value.Decode();
      if (!old.IsNull()) index.Insert(old, v);
    }
  });
}

// Latest committed (or committing) value of the pair, ignoring changes of
// running transactions. Returns false if v lacks the label or is deleted.
bool LatestCommitted(Vertex* v, LabelId label, PropertyId prop, PropertyValue* value) {
  bool exists = true;
  bool deleted;
  bool has;
  const Delta* head;
  {
    std::lock_guard guard(v->lock);
    deleted = v->deleted;
    has = v->labels.Has(label);
    *value = v->properties.Get(prop);
    head = v->delta;
  }
  for (const Delta* d = head; d != nullptr; d = d->next.load()) {
    uint64_t ts = d->info->ts.load();
    if (ts < kTxnIdBase || d->info->committing.load()) break;
    switch (d->action) {
      case DeltaAction::kDeleteObject:
        exists = false;
        break;
      case DeltaAction::kRecreateObject:
        deleted = false;
        break;
      case DeltaAction::kAddLabel:
        if (d->id == label) has = true;
        break;
      case DeltaAction::kRemoveLabel:
        if (d->id == label) has = false;
        break;
      case DeltaAction::kSetProperty:
        if (d->id == prop) *value = d->old_value.Decode();
        break;
      default:
        break;
    }
  }
  return exists && !deleted && has && !value->IsNull();
}

struct NormalizedHash {
  size_t operator()(const PropertyValue& v) const { return HashValue(v); }
};

StorageResult<void> AppendSchema(Storage::Impl& s, SchemaChange change) {
  if (s.observer == nullptr) return {};
  auto r = s.observer->AppendSchema(change);
  if (!r)
    return MakeError(Error{ErrorCode::kDurability, "Schema change failed: " + r.Error().message});
  return {};
}

template <typename Member, typename Ptr>
std::shared_ptr<IndexRegistry> Without(const IndexRegistry& reg, Member member, const Ptr& p) {
  auto next = std::make_shared<IndexRegistry>(reg);
  auto& list = (*next).*member;
  list.erase(std::remove(list.begin(), list.end(), p), list.end());
  return next;
}

}  // namespace

StorageResult<void> Storage::CreateLabelIndex(LabelId label) {
  auto& s = *impl_;
  std::lock_guard ddl(s.ddl_mu);
  auto reg = s.Registry();
  if (reg->FindLabel(label)) {
    return MakeError(Error{ErrorCode::kIndexExists,
                           "Index on :" + std::string(LabelName(label)) + " already exists"});
  }
  auto index = std::make_shared<LabelIndex>(label);
  auto next = std::make_shared<IndexRegistry>(*reg);
  next->label.push_back(index);
  s.PublishRegistry(next);
  {
    std::lock_guard gc(s.gc_mu);
    PopulateLabelIndex(s, *index);
  }
  index->ready.store(true);
  std::lock_guard commit(s.commit_mu);
  if (auto r = AppendSchema(s, {SchemaChangeKind::kCreateLabelIndex, label}); !r) {
    s.PublishRegistry(Without(*s.Registry(), &IndexRegistry::label, index));
    return r;
  }
  return {};
}

StorageResult<void> Storage::DropLabelIndex(LabelId label) {
  auto& s = *impl_;
  std::lock_guard ddl(s.ddl_mu);
  auto reg = s.Registry();
  auto index = reg->FindLabel(label);
  if (!index) {
    return MakeError(
        Error{ErrorCode::kIndexMissing, "No index on :" + std::string(LabelName(label))});
  }
  std::lock_guard commit(s.commit_mu);
  if (auto r = AppendSchema(s, {SchemaChangeKind::kDropLabelIndex, label}); !r) return r;
  s.PublishRegistry(Without(*reg, &IndexRegistry::label, index));
  return {};
}

StorageResult<void> Storage::CreateLabelPropertyIndex(LabelId label, PropertyId property) {
  auto& s = *impl_;
  std::lock_guard ddl(s.ddl_mu);
  auto reg = s.Registry();
  if (reg->FindLabelProperty(label, property)) {
    return MakeError(Error{ErrorCode::kIndexExists, "Index on :" + std::string(LabelName(label)) +
                                                        "(" + std::string(PropertyName(property)) +
                                                        ") already exists"});
  }
  auto index = std::make_shared<LabelPropertyIndex>(label, property);
  auto next = std::make_shared<IndexRegistry>(*reg);
  next->label_property.push_back(index);
  s.PublishRegistry(next);
  {
    std::lock_guard gc(s.gc_mu);
    PopulatePropertyIndex(s, *index);
  }
  index->ready.store(true);
  std::lock_guard commit(s.commit_mu);
  if (auto r = AppendSchema(s, {SchemaChangeKind::kCreateLabelPropertyIndex, label, property});
      !r) {
    s.PublishRegistry(Without(*s.Registry(), &IndexRegistry::label_property, index));
    return r;
  }
  return {};
}

StorageResult<void> Storage::DropLabelPropertyIndex(LabelId label, PropertyId property) {
  auto& s = *impl_;
  std::lock_guard ddl(s.ddl_mu);
  auto reg = s.Registry();
  auto index = reg->FindLabelProperty(label, property);
  if (!index) {
    return MakeError(
        Error{ErrorCode::kIndexMissing, "No index on :" + std::string(LabelName(label)) + "(" +
                                            std::string(PropertyName(property)) + ")"});
  }
  std::lock_guard commit(s.commit_mu);
  if (auto r = AppendSchema(s, {SchemaChangeKind::kDropLabelPropertyIndex, label, property}); !r) {
    return r;
  }
  s.PublishRegistry(Without(*reg, &IndexRegistry::label_property, index));
  return {};
}

StorageResult<void> Storage::CreateUniqueConstraint(LabelId label, PropertyId property) {
  auto& s = *impl_;
  std::lock_guard ddl(s.ddl_mu);
  auto reg = s.Registry();
  std::string name =
      ":" + std::string(LabelName(label)) + "(" + std::string(PropertyName(property)) + ")";
  if (reg->FindUnique(label, property)) {
    return MakeError(
        Error{ErrorCode::kConstraintExists, "Unique constraint on " + name + " already exists"});
  }
  auto index = std::make_shared<LabelPropertyIndex>(label, property);
  auto next = std::make_shared<IndexRegistry>(*reg);
  next->unique.push_back(index);
  // Commits validate against the constraint from the moment it is
  // published; holding the commit mutex while checking existing data means
  // no commit slips between the check and the publication.
  std::lock_guard gc(s.gc_mu);
  std::lock_guard commit(s.commit_mu);
  s.PublishRegistry(next);
  PopulatePropertyIndex(s, *index);
  std::unordered_map<PropertyValue, Gid, NormalizedHash> seen;
  std::optional<std::string> violation;
  for (const auto& e : index->All()) {
    PropertyValue value;
    if (!LatestCommitted(e.vertex, label, property, &value) || !e.key.Matches(value)) continue;
    if (!CanEqual(value)) continue;
    auto [it, inserted] = seen.emplace(NormalizeNumbers(value, NumberForm::kLow), e.vertex->gid);
    if (!inserted && it->second != e.vertex->gid) {
      violation = "Unable to create unique constraint " + name + ": vertices " +
                  std::to_string(it->second) + " and " + std::to_string(e.vertex->gid) +
                  " both have " + std::string(PropertyName(property)) + " = " +
                  ToCypherLiteral(value);
      break;
    }
  }
  if (violation) {
    s.PublishRegistry(Without(*s.Registry(), &IndexRegistry::unique, index));
    return MakeError(Error{ErrorCode::kConstraintViolation, *violation});
  }
  if (auto r = AppendSchema(s, {SchemaChangeKind::kCreateUniqueConstraint, label, property}); !r) {
    s.PublishRegistry(Without(*s.Registry(), &IndexRegistry::unique, index));
    return r;
  }
  index->ready.store(true);
  return {};
}

StorageResult<void> Storage::DropUniqueConstraint(LabelId label, PropertyId property) {
  auto& s = *impl_;
  std::lock_guard ddl(s.ddl_mu);
  auto reg = s.Registry();
  auto index = reg->FindUnique(label, property);
  if (!index) {
    return MakeError(Error{ErrorCode::kConstraintMissing,
                           "No unique constraint on :" + std::string(LabelName(label)) + "(" +
                               std::string(PropertyName(property)) + ")"});
  }
  std::lock_guard commit(s.commit_mu);
  if (auto r = AppendSchema(s, {SchemaChangeKind::kDropUniqueConstraint, label, property}); !r) {
    return r;
  }
  s.PublishRegistry(Without(*reg, &IndexRegistry::unique, index));
  return {};
}

bool Storage::HasLabelIndex(LabelId label) const {
  return impl_->Registry()->FindLabel(label) != nullptr;
}

bool Storage::HasLabelPropertyIndex(LabelId label, PropertyId property) const {
  return impl_->Registry()->FindLabelProperty(label, property) != nullptr;
}

std::vector<IndexInfo> Storage::ListIndexes() const {
  auto reg = impl_->Registry();
  std::vector<IndexInfo> out;
  for (const auto& i : reg->label) out.push_back({i->label(), std::nullopt, i->size()});
  for (const auto& i : reg->label_property) out.push_back({i->label(), i->property(), i->size()});
  return out;
}

std::vector<ConstraintInfo> Storage::ListConstraints() const {
  auto reg = impl_->Registry();
  std::vector<ConstraintInfo> out;
  for (const auto& i : reg->unique) out.push_back({i->label(), i->property()});
  return out;
}

uint64_t Storage::ApproxVertexCount() const {
  return static_cast<uint64_t>(std::max<int64_t>(0, impl_->vertex_count.load()));
}

uint64_t Storage::ApproxEdgeCount() const {
  return static_cast<uint64_t>(std::max<int64_t>(0, impl_->edge_count.load()));
}

uint64_t Storage::ApproxLabelCount(LabelId label) const {
  std::lock_guard guard(impl_->label_count_mu);
  auto it = impl_->label_counts.find(label);
  return it == impl_->label_counts.end() ? 0
                                         : static_cast<uint64_t>(std::max<int64_t>(0, it->second));
}

std::vector<std::pair<std::string, std::string>> Storage::SystemKeys(
    std::string_view prefix) const {
  return impl_->system_keys.Latest(prefix);
}

void Storage::SetCommitObserver(CommitObserver* observer) {
  std::lock_guard guard(impl_->commit_mu);
  impl_->observer = observer;
}

Gid Storage::NextVertexGid() const { return impl_->next_vertex_gid.load(); }
Gid Storage::NextEdgeGid() const { return impl_->next_edge_gid.load(); }

void Storage::AdvanceGids(Gid next_vertex, Gid next_edge) {
  for (auto [counter, at_least] : {std::pair{&impl_->next_vertex_gid, next_vertex},
                                   std::pair{&impl_->next_edge_gid, next_edge}}) {
    uint64_t cur = counter->load();
    while (cur < at_least && !counter->compare_exchange_weak(cur, at_least)) {
    }
  }
}

void Storage::CollectGarbage() { impl_->Collect(); }

}  // namespace tributary::storage
