#pragma once
// A scripted QueryHandler for Bolt tests. Queries are tiny commands:
//   ROWS n     -> column "x", rows 0..n-1
//   FAIL       -> Run fails with a SyntaxError
//   FAIL_PULL  -> Run succeeds, Pull fails
//   CREATE     -> no rows, type "w", nodes-created 1, properties-set 2
//   GRAPH      -> one row: a Node, a Relationship and a Path
//   ECHO       -> one row with every parameter value, columns = parameter names
//   BLOCK      -> Pull blocks until Interrupt() is called, then fails
//   LATE_COMMIT, LATE_COMMIT_FAIL -> like CREATE, but with a commit wake set
//                 (SessionInfo::commit_wake) an auto-commit ends with its
//                 commit pending; FakeState::CompleteCommits() then calls the
//                 wake, and CompleteCommit() succeeds or fails
// Counters in FakeState record what the session asked for.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bolt/handler.hpp"

namespace tributary::bolt::testing {

struct FakeState {
  std::atomic<int> created{0};
  std::atomic<int> destroyed{0};
  std::atomic<int> runs{0};
  std::atomic<int> begins{0};
  std::atomic<int> commits{0};
  std::atomic<int> rollbacks{0};
  std::atomic<int> resets{0};
  std::atomic<int> interrupts{0};
  std::atomic<int> discards{0};
  std::atomic<int> aborted_streams{0};  // auto-commit streams destroyed early
  std::atomic<int> blocked{0};          // Pull calls currently blocking
  std::mutex mutex;
  std::string last_user;
  std::string last_db;
  bool last_in_tx = false;
  // Wakes of commits left pending (LATE_COMMIT), in order.
  std::vector<std::function<void()>> pending_wakes;
  // Calls every pending wake (as the storage's sync thread would).
  void CompleteCommits() {
    std::vector<std::function<void()>> wakes;
    {
      std::lock_guard lock(mutex);
      wakes.swap(pending_wakes);
    }
    for (auto& w : wakes) w();
  }
};

class FakeStream : public ResultStream {
 public:
  FakeStream(std::shared_ptr<FakeState> state, std::vector<std::string> fields,
             std::vector<std::vector<Value>> rows, QuerySummary summary, bool auto_commit,
             bool fail_pull, std::atomic<bool>* interrupted, bool block,
             std::function<void()> commit_wake = {}, bool fail_commit = false)
      : state_(std::move(state)),
        fields_(std::move(fields)),
        rows_(std::move(rows)),
        summary_(std::move(summary)),
        auto_commit_(auto_commit),
        fail_pull_(fail_pull),
        interrupted_(interrupted),
        block_(block),
        commit_wake_(std::move(commit_wake)),
        fail_commit_(fail_commit) {}

  ~FakeStream() override {
    if (auto_commit_ && !done_) ++state_->aborted_streams;
  }

  const std::vector<std::string>& Fields() const override { return fields_; }

  Result<PullOutcome, BoltError> Pull(int64_t n, const RowSink& sink) override {
    if (fail_pull_)
      return MakeError(BoltError{"Neo.ClientError.Statement.ArithmeticError", "/ by zero"});
    if (block_) {
      ++state_->blocked;
      while (!interrupted_->load()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      --state_->blocked;
      return MakeError(BoltError{"Neo.TransientError.Transaction.Terminated", "interrupted"});
    }
    return Step(n, &sink);
  }

  Result<PullOutcome, BoltError> Discard(int64_t n) override {
    ++state_->discards;
    return Step(n, nullptr);
  }

  Result<PullOutcome, BoltError> CompleteCommit() override {
    if (fail_commit_) {
      return MakeError(BoltError{"Neo.DatabaseError.Transaction.TransactionCommitFailed",
                                 "Commit failed: fsync failed"});
    }
    PullOutcome out;
    out.summary = summary_;
    out.summary.bookmark = "fake:bookmark";
    return out;
  }

 private:
  Result<PullOutcome, BoltError> Step(int64_t n, const RowSink* sink) {
    size_t count = 0;
    while (next_ < rows_.size() && (n < 0 || count < static_cast<size_t>(n))) {
      if (sink != nullptr) (*sink)(rows_[next_]);
      ++next_;
      ++count;
    }
    PullOutcome out;
    out.has_more = next_ < rows_.size();
    if (!out.has_more) {
      done_ = true;
      if (auto_commit_ && commit_wake_) {
        std::lock_guard lock(state_->mutex);
        state_->pending_wakes.push_back(std::move(commit_wake_));
        out.commit_pending = true;
        return out;
      }
      out.summary = summary_;
      if (auto_commit_) out.summary.bookmark = "fake:bookmark";
    }
    return out;
  }

  std::shared_ptr<FakeState> state_;
  std::vector<std::string> fields_;
  std::vector<std::vector<Value>> rows_;
  QuerySummary summary_;
  bool auto_commit_;
  bool fail_pull_;
  std::atomic<bool>* interrupted_;
  bool block_;
  std::function<void()> commit_wake_;
  bool fail_commit_;
  size_t next_ = 0;
  bool done_ = false;
};

inline Node SampleNode(int64_t id, const std::string& label) {
  Node n;
  n.id = id;
  n.labels = {label};
  n.properties.Set("id", Value(std::to_string(id)));
  return n;
}

class FakeHandler : public QueryHandler {
 public:
  explicit FakeHandler(std::shared_ptr<FakeState> state, std::function<void()> commit_wake = {})
      : state_(std::move(state)), commit_wake_(std::move(commit_wake)) {
    ++state_->created;
  }
  ~FakeHandler() override {
    if (in_tx_) ++state_->rollbacks;
    ++state_->destroyed;
  }

