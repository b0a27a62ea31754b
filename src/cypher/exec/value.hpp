#pragma once
// The query engine's runtime value: every property value plus the graph
// values (node, relationship, path) that queries produce. Property values are
// converted at the storage boundary (ToValue / ToPropertyValue).

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "common/property_value.hpp"
#include "storage/storage.hpp"

namespace tributary::cypher {

class Value;

/// A path: nodes[0] -edges[0]- nodes[1] ... ; nodes.size() == edges.size()+1.
struct Path {
  std::vector<storage::VertexAccessor> nodes;
  std::vector<storage::EdgeAccessor> edges;
};

enum class ValueType : uint8_t {
  kNull,
  kBool,
  kInt,
  kDouble,
  kString,
  kList,
  kMap,
  kNode,
  kRelationship,
  kPath,
  // Bytes, points and temporal values: the common/property_value.hpp types.
  kBytes,
  kPoint2d,
  kPoint3d,
  kDate,
  kLocalTime,
  kTime,
  kLocalDateTime,
  kDateTime,
  kDuration,
};

/// True for the kinds after kPath (bytes, points, temporal): values with no
/// graph content that behave as PropertyValue defines.
inline bool IsExtendedScalar(ValueType t) { return t >= ValueType::kBytes; }

/// A Cypher runtime value. Copyable; lists and maps own their elements.
class Value {
 public:
  using List = std::vector<Value>;
  using Map = std::map<std::string, Value, std::less<>>;

  Value() = default;
  Value(std::nullptr_t) {}                       // NOLINT
  Value(bool v) : v_(v) {}                       // NOLINT
  Value(int v) : v_(static_cast<int64_t>(v)) {}  // NOLINT
  Value(int64_t v) : v_(v) {}                    // NOLINT
  Value(double v) : v_(v) {}                     // NOLINT
  Value(std::string v) : v_(std::move(v)) {}     // NOLINT
  Value(const char* v) : v_(std::string(v)) {}   // NOLINT
  Value(List v) : v_(std::move(v)) {}            // NOLINT
  Value(Map v) : v_(std::move(v)) {}             // NOLINT
  Value(storage::VertexAccessor v) : v_(v) {}    // NOLINT
  Value(storage::EdgeAccessor v) : v_(v) {}      // NOLINT
  Value(Path v) : v_(std::move(v)) {}            // NOLINT
  Value(Bytes v) : v_(std::move(v)) {}           // NOLINT
  Value(Point2d v) : v_(v) {}                    // NOLINT
  Value(Point3d v) : v_(v) {}                    // NOLINT
  Value(Date v) : v_(v) {}                       // NOLINT
  Value(LocalTime v) : v_(v) {}                  // NOLINT
  Value(Time v) : v_(v) {}                       // NOLINT
  Value(LocalDateTime v) : v_(v) {}              // NOLINT
  Value(DateTime v) : v_(std::move(v)) {}        // NOLINT
  Value(Duration v) : v_(v) {}                   // NOLINT

  ValueType type() const { return static_cast<ValueType>(v_.index()); }
  bool IsNull() const { return v_.index() == 0; }
  bool IsBool() const { return v_.index() == 1; }
  bool IsInt() const { return v_.index() == 2; }
  bool IsDouble() const { return v_.index() == 3; }
  bool IsNumber() const { return IsInt() || IsDouble(); }
  bool IsString() const { return v_.index() == 4; }
  bool IsList() const { return v_.index() == 5; }
  bool IsMap() const { return v_.index() == 6; }
  bool IsNode() const { return v_.index() == 7; }
  bool IsRelationship() const { return v_.index() == 8; }
  bool IsPath() const { return v_.index() == 9; }
  bool IsPoint3d() const { return type() == ValueType::kPoint3d; }

