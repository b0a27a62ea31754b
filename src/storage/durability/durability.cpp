#include "storage/durability/durability.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <map>

#include "storage/durability/snapshot_format.hpp"
#include "storage/durability/visibility.hpp"
#include "storage/durability/wal_reader.hpp"
#include "storage/durability/wal_record.hpp"

namespace tributary::storage::durability {
namespace {

Unexpected<Error> DurabilityError(std::string message) {
  return MakeError(Error{ErrorCode::kDurability, std::move(message)});
}

bool UsesProperty(SchemaChangeKind kind) {
  return kind != SchemaChangeKind::kCreateLabelIndex && kind != SchemaChangeKind::kDropLabelIndex;
}

}  // namespace

/// The CommitObserver the Storage calls: encodes each commit and schema
/// change into the WAL, and notices the snapshot marker commits.
class Durability::Observer final : public CommitObserver {
 public:
  Observer(Storage& storage, WalWriter& wal)
      : storage_(storage),
        wal_(wal),
        names_{[&s = storage](LabelId id) { return s.LabelName(id); },
               [&s = storage](PropertyId id) { return s.PropertyName(id); },
               [&s = storage](EdgeTypeId id) { return s.EdgeTypeName(id); }} {}

  StorageResult<uint64_t> Append(const CommitRecord& record) override {
    // Called under the storage's commit serialization, so payload_ and
    // last_commit_ts_ need no lock.
    payload_.clear();
    EncodeCommitPayload(0, record, storage_.NextVertexGid(), storage_.NextEdgeGid(), names_,
                        &payload_);
    uint64_t lsn = 0;
    auto ticket = wal_.Append(wal::RecordType::kCommit, payload_, &lsn);
    if (!ticket) return ticket;
    last_commit_ts_ = record.commit_ts;
    for (const Change& c : record.changes) {
      if (c.kind == ChangeKind::kPutSystemKey && c.key == kSnapshotMarkerKey &&
          c.value.IsString()) {
        std::lock_guard lock(markers_mu_);
        markers_[c.value.AsString()] = {lsn, record.commit_ts};
      }
    }
    return ticket;
  }

  StorageResult<void> WaitDurable(uint64_t ticket) override { return wal_.WaitDurable(ticket); }
  Wait WhenDurable(uint64_t ticket, DurableCallback done) override {
    return wal_.WhenDurable(ticket, std::move(done));
  }

  StorageResult<void> AppendSchema(const SchemaChange& change) override {
    WalSchema s;
    s.last_commit_ts = last_commit_ts_;
    s.kind = change.kind;
    s.label = std::string(storage_.LabelName(change.label));
    if (UsesProperty(change.kind)) s.property = std::string(storage_.PropertyName(change.property));
    payload_.clear();
    EncodeSchemaPayload(s, &payload_);  // s.lsn = 0 is the placeholder Append fills in
    auto ticket = wal_.Append(wal::RecordType::kSchema, payload_);
    if (!ticket) return MakeError(ticket.Error());
    return wal_.SyncUpTo(*ticket);
  }

  /// The LSN and commit timestamp of the marker commit with `value`, once
  /// its Append ran.
  std::optional<std::pair<uint64_t, uint64_t>> TakeMarker(const std::string& value) {
    std::lock_guard lock(markers_mu_);
    auto it = markers_.find(value);
    if (it == markers_.end()) return std::nullopt;
    auto marker = it->second;
    markers_.erase(it);
    return marker;
  }

