#pragma once
// Conversions between the query engine's values and Bolt's wire values.

#include "bolt/value.hpp"
#include "cypher/exec/value.hpp"
#include "storage/storage.hpp"

namespace tributary::server {

/// Engine value -> Bolt value. Reads labels/properties of nodes and
/// relationships through their transaction, so it must run while that
/// transaction is alive (inside a result sink). Never throws for live
/// objects; deleted objects come out with no labels/properties.
bolt::Value ToBolt(const cypher::Value& v, const storage::Storage& storage);

/// Bolt parameter value -> engine value. Throws cypher::CypherTypeError for
/// values that cannot be parameters (bytes, graph structures, temporal).
cypher::Value FromBolt(const bolt::Value& v);

/// The element id Tributary reports for a node/relationship gid.
std::string NodeElementId(storage::Gid gid);
std::string RelationshipElementId(storage::Gid gid);

}  // namespace tributary::server
