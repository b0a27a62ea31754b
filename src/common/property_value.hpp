#pragma once
// PropertyValue: a value that can be stored as a property of a vertex or edge
// (and sent as a query parameter). Graph values (nodes, relationships, paths)
// are not property values; the query engine has its own runtime value that
// wraps this one.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tributary {

/// Kinds of property values. The numbering is part of the WAL and snapshot
/// formats; gaps are reserved for temporal types (Date, LocalTime, Time,
/// LocalDateTime, DateTime, Duration) so they slot in without renumbering.
enum class PropertyType : uint8_t {
  kNull = 0,
  kBool = 1,
  kInt = 2,
  kDouble = 3,
  kString = 4,
  kList = 5,
  kMap = 6,
  // 16..31 reserved for temporal types.
};

/// A null/bool/int64/double/string/list/map value. Copyable, movable; not
/// thread-safe for concurrent mutation (like any std container).
class PropertyValue {
 public:
  using List = std::vector<PropertyValue>;
  using Map = std::map<std::string, PropertyValue, std::less<>>;

  PropertyValue() = default;
  PropertyValue(std::nullptr_t) {}                           // NOLINT
  PropertyValue(bool v) : v_(v) {}                           // NOLINT
  PropertyValue(int v) : v_(static_cast<int64_t>(v)) {}      // NOLINT
  PropertyValue(int64_t v) : v_(v) {}                        // NOLINT
  PropertyValue(double v) : v_(v) {}                         // NOLINT
  PropertyValue(std::string v) : v_(std::move(v)) {}         // NOLINT
  PropertyValue(std::string_view v) : v_(std::string(v)) {}  // NOLINT
  PropertyValue(const char* v) : v_(std::string(v)) {}       // NOLINT
  PropertyValue(List v) : v_(std::move(v)) {}                // NOLINT
  PropertyValue(Map v) : v_(std::move(v)) {}                 // NOLINT

  PropertyType type() const { return static_cast<PropertyType>(kTypeOfIndex[v_.index()]); }
  bool IsNull() const { return v_.index() == 0; }
  bool IsBool() const { return v_.index() == 1; }
  bool IsInt() const { return v_.index() == 2; }
  bool IsDouble() const { return v_.index() == 3; }
  bool IsNumber() const { return IsInt() || IsDouble(); }
  bool IsString() const { return v_.index() == 4; }
  bool IsList() const { return v_.index() == 5; }
  bool IsMap() const { return v_.index() == 6; }

  /// REQUIRES: the value holds the requested kind.
  bool AsBool() const { return std::get<bool>(v_); }
  int64_t AsInt() const { return std::get<int64_t>(v_); }
  double AsDouble() const { return std::get<double>(v_); }
  /// Int or double as a double. REQUIRES: IsNumber().
  double AsNumber() const { return IsInt() ? static_cast<double>(AsInt()) : AsDouble(); }
  const std::string& AsString() const { return std::get<std::string>(v_); }
  const List& AsList() const { return std::get<List>(v_); }
  List& AsList() { return std::get<List>(v_); }
  const Map& AsMap() const { return std::get<Map>(v_); }
  Map& AsMap() { return std::get<Map>(v_); }

  /// Structural equality: same kind and same contents (1 != 1.0, NaN == NaN).
  /// This is identity for storage; Cypher's `=` lives in the query engine.
  friend bool operator==(const PropertyValue& a, const PropertyValue& b);

 private:
  static constexpr uint8_t kTypeOfIndex[] = {0, 1, 2, 3, 4, 5, 6};
  std::variant<std::monostate, bool, int64_t, double, std::string, List, Map> v_;
};

/// Total order of Cypher's ORDER BY ("orderability") over property values:
/// map < list < string < boolean < number < null, numbers compared by value
/// (ints and doubles mixed; NaN above every other number; an int before an
/// equal double), lists and maps lexicographically. Returns <0, 0, >0.
/// Index range lookups use this order, so it must stay consistent with it.
int CompareOrder(const PropertyValue& a, const PropertyValue& b);

/// Compares an int64 and a double exactly (no rounding of large ints).
int CompareIntDouble(int64_t a, double b);

/// Hash consistent with operator== (structural).
size_t HashValue(const PropertyValue& v);

/// Renders a value in Cypher literal syntax, e.g. `{a: [1, 2.5, 'x']}`.
std::string ToCypherLiteral(const PropertyValue& v);

/// Name of a type as Cypher error messages say it ("Integer", "String", ...).
std::string_view TypeName(PropertyType t);

}  // namespace tributary