  Result<std::unique_ptr<ResultStream>, BoltError> Run(const std::string& query,
                                                       const Map& parameters,
                                                       const TxOptions& options,
                                                       bool in_transaction) override {
    ++state_->runs;
    {
      std::lock_guard lock(state_->mutex);
      state_->last_db = options.db;
      state_->last_in_tx = in_transaction;
    }
    std::vector<std::string> fields;
    std::vector<std::vector<Value>> rows;
    QuerySummary summary;
    bool fail_pull = false;
    bool block = false;
    bool late_commit = false;
    if (query == "FAIL") {
      return MakeError(BoltError{"Neo.ClientError.Statement.SyntaxError", "Invalid input 'FAIL'"});
    } else if (query.rfind("ROWS ", 0) == 0) {
      fields = {"x"};
      const int n = std::stoi(query.substr(5));
      for (int i = 0; i < n; ++i) rows.push_back({Value(int64_t{i})});
    } else if (query == "FAIL_PULL") {
      fields = {"x"};
      fail_pull = true;
    } else if (query == "CREATE") {
      summary.type = QueryType::kWrite;
      summary.stats.nodes_created = 1;
      summary.stats.properties_set = 2;
    } else if (query == "GRAPH") {
      fields = {"n", "r", "p"};
      Relationship r{7, 1, 2, "Edge", Map{{"w", Value(int64_t{1})}}, "", "", ""};
      Path p;
      p.nodes = {SampleNode(1, "Node"), SampleNode(2, "Node")};
      p.rels = {UnboundRelationship{7, "Edge", {}, ""}};
      p.indices = {1, 1};
      rows.push_back({Value(SampleNode(1, "Node")), Value(r), Value(p)});
    } else if (query == "ECHO") {
      std::vector<Value> row;
      for (const auto& [key, value] : parameters) {
        fields.push_back(key);
        row.push_back(value);
      }
      rows.push_back(std::move(row));
    } else if (query == "BLOCK") {
      fields = {"x"};
      block = true;
    } else if (query == "LATE_COMMIT" || query == "LATE_COMMIT_FAIL") {
      summary.type = QueryType::kWrite;
      summary.stats.nodes_created = 1;
      late_commit = true;
    } else {
      return MakeError(BoltError{"Neo.ClientError.Statement.SyntaxError", "unknown fake query"});
    }
    return std::unique_ptr<ResultStream>(std::make_unique<FakeStream>(
        state_, std::move(fields), std::move(rows), std::move(summary), !in_transaction, fail_pull,
        &interrupted_, block, late_commit ? commit_wake_ : std::function<void()>(),
        query == "LATE_COMMIT_FAIL"));
  }

  Result<void, BoltError> Begin(const TxOptions& options) override {
    ++state_->begins;
    in_tx_ = true;
    return {};
  }
  Result<std::string, BoltError> Commit() override {
    ++state_->commits;
    in_tx_ = false;
    return std::string("fake:commit");
  }
  Result<void, BoltError> Rollback() override {
    ++state_->rollbacks;
    in_tx_ = false;
    return {};
  }
  void Reset() override {
    ++state_->resets;
    if (in_tx_) ++state_->rollbacks;
    in_tx_ = false;
  }
  void Interrupt() override {
    ++state_->interrupts;
    interrupted_ = true;
  }

 private:
  std::shared_ptr<FakeState> state_;
  std::function<void()> commit_wake_;
  bool in_tx_ = false;
  std::atomic<bool> interrupted_{false};
};

/// A factory producing FakeHandlers that share `state`.
inline HandlerFactory FakeFactory(std::shared_ptr<FakeState> state) {
  return [state](const SessionInfo& info) -> Result<std::unique_ptr<QueryHandler>, BoltError> {
    {
      std::lock_guard lock(state->mutex);
      state->last_user = info.user;
    }
    return std::unique_ptr<QueryHandler>(std::make_unique<FakeHandler>(state, info.commit_wake));
  };
}

}  // namespace tributary::bolt::testing
