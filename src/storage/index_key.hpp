#pragma once
// Keys of the label+property index and the value comparisons the indexes
// need: CompareOrder with a fast path for scalars, and Cypher's `=`.

#include <cstdint>
#include <memory>

#include "common/property_value.hpp"

namespace tributary::storage {

/// A property value as an index key: numbers and booleans inline, other
/// kinds on the heap. Orders exactly like CompareOrder. Copyable (deep).
class IndexKey {
 public:
  IndexKey() = default;
  explicit IndexKey(const PropertyValue& v);
  IndexKey(const IndexKey& o);
  IndexKey& operator=(const IndexKey& o);
  IndexKey(IndexKey&& o) noexcept : kind_(o.kind_), i_(o.i_) { o.kind_ = 0; }
  IndexKey& operator=(IndexKey&& o) noexcept {
    if (this != &o) {
      FreeHeap();
      kind_ = o.kind_;
      i_ = o.i_;
      o.kind_ = 0;
    }
    return *this;
  }
  ~IndexKey() { FreeHeap(); }

  /// <0, 0, >0 as CompareOrder on the values.
  int Compare(const IndexKey& o) const {
    if (kind_ == kIntKind && o.kind_ == kIntKind) return i_ < o.i_ ? -1 : (i_ > o.i_ ? 1 : 0);
    // Int against double, both within +-2^53 where the conversion is exact
    // (the bound an equality lookup compares against).
    if (kind_ == kIntKind && o.kind_ == kDoubleKind && i_ > -kExact && i_ < kExact &&
        o.d_ > -kExactD && o.d_ < kExactD) {
      auto x = static_cast<double>(i_);
      return x < o.d_ ? -1 : (x > o.d_ ? 1 : -1);  // an int sorts before an equal double
    }
    return CompareSlow(o);
  }
  /// Structural equality with `v` (PropertyValue's operator==).
  bool Matches(const PropertyValue& v) const;
  PropertyValue ToValue() const;
  PropertyType type() const { return static_cast<PropertyType>(kind_); }

 private:
  static constexpr uint8_t kIntKind = static_cast<uint8_t>(PropertyType::kInt);
  static constexpr uint8_t kDoubleKind = static_cast<uint8_t>(PropertyType::kDouble);
  static constexpr int64_t kExact = int64_t{1} << 53;
  static constexpr double kExactD = 9007199254740992.0;
  int CompareSlow(const IndexKey& o) const;
  bool OnHeap() const { return kind_ >= static_cast<uint8_t>(PropertyType::kString); }
  void FreeHeap() {
    if (OnHeap()) delete heap_;  // NOLINT: owned, see the union
    kind_ = 0;
  }

  // 16 bytes: index entries stay small so lookups touch few cache lines.
  // Strings, lists and maps live in an owned heap PropertyValue.
  uint8_t kind_ = 0;
  union {
    int64_t i_ = 0;
    double d_;
    PropertyValue* heap_;
  };
};
static_assert(sizeof(IndexKey) == 16);

/// Cypher's `=` when it yields true: numbers by value (1 = 1.0), NaN and
/// null never equal, lists and maps element-wise.
bool CypherEquals(const PropertyValue& a, const PropertyValue& b);
/// True if some value is Cypher-equal to `v` (false for null, NaN, or
/// containers holding them).
bool CanEqual(const PropertyValue& v);
/// The smallest (kLow) or largest (kHigh) value in CompareOrder among
/// those Cypher-equal to `v`: integral numbers as ints resp. doubles.
enum class NumberForm : uint8_t { kLow, kHigh };
PropertyValue NormalizeNumbers(const PropertyValue& v, NumberForm form);
/// Rank of a value's kind in CompareOrder; values of one rank are
/// contiguous in an index.
int KindRank(PropertyType t);

}  // namespace tributary::storage
