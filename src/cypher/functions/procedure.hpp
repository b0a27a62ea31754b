#pragma once
// Procedures (`CALL db.labels()`), looked up by name at planning time; an
// unknown name is a compile-time ProcedureError ProcedureNotFound.
//
// Besides the built-in db.* procedures there are test fixture procedures: the
// openCypher TCK declares procedures with a signature and a table of rows
// (`there exists a procedure test.my.proc(in :: INTEGER?) :: (out :: STRING?)`).
// They exist only in a server started with `--tck-fixture-procedures`
// (EnableTestFixtureProcedures), which also makes the control procedures
// tributary.tck.registerProcedure(signature, header, rows) and
// tributary.tck.clearProcedures() visible.

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cypher/exec/context.hpp"
#include "cypher/exec/value.hpp"

namespace tributary::cypher {

/// A declared argument type (the TCK's signature types). kAny accepts
/// everything; kNumber accepts INTEGER and FLOAT; kFloat accepts INTEGER
/// (converted); null is accepted by every type (the TCK's types are all `?`).
enum class ProcedureType : uint8_t {
  kAny,
  kInteger,
  kFloat,
  kNumber,
  kString,
  kBoolean,
  kList,
  kMap,
  kNode,
  kRelationship,
  kPath,
};

/// "INTEGER?", "FLOAT?", ...
const char* ProcedureTypeName(ProcedureType t);

/// One declared input of a procedure.
struct ProcedureInput {
  std::string_view name;
  ProcedureType type;
};

struct ProcedureInfo;
using ProcedureFn = std::vector<std::vector<Value>> (*)(const ProcedureInfo& self,
                                                        std::span<Value> args, ExecContext& ctx);

/// A read-only procedure. `fn` receives evaluated arguments and returns the
/// result rows, each with one value per output (in `outputs` order). Throws
/// CypherError subclasses on bad input.
struct ProcedureInfo {
  std::string_view name;
  int min_args;
  int max_args;
  std::span<const std::string_view> outputs;
  ProcedureFn fn;
  /// Declared inputs (names for the implicit-argument form `CALL proc`, types
  /// for InvalidArgumentType). Empty for procedures without arguments.
  std::span<const ProcedureInput> inputs = {};
  /// Fixture data (the rows); null for built-ins.
  const void* data = nullptr;
};

/// A procedure found by name, with whatever keeps it alive (a fixture can be
/// dropped from the registry while a plan still uses it).
struct ProcedureRef {
  const ProcedureInfo* info = nullptr;
  std::shared_ptr<const void> owner;
  explicit operator bool() const { return info != nullptr; }
};

/// Case-sensitive lookup (procedure names are, in Neo4j) among built-ins and,
/// when enabled, the test fixture procedures; null when unknown.
ProcedureRef FindProcedure(std::string_view name);

/// Case-sensitive lookup among the built-ins only; nullptr when unknown.
const ProcedureInfo* LookupProcedure(std::string_view name);

/// Every built-in procedure, for documentation and tests.
std::span<const ProcedureInfo> Procedures();

/// Makes fixture procedures and the tributary.tck.* control procedures
/// visible (process-wide, for `tributary serve --tck-fixture-procedures`).
/// `on_change` runs after every registration or clear (the server drops its
/// cached plans there, since plans depend on signatures).
void EnableTestFixtureProcedures(std::function<void()> on_change);
bool TestFixtureProceduresEnabled();

/// Registers (or replaces) a fixture procedure. `signature` is the TCK's text,
/// e.g. `test.my.proc(name :: STRING?, id :: INTEGER?) :: (city :: STRING?)`;
/// `header` names the table columns (each an input or an output name) and
/// `rows` holds one value per column. Calling it returns, for the rows whose
/// input columns equal the arguments, their output columns. Throws
/// CypherError (ArgumentError) on a malformed signature or table.
void RegisterFixtureProcedure(std::string_view signature, const std::vector<std::string>& header,
                              const std::vector<std::vector<Value>>& rows);
/// Drops every fixture procedure.
void ClearFixtureProcedures();

/// True when a value of type `t` may be passed for an input of type `want`
/// (null always may).
bool ProcedureAccepts(ProcedureType want, ValueType t);

}  // namespace tributary::cypher
