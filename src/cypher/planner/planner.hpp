#pragma once
// Semantic analysis and planning in one pass over the AST: variables are
// bound to frame slots (with the TCK's compile-time checks), then each clause
// becomes operators. Rule-based: index seeks for `{p: $v}` / `n.p = $v` /
// ranges when a label+property index exists, label scans otherwise, and each
// pattern part starts from its most selective node.

#include <memory>

#include "cypher/parser/ast.hpp"
#include "cypher/planner/plan.hpp"
#include "storage/storage.hpp"

namespace tributary::cypher {

/// Plans a query. Throws SyntaxError/SemanticError for invalid queries.
/// Interns label/property/type names in `storage` (that is harmless).
/// Thread-safe with respect to other planners.
std::shared_ptr<const Plan> PlanQuery(const Query& query, storage::Storage& storage);

}  // namespace tributary::cypher
