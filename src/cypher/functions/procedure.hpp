#pragma once
// Built-in procedures (`CALL db.labels()`), looked up by name at planning
// time; an unknown name is a compile-time ProcedureError ProcedureNotFound.

#include <span>
#include <string_view>
#include <vector>

#include "cypher/exec/context.hpp"
#include "cypher/exec/value.hpp"

namespace tributary::cypher {

/// A read-only procedure. `fn` receives evaluated arguments and returns the
/// result rows, each with one value per output (in `outputs` order). Throws
/// CypherError subclasses on bad input.
struct ProcedureInfo {
  std::string_view name;
  int min_args;
  int max_args;
  std::span<const std::string_view> outputs;
  std::vector<std::vector<Value>> (*fn)(std::span<Value> args, ExecContext& ctx);
};

/// Case-sensitive lookup (procedure names are, in Neo4j); nullptr when unknown.
const ProcedureInfo* LookupProcedure(std::string_view name);

/// Every built-in procedure, for documentation and tests.
std::span<const ProcedureInfo> Procedures();

}  // namespace tributary::cypher