 private:
  Storage& storage_;
  WalWriter& wal_;
  NameSource names_;
  std::string payload_;
  uint64_t last_commit_ts_ = 0;
  std::mutex markers_mu_;
  std::map<std::string, std::pair<uint64_t, uint64_t>> markers_;  // guarded by markers_mu_
};

Durability::Durability(const DurabilityOptions& options, Storage& storage)
    : options_(options), env_(options.env ? *options.env : Env::Default()), storage_(storage) {
  options_.snapshots_to_keep = std::max<uint32_t>(options_.snapshots_to_keep, 1);
}

Durability::~Durability() { Shutdown(); }

std::string Durability::wal_dir() const { return JoinPath(options_.data_dir, "wal"); }
std::string Durability::snapshot_dir() const { return JoinPath(options_.data_dir, "snapshots"); }

StorageResult<std::unique_ptr<Durability>> Durability::Open(const DurabilityOptions& options,
                                                            Storage& storage) {
  std::unique_ptr<Durability> d(new Durability(options, storage));
  Env& env = d->env_;
  const std::string& dir = d->options_.data_dir;
  if (auto r = env.CreateDirIfMissing(dir); !r) {
    return DurabilityError("cannot create data directory: " + r.Error().message);
  }
  auto lock = env.LockFile(JoinPath(dir, "LOCK"));
  if (!lock) {
    if (lock.Error().errnum == EWOULDBLOCK) {
      return DurabilityError("data directory " + dir + " is " + lock.Error().message);
    }
    return DurabilityError("cannot lock data directory: " + lock.Error().message);
  }
  d->lock_ = std::move(*lock);
  for (const std::string& sub : {d->wal_dir(), d->snapshot_dir()}) {
    if (auto r = env.CreateDirIfMissing(sub); !r) {
      return DurabilityError("cannot create directory: " + r.Error().message);
    }
  }
  // Leftovers of snapshots interrupted by a crash.
  if (auto names = env.ListDir(d->snapshot_dir())) {
    for (const auto& name : *names) {
      if (name.ends_with(snapshot::kTempSuffix)) {
        spdlog::info("removing unfinished snapshot {}", name);
        (void)env.Remove(JoinPath(d->snapshot_dir(), name));
      }
    }
  }

  auto recovered = Recover(env, d->snapshot_dir(), d->wal_dir(), storage);
  if (!recovered) return MakeError(recovered.Error());
  d->recovery_ = *recovered;
  const RecoveryResult& r = d->recovery_;
  d->next_snapshot_ = r.highest_snapshot + 1;
  if (r.snapshot) d->last_snapshot_lsn_ = r.snapshot->high_lsn;
  uint64_t next_segment =
      std::max<uint64_t>(r.last_segment + 1, r.snapshot ? r.snapshot->wal_segment : 1);
  WalWriterOptions wal_options;
  wal_options.dir = d->wal_dir();
  wal_options.segment_size = d->options_.wal_segment_size;
  wal_options.sync_policy = d->options_.wal_sync;
  wal_options.sync_interval_ms = d->options_.wal_sync_interval_ms;
  wal_options.preallocate = d->options_.wal_sync == SyncPolicy::kCommit;
  auto wal = WalWriter::Open(env, wal_options, next_segment, r.last_lsn + 1);
  if (!wal) return DurabilityError("cannot open the write-ahead log: " + wal.Error().message);
  d->wal_ = std::move(*wal);
  d->observer_ = std::make_unique<Observer>(storage, *d->wal_);
  storage.SetCommitObserver(d->observer_.get());
  spdlog::info(
      "recovered {} in {:.2f}s: snapshot {} ({} vertices, {} edges), {} WAL records ({} commits "
      "replayed, {} already in the snapshot); writing WAL segment {} from LSN {} (sync={})",
      dir, r.seconds, r.snapshot ? r.snapshot_path : "none", r.snapshot_vertices, r.snapshot_edges,
      r.wal_records, r.wal_commits_applied, r.wal_commits_skipped, next_segment, r.last_lsn + 1,
      SyncPolicyName(d->options_.wal_sync));
  if (d->options_.snapshot_interval_s > 0) {
    d->timer_ = std::thread([p = d.get()] { p->TimerLoop(); });
  }
  return d;
}

StorageResult<uint64_t> Durability::CommitMarker(uint64_t sequence, std::string_view which) {
  std::string value = std::to_string(sequence) + ":" + std::string(which);
  auto tx = storage_.Begin();
  tx->PutSystemKey(std::string(kSnapshotMarkerKey), value);
  auto r = tx->Commit();
  auto marker = observer_->TakeMarker(value);
  if (!r) return DurabilityError("snapshot marker commit failed: " + r.Error().message);
  if (!marker) return DurabilityError("snapshot marker commit did not reach the write-ahead log");
  // Commit() may return while an earlier commit is still being published;
  // transactions begun before that finishes would not see the marker yet.
  WaitUntilVisible(storage_, marker->second);
  return marker->first;
}

StorageResult<SnapshotResult> Durability::CreateSnapshot() {
  std::lock_guard lock(snapshot_mu_);
  if (!wal_) return DurabilityError("durability is shut down");
  const auto start = std::chrono::steady_clock::now();
  SnapshotResult result;
  SnapshotInfo& info = result.info;
  info.sequence = next_snapshot_++;
  // A fresh segment begins with the low marker, so every older segment
  // holds only commits the snapshot contains.
  auto segment = wal_->Rotate();
  if (!segment) return MakeError(segment.Error());
  info.wal_segment = *segment;
  auto low = CommitMarker(info.sequence, "low");
  if (!low) return MakeError(low.Error());
  auto reader = storage_.Begin();
  auto high = CommitMarker(info.sequence, "high");
  if (!high) return MakeError(high.Error());
  // Under --wal-sync=interval|none the markers may not be on disk yet; the
  // snapshot must never be durable ahead of the log it points into.
  if (auto r = wal_->SyncAll(); !r) return MakeError(r.Error());
  info.low_lsn = *low;
  info.high_lsn = *high;
  result.path = JoinPath(snapshot_dir(), SnapshotFileName(info.sequence));
  auto footer = WriteSnapshot(env_, result.path, storage_, *reader, info);
  reader->Abort();
  reader.reset();
  if (!footer) {
    spdlog::error("snapshot {} failed: {}", info.sequence, footer.Error().message);
    return MakeError(footer.Error());
  }
  result.footer = *footer;
  last_snapshot_lsn_ = info.high_lsn;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  spdlog::info("snapshot {} written: {} vertices, {} edges in {:.2f}s", result.path,
               footer->vertices, footer->edges, result.seconds);
  RemoveObsoleteFiles();
  return result;
}

void Durability::RemoveObsoleteFiles() {
  auto names = env_.ListDir(snapshot_dir());
  if (!names) return;
  std::vector<std::pair<uint64_t, std::string>> snapshots;
  for (const auto& name : *names) {
    if (auto seq = ParseSnapshotFileName(name))
      snapshots.emplace_back(*seq, JoinPath(snapshot_dir(), name));
  }
  std::sort(snapshots.begin(), snapshots.end());
  while (snapshots.size() > options_.snapshots_to_keep) {
    spdlog::info("removing old snapshot {}", snapshots.front().second);
    (void)env_.Remove(snapshots.front().second);
    snapshots.erase(snapshots.begin());
  }
  (void)env_.SyncDir(snapshot_dir());
  if (snapshots.empty()) return;
  auto oldest = ReadSnapshotInfo(env_, snapshots.front().second);
  if (!oldest) return;
  auto segments = ListSegments(env_, wal_dir());
  if (!segments) return;
  const uint64_t current = wal_->CurrentSegment();
  for (const auto& s : *segments) {
    if (s.number >= oldest->wal_segment || s.number >= current) break;
    (void)env_.Remove(s.path);
  }
  (void)env_.SyncDir(wal_dir());
}

bool Durability::ChangedSinceLastSnapshot() {
  std::lock_guard lock(snapshot_mu_);
  return wal_ && wal_->LastLsn() != last_snapshot_lsn_;
}

void Durability::TimerLoop() {
  std::unique_lock lock(timer_mu_);
  const auto period = std::chrono::seconds(options_.snapshot_interval_s);
  while (!timer_cv_.wait_for(lock, period, [&] { return stopping_; })) {
    lock.unlock();
    if (ChangedSinceLastSnapshot()) {
      auto r = CreateSnapshot();
      if (!r) spdlog::error("periodic snapshot failed: {}", r.Error().message);
    }
    lock.lock();
  }
}

void Durability::Shutdown() {
  {
    std::lock_guard lock(timer_mu_);
    if (shut_down_) return;
    shut_down_ = true;
    stopping_ = true;
  }
  timer_cv_.notify_all();
  if (timer_.joinable()) timer_.join();
  if (wal_ && options_.snapshot_on_shutdown && ChangedSinceLastSnapshot()) {
    if (auto r = CreateSnapshot(); !r) {
      spdlog::error("snapshot at shutdown failed: {}", r.Error().message);
    }
  }
  if (observer_) storage_.SetCommitObserver(nullptr);
  if (wal_) wal_->Close();
  std::lock_guard lock(snapshot_mu_);
  wal_.reset();
  lock_.reset();
}

}  // namespace tributary::storage::durability
