#pragma once
// PropertyValue: a value that can be stored as a property of a vertex or edge
// (and sent as a query parameter). Graph values (nodes, relationships, paths)
// are not property values; the query engine has its own runtime value that
// wraps this one.

#include <compare>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tributary {

/// Kinds of property values. The numbering is part of the WAL and snapshot
/// formats (docs/formats/wal.md) and never changes; ADR 014 explains the
/// choices. 7..15 are for other scalars, 16..31 for temporal types.
enum class PropertyType : uint8_t {
  kNull = 0,
  kBool = 1,
  kInt = 2,
  kDouble = 3,
  kString = 4,
  kList = 5,
  kMap = 6,
  kBytes = 7,
  kPoint2d = 8,
  kPoint3d = 9,
  kDate = 16,
  kLocalTime = 17,
  kTime = 18,
  kLocalDateTime = 19,
  kDateTime = 20,
  kDuration = 21,
};

/// A byte array (PackStream bytes). Kept apart from strings: no encoding.
struct Bytes {
  std::string data;
  friend bool operator==(const Bytes&, const Bytes&) = default;
};

/// Days since 1970-01-01 (proleptic Gregorian).
struct Date {
  int64_t days = 0;
  friend bool operator==(const Date&, const Date&) = default;
};

/// Nanoseconds since midnight, no time zone. REQUIRES: 0 <= nanos < 86400e9.
struct LocalTime {
  int64_t nanos = 0;
  friend bool operator==(const LocalTime&, const LocalTime&) = default;
};

/// A local time of day with its UTC offset (Bolt `Time`): `nanos` is local.
struct Time {
  int64_t nanos = 0;
  int32_t offset_seconds = 0;
  friend bool operator==(const Time&, const Time&) = default;
};

/// A date and time without zone: seconds since 1970-01-01T00:00 local.
struct LocalDateTime {
  int64_t seconds = 0;
  int32_t nanos = 0;  ///< 0..999,999,999
  friend bool operator==(const LocalDateTime&, const LocalDateTime&) = default;
};

/// An instant with either a fixed offset (`zone` null) or a named zone.
/// `seconds` are UTC; `offset_seconds` is the offset in force, so local time
/// is seconds + offset_seconds. For a named zone the offset is what the
/// client implied (legacy Bolt 'f' sends local seconds; without a time zone
/// database the server takes offset 0 for it, see ADR 014). The zone name is
/// shared between copies (immutable), keeping the struct at 32 bytes.
struct DateTime {
  int64_t seconds = 0;
  int32_t nanos = 0;
  int32_t offset_seconds = 0;
  std::shared_ptr<const std::string> zone;
  /// The zone name, empty for a fixed offset.
  std::string_view ZoneName() const { return zone ? std::string_view(*zone) : std::string_view(); }
  friend bool operator==(const DateTime& a, const DateTime& b) {
    return a.seconds == b.seconds && a.nanos == b.nanos && a.offset_seconds == b.offset_seconds &&
           a.ZoneName() == b.ZoneName() && (a.zone == nullptr) == (b.zone == nullptr);
  }
};

/// A duration in Bolt's four components (each may be negative).
struct Duration {
  int64_t months = 0;
  int64_t days = 0;
  int64_t seconds = 0;
  int32_t nanos = 0;
  friend bool operator==(const Duration&, const Duration&) = default;
};

/// A 2D point in a coordinate reference system (SRID, e.g. 7203 cartesian,
/// 4326 WGS-84).
struct Point2d {
  int64_t srid = 0;
  double x = 0;
  double y = 0;
  friend bool operator==(const Point2d&, const Point2d&) = default;
};

/// A 3D point (SRID 9157 cartesian-3d, 4979 WGS-84-3d, ...).
struct Point3d {
  int64_t srid = 0;
  double x = 0;
  double y = 0;
  double z = 0;
  friend bool operator==(const Point3d&, const Point3d&) = default;
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
  PropertyValue(Bytes v) : v_(std::move(v)) {}               // NOLINT
  PropertyValue(Date v) : v_(v) {}                           // NOLINT
  PropertyValue(LocalTime v) : v_(v) {}                      // NOLINT
  PropertyValue(Time v) : v_(v) {}                           // NOLINT
  PropertyValue(LocalDateTime v) : v_(v) {}                  // NOLINT
  PropertyValue(DateTime v) : v_(std::move(v)) {}            // NOLINT
  PropertyValue(Duration v) : v_(v) {}                       // NOLINT
  PropertyValue(Point2d v) : v_(v) {}                        // NOLINT
  PropertyValue(Point3d v) : v_(v) {}                        // NOLINT

