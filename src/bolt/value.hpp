#pragma once
// bolt::Value: every value PackStream can carry, including the graph
// structures Bolt sends back (Node, Relationship, UnboundRelationship, Path)
// and a generic Structure for the rest (temporal and spatial types pass
// through untouched). This type belongs to the wire layer; the query engine
// has its own values and a thin adapter converts between the two.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace tributary::bolt {

class Value;

/// A PackStream list.
using List = std::vector<Value>;

/// PackStream bytes.
using Bytes = std::vector<uint8_t>;

/// A PackStream dictionary: string keys, insertion order preserved (drivers
/// and consoles show keys in the order the server sent them). Lookups are
/// linear, which suits the small maps Bolt exchanges.
class Map {
 public:
  using Entry = std::pair<std::string, Value>;

  Map() = default;
  Map(std::initializer_list<Entry> entries);

  /// Sets `key` to `value`, replacing an existing entry in place (keeping
  /// its position) or appending a new one.
  void Set(std::string key, Value value);
  /// Appends without checking for an existing key. REQUIRES: `key` absent
  /// (decoders use this after deduplicating).
  void AppendUnchecked(std::string key, Value value);
  /// Returns the value for `key`, or nullptr when absent. The pointer is
  /// invalidated by any mutation of the map.
  const Value* Find(std::string_view key) const;
  /// True when `key` is present.
  bool Contains(std::string_view key) const { return Find(key) != nullptr; }
  /// Removes `key` if present; returns whether it was.
  bool Erase(std::string_view key);

  /// Entry count, and read access to the entries in insertion order.
  // (Defined after Value: clang instantiates them eagerly and needs Value
  // complete.)
  size_t size() const;
  bool empty() const;
  void reserve(size_t n);
  const std::vector<Entry>& entries() const { return entries_; }
  std::vector<Entry>::const_iterator begin() const;
  std::vector<Entry>::const_iterator end() const;

  /// Equal when the same keys map to equal values, in the same order.
  friend bool operator==(const Map& a, const Map& b);

 private:
  std::vector<Entry> entries_;
};

/// A graph node as Bolt sends it. `element_id` travels only on Bolt 5.x;
/// when empty the encoder sends the decimal `id` instead.
struct Node {
  int64_t id = 0;
  std::vector<std::string> labels;
  Map properties;
  std::string element_id;
  friend bool operator==(const Node&, const Node&) = default;
};

/// A relationship with its endpoints (structure 0x52).
struct Relationship {
  int64_t id = 0;
  int64_t start_id = 0;
  int64_t end_id = 0;
  std::string type;
  Map properties;
  std::string element_id;        // 5.x only
  std::string start_element_id;  // 5.x only
  std::string end_element_id;    // 5.x only
  friend bool operator==(const Relationship&, const Relationship&) = default;
};

/// A relationship inside a Path, without endpoints (structure 0x72).
struct UnboundRelationship {
  int64_t id = 0;
  std::string type;
  Map properties;
  std::string element_id;  // 5.x only
  friend bool operator==(const UnboundRelationship&, const UnboundRelationship&) = default;
};

/// A path as Bolt encodes it: distinct nodes, distinct relationships and an
/// index sequence of (relationship, node) pairs. A relationship index i > 0
/// means rels[i-1] traversed along its direction, i < 0 against it; the node
/// index points into `nodes`. The first node of the path is nodes[0].
/// Decoded paths are not validated; consumers must bounds-check indices.
struct Path {
  std::vector<Node> nodes;
  std::vector<UnboundRelationship> rels;
  std::vector<int64_t> indices;
  friend bool operator==(const Path&, const Path&) = default;
};

/// Any other PackStream structure (Date, Time, DateTime, Duration, Point,
/// ...): its tag byte and fields, passed through unchanged.
struct Structure {
  uint8_t tag = 0;
  std::vector<Value> fields;
  friend bool operator==(const Structure& a, const Structure& b);
};

/// A heap-allocated T with value semantics (copies are deep). Keeps Value
/// at 40 bytes although graph structures are much larger, which bounds the
/// memory a hostile message can make the decoder allocate.
template <typename T>
class Box {
 public:
  Box(T v) : p_(std::make_unique<T>(std::move(v))) {}  // NOLINT
  Box(const Box& o) : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
  Box(Box&&) noexcept = default;
  Box& operator=(const Box& o) {
    if (this != &o) p_ = o.p_ ? std::make_unique<T>(*o.p_) : nullptr;
    return *this;
  }
  Box& operator=(Box&&) noexcept = default;
  ~Box() = default;

  /// REQUIRES: not moved from.
  T& get() { return *p_; }
  const T& get() const { return *p_; }

  friend bool operator==(const Box& a, const Box& b) {
    return a.p_ == nullptr || b.p_ == nullptr ? a.p_ == b.p_ : *a.p_ == *b.p_;
  }

 private:
  std::unique_ptr<T> p_;
};

/// Kinds of values; the order matches Value's variant.
enum class ValueType : uint8_t {
  kNull,
  kBool,
  kInt,
  kFloat,
  kBytes,
  kString,
  kList,
  kMap,
  kNode,
  kRelationship,
  kUnboundRelationship,
  kPath,
  kStructure,
};

