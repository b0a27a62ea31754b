#pragma once
// Joins the Bolt layer to the query engine: a bolt::QueryHandler per
// connection backed by a query::Session. This is the one place where query
// errors become Bolt FAILURE codes.

#include <memory>

#include "bolt/handler.hpp"
#include "cypher/errors.hpp"
#include "query/engine.hpp"

namespace tributary::server {

/// The FAILURE a client sees for a query-pipeline error.
bolt::BoltError ToBoltError(const cypher::CypherError& e);

/// Creates one handler per authenticated connection. `engine` must outlive
/// every handler.
bolt::HandlerFactory MakeHandlerFactory(query::QueryEngine& engine);

}  // namespace tributary::server
