#include "storage/durability/recovery.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <unordered_map>

#include "storage/durability/snapshot_format.hpp"
#include "storage/durability/wal_reader.hpp"
#include "storage/durability/wal_record.hpp"

namespace tributary::storage::durability {
namespace {

using Clock = std::chrono::steady_clock;

/// Objects created per transaction while loading a snapshot: large enough
/// to amortize commits, small enough to bound undo memory.
constexpr uint64_t kLoadBatch = 20000;

Unexpected<Error> DurabilityError(std::string message) {
  return MakeError(Error{ErrorCode::kDurability, std::move(message)});
}

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

/// Index and constraint definitions by name, built once recovery is done.
struct SchemaSet {
  std::set<std::pair<std::string, std::optional<std::string>>> indexes;
  std::set<std::pair<std::string, std::string>> constraints;

  void Apply(const WalSchema& s) {
    switch (s.kind) {
      case SchemaChangeKind::kCreateLabelIndex:
        indexes.insert({s.label, std::nullopt});
        break;
      case SchemaChangeKind::kDropLabelIndex:
        indexes.erase({s.label, std::nullopt});
        break;
      case SchemaChangeKind::kCreateLabelPropertyIndex:
        indexes.insert({s.label, s.property});
        break;
      case SchemaChangeKind::kDropLabelPropertyIndex:
        indexes.erase({s.label, s.property});
        break;
      case SchemaChangeKind::kCreateUniqueConstraint:
        constraints.insert({s.label, s.property.value_or("")});
        break;
      case SchemaChangeKind::kDropUniqueConstraint:
        constraints.erase({s.label, s.property.value_or("")});
        break;
    }
  }

  StorageResult<void> Build(Storage& storage) const {
    for (const auto& [label, property] : indexes) {
      LabelId l = storage.LabelIdFor(label);
      auto r = property ? storage.CreateLabelPropertyIndex(l, storage.PropertyIdFor(*property))
                        : storage.CreateLabelIndex(l);
      if (!r && r.Error().code != ErrorCode::kIndexExists) {
        return DurabilityError("cannot rebuild index :" + label +
                               (property ? "(" + *property + ")" : "") + ": " + r.Error().message);
      }
    }
    for (const auto& [label, property] : constraints) {
      auto r = storage.CreateUniqueConstraint(storage.LabelIdFor(label),
                                              storage.PropertyIdFor(property));
      if (!r && r.Error().code != ErrorCode::kConstraintExists) {
        return DurabilityError("cannot rebuild unique constraint :" + label + "(" + property +
                               "): " + r.Error().message);
      }
    }
    return {};
  }
};

/// Loads a snapshot into a Storage in batched transactions.
class Loader final : public SnapshotVisitor {
 public:
  Loader(Storage& storage, SchemaSet& schema, uint64_t total_objects)
      : storage_(storage), schema_(schema), total_(total_objects) {}

  StorageResult<void> Info(const SnapshotInfo&) override { return {}; }

  StorageResult<void> Vertex(
      Gid gid, const std::vector<std::string_view>& labels,
      const std::vector<std::pair<std::string_view, PropertyValue>>& properties) override {
    Transaction& tx = Tx();
    VertexAccessor v = tx.CreateVertexWithGid(gid);
    for (std::string_view l : labels) {
      if (auto r = v.AddLabel(Id(l, &Storage::LabelIdFor)); !r)
        return Fail("vertex", gid, r.Error());
    }
    for (const auto& [key, value] : properties) {
      if (auto r = v.SetProperty(Id(key, &Storage::PropertyIdFor), value); !r) {
        return Fail("vertex", gid, r.Error());
      }
    }
    ++vertices_;
    return Done();
  }

  StorageResult<void> Edge(
      Gid gid, Gid from, Gid to, std::string_view type,
      const std::vector<std::pair<std::string_view, PropertyValue>>& properties) override {
    Transaction& tx = Tx();
    auto a = tx.FindVertex(from, View::kNew);
    auto b = tx.FindVertex(to, View::kNew);
    if (!a || !b) {
      return DurabilityError("snapshot edge " + std::to_string(gid) +
                             " refers to a missing vertex " + std::to_string(a ? to : from));
    }
    auto e = tx.CreateEdgeWithGid(gid, *a, *b, Id(type, &Storage::EdgeTypeIdFor));
    if (!e) return Fail("edge", gid, e.Error());
    for (const auto& [key, value] : properties) {
      if (auto r = e->SetProperty(Id(key, &Storage::PropertyIdFor), value); !r) {
        return Fail("edge", gid, r.Error());
      }
    }
    ++edges_;
    return Done();
  }