/// A PackStream value. Copyable and movable; ints and floats stay distinct
/// (1 != 1.0). Not thread-safe for concurrent mutation.
class Value {
 public:
  /// Null by default; implicit conversions from every alternative.
  Value() = default;
  Value(std::nullptr_t) {}                                                      // NOLINT
  Value(bool v) : v_(v) {}                                                      // NOLINT
  Value(int v) : v_(static_cast<int64_t>(v)) {}                                 // NOLINT
  Value(int64_t v) : v_(v) {}                                                   // NOLINT
  Value(double v) : v_(v) {}                                                    // NOLINT
  Value(Bytes v) : v_(std::move(v)) {}                                          // NOLINT
  Value(std::string v) : v_(std::move(v)) {}                                    // NOLINT
  Value(std::string_view v) : v_(std::string(v)) {}                             // NOLINT
  Value(const char* v) : v_(std::string(v)) {}                                  // NOLINT
  Value(List v) : v_(std::move(v)) {}                                           // NOLINT
  Value(Map v) : v_(std::move(v)) {}                                            // NOLINT
  Value(Node v) : v_(Box<Node>(std::move(v))) {}                                // NOLINT
  Value(Relationship v) : v_(Box<Relationship>(std::move(v))) {}                // NOLINT
  Value(UnboundRelationship v) : v_(Box<UnboundRelationship>(std::move(v))) {}  // NOLINT
  Value(Path v) : v_(Box<Path>(std::move(v))) {}                                // NOLINT
  Value(Structure v) : v_(std::move(v)) {}                                      // NOLINT

  /// The kind held, and one predicate per kind.
  ValueType type() const { return static_cast<ValueType>(v_.index()); }
  bool IsNull() const { return type() == ValueType::kNull; }
  bool IsBool() const { return type() == ValueType::kBool; }
  bool IsInt() const { return type() == ValueType::kInt; }
  bool IsFloat() const { return type() == ValueType::kFloat; }
  bool IsBytes() const { return type() == ValueType::kBytes; }
  bool IsString() const { return type() == ValueType::kString; }
  bool IsList() const { return type() == ValueType::kList; }
  bool IsMap() const { return type() == ValueType::kMap; }
  bool IsNode() const { return type() == ValueType::kNode; }
  bool IsRelationship() const { return type() == ValueType::kRelationship; }
  bool IsUnboundRelationship() const { return type() == ValueType::kUnboundRelationship; }
  bool IsPath() const { return type() == ValueType::kPath; }
  bool IsStructure() const { return type() == ValueType::kStructure; }

  /// Accessors. REQUIRES: the value holds the requested kind.
  bool AsBool() const { return std::get<bool>(v_); }
  int64_t AsInt() const { return std::get<int64_t>(v_); }
  double AsFloat() const { return std::get<double>(v_); }
  const Bytes& AsBytes() const { return std::get<Bytes>(v_); }
  const std::string& AsString() const { return std::get<std::string>(v_); }
  std::string& AsString() { return std::get<std::string>(v_); }
  const List& AsList() const { return std::get<List>(v_); }
  List& AsList() { return std::get<List>(v_); }
  const Map& AsMap() const { return std::get<Map>(v_); }
  Map& AsMap() { return std::get<Map>(v_); }
  const Node& AsNode() const { return std::get<Box<Node>>(v_).get(); }
  Node& AsNode() { return std::get<Box<Node>>(v_).get(); }
  const Relationship& AsRelationship() const { return std::get<Box<Relationship>>(v_).get(); }
  const UnboundRelationship& AsUnboundRelationship() const {
    return std::get<Box<UnboundRelationship>>(v_).get();
  }
  UnboundRelationship& AsUnboundRelationship() {
    return std::get<Box<UnboundRelationship>>(v_).get();
  }
  const Path& AsPath() const { return std::get<Box<Path>>(v_).get(); }
  const Structure& AsStructure() const { return std::get<Structure>(v_); }

  /// Structural equality (same kind, same contents; NaN != NaN as doubles do).
  friend bool operator==(const Value& a, const Value& b) { return a.v_ == b.v_; }

 private:
  std::variant<std::monostate, bool, int64_t, double, Bytes, std::string, List, Map, Box<Node>,
               Box<Relationship>, Box<UnboundRelationship>, Box<Path>, Structure>
      v_;
};

inline size_t Map::size() const { return entries_.size(); }
inline bool Map::empty() const { return entries_.empty(); }
inline void Map::reserve(size_t n) { entries_.reserve(n); }
inline std::vector<Map::Entry>::const_iterator Map::begin() const { return entries_.begin(); }
inline std::vector<Map::Entry>::const_iterator Map::end() const { return entries_.end(); }

/// Name of a value kind for error messages ("Integer", "Map", ...).
std::string_view ValueTypeName(ValueType t);

/// A compact debugging rendering, e.g. `{a: [1, 2.5, "x"]}`. Not the console
/// format (see console/format.hpp) and not stable.
std::string DebugString(const Value& v);

}  // namespace tributary::bolt