  /// REQUIRES: the value holds the requested kind.
  bool AsBool() const { return std::get<bool>(v_); }
  int64_t AsInt() const { return std::get<int64_t>(v_); }
  double AsDouble() const { return std::get<double>(v_); }
  double AsNumber() const { return IsInt() ? static_cast<double>(AsInt()) : AsDouble(); }
  const std::string& AsString() const { return std::get<std::string>(v_); }
  std::string& AsString() { return std::get<std::string>(v_); }
  const List& AsList() const { return std::get<List>(v_); }
  List& AsList() { return std::get<List>(v_); }
  const Map& AsMap() const { return std::get<Map>(v_); }
  Map& AsMap() { return std::get<Map>(v_); }
  const storage::VertexAccessor& AsNode() const { return std::get<storage::VertexAccessor>(v_); }
  const storage::EdgeAccessor& AsRelationship() const {
    return std::get<storage::EdgeAccessor>(v_);
  }
  const Path& AsPath() const { return std::get<Path>(v_); }
  const Bytes& AsBytes() const { return std::get<Bytes>(v_); }
  const Point2d& AsPoint2d() const { return std::get<Point2d>(v_); }
  const Point3d& AsPoint3d() const { return std::get<Point3d>(v_); }
  const Date& AsDate() const { return std::get<Date>(v_); }
  const LocalTime& AsLocalTime() const { return std::get<LocalTime>(v_); }
  const Time& AsTime() const { return std::get<Time>(v_); }
  const LocalDateTime& AsLocalDateTime() const { return std::get<LocalDateTime>(v_); }
  const DateTime& AsDateTime() const { return std::get<DateTime>(v_); }
  const Duration& AsDuration() const { return std::get<Duration>(v_); }

 private:
  std::variant<std::monostate, bool, int64_t, double, std::string, List, Map,
               storage::VertexAccessor, storage::EdgeAccessor, Path, Bytes, Point2d, Point3d, Date,
               LocalTime, Time, LocalDateTime, DateTime, Duration>
      v_;
};

/// Cypher type name for error messages ("Integer", "Node", ...).
const char* TypeName(ValueType t);
inline const char* TypeName(const Value& v) { return TypeName(v.type()); }

/// Converts a stored/parameter value. Never fails.
Value ToValue(const PropertyValue& v);
/// Converts for storing as a property. Throws CypherTypeError
/// (InvalidPropertyType) for graph values, or maps/lists holding them.
PropertyValue ToPropertyValue(const Value& v);

/// Three-valued results of Cypher comparisons.
enum class Tri : uint8_t { kFalse, kTrue, kNull };
inline Tri ToTri(bool b) { return b ? Tri::kTrue : Tri::kFalse; }
Value FromTri(Tri t);

/// Cypher `=`: null if either side is null (or a list/map holds a null that
/// decides the outcome), numbers compared by value, different kinds false.
Tri Equals(const Value& a, const Value& b);
/// Cypher `<` family: null when the kinds are not comparable (or null/NaN).
/// Returns <0, 0, >0 in *out when comparable; false otherwise.
bool CompareComparable(const Value& a, const Value& b, int* out);
/// Total ORDER BY order (orderability): map < node < relationship < list <
/// bytes < path < point < datetime < localdatetime < date < time < localtime
/// < duration < string < boolean < number < null (ADR 014).
int CompareOrder(const Value& a, const Value& b);
/// Equivalence used by DISTINCT, grouping and `IN` lookups' hashing: like
/// `=` but null equals null and NaN equals NaN.
bool Equivalent(const Value& a, const Value& b);
/// Hash consistent with Equivalent (1 and 1.0 hash alike).
size_t Hash(const Value& v);

struct ValueHash {
  size_t operator()(const Value& v) const { return Hash(v); }
  size_t operator()(const std::vector<Value>& v) const;
};
struct ValueEquivalent {
  bool operator()(const Value& a, const Value& b) const { return Equivalent(a, b); }
  bool operator()(const std::vector<Value>& a, const std::vector<Value>& b) const;
};

/// Renders a float as toString() does (and Neo4j): the shortest digits that
/// read back to the same double, decimal for 1e-3 <= |d| < 1e7 ("2.5",
/// "100.0"), scientific otherwise ("1.0E20", "1.5E-5"); NaN, Infinity,
/// -Infinity.
std::string FormatFloat(double d);

/// Renders a value the way toString() and error messages show it.
std::string ToDisplayString(const Value& v, const storage::Storage& storage);

}  // namespace tributary::cypher
