#pragma once
// The query engine facade: text + parameters in, a streamed result out.
// QueryEngine is shared (plan cache, options, hooks); a Session belongs to
// one client connection and owns its explicit transaction.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "cypher/exec/value.hpp"
#include "cypher/parser/ast.hpp"
#include "query/plan_cache.hpp"
#include "storage/storage.hpp"

namespace tributary::query {

/// A fully materialised result (for admin statements).
struct ResultTable {
  std::vector<std::string> columns;
  std::vector<std::vector<cypher::Value>> rows;
};

/// Statements the engine delegates: streams (src/streams) and snapshots
/// (storage/durability). Implementations must be thread-safe.
class SystemHandler {
 public:
  virtual ~SystemHandler() = default;
  /// CREATE/DROP/SHOW/START/STOP/TEST STREAM ... Throws CypherError subclasses
  /// with the user-facing message.
  virtual ResultTable ExecuteStreamStatement(const cypher::Statement& statement) = 0;
  /// CREATE SNAPSHOT. Throws CypherError on failure.
  virtual void CreateSnapshot() = 0;
};

struct EngineOptions {
  /// Maximum number of cached plans (LRU).
  size_t plan_cache_size = 1024;
  /// Per-query time limit; zero means none.
  std::chrono::milliseconds query_timeout{0};
  /// Per-query memory limit for materialising operators; zero means none.
  uint64_t query_memory_limit = 0;
};

using Params = std::map<std::string, cypher::Value, std::less<>>;

class QueryResult;

/// Shared engine state. Thread-safe.
class QueryEngine {
 public:
  QueryEngine(storage::Storage& storage, EngineOptions options);
  ~QueryEngine();

  /// Not owned; may be null (stream and snapshot statements then fail).
  void SetSystemHandler(SystemHandler* handler);
  SystemHandler* system_handler() const { return system_handler_; }

  storage::Storage& storage() { return storage_; }
  const EngineOptions& options() const { return options_; }

  /// Parses and plans `text` or returns the cached entry. Throws CypherError.
  std::shared_ptr<const PreparedStatement> Prepare(std::string_view text);
  /// Drops cached plans (after schema changes that alter index choices).
  void InvalidatePlans();
  /// Cache statistics for tests and benchmarks.
  PlanCache::Stats CacheStats() const;

 private:
  storage::Storage& storage_;
  EngineOptions options_;
  SystemHandler* system_handler_ = nullptr;
  PlanCache cache_;
};

/// One client's view: auto-commit queries or one explicit transaction at a
/// time. Not thread-safe.
class Session {
 public:
  explicit Session(QueryEngine& engine);
  ~Session();

  /// Runs one statement. Inside an explicit transaction the result shares it;
  /// otherwise the result owns an auto-commit transaction that commits when
  /// the result is exhausted (or discarded). Throws CypherError (compile-time
  /// errors, and errors of admin statements).
  std::unique_ptr<QueryResult> Run(std::string_view text, const Params& params);

  /// Explicit transactions. Throw CypherError when misused.
  void Begin();
  void Commit();
  void Rollback();
  bool InTransaction() const { return tx_ != nullptr; }
  /// The open explicit transaction (null when none), so a caller can write
  /// system metadata atomically with the queries (streams store offsets).
  storage::Transaction* transaction() { return tx_.get(); }
  /// Aborts any transaction and forgets failure state.
  void Reset();

  QueryEngine& engine() { return engine_; }

 private:
  friend class QueryResult;
  QueryEngine& engine_;
  std::unique_ptr<storage::Transaction> tx_;
};

/// A streamed result. Rows handed to the sink are valid only during the
/// call (they may reference the transaction). Not thread-safe.
class QueryResult {
 public:
  using Row = std::vector<cypher::Value>;
  using Sink = std::function<void(Row&&)>;

  virtual ~QueryResult() = default;
  virtual const std::vector<std::string>& columns() const = 0;
  /// Pulls up to `n` rows (n < 0: all). Returns true while more rows remain.
  /// When the last row has been produced an auto-commit transaction commits
  /// (a failing commit throws). Throws CypherError.
  virtual bool Pull(int64_t n, const Sink& sink) = 0;
  /// Runs the rest of the query without producing rows (and commits).
  void Discard() {
    while (Pull(-1, [](Row&&) {})) {
    }
  }
  virtual const cypher::QueryStats& stats() const = 0;
  /// "r", "w", "rw" or "s".
  virtual const char* type() const = 0;
};

}  // namespace tributary::query
