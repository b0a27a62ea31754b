#include "query/engine.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>

#include "cypher/errors.hpp"
#include "cypher/exec/expression.hpp"
#include "cypher/parser/parser.hpp"
#include "cypher/planner/planner.hpp"
#include "query/results.hpp"

namespace tributary::query {

using cypher::StatementKind;

QueryEngine::QueryEngine(storage::Storage& storage, EngineOptions options)
    : storage_(storage), options_(options), cache_(options.plan_cache_size) {}

QueryEngine::~QueryEngine() = default;

void QueryEngine::SetSystemHandler(SystemHandler* handler) { system_handler_ = handler; }

std::shared_ptr<const PreparedStatement> QueryEngine::Prepare(std::string_view text) {
  if (auto hit = cache_.Find(text)) return hit;
  auto prepared = std::make_shared<PreparedStatement>();
  prepared->statement = cypher::Parse(text);
  if (prepared->statement->kind == StatementKind::kQuery) {
    const auto& q = static_cast<const cypher::QueryStatement&>(*prepared->statement);
    prepared->mode = q.mode;
    prepared->plan = cypher::PlanQuery(q.query, storage_);
    cache_.Insert(text, prepared);
  }
  return prepared;
}

void QueryEngine::InvalidatePlans() {
  cache_.Clear();
  plan_generation_.fetch_add(1, std::memory_order_acq_rel);
}

PlanCache::Stats QueryEngine::CacheStats() const {
  PlanCache::Stats stats = cache_.GetStats();
  stats.hits += memo_hits_.load(std::memory_order_relaxed);
  return stats;
}

Session::Session(QueryEngine& engine)
    : engine_(engine), memo_generation_(engine.plan_generation()) {}

const std::shared_ptr<const PreparedStatement>& Session::Lookup(std::string_view text) {
  const uint64_t generation = engine_.plan_generation();
  if (generation != memo_generation_) {
    for (auto& entry : memo_) {
      entry.text.clear();
      entry.prepared.reset();
    }
    memo_generation_ = generation;
  }
  for (const auto& entry : memo_) {
    if (entry.prepared && entry.text.size() == text.size() &&
        std::memcmp(entry.text.data(), text.data(), text.size()) == 0) {
      engine_.CountMemoHit();
      return entry.prepared;
    }
  }
  auto prepared = engine_.Prepare(text);
  // Only what the shared cache would keep (planned queries) is memoised, in
  // no more entries than the shared cache has (none when it is disabled).
  const size_t capacity = std::min(kMemoSize, engine_.options().plan_cache_size);
  if (prepared->plan == nullptr || capacity == 0) {
    uncached_ = std::move(prepared);
    return uncached_;
  }
  MemoEntry& slot = memo_[memo_next_ % capacity];
  memo_next_ = (memo_next_ % capacity + 1) % capacity;
  slot.text.assign(text);
  slot.prepared = std::move(prepared);
  return slot.prepared;
}

Session::~Session() { Reset(); }

void Session::Begin() {
  if (tx_) {
    throw cypher::CypherError(cypher::ErrorKind::kSemantic, "",
                              "A transaction is already open in this session");
  }
  tx_ = engine_.storage().Begin();
}

void Session::Commit() {
  if (!tx_) {
    throw cypher::CypherError(cypher::ErrorKind::kSemantic, "", "No open transaction to commit");
  }
  auto tx = std::move(tx_);
  auto r = tx->Commit();
  if (r.HasError()) cypher::exec::ThrowStorageError(r.Error());
}

void Session::Rollback() {
  if (!tx_) {
    throw cypher::CypherError(cypher::ErrorKind::kSemantic, "", "No open transaction to roll back");
  }
  tx_->Abort();
  tx_.reset();
}

void Session::Reset() {
  if (tx_) {
    tx_->Abort();
    tx_.reset();
  }
}

namespace {

bool IsStreamStatement(StatementKind k) {
  switch (k) {
    case StatementKind::kCreateStream:
    case StatementKind::kDropStream:
    case StatementKind::kShowStreams:
    case StatementKind::kShowStream:
    case StatementKind::kStartStream:
    case StatementKind::kStopStream:
    case StatementKind::kStartAllStreams:
    case StatementKind::kStopAllStreams:
    case StatementKind::kTestStream:
      return true;
    default:
      return false;
  }
}

cypher::Value AsValue(const cypher::Value& v) { return v; }
cypher::Value AsValue(const PropertyValue& v) { return cypher::ToValue(v); }

/// The plan's parameters in its parameter-table order, each found by
/// `find(name, &value)`. Throws ParameterMissing naming every absent one.
template <typename Find>
std::vector<cypher::Value> BindEach(const cypher::Plan& plan, Find&& find) {
  std::vector<cypher::Value> out;
  if (plan.parameters.empty()) return out;
  out.reserve(plan.parameters.size());
  std::vector<std::string> missing;
  for (const auto& name : plan.parameters) {
    out.emplace_back();
    if (!find(name, &out.back())) missing.push_back("$" + name);
  }
  if (!missing.empty()) {
    std::sort(missing.begin(), missing.end());
    std::string names;
    for (const auto& m : missing) names += (names.empty() ? "" : ", ") + m;
    throw cypher::ParameterMissing("MissingParameter", "Expected parameter(s): " + names);
  }
  return out;
}

/// From a map of name to Value or to PropertyValue.
template <typename Map>
std::vector<cypher::Value> BindParameters(const cypher::Plan& plan, const void* untyped) {
  const Map& params = *static_cast<const Map*>(untyped);
  return BindEach(plan, [&](const std::string& name, cypher::Value* out) {
    auto it = params.find(name);
    if (it == params.end()) return false;
    *out = AsValue(it->second);
    return true;
  });
}

/// From a caller's map searched by Session::FindParameter.
struct FinderParams {
  Session::FindParameter find;
  const void* params;
};
std::vector<cypher::Value> BindFound(const cypher::Plan& plan, const void* untyped) {
  const auto& f = *static_cast<const FinderParams*>(untyped);
  return BindEach(plan, [&](const std::string& name, cypher::Value* out) {
    return f.find(f.params, name, out);
  });
}

}  // namespace

std::unique_ptr<QueryResult> Session::Run(std::string_view text, const Params& params) {
  return RunBound(text, &BindParameters<Params>, &params);
}

std::unique_ptr<QueryResult> Session::RunWithPropertyValues(std::string_view text,
                                                            const PropertyValue::Map& params) {
  return RunBound(text, &BindParameters<PropertyValue::Map>, &params);
}

std::unique_ptr<QueryResult> Session::RunWithFinder(std::string_view text, FindParameter find,
                                                    const void* params) {
  const FinderParams f{find, params};
  return RunBound(text, &BindFound, &f);
}

std::unique_ptr<QueryResult> Session::RunBound(std::string_view text, BindFn bind,
                                               const void* params) {
  // A reference into the memo (or uncached_): nothing below runs another
  // statement on this session, so the slot is not replaced while in use.
  const std::shared_ptr<const PreparedStatement>& prepared = Lookup(text);
  const cypher::Statement& st = *prepared->statement;
  if (IsStreamStatement(st.kind)) {
    if (tx_) {
      throw cypher::CypherError(cypher::ErrorKind::kSemantic, "",
                                "Stream clause not allowed in multicommand transactions.");
    }
    SystemHandler* h = engine_.system_handler();
    if (h == nullptr) {
      throw cypher::DatabaseError("", "Streams are not available in this process");
    }
    return std::make_unique<TableResult>(h->ExecuteStreamStatement(st), "s");
  }
  if (st.kind == StatementKind::kCreateSnapshot) {
    if (tx_) {
      throw cypher::CypherError(cypher::ErrorKind::kSemantic, "",
                                "CREATE SNAPSHOT is not allowed in multicommand transactions.");
    }
    SystemHandler* h = engine_.system_handler();
    if (h == nullptr)
      throw cypher::DatabaseError("", "Snapshots are not available (no durability)");
    h->CreateSnapshot();
    return std::make_unique<TableResult>(ResultTable{}, "s");
  }
  if (st.kind != StatementKind::kQuery) {
    if (tx_) {
      throw cypher::CypherError(cypher::ErrorKind::kSemantic, "",
                                "Index and constraint statements are not allowed in "
                                "multicommand transactions.");
    }
    auto result = ExecuteSchemaStatement(engine_, st);
    engine_.InvalidatePlans();
    return result;
  }

  const cypher::Plan& plan = *prepared->plan;
  if (prepared->mode == cypher::QueryMode::kExplain) {
    ResultTable t;
    t.columns = {"QUERY PLAN"};
    for (auto& line : cypher::ExplainLines(plan)) t.rows.push_back({cypher::Value(line)});
    return std::make_unique<TableResult>(std::move(t), "r");
  }
  std::vector<cypher::Value> bound = bind(plan, params);
  std::unique_ptr<storage::Transaction> owned;
  storage::Transaction* tx = tx_.get();
  if (tx == nullptr) {
    owned = engine_.storage().Begin();
    tx = owned.get();
  } else {
    tx->AdvanceCommand();
  }
  interrupted_.store(false, std::memory_order_relaxed);
  auto result =
      std::make_unique<PlanResult>(prepared->plan, tx, std::move(owned), engine_.storage(),
                                   std::move(bound), engine_.options(), &interrupted_);
  if (prepared->mode != cypher::QueryMode::kProfile) return result;

  // PROFILE: run everything, then report per-operator rows and time.
  result->EnableProfile();
  auto start = std::chrono::steady_clock::now();
  result->Discard();
  double total_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  ResultTable t;
  t.columns = {"OPERATOR", "ACTUAL HITS", "RELATIVE TIME", "ABSOLUTE TIME"};
  std::vector<std::pair<const cypher::exec::Operator*, int>> order;
  std::function<void(const cypher::exec::Operator*, int)> walk =
      [&](const cypher::exec::Operator* op, int depth) {
        order.emplace_back(op, depth);
        for (const auto* c : op->Children()) walk(c, depth + 1);
      };
  walk(plan.root.get(), 0);
  for (const auto& [op, depth] : order) {
    cypher::exec::ProfileEntry e;
    if (auto it = result->profile()->find(op); it != result->profile()->end()) e = it->second;
    double ms = std::chrono::duration<double, std::milli>(e.time).count();
    char rel[32], abs[32];
    std::snprintf(rel, sizeof rel, "%.2f %%", total_ms > 0 ? 100.0 * ms / total_ms : 0.0);
    std::snprintf(abs, sizeof abs, "%.6f ms", ms);
    t.rows.push_back(
        {cypher::Value(std::string(static_cast<size_t>(depth) * 2, ' ') + "* " + op->Name()),
         cypher::Value(static_cast<int64_t>(e.rows)), cypher::Value(std::string(rel)),
         cypher::Value(std::string(abs))});
  }
  return std::make_unique<TableResult>(std::move(t), cypher::QueryTypeCode(plan.type),
                                       result->stats());
}

}  // namespace tributary::query
