#pragma once
// Renders AST nodes as compact, fully parenthesized text, for tests, logs and
// debugging. Not a pretty-printer: the output is meant to show structure
// unambiguously (e.g. `(+ 1 (* 2 3))`), not to be re-parsed.

#include <string>

#include "cypher/parser/ast.hpp"

namespace tributary::cypher {

/// Prefix form of an expression, e.g. `(AND (= (. n name) 'x') (IS NULL m))`.
std::string DebugString(const Expr& expr);

/// One path pattern in Cypher syntax, e.g. `p = (a:L)-[r:T*1..2]->(b)`.
std::string DebugString(const PatternPart& part);

/// A clause, e.g. `MATCH (n) WHERE (> (. n x) 1)`.
std::string DebugString(const Clause& clause);

/// A query: clauses separated by " ", UNION parts by " UNION [ALL] ".
std::string DebugString(const Query& query);

/// Any statement; queries as above, prefixed by EXPLAIN/PROFILE when set.
std::string DebugString(const Statement& statement);

}  // namespace tributary::cypher
