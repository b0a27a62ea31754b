#include "cypher/parser/ast.hpp"

namespace tributary::cypher {

// Out of line because Query is incomplete where these nodes are declared.
ExistsSubqueryExpr::ExistsSubqueryExpr(SourcePos p) : Expr(ExprKind::kExistsSubquery, p) {}
ExistsSubqueryExpr::~ExistsSubqueryExpr() = default;

CallSubqueryClause::CallSubqueryClause(SourcePos p) : Clause(ClauseKind::kCallSubquery, p) {}
CallSubqueryClause::~CallSubqueryClause() = default;

}  // namespace tributary::cypher