  StorageResult<void> Index(std::string_view label,
                            std::optional<std::string_view> property) override {
    schema_.indexes.insert(
        {std::string(label), property ? std::optional<std::string>(*property) : std::nullopt});
    return {};
  }

  StorageResult<void> Constraint(std::string_view label, std::string_view property) override {
    schema_.constraints.insert({std::string(label), std::string(property)});
    return {};
  }

  StorageResult<void> SystemKey(std::string_view key, std::string_view value) override {
    Tx().PutSystemKey(std::string(key), std::string(value));
    return Done();
  }

  StorageResult<void> Footer(const SnapshotFooter&) override { return CommitBatch(); }

  uint64_t vertices() const { return vertices_; }
  uint64_t edges() const { return edges_; }

 private:
  Transaction& Tx() {
    if (!tx_) tx_ = storage_.Begin();
    return *tx_;
  }

  /// The storage's id for a snapshot name, cached per name string (see
  /// SnapshotVisitor): the storage's name maps take a shared lock per
  /// lookup, which was ~8% of loading.
  template <typename IdFn>
  uint32_t Id(std::string_view name, IdFn fn) {
    auto [it, inserted] = ids_.try_emplace(name.data(), 0);
    if (inserted) it->second = (storage_.*fn)(name);
    return it->second;
  }

  StorageResult<void> Done() {
    if (++in_batch_ < kLoadBatch) return {};
    auto r = CommitBatch();
    auto now = Clock::now();
    if (std::chrono::duration<double>(now - last_report_).count() >= 2.0) {
      uint64_t done = vertices_ + edges_;
      spdlog::info("loading snapshot: {:.1f}% ({} vertices, {} edges, {:.0f} objects/s)",
                   total_ ? 100.0 * static_cast<double>(done) / static_cast<double>(total_) : 100.0,
                   vertices_, edges_, static_cast<double>(done) / Seconds(start_));
      last_report_ = now;
    }
    return r;
  }

  StorageResult<void> CommitBatch() {
    in_batch_ = 0;
    if (!tx_) return {};
    auto r = tx_->Commit();
    tx_.reset();
    if (!r) return DurabilityError("loading snapshot failed at commit: " + r.Error().message);
    return {};
  }

  Unexpected<Error> Fail(const char* what, Gid gid, const Error& e) {
    return DurabilityError(std::string("loading snapshot failed at ") + what + " " +
                           std::to_string(gid) + ": " + e.message);
  }

  Storage& storage_;
  SchemaSet& schema_;
  uint64_t total_;
  std::unique_ptr<Transaction> tx_;
  std::unordered_map<const char*, uint32_t> ids_;
  uint64_t in_batch_ = 0;
  uint64_t vertices_ = 0;
  uint64_t edges_ = 0;
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_report_ = Clock::now();
};

/// Captures the footer during the verification pass.
class FooterProbe final : public SnapshotVisitor {
 public:
  StorageResult<void> Info(const SnapshotInfo&) override { return {}; }
  StorageResult<void> Vertex(
      Gid, const std::vector<std::string_view>&,
      const std::vector<std::pair<std::string_view, PropertyValue>>&) override {
    return {};
  }
  StorageResult<void> Edge(
      Gid, Gid, Gid, std::string_view,
      const std::vector<std::pair<std::string_view, PropertyValue>>&) override {
    return {};
  }
  StorageResult<void> Index(std::string_view, std::optional<std::string_view>) override {
    return {};
  }
  StorageResult<void> Constraint(std::string_view, std::string_view) override { return {}; }
  StorageResult<void> SystemKey(std::string_view, std::string_view) override { return {}; }
  StorageResult<void> Footer(const SnapshotFooter& f) override {
    footer = f;
    return {};
  }
  bool WantsObjects() const override { return false; }
  SnapshotFooter footer;
};

/// Applies one WAL commit record as one transaction. `tolerant`: the
/// snapshot may already contain this commit (it raced with the snapshot's
/// start), so changes whose precondition does not hold are skipped; the
/// state converges because every change sets a value (see the ADR).
class Replayer {
 public:
  explicit Replayer(Storage& storage) : storage_(storage) {}

