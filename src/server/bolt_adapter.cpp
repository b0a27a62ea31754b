#include "server/bolt_adapter.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <charconv>

#include "server/value_convert.hpp"

namespace tributary::server {
namespace {

bolt::QueryType TypeOf(const char* t) {
  std::string_view s(t);
  if (s == "w") return bolt::QueryType::kWrite;
  if (s == "rw") return bolt::QueryType::kReadWrite;
  if (s == "s") return bolt::QueryType::kSchemaWrite;
  return bolt::QueryType::kRead;
}

bolt::QueryStats StatsOf(const cypher::QueryStats& s) {
  bolt::QueryStats out;
  out.nodes_created = s.nodes_created;
  out.nodes_deleted = s.nodes_deleted;
  out.relationships_created = s.relationships_created;
  out.relationships_deleted = s.relationships_deleted;
  out.properties_set = s.properties_set;
  out.labels_added = s.labels_added;
  out.labels_removed = s.labels_removed;
  out.indexes_added = s.indexes_added;
  out.indexes_removed = s.indexes_removed;
  out.constraints_added = s.constraints_added;
  out.constraints_removed = s.constraints_removed;
  return out;
}

bool IsScalar(const bolt::Value& v) {
  switch (v.type()) {
    case bolt::ValueType::kNull:
    case bolt::ValueType::kBool:
    case bolt::ValueType::kInt:
    case bolt::ValueType::kFloat:
    case bolt::ValueType::kString:
      return true;
    default:
      return false;
  }
}

std::atomic<uint64_t> g_bookmark{0};

std::string NextBookmark() {
  char buffer[32] = "tributary:";
  constexpr size_t kPrefix = 10;
  auto [end, ec] = std::to_chars(buffer + kPrefix, buffer + sizeof buffer, ++g_bookmark);
  return std::string(buffer, static_cast<size_t>(end - buffer));
}

/// Runs `f`, turning engine exceptions into BoltError.
template <typename T, typename F>
Result<T, bolt::BoltError> Guard(F&& f) {
  try {
    if constexpr (std::is_void_v<T>) {
      f();
      return {};
    } else {
      return f();
    }
  } catch (const cypher::CypherError& e) {
    return MakeError(ToBoltError(e));
  } catch (const std::bad_alloc&) {
    return MakeError(bolt::BoltError{"Neo.TransientError.General.OutOfMemoryError",
                                     "The server ran out of memory for this query"});
  } catch (const std::exception& e) {
    spdlog::error("internal error: {}", e.what());
    return MakeError(bolt::BoltError{bolt::codes::kDatabaseError, e.what()});
  }
}

class Stream final : public bolt::ResultStream {
 public:
  /// `row` is scratch space for converted rows, shared by the streams of
  /// one session (pulled one at a time); it must outlive the stream.
  Stream(std::unique_ptr<query::QueryResult> r, storage::Storage& storage, bool auto_commit,
         DateTimeWire wire, std::vector<bolt::Value>& row)
      : r_(std::move(r)), row_(row), storage_(storage), auto_commit_(auto_commit), wire_(wire) {}
  const std::vector<std::string>& Fields() const override { return r_->columns(); }

  Result<bolt::PullOutcome, bolt::BoltError> Pull(int64_t n, const bolt::RowSink& sink) override {
    return Guard<bolt::PullOutcome>([&] {
      bool more = r_->Pull(n, [&](query::QueryResult::Row&& values) {
        row_.clear();
        for (const auto& v : values) row_.push_back(ToBolt(v, storage_, wire_));
        sink(row_);
      });
      row_.clear();  // keeps the capacity, not the last row's values
      return Outcome(more);
    });
  }

  Result<bolt::PullOutcome, bolt::BoltError> Discard(int64_t n) override {
    return Guard<bolt::PullOutcome>([&] {
      bool more = r_->Pull(n, [](query::QueryResult::Row&&) {});
      return Outcome(more);
    });
  }

  Result<bolt::PullOutcome, bolt::BoltError> CompleteCommit() override {
    return Guard<bolt::PullOutcome>([&] {
      r_->CompleteCommit();
      return Outcome(false);
    });
  }

