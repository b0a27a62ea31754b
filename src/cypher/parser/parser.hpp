#pragma once
// Entry point of the openCypher front end: text in, AST (ast.hpp) out.

#include <string_view>

#include "cypher/errors.hpp"
#include "cypher/parser/ast.hpp"

namespace tributary::cypher {

/// Limits that keep the parser safe on hostile input.
struct ParseOptions {
  /// Maximum nesting depth of expressions, patterns and subqueries; deeper
  /// input raises SyntaxError "NestingTooDeep" instead of exhausting the stack.
  int max_depth = 500;
};

/// Parses exactly one statement (an optional trailing ';' is allowed).
/// Throws SyntaxError (with line and column) when the text is not a valid
/// statement. Never crashes, hangs or recurses unboundedly on any input.
/// Thread-safe (no shared state).
StatementPtr Parse(std::string_view text, const ParseOptions& options = {});

}  // namespace tributary::cypher
