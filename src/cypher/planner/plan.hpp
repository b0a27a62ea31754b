#pragma once
// The output of planning: an executable operator tree plus what the runner
// needs to execute it (columns, frame size, parameter table). Immutable and
// shared by every execution of a cached query.

#include <memory>
#include <string>
#include <vector>

#include "cypher/exec/operator.hpp"

namespace tributary::cypher {

/// What kind of statement a plan runs (Bolt's summary `type`).
enum class QueryType : uint8_t { kRead, kWrite, kReadWrite, kSchema };

/// "r", "w", "rw" or "s".
const char* QueryTypeCode(QueryType t);

/// A planned query.
struct Plan {
  exec::OperatorPtr root;
  /// Result column names, in order, and the frame slots holding them.
  std::vector<std::string> columns;
  std::vector<size_t> column_slots;
  /// Frame size.
  size_t num_slots = 0;
  /// Parameter names; ExecContext::params is filled in this order.
  std::vector<std::string> parameters;
  QueryType type = QueryType::kRead;
};

/// Renders a plan as EXPLAIN rows: one line per operator, indented by depth.
std::vector<std::string> ExplainLines(const Plan& plan);

}  // namespace tributary::cypher
