#pragma once
// Internal QueryResult implementations.

#include <map>
#include <memory>

#include "cypher/exec/operator.hpp"
#include "query/engine.hpp"

namespace tributary::query {

/// Streams rows of a plan. Owns the transaction for auto-commit queries.
class PlanResult final : public QueryResult {
 public:
  /// `owned_tx` non-null for auto-commit; `tx` is the transaction used.
  PlanResult(std::shared_ptr<const cypher::Plan> plan, storage::Transaction* tx,
             std::unique_ptr<storage::Transaction> owned_tx, storage::Storage& storage,
             std::vector<cypher::Value> params, const EngineOptions& options,
             const std::atomic<bool>* interrupt = nullptr);
  ~PlanResult() override;

  /// A PlanResult (with its inline cursor arena, over 1 KiB) is made and
  /// destroyed for every statement run; a small per-thread free list keeps
  /// that off malloc's slow path (ADR 012).
  static void* operator new(size_t size);
  static void operator delete(void* p, size_t size);

  const std::vector<std::string>& columns() const override { return plan_->columns; }
  bool Pull(int64_t n, const Sink& sink) override;
  const cypher::QueryStats& stats() const override { return ctx_.stats; }
  /// A read-only plan keeps no wake (nothing to wait for: its commit makes
  /// nothing durable), so reads do not copy the function.
  void SetCommitWake(const std::function<void()>& wake) override {
    if (owned_tx_ && plan_->type != cypher::QueryType::kRead) commit_wake_ = wake;
  }
  bool CommitPending() const override { return commit_pending_; }
  void CompleteCommit() override;
  const char* type() const override { return cypher::QueryTypeCode(plan_->type); }

  /// Runs to the end, collecting per-operator statistics (PROFILE).
  void EnableProfile() {
    profile_ =
        std::make_unique<std::map<const cypher::exec::Operator*, cypher::exec::ProfileEntry>>();
  }
  const std::map<const cypher::exec::Operator*, cypher::exec::ProfileEntry>* profile() const {
    return profile_.get();
  }
  const cypher::Plan& plan() const { return *plan_; }

 private:
  void Finish();
  void Fail();

  std::shared_ptr<const cypher::Plan> plan_;
  std::unique_ptr<storage::Transaction> owned_tx_;
  cypher::ExecContext ctx_;
  cypher::exec::Frame frame_;
  Row row_;                    ///< the row handed to the sink, reused
  cypher::CursorArena arena_;  ///< holds the cursors; declared before cursor_
  cypher::exec::CursorPtr cursor_;
  std::unique_ptr<std::map<const cypher::exec::Operator*, cypher::exec::ProfileEntry>> profile_;
  bool done_ = false;
  std::function<void()> commit_wake_;  ///< see SetCommitWake
  bool commit_pending_ = false;
};

/// A materialised table (admin statements, EXPLAIN, PROFILE).
class TableResult final : public QueryResult {
 public:
  TableResult(ResultTable table, const char* type, cypher::QueryStats stats = {})
      : table_(std::move(table)), type_(type), stats_(stats) {}
  const std::vector<std::string>& columns() const override { return table_.columns; }
  bool Pull(int64_t n, const Sink& sink) override;
  const cypher::QueryStats& stats() const override { return stats_; }
  const char* type() const override { return type_; }

 private:
  ResultTable table_;
  size_t pos_ = 0;
  const char* type_;
  cypher::QueryStats stats_;
};

/// Executes index/constraint DDL and SHOW ... INFO. Throws CypherError.
std::unique_ptr<QueryResult> ExecuteSchemaStatement(QueryEngine& engine,
                                                    const cypher::Statement& statement);

}  // namespace tributary::query