  StorageResult<void> Apply(const WalCommit& c, bool tolerant, const std::string& path) {
    std::vector<uint32_t> ids(c.names.size());
    for (size_t i = 0; i < c.names.size(); ++i) {
      const WalName& n = c.names[i];
      switch (n.kind) {
        case wal::NameKind::kLabel:
          ids[i] = storage_.LabelIdFor(n.name);
          break;
        case wal::NameKind::kProperty:
          ids[i] = storage_.PropertyIdFor(n.name);
          break;
        case wal::NameKind::kEdgeType:
          ids[i] = storage_.EdgeTypeIdFor(n.name);
          break;
      }
    }
    auto tx = storage_.Begin();
    size_t index = 0;
    auto fail = [&](const std::string& why) {
      return DurabilityError("cannot replay write-ahead log record LSN " + std::to_string(c.lsn) +
                             " in " + path + " (change " + std::to_string(index) + "): " + why +
                             ". The log does not match the snapshot it follows; restore the "
                             "data directory from a backup.");
    };
    for (const Change& ch : c.record.changes) {
      ++index;
      auto vertex = [&]() { return tx->FindVertex(ch.gid, View::kNew); };
      auto edge = [&]() { return tx->FindEdge(ch.gid, View::kNew); };
      switch (ch.kind) {
        case ChangeKind::kCreateVertex:
          if (tolerant && vertex()) break;
          tx->CreateVertexWithGid(ch.gid);
          break;
        case ChangeKind::kDeleteVertex: {
          auto v = vertex();
          if (!v) {
            if (tolerant) break;
            return fail("vertex " + std::to_string(ch.gid) + " does not exist");
          }
          auto r = tx->DeleteVertex(*v);
          if (!r && tolerant && r.Error().code == ErrorCode::kVertexHasEdges) {
            auto d = tx->DetachDeleteVertex(*v);
            if (!d) return fail(d.Error().message);
          } else if (!r) {
            return fail(r.Error().message);
          }
          break;
        }
        case ChangeKind::kAddLabel:
        case ChangeKind::kRemoveLabel:
        case ChangeKind::kSetVertexProperty: {
          auto v = vertex();
          if (!v) {
            if (tolerant) break;
            return fail("vertex " + std::to_string(ch.gid) + " does not exist");
          }
          bool ok = true;
          std::string why;
          if (ch.kind == ChangeKind::kAddLabel) {
            auto r = v->AddLabel(ids[ch.id]);
            if (!r) ok = false, why = r.Error().message;
          } else if (ch.kind == ChangeKind::kRemoveLabel) {
            auto r = v->RemoveLabel(ids[ch.id]);
            if (!r) ok = false, why = r.Error().message;
          } else {
            auto r = v->SetProperty(ids[ch.id], ch.value);
            if (!r) ok = false, why = r.Error().message;
          }
          if (!ok) return fail(why);
          break;
        }
        case ChangeKind::kCreateEdge: {
          if (tolerant && edge()) break;
          auto from = tx->FindVertex(ch.from, View::kNew);
          auto to = tx->FindVertex(ch.to, View::kNew);
          if (!from || !to) {
            if (tolerant) break;
            return fail("edge " + std::to_string(ch.gid) + " endpoint does not exist");
          }
          auto r = tx->CreateEdgeWithGid(ch.gid, *from, *to, ids[ch.id]);
          if (!r) return fail(r.Error().message);
          break;
        }
        case ChangeKind::kDeleteEdge: {
          auto e = edge();
          if (!e) {
            if (tolerant) break;
            return fail("edge " + std::to_string(ch.gid) + " does not exist");
          }
          if (auto r = tx->DeleteEdge(*e); !r) return fail(r.Error().message);
          break;
        }
        case ChangeKind::kSetEdgeProperty: {
          auto e = edge();
          if (!e) {
            if (tolerant) break;
            return fail("edge " + std::to_string(ch.gid) + " does not exist");
          }
          if (auto r = e->SetProperty(ids[ch.id], ch.value); !r) return fail(r.Error().message);
          break;
        }
        case ChangeKind::kPutSystemKey:
          tx->PutSystemKey(ch.key,
                           ch.value.IsString() ? ch.value.AsString() : ToCypherLiteral(ch.value));
          break;
        case ChangeKind::kDeleteSystemKey:
          tx->DeleteSystemKey(ch.key);
          break;
      }
    }
    if (auto r = tx->Commit(); !r) return fail("commit failed: " + r.Error().message);
    return {};
  }

