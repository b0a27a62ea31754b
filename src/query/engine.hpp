#pragma once
// The query engine facade: text + parameters in, a streamed result out.
// QueryEngine is shared (plan cache, options, hooks); a Session belongs to
// one client connection and owns its explicit transaction.

#include <array>
#include <atomic>
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
  /// Threads one query operator may use at once (parallel scans, ADR 018);
  /// zero means one per hardware thread, 1 runs every query on its own thread.
  uint32_t query_threads = 0;
  /// A scan is split across threads only when it spans at least this many
  /// vertex gids.
  uint64_t parallel_min_vertices = 50000;
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
  /// Cache statistics for tests and benchmarks (hits include the sessions'
  /// own memo hits).
  PlanCache::Stats CacheStats() const;

  /// Bumped by InvalidatePlans; a Session drops its memo of prepared
  /// statements when it changes.
  uint64_t plan_generation() const { return plan_generation_.load(std::memory_order_acquire); }
  /// Counts a plan found in a session's memo as a cache hit.
  void CountMemoHit() { memo_hits_.fetch_add(1, std::memory_order_relaxed); }

 private:
  storage::Storage& storage_;
  EngineOptions options_;
  SystemHandler* system_handler_ = nullptr;
  PlanCache cache_;
  std::atomic<uint64_t> plan_generation_{0};
  std::atomic<uint64_t> memo_hits_{0};
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
  /// The same with the parameters as storage values (a stream's transform
  /// output), bound without building a Params map first.
  /// (A separate name: `Run(text, {})` must stay unambiguous.)
  std::unique_ptr<QueryResult> RunWithPropertyValues(std::string_view text,
                                                     const PropertyValue::Map& params);
  /// Finds one parameter in a caller's own map: stores its value in `*out`
  /// and returns true, or returns false when `name` is absent.
  using FindParameter = bool (*)(const void* params, std::string_view name, cypher::Value* out);
  /// The same with parameters in any map the caller can search by name (a
  /// Bolt RUN's): only the plan's parameters are looked up and converted.
  std::unique_ptr<QueryResult> RunWithFinder(std::string_view text, FindParameter find,
                                             const void* params);

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
  /// Thread-safe: makes the statement running now (or being pulled) fail
  /// with QueryTerminated at its next limit check. Cleared when the next
  /// statement starts.
  void Interrupt() { interrupted_.store(true, std::memory_order_relaxed); }

  QueryEngine& engine() { return engine_; }

 private:
  friend class QueryResult;
  /// The prepared statement for `text`: from the session's memo when the
  /// same text ran recently, else from the engine (and then memoised).
  const std::shared_ptr<const PreparedStatement>& Lookup(std::string_view text);
  /// Binds the plan's parameters from `params` (a Params or a
  /// PropertyValue::Map, by the caller's choice of `bind`).
  using BindFn = std::vector<cypher::Value> (*)(const cypher::Plan& plan, const void* params);
  std::unique_ptr<QueryResult> RunBound(std::string_view text, BindFn bind, const void* params);

  QueryEngine& engine_;
  std::unique_ptr<storage::Transaction> tx_;
  std::atomic<bool> interrupted_{false};  ///< see Interrupt()

  /// A few recently run query texts and their plans, compared by content.
  /// A client (or a stream) that repeats the same statements finds them here
  /// with a length check and a memcmp instead of hashing the text and taking
  /// the shared cache's lock (ADR 012).
  struct MemoEntry {
    std::string text;
    std::shared_ptr<const PreparedStatement> prepared;
  };
  static constexpr size_t kMemoSize = 8;
  std::array<MemoEntry, kMemoSize> memo_;
  size_t memo_next_ = 0;  ///< the slot the next miss replaces (round robin)
  uint64_t memo_generation_ = 0;
  std::shared_ptr<const PreparedStatement> uncached_;  ///< a statement not memoised
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
  /// Asynchronous commit (ADR 020): with a wake set, an auto-commit result
  /// whose last Pull ends with its commit waiting for the write-ahead log
  /// returns false with CommitPending() true instead of blocking; `wake` is
  /// then called once, from another thread, and the caller must call
  /// CompleteCommit() (which throws like a failing commit) before anything
  /// else touches this result. Results that own no transaction, or whose
  /// plan only reads, ignore it.
  virtual void SetCommitWake(const std::function<void()>& wake) { (void)wake; }
  virtual bool CommitPending() const { return false; }
  virtual void CompleteCommit() {}
  /// "r", "w", "rw" or "s".
  virtual const char* type() const = 0;
};

}  // namespace tributary::query
