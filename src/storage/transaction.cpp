// Transaction: object creation and deletion, commit protocol, abort.

#include <algorithm>
#include <mutex>
#include <unordered_set>
#include <utility>

#include "storage/storage_impl.hpp"

namespace tributary::storage {
namespace {

// One spare UndoBuffer block per thread (they all have the same size).
struct UndoBlockCache {
  ~UndoBlockCache() { ::operator delete(spare); }
  void* spare = nullptr;
};
thread_local UndoBlockCache t_undo_block;

// Locks one or two vertices in address order (deadlock-free).
class PairLock {
 public:
  PairLock(Vertex* a, Vertex* b) : a_(a < b ? a : b), b_(a < b ? b : a) {
    a_->lock.lock();
    if (b_ != a_) b_->lock.lock();
  }
  ~PairLock() {
    if (b_ != a_) b_->lock.unlock();
    a_->lock.unlock();
  }
  PairLock(const PairLock&) = delete;
  PairLock& operator=(const PairLock&) = delete;

 private:
  Vertex* a_;
  Vertex* b_;
};

void AdvanceTo(std::atomic<uint64_t>* counter, uint64_t at_least) {
  uint64_t cur = counter->load();
  while (cur < at_least && !counter->compare_exchange_weak(cur, at_least)) {
  }
}

const AdjEntry* FindOut(const Vertex* v, Gid gid) {
  for (const AdjEntry* e = v->OutBegin(); e != v->OutEnd(); ++e) {
    if (e->gid() == gid) return e;
  }
  return nullptr;
}

const AdjEntry* FindIn(const Vertex* v, Gid gid) {
  for (const AdjEntry* e = v->InBegin(); e != v->InEnd(); ++e) {
    if (e->gid() == gid) return e;
  }
  return nullptr;
}

// Undoes one delta on its (locked) vertex. Returns the dead edge gid when
// the delta undoes an edge creation (out side), else nothing.
void UndoOnVertex(Vertex* v, const Delta& d, UndoBuffer* buf) {
  switch (d.action) {
    case DeltaAction::kDeleteObject:
      v->deleted = true;
      buf->dead_vertices.push_back(v);
      break;
    case DeltaAction::kRecreateObject:
      v->deleted = false;
      break;
    case DeltaAction::kAddLabel:
      v->labels.Add(d.id);
      break;
    case DeltaAction::kRemoveLabel:
      v->labels.Remove(d.id);
      break;
    case DeltaAction::kSetProperty:
      v->properties.Set(d.id, d.old_value.Decode());
      break;
    case DeltaAction::kAddOutEdge:
      v->AddOut(d.entry);
      break;
    case DeltaAction::kAddInEdge:
      v->AddIn(d.entry);
      break;
    case DeltaAction::kRemoveOutEdge: {
      Gid g = d.entry.gid();
      v->RemoveOut(g);
      buf->dead_edges.push_back(g);
      break;
    }
    case DeltaAction::kRemoveInEdge: {
      Gid g = d.entry.gid();
      v->RemoveIn(g);
      break;
    }
  }
}

void UndoOnEdge(Edge* e, const Delta& d) {
  switch (d.action) {
    case DeltaAction::kSetProperty:
      e->properties.Set(d.id, d.old_value.Decode());
      break;
    case DeltaAction::kRecreateObject:
      e->deleted = false;
      break;
    case DeltaAction::kDeleteObject:
      e->deleted = true;
      break;
    default:
      break;
  }
}

// The state of (label, property) of `w` as of the latest commit, counting
// transactions that are committing and this one's own changes; changes of
// other running transactions are undone.
bool CommittedHasValue(const Transaction::Impl& tx, Vertex* w, LabelId label, PropertyId prop,
                       const PropertyValue& value) {
  bool exists = true;
  bool deleted;
  bool has_label;
  PropertyValue current;
  const Delta* head;
  {
    std::lock_guard guard(w->lock);
    deleted = w->deleted;
    has_label = w->labels.Has(label);
    current = w->properties.Get(prop);
    head = w->delta;
  }
  for (const Delta* d = head; d != nullptr; d = d->next.load(std::memory_order_acquire)) {
    uint64_t ts = d->info->ts.load(std::memory_order_acquire);
    if (ts == tx.id || ts < kTxnIdBase || d->info->committing.load()) break;
    switch (d->action) {
      case DeltaAction::kDeleteObject:
        exists = false;
        break;
      case DeltaAction::kRecreateObject:
        deleted = false;
        break;
      case DeltaAction::kAddLabel:
        if (d->id == label) has_label = true;
        break;
      case DeltaAction::kRemoveLabel:
        if (d->id == label) has_label = false;
        break;
      case DeltaAction::kSetProperty:
        if (d->id == prop) current = d->old_value.Decode();
        break;
      default:
        break;
    }
  }
  return exists && !deleted && has_label && CypherEquals(current, value);
}

}  // namespace

Transaction::Transaction(Storage* storage, std::unique_ptr<Impl> impl)
    : storage_(storage), impl_(std::move(impl)) {}

Transaction::~Transaction() { Abort(); }

bool Transaction::IsActive() const { return impl_->active; }

void Transaction::AdvanceCommand() { ++impl_->command_id; }

static VertexAccessor CreateVertexImpl(Transaction* t, Transaction::Impl& tx, Gid gid) {
  if (gid > GidMap::kMaxGid) std::abort();
  Vertex* v = tx.s->vertex_slab.New(gid);
  tx.AddDelta(v, DeltaAction::kDeleteObject);
  tx.s->vertices.Set(gid, reinterpret_cast<uint64_t>(v));
  ++tx.vertex_delta;
  if (tx.record_redo) tx.redo.push_back(MakeChange(ChangeKind::kCreateVertex, gid));
  return VertexAccessor(v, t);
}

VertexAccessor Transaction::CreateVertex() {
  Gid gid = impl_->s->next_vertex_gid.fetch_add(1);
  return CreateVertexImpl(this, *impl_, gid);
}

VertexAccessor Transaction::CreateVertexWithGid(Gid gid) {
  AdvanceTo(&impl_->s->next_vertex_gid, gid + 1);
  return CreateVertexImpl(this, *impl_, gid);
}

std::optional<VertexAccessor> Transaction::FindVertex(Gid gid, View view) {
  uint64_t w = impl_->s->vertices.Get(gid);
  if (w == 0) return std::nullopt;
  VertexAccessor acc(reinterpret_cast<Vertex*>(w), this);
  if (!acc.IsVisible(view)) return std::nullopt;
  return acc;
}

std::optional<EdgeAccessor> Transaction::FindEdge(Gid gid, View view) {
  uint64_t w = impl_->s->edges.Get(gid);
  if (w == 0) return std::nullopt;
  Vertex* from =
      (w & 1) ? reinterpret_cast<Vertex*>(w & ~uint64_t{1}) : reinterpret_cast<Edge*>(w)->from;
  std::vector<EdgeAccessor> out;
  if (!VertexAccessor(from, this).OutEdges(view, {}, &out)) return std::nullopt;
  for (const auto& e : out) {
    if (e.gid() == gid) return e;
  }
  return std::nullopt;
}

static StorageResult<EdgeAccessor> CreateEdgeImpl(Transaction* t, Transaction::Impl& tx,
                                                  std::optional<Gid> gid, Vertex* f, Vertex* to,
                                                  EdgeTypeId type) {
  if (type >= kMaxEdgeTypes) {
    return MakeError(Error{ErrorCode::kNonexistentObject, "Edge type id out of range"});
  }
  PairLock guard(f, to);
  if (!tx.CanWrite(f->delta) || !tx.CanWrite(to->delta)) return SerializationError();
  if (f->deleted || to->deleted) return DeletedError();
  Gid g = gid ? *gid : tx.s->next_edge_gid.fetch_add(1);
  if (g > GidMap::kMaxGid) std::abort();
  uint64_t ref = GidRef(g);
  tx.s->edges.Set(g, reinterpret_cast<uint64_t>(f) | 1);
  AdjEntry out{PackVertexType(to, type), ref};
  AdjEntry in{PackVertexType(f, type), ref};
  f->AddOut(out);
  tx.AddDelta(f, DeltaAction::kRemoveOutEdge)->entry = out;
  to->AddIn(in);
  tx.AddDelta(to, DeltaAction::kRemoveInEdge)->entry = in;
  ++tx.edge_delta;
  if (tx.record_redo) {
    Change c = MakeChange(ChangeKind::kCreateEdge, g, type);
    c.from = f->gid;
    c.to = to->gid;
    tx.redo.push_back(std::move(c));
  }
  return EdgeAccessor(RefEdge(ref), f, to, type, t);
}

StorageResult<EdgeAccessor> Transaction::CreateEdge(const VertexAccessor& from,
                                                    const VertexAccessor& to, EdgeTypeId type) {
  return CreateEdgeImpl(this, *impl_, std::nullopt, from.raw(), to.raw(), type);
}

StorageResult<EdgeAccessor> Transaction::CreateEdgeWithGid(Gid gid, const VertexAccessor& from,
                                                           const VertexAccessor& to,
                                                           EdgeTypeId type) {
  AdvanceTo(&impl_->s->next_edge_gid, gid + 1);
  return CreateEdgeImpl(this, *impl_, gid, from.raw(), to.raw(), type);
}

StorageResult<void> Transaction::DeleteEdge(const EdgeAccessor& edge) {
  auto& tx = *impl_;
  Vertex* f = edge.From().raw();
  Vertex* to = edge.To().raw();
  Gid g = edge.gid();
  PairLock guard(f, to);
  if (!tx.CanWrite(f->delta) || !tx.CanWrite(to->delta)) return SerializationError();
  const AdjEntry* out_pos = FindOut(f, g);
  if (out_pos == nullptr) return {};  // already deleted by this transaction
  AdjEntry out = *out_pos;
  // Promotion sets the map entry under the source's lock, held here.
  uint64_t w = tx.s->edges.Get(g);
  Edge* object = (w != 0 && (w & 1) == 0) ? reinterpret_cast<Edge*>(w) : nullptr;
  if (object != nullptr) {
    std::lock_guard edge_guard(object->lock);
    if (!tx.CanWrite(object->delta)) return SerializationError();
    tx.AddDelta(object, DeltaAction::kRecreateObject);
    object->deleted = true;
  }
  const AdjEntry* in_pos = FindIn(to, g);
  AdjEntry in = *in_pos;
  f->RemoveOut(g);
  tx.AddDelta(f, DeltaAction::kAddOutEdge)->entry = out;
  to->RemoveIn(g);
  tx.AddDelta(to, DeltaAction::kAddInEdge)->entry = in;
  --tx.edge_delta;
  if (tx.record_redo) tx.redo.push_back(MakeChange(ChangeKind::kDeleteEdge, g));
  return {};
}

StorageResult<void> Transaction::DeleteVertex(const VertexAccessor& vertex) {
  auto& tx = *impl_;
  Vertex* v = vertex.raw();
  std::lock_guard guard(v->lock);
  if (!tx.CanWrite(v->delta)) return SerializationError();
  if (v->deleted) {
    bool ours = v->delta != nullptr && v->delta->info->ts.load() == tx.id;
    if (ours) return {};
    return DeletedError();
  }
  if (v->out_size != 0 || v->in_size != 0) {
    return MakeError(Error{ErrorCode::kVertexHasEdges,
                           "Cannot delete a vertex that still has relationships; use DETACH "
                           "DELETE"});
  }
  tx.AddDelta(v, DeltaAction::kRecreateObject);
  v->deleted = true;
  --tx.vertex_delta;
  v->labels.ForEach([&](uint32_t l) { tx.AddLabelCount(l, -1); });
  if (tx.record_redo) tx.redo.push_back(MakeChange(ChangeKind::kDeleteVertex, v->gid));
  return {};
}

StorageResult<size_t> Transaction::DetachDeleteVertex(const VertexAccessor& vertex) {
  auto& tx = *impl_;
  Vertex* v = vertex.raw();
  std::vector<AdjEntry> outs;
  std::vector<AdjEntry> ins;
  {
    std::lock_guard guard(v->lock);
    if (!tx.CanWrite(v->delta)) return SerializationError();
    if (!v->deleted) {
      outs.assign(v->OutBegin(), v->OutEnd());
      ins.assign(v->InBegin(), v->InEnd());
    }
  }
  std::unordered_set<Gid> seen;
  for (const auto& e : outs) {
    EdgeAccessor acc(RefEdge(e.ref), v, e.other(), e.type(), this);
    if (auto r = DeleteEdge(acc); !r) return MakeError(r.Error());
    seen.insert(acc.gid());
  }
  for (const auto& e : ins) {
    EdgeAccessor acc(RefEdge(e.ref), e.other(), v, e.type(), this);
    if (seen.count(acc.gid()) != 0) continue;
    if (auto r = DeleteEdge(acc); !r) return MakeError(r.Error());
    seen.insert(acc.gid());
  }
  if (auto r = DeleteVertex(vertex); !r) return MakeError(r.Error());
  return seen.size();
}

void Transaction::PutSystemKey(std::string key, std::string value) {
  auto& tx = *impl_;
  if (tx.record_redo) {
    Change c = MakeChange(ChangeKind::kPutSystemKey, 0);
    c.key = key;
    c.value = PropertyValue(value);
    tx.redo.push_back(std::move(c));
  }
  tx.system_changes.emplace_back(std::move(key), std::move(value));
}

void Transaction::DeleteSystemKey(std::string key) {
  auto& tx = *impl_;
  if (tx.record_redo) {
    Change c = MakeChange(ChangeKind::kDeleteSystemKey, 0);
    c.key = key;
    tx.redo.push_back(std::move(c));
  }
  tx.system_changes.emplace_back(std::move(key), std::nullopt);
}

// Checks every unique constraint against the vertices this transaction
// changed. REQUIRES: commit_mu held.
static StorageResult<void> ValidateUnique(Transaction::Impl& tx) {
  if (!tx.undo) return {};
  // The transaction's cached registry when it is still the current one
  // (read under commit_mu, which unique-constraint DDL also holds): saves
  // the registry lock and two reference-count updates per commit.
  const IndexRegistry* registry = tx.registry.get();
  std::shared_ptr<const IndexRegistry> latest;
  if (registry == nullptr || tx.registry_version != tx.s->registry_version.load()) {
    latest = tx.s->Registry();
    registry = latest.get();
  }
  if (registry->unique.empty()) return {};
  std::vector<Vertex*> touched;
  tx.undo->deltas.ForEach([&](Delta* d) {
    if (d->OwnerIsEdge()) return;
    if (d->action == DeltaAction::kRemoveLabel || d->action == DeltaAction::kSetProperty) {
      touched.push_back(d->OwnerVertex());
    }
  });
  std::sort(touched.begin(), touched.end());
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
  std::vector<PropertyEntry> candidates;
  for (Vertex* v : touched) {
    for (const auto& index : registry->unique) {
      PropertyValue value;
      {
        std::lock_guard guard(v->lock);
        if (v->deleted || !v->labels.Has(index->label())) continue;
        value = v->properties.Get(index->property());
      }
      if (!CanEqual(value)) continue;
      IndexKey lo(NormalizeNumbers(value, NumberForm::kLow));
      IndexKey hi(NormalizeNumbers(value, NumberForm::kHigh));
      candidates.clear();
      index->Collect(
          nullptr, lo, SIZE_MAX, [&](const IndexKey& k) { return k.Compare(hi) <= 0; },
          &candidates);
      for (const auto& c : candidates) {
        if (c.vertex == v) continue;
        if (!CommittedHasValue(tx, c.vertex, index->label(), index->property(), value)) continue;
        std::string msg = "Unique constraint violated: a vertex with label :" +
                          std::string(tx.s->labels.Name(index->label())) + " and property " +
                          std::string(tx.s->properties.Name(index->property())) + " = " +
                          ToCypherLiteral(value) + " already exists (vertices " +
                          std::to_string(c.vertex->gid) + " and " + std::to_string(v->gid) + ")";
        return MakeError(Error{ErrorCode::kConstraintViolation, std::move(msg)});
      }
    }
  }
  return {};
}

// Under ASan the spare block is bypassed, so a write into a freed buffer
// is reported instead of landing in the next transaction's buffer.
void* UndoBuffer::operator new(size_t size) {
#if !defined(__SANITIZE_ADDRESS__)
  if (void* p = std::exchange(t_undo_block.spare, nullptr)) return p;
#endif
  return ::operator new(size);
}

void UndoBuffer::operator delete(void* p) {
#if !defined(__SANITIZE_ADDRESS__)
  if (t_undo_block.spare == nullptr) {
    t_undo_block.spare = p;
    return;
  }
#endif
  ::operator delete(p);
}

// The first half of a commit: validation, the commit timestamp and the
// observer's Append, serialized with other commits. Returns the ticket to wait
// for (nullopt: nothing to wait for; `*commit_ts` 0: nothing was committed and
// the transaction is finished).
StorageResult<std::optional<uint64_t>> Transaction::BeginCommit(uint64_t* commit_ts) {
  auto& tx = *impl_;
  auto& s = *tx.s;
  *commit_ts = 0;
  bool has_changes = (tx.undo && !tx.undo->deltas.empty()) || !tx.system_changes.empty();
  if (!has_changes) {
    tx.active = false;
    s.FinishTransaction(tx.id);
    return std::optional<uint64_t>();
  }
  std::optional<uint64_t> ticket;
  std::unique_lock lock(s.commit_mu);
  if (auto r = ValidateUnique(tx); !r) {
    lock.unlock();
    AbortChanges();
    return MakeError(r.Error());
  }
  *commit_ts = ++s.last_commit_ts;
  {
    std::lock_guard guard(s.publish_mu);
    s.in_flight.push_back(*commit_ts);
    s.last_assigned_ts = *commit_ts;
  }
  if (tx.undo) tx.undo->info.committing.store(true);
  if (s.observer != nullptr) {
    CommitRecord record{*commit_ts, std::move(tx.redo)};
    auto r = s.observer->Append(record);
    if (!r) {
      if (tx.undo) tx.undo->info.committing.store(false);
      lock.unlock();
      AbortChanges();
      s.Retire(*commit_ts);
      *commit_ts = 0;
      return MakeError(Error{ErrorCode::kDurability, "Commit failed: " + r.Error().message});
    }
    ticket = *r;
  }
  return ticket;
}

// The observer could not make the commit durable: nobody has seen it, undo it.
Error Transaction::FailCommit(uint64_t commit_ts, const Error& error) {
  auto& tx = *impl_;
  if (tx.undo) tx.undo->info.committing.store(false);
  AbortChanges();
  tx.s->Retire(commit_ts);
  bool unknown = error.code == ErrorCode::kCommitOutcomeUnknown;
  return Error{error.code,
               (unknown ? "Commit outcome unknown: " : "Commit failed: ") + error.message};
}

// The second half: the commit is durable; make it visible (to snapshots above
// the watermark, which Retire advances in commit order) and hand the undo
// records to GC. The caller then waits with WaitVisible(commit_ts).
void Transaction::PublishCommit(uint64_t commit_ts) {
  auto& tx = *impl_;
  auto& s = *tx.s;
  if (tx.undo) {
    tx.undo->commit_ts = commit_ts;
    tx.undo->info.ts.store(commit_ts, std::memory_order_release);
  }
  if (!tx.system_changes.empty()) {
    s.system_keys.Apply(commit_ts, tx.system_changes, s.OldestActive().first);
  }
  s.vertex_count.fetch_add(tx.vertex_delta, std::memory_order_relaxed);
  s.edge_count.fetch_add(tx.edge_delta, std::memory_order_relaxed);
  if (!tx.label_deltas.empty()) {
    std::lock_guard guard(s.label_count_mu);
    for (auto [l, n] : tx.label_deltas) s.label_counts[l] += n;
  }
  s.Retire(commit_ts);
  tx.active = false;
  if (tx.undo) {
    // When no other snapshot is older than this commit (a lone writer, the
    // stream applier's case), cut the deltas off now rather than at the
    // next GC pass: until then every reader and writer of these objects
    // would dereference the cold head delta and its CommitInfo (ADR 015).
    if (commit_ts < s.OldestStartExcept(tx.id)) {
      s.UnlinkDeltas(tx.undo.get());
      // Transactions that begin from here on cannot reach the deltas; if
      // none other is running and neither GC nor DDL (which walk chains
      // under gc_mu) is either, nothing can hold a pointer to them, and
      // when Collect would only have freed them, free them now.
      if (Storage::Impl::OnlyUnlinkNeeded(*tx.undo)) {
        std::unique_lock gc(s.gc_mu, std::try_to_lock);
        if (gc.owns_lock() && s.FinishIfAlone(tx.id)) {
          tx.undo.reset();
          return;
        }
      }
    }
    s.live_deltas.fetch_add(static_cast<int64_t>(tx.undo->deltas.size()));
    s.pending_buffers.fetch_add(1);
    std::lock_guard guard(s.garbage_mu);
    s.committed.push_back(std::move(tx.undo));
  }
  s.FinishTransaction(tx.id);
}

// The second half when the caller's thread waits: durable (if there is a
// ticket), then published and visible.
StorageResult<void> Transaction::FinishCommit(std::optional<uint64_t> ticket, uint64_t commit_ts) {
  if (ticket) {
    if (auto r = impl_->s->observer->WaitDurable(*ticket); !r) {
      return MakeError(FailCommit(commit_ts, r.Error()));
    }
  }
  PublishCommit(commit_ts);
  // An older commit may still be waiting for its fsync; acknowledging ours
  // before it is visible would let the client's next transaction miss it.
  impl_->s->WaitVisible(commit_ts);
  return {};
}

StorageResult<void> Transaction::Commit() {
  if (!impl_->active) return {};
  uint64_t commit_ts;
  auto ticket = BeginCommit(&commit_ts);
  if (!ticket) return MakeError(ticket.Error());
  if (commit_ts == 0) return {};
  return FinishCommit(*ticket, commit_ts);
}

StorageResult<Transaction::CommitProgress> Transaction::CommitAsync(std::function<void()> wake) {
  auto& tx = *impl_;
  if (!tx.active) return CommitProgress::kDone;
  uint64_t commit_ts;
  auto ticket = BeginCommit(&commit_ts);
  if (!ticket) return MakeError(ticket.Error());
  if (commit_ts == 0) return CommitProgress::kDone;
  if (*ticket) {
    auto pending = std::make_shared<Impl::PendingCommit>();
    pending->owner = this;
    pending->commit_ts = commit_ts;
    pending->wake = std::move(wake);
    tx.pending_commit = pending;
    // Runs on the observer's thread. Publishing there, in the order the
    // log made the commits durable, means no committer's WaitVisible ever
    // depends on another pending committer's thread being scheduled.
    auto done = [pending](StorageResult<void> r) {
      Transaction* t = pending->owner;
      if (r) {
        t->PublishCommit(pending->commit_ts);
        pending->result = {};
      } else {
        pending->result = MakeError(t->FailCommit(pending->commit_ts, r.Error()));
      }
      // `done` first: the wake-up may drop the last reference to the
      // transaction's owner, whose destruction (on this thread) must not
      // wait for `done`. So the wake must not assume its target is alive
      // (the server's holds a weak_ptr).
      auto w = std::move(pending->wake);
      pending->done.store(true, std::memory_order_release);
      pending->done.notify_all();
      if (w) w();
    };
    if (tx.s->observer->WhenDurable(**ticket, std::move(done)) == CommitObserver::Wait::kDeferred) {
      return CommitProgress::kPending;
    }
    tx.pending_commit.reset();
  }
  if (auto r = FinishCommit(*ticket, commit_ts); !r) return MakeError(r.Error());
  return CommitProgress::kDone;
}

StorageResult<void> Transaction::CompleteCommit() {
  auto pending = std::move(impl_->pending_commit);
  if (!pending) return {};
  pending->done.wait(false, std::memory_order_acquire);
  if (!pending->result) return MakeError(pending->result.Error());
  impl_->s->WaitVisible(pending->commit_ts);
  return {};
}

void Transaction::Abort() {
  auto& tx = *impl_;
  if (tx.pending_commit) {
    // A commit waiting for durability ends on the observer's thread; its
    // outcome (published or rolled back) stands.
    (void)CompleteCommit();
    return;
  }
  AbortChanges();
}

void Transaction::AbortChanges() {
  auto& tx = *impl_;
  if (!tx.active) return;
  tx.active = false;
  auto& s = *tx.s;
  if (tx.undo) {
    UndoBuffer* buf = tx.undo.get();
    buf->deltas.ForEachReverse([&](Delta* d) {
      if (d->OwnerIsEdge()) {
        Edge* e = d->OwnerEdge();
        std::lock_guard guard(e->lock);
        if (e->delta != d) return;
        UndoOnEdge(e, *d);
        Delta* next = d->next.load(std::memory_order_relaxed);
        e->delta = next;
        if (next != nullptr) next->prev = nullptr;
      } else {
        Vertex* v = d->OwnerVertex();
        std::lock_guard guard(v->lock);
        if (v->delta != d) return;
        UndoOnVertex(v, *d, buf);
        Delta* next = d->next.load(std::memory_order_relaxed);
        v->delta = next;
        if (next != nullptr) next->prev = nullptr;
      }
    });
    s.index_dirty.store(true);
    s.live_deltas.fetch_add(static_cast<int64_t>(buf->deltas.size()));
    s.pending_buffers.fetch_add(1);
    std::lock_guard guard(s.garbage_mu);
    s.aborted.push_back(std::move(tx.undo));
  }
  tx.redo.clear();
  tx.system_changes.clear();
  s.FinishTransaction(tx.id);
}

}  // namespace tributary::storage