 private:
  Storage& storage_;
};

}  // namespace

StorageResult<RecoveryResult> Recover(Env& env, const std::string& snapshot_dir,
                                      const std::string& wal_dir, Storage& storage) {
  const auto start = Clock::now();
  RecoveryResult result;
  SchemaSet schema;

  // Newest valid snapshot first; a damaged one is reported and skipped.
  auto names = env.ListDir(snapshot_dir);
  if (!names) return DurabilityError("cannot list snapshots: " + names.Error().message);
  std::vector<std::pair<uint64_t, std::string>> snapshots;
  for (const auto& name : *names) {
    if (auto seq = ParseSnapshotFileName(name))
      snapshots.emplace_back(*seq, JoinPath(snapshot_dir, name));
  }
  std::sort(snapshots.rbegin(), snapshots.rend());
  if (!snapshots.empty()) result.highest_snapshot = snapshots.front().first;
  std::vector<std::string> damaged;
  for (const auto& [seq, path] : snapshots) {
    FooterProbe probe;
    auto verified = ReadSnapshot(env, path, &probe);
    if (!verified) {
      spdlog::error("{}; trying an older snapshot", verified.Error().message);
      damaged.push_back(verified.Error().message);
      continue;
    }
    spdlog::info("loading snapshot {} ({} vertices, {} edges)", path, probe.footer.vertices,
                 probe.footer.edges);
    Loader loader(storage, schema, probe.footer.vertices + probe.footer.edges);
    auto loaded = ReadSnapshot(env, path, &loader);
    if (!loaded) return MakeError(loaded.Error());
    result.snapshot = *loaded;
    result.snapshot_path = path;
    result.snapshot_vertices = loader.vertices();
    result.snapshot_edges = loader.edges();
    spdlog::info("snapshot loaded: {} vertices, {} edges in {:.2f}s", loader.vertices(),
                 loader.edges(), Seconds(start));
    break;
  }

  const uint64_t low = result.snapshot ? result.snapshot->low_lsn : 0;
  const uint64_t high = result.snapshot ? result.snapshot->high_lsn : 0;
  uint64_t next_vertex = result.snapshot ? result.snapshot->next_vertex_gid : 0;
  uint64_t next_edge = result.snapshot ? result.snapshot->next_edge_gid : 0;

  auto segments = ListSegments(env, wal_dir);
  if (!segments) return DurabilityError("cannot list WAL segments: " + segments.Error().message);
  if (!damaged.empty()) {
    // Without a usable snapshot the WAL alone must reach back to the start.
    bool wal_complete = !segments->empty() && segments->front().number == 1;
    if (!result.snapshot && !wal_complete) {
      return DurabilityError("no usable snapshot: " + damaged.front() +
                             ". The write-ahead log alone does not reach back to the first "
                             "commit, so the data cannot be rebuilt; restore the data directory "
                             "from a backup.");
    }
  }
  if (result.snapshot && !segments->empty() &&
      segments->front().number > result.snapshot->wal_segment &&
      result.snapshot->wal_segment != 0) {
    return DurabilityError("write-ahead log segment " +
                           std::to_string(result.snapshot->wal_segment) +
                           " needed after snapshot " + result.snapshot_path +
                           " is missing; restore it or the data directory from a backup.");
  }

  Replayer replayer(storage);
  WalReadOptions options;
  auto summary = ReadWal(
      env, wal_dir, options,
      [&](const RecordView& record, const std::string& path) -> StorageResult<void> {
        if (record.type == wal::RecordType::kSchema) {
          WalSchema s;
          if (!DecodeSchemaPayload(record.payload, &s)) {
            return DurabilityError(CorruptionMessage(
                path, "undecodable schema record at offset " + std::to_string(record.offset),
                wal_dir));
          }
          schema.Apply(s);
          return {};
        }
        WalCommit c;
        if (!DecodeCommitPayload(record.payload, &c)) {
          return DurabilityError(CorruptionMessage(
              path, "undecodable commit record at offset " + std::to_string(record.offset),
              wal_dir));
        }
        next_vertex = std::max(next_vertex, c.next_vertex_gid);
        next_edge = std::max(next_edge, c.next_edge_gid);
        if (c.lsn <= low) {
          ++result.wal_commits_skipped;
          return {};
        }
        ++result.wal_commits_applied;
        return replayer.Apply(c, /*tolerant=*/c.lsn < high, path);
      });
  if (!summary) return MakeError(summary.Error());
  result.wal_records = summary->records;
  result.last_lsn = std::max(summary->last_lsn, high);
  result.last_segment = summary->last_segment;
  result.torn_tail = summary->torn_tail;

  if (auto r = schema.Build(storage); !r) return MakeError(r.Error());
  storage.AdvanceGids(std::max(next_vertex, storage.NextVertexGid()),
                      std::max(next_edge, storage.NextEdgeGid()));
  result.seconds = Seconds(start);
  return result;
}

}  // namespace tributary::storage::durability
