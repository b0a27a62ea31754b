#pragma once
// Built-in scalar functions, looked up by name at planning time (an unknown
// name is a compile-time SyntaxError UnknownFunction).

#include <optional>
#include <span>
#include <string_view>

#include "cypher/exec/context.hpp"
#include "cypher/exec/value.hpp"

namespace tributary::cypher {

namespace exec {
enum class AggregateKind : uint8_t;
}  // namespace exec

/// A scalar function. `fn` receives already evaluated arguments (it may move
/// from them) and throws CypherError subclasses on bad input.
struct FunctionInfo {
  std::string_view name;
  int min_args;
  int max_args;  ///< -1: variadic
  Value (*fn)(std::span<Value> args, ExecContext& ctx);
  /// False for rand(), randomUUID(), timestamp(): never constant-folded.
  bool deterministic = true;
};

/// Case-insensitive lookup; nullptr when unknown.
const FunctionInfo* LookupFunction(std::string_view name);

/// The aggregate function of that name (case-insensitive), if it is one.
std::optional<exec::AggregateKind> LookupAggregate(std::string_view name);

/// Registries per family (one file each); LookupFunction searches them all.
std::span<const FunctionInfo> ScalarFunctions();
std::span<const FunctionInfo> MathFunctions();
std::span<const FunctionInfo> StringFunctions();
/// date(), localtime(), time(), localdatetime(), datetime(), duration(),
/// point() (temporal.cpp).
std::span<const FunctionInfo> TemporalFunctions();

/// The component `key` of a temporal or spatial value (`d.year`, `t.hour`,
/// `dur.days`, `p.x`, ...); nullopt when the value has no such component.
std::optional<Value> TemporalComponent(const Value& v, std::string_view key);

/// Shared argument checks: throw CypherTypeError naming the function.
void ExpectNumber(std::string_view fn, const Value& v);
void ExpectString(std::string_view fn, const Value& v);
void ExpectInt(std::string_view fn, const Value& v);

}  // namespace tributary::cypher