 private:
  bolt::PullOutcome Outcome(bool more) {
    bolt::PullOutcome out;
    out.has_more = more;
    if (!more && r_->CommitPending()) {
      out.commit_pending = true;
      return out;
    }
    if (!more) {
      out.summary.type = TypeOf(r_->type());
      out.summary.stats = StatsOf(r_->stats());
      if (auto_commit_) out.summary.bookmark = NextBookmark();
    }
    return out;
  }

  std::unique_ptr<query::QueryResult> r_;
  std::vector<bolt::Value>& row_;
  storage::Storage& storage_;
  bool auto_commit_;
  DateTimeWire wire_;
};

class Handler final : public bolt::QueryHandler {
 public:
  Handler(query::QueryEngine& engine, DateTimeWire wire, std::function<void()> commit_wake)
      : engine_(engine), session_(engine), wire_(wire), commit_wake_(std::move(commit_wake)) {}

  Result<std::unique_ptr<bolt::ResultStream>, bolt::BoltError> Run(const std::string& query,
                                                                   const bolt::Map& parameters,
                                                                   const bolt::TxOptions&,
                                                                   bool in_transaction) override {
    return Guard<std::unique_ptr<bolt::ResultStream>>([&]() -> std::unique_ptr<bolt::ResultStream> {
      // Only the plan's parameters are converted, with no Params map between;
      // any other that could not be converted still fails the query, as when
      // every parameter was converted first (scalars always convert).
      for (const auto& [name, v] : parameters) {
        if (!IsScalar(v)) FromBolt(v);
      }
      auto find = [](const void* map, std::string_view name, cypher::Value* out) {
        const bolt::Value* v = static_cast<const bolt::Map*>(map)->Find(name);
        if (v == nullptr) return false;
        *out = FromBolt(*v);
        return true;
      };
      auto result = session_.RunWithFinder(query, find, &parameters);
      if (!in_transaction && commit_wake_) result->SetCommitWake(commit_wake_);
      return std::make_unique<Stream>(std::move(result), engine_.storage(), !in_transaction, wire_,
                                      row_);
    });
  }
  Result<void, bolt::BoltError> Begin(const bolt::TxOptions&) override {
    return Guard<void>([&] { session_.Begin(); });
  }
  Result<std::string, bolt::BoltError> Commit() override {
    return Guard<std::string>([&] {
      session_.Commit();
      return NextBookmark();
    });
  }
  Result<void, bolt::BoltError> Rollback() override {
    return Guard<void>([&] { session_.Rollback(); });
  }
  void Reset() override { session_.Reset(); }
  // Any thread: the running statement fails with Terminated at its next
  // limit check (Bolt RESET while it runs, server shutdown).
  void Interrupt() override { session_.Interrupt(); }

 private:
  query::QueryEngine& engine_;
  query::Session session_;
  DateTimeWire wire_;
  std::function<void()> commit_wake_;  ///< SessionInfo::commit_wake
  std::vector<bolt::Value> row_;       // row scratch of this session's streams
};

}  // namespace

bolt::BoltError ToBoltError(const cypher::CypherError& e) {
  // Write-ahead log failures on commit carry their Neo4j code's last part as
  // the detail (ThrowStorageError; docs/adr/010-fsync-failure.md).
  if (e.Kind() == cypher::ErrorKind::kDatabase &&
      (e.Detail() == "TransactionLogError" || e.Detail() == "TransactionCommitFailed")) {
    return bolt::BoltError{"Neo.DatabaseError.Transaction." + e.Detail(), e.what()};
  }
  // CREATE SNAPSHOT that could not write its file (disk full, I/O error).
  if (e.Kind() == cypher::ErrorKind::kDatabase && e.Detail() == "ExecutionFailed") {
    return bolt::BoltError{"Neo.DatabaseError.Statement.ExecutionFailed", e.what()};
  }
  return bolt::BoltError{std::string(e.StatusCode()), e.what()};
}

bolt::HandlerFactory MakeHandlerFactory(query::QueryEngine& engine) {
  return [&engine](const bolt::SessionInfo& info)
             -> Result<std::unique_ptr<bolt::QueryHandler>, bolt::BoltError> {
    return std::unique_ptr<bolt::QueryHandler>(
        std::make_unique<Handler>(engine, DateTimeWireFor(info.version), info.commit_wake));
  };
}

}  // namespace tributary::server
