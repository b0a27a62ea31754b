#include <algorithm>
#include <cctype>
#include <string>

#include "cypher/errors.hpp"
#include "cypher/exec/operator.hpp"
#include "cypher/functions/function.hpp"

namespace tributary::cypher {
using exec::AggregateKind;
namespace {

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

const FunctionInfo* LookupFunction(std::string_view name) {
  for (auto family : {ScalarFunctions(), MathFunctions(), StringFunctions(), TemporalFunctions()}) {
    for (const auto& f : family) {
      if (IEquals(f.name, name)) return &f;
    }
  }
  return nullptr;
}

std::optional<exec::AggregateKind> LookupAggregate(std::string_view name) {
  static constexpr std::pair<std::string_view, AggregateKind> kAggregates[] = {
      {"count", AggregateKind::kCount},
      {"sum", AggregateKind::kSum},
      {"avg", AggregateKind::kAvg},
      {"min", AggregateKind::kMin},
      {"max", AggregateKind::kMax},
      {"collect", AggregateKind::kCollect},
      {"stDev", AggregateKind::kStDev},
      {"stDevP", AggregateKind::kStDevP},
      {"percentileCont", AggregateKind::kPercentileCont},
      {"percentileDisc", AggregateKind::kPercentileDisc},
  };
  for (const auto& [n, k] : kAggregates) {
    if (IEquals(n, name)) return k;
  }
  return std::nullopt;
}

void ExpectNumber(std::string_view fn, const Value& v) {
  if (!v.IsNumber()) {
    throw CypherTypeError("InvalidArgumentType",
                          std::string(fn) + "() expects a number, got " + TypeName(v));
  }
}
void ExpectString(std::string_view fn, const Value& v) {
  if (!v.IsString()) {
    throw CypherTypeError("InvalidArgumentType",
                          std::string(fn) + "() expects a String, got " + TypeName(v));
  }
}
void ExpectInt(std::string_view fn, const Value& v) {
  if (!v.IsInt()) {
    throw CypherTypeError("InvalidArgumentType",
                          std::string(fn) + "() expects an Integer, got " + TypeName(v));
  }
}

}  // namespace tributary::cypher
