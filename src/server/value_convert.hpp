#pragma once
// Conversions between the query engine's values and Bolt's wire values.

#include "bolt/value.hpp"
#include "bolt/version.hpp"
#include "cypher/exec/value.hpp"
#include "storage/storage.hpp"

namespace tributary::server {

/// How DateTime travels: Bolt 5.x uses structures 'I'/'i' with UTC
/// seconds, 4.x (without the "utc" patch) the legacy 'F'/'f' with local
/// seconds.
enum class DateTimeWire : uint8_t { kUtc, kLegacy };

/// The DateTime encoding a negotiated Bolt version uses.
inline DateTimeWire DateTimeWireFor(bolt::ProtocolVersion v) {
  return v.major >= 5 ? DateTimeWire::kUtc : DateTimeWire::kLegacy;
}

/// Engine value -> Bolt value. Reads labels/properties of nodes and
/// relationships through their transaction, so it must run while that
/// transaction is alive (inside a result sink). Never throws for live
/// objects; deleted objects come out with no labels/properties. Temporal
/// and spatial values become the Bolt structures (Date 'D', Time 'T', ...).
bolt::Value ToBolt(const cypher::Value& v, const storage::Storage& storage,
                   DateTimeWire wire = DateTimeWire::kUtc);

/// Bolt parameter value -> engine value: every property kind, including
/// bytes and the temporal/spatial structures. Throws cypher::CypherTypeError
/// for graph structures, unknown structures and malformed ones (wrong field
/// count or types, nanoseconds or offsets out of range). DateTime is
/// accepted in both encodings on every version: the tag says which.
cypher::Value FromBolt(const bolt::Value& v);

/// The element id Tributary reports for a node/relationship gid.
std::string NodeElementId(storage::Gid gid);
std::string RelationshipElementId(storage::Gid gid);

}  // namespace tributary::server