  PropertyType type() const { return static_cast<PropertyType>(kTypeOfIndex[v_.index()]); }
  bool IsNull() const { return v_.index() == 0; }
  bool IsBool() const { return v_.index() == 1; }
  bool IsInt() const { return v_.index() == 2; }
  bool IsDouble() const { return v_.index() == 3; }
  bool IsNumber() const { return IsInt() || IsDouble(); }
  bool IsString() const { return v_.index() == 4; }
  bool IsList() const { return v_.index() == 5; }
  bool IsMap() const { return v_.index() == 6; }
  bool IsBytes() const { return type() == PropertyType::kBytes; }
  /// True for Date, LocalTime, Time, LocalDateTime, DateTime and Duration.
  bool IsTemporal() const { return static_cast<uint8_t>(type()) >= 16; }

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
  const Bytes& AsBytes() const { return std::get<Bytes>(v_); }
  const Date& AsDate() const { return std::get<Date>(v_); }
  const LocalTime& AsLocalTime() const { return std::get<LocalTime>(v_); }
  const Time& AsTime() const { return std::get<Time>(v_); }
  const LocalDateTime& AsLocalDateTime() const { return std::get<LocalDateTime>(v_); }
  const DateTime& AsDateTime() const { return std::get<DateTime>(v_); }
  const Duration& AsDuration() const { return std::get<Duration>(v_); }
  const Point2d& AsPoint2d() const { return std::get<Point2d>(v_); }
  const Point3d& AsPoint3d() const { return std::get<Point3d>(v_); }

  /// Structural equality: same kind and same contents (1 != 1.0, NaN == NaN).
  /// This is identity for storage; Cypher's `=` lives in the query engine.
  friend bool operator==(const PropertyValue& a, const PropertyValue& b);

 private:
  static constexpr uint8_t kTypeOfIndex[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 17, 18, 19, 20, 21};
  std::variant<std::monostate, bool, int64_t, double, std::string, List, Map, Bytes, Point2d,
               Point3d, Date, LocalTime, Time, LocalDateTime, DateTime, Duration>
      v_;
};
// The largest alternative is Map (48 bytes); bytes, points and temporal
// values take at most 32, so they did not grow the value (ADR 014).
static_assert(sizeof(PropertyValue) == 56);

/// Total order of Cypher's ORDER BY ("orderability") over property values:
/// map < list < bytes < point < datetime < localdatetime < date < time <
/// localtime < duration < string < boolean < number < null (the query engine
/// adds node, relationship, path in between; see OrderRank), numbers
/// compared by value (ints and doubles mixed; NaN above every other number;
/// an int before an equal double), lists and maps lexicographically, the
/// other kinds as described in ADR 014. Returns <0, 0, >0.
/// Index range lookups use this order, so it must stay consistent with it.
int CompareOrder(const PropertyValue& a, const PropertyValue& b);

/// Rank of a kind in the ORDER BY order (lower sorts first). Leaves room for
/// the engine's graph kinds: node 1, relationship 2, path 5.
int OrderRank(PropertyType t);

/// Order within one non-container kind other than bool/number/string
/// (bytes, points, temporal). REQUIRES: a.type() == b.type(), one of those.
int CompareSameKind(const PropertyValue& a, const PropertyValue& b);

/// Cypher `<` between two values of one temporal kind: false (not
/// comparable) for durations, points and bytes, else sets *out.
bool CompareTemporal(const PropertyValue& a, const PropertyValue& b, int* out);

/// ISO 8601 rendering as Neo4j's toString() gives it: `2024-05-01`,
/// `12:30:00.5+01:00`, `2024-05-01T12:30Z[Europe/Stockholm]`, `P1M2DT3.5S`,
/// `point({x: 1.0, y: 2.0, crs: 'cartesian'})`, bytes as hex. REQUIRES: a kind other
/// than null/bool/number/string/list/map.
std::string FormatScalar(const PropertyValue& v);

/// Compares an int64 and a double exactly (no rounding of large ints).
int CompareIntDouble(int64_t a, double b);

/// Hash consistent with operator== (structural).
size_t HashValue(const PropertyValue& v);

/// Renders a value in Cypher literal syntax, e.g. `{a: [1, 2.5, 'x']}`.
std::string ToCypherLiteral(const PropertyValue& v);

/// Name of a type as Cypher error messages say it ("Integer", "String", ...).
std::string_view TypeName(PropertyType t);

}  // namespace tributary
