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
  IndexKey(IndexKey&&) noexcept = default;
  IndexKey& operator=(IndexKey&&) noexcept = default;

  /// <0, 0, >0 as CompareOrder on the values.
  int Compare(const IndexKey& o) const {
    if (kind_ == kIntKind && o.kind_ == kIntKind) return i_ < o.i_ ? -1 : (i_ > o.i_ ? 1 : 0);
    return CompareSlow(o);
  }
  /// Structural equality with `v` (PropertyValue's operator==).
  bool Matches(const PropertyValue& v) const;
  PropertyValue ToValue() const;
  PropertyType type() const { return static_cast<PropertyType>(kind_); }

 private:
  static constexpr uint8_t kIntKind = static_cast<uint8_t>(PropertyType::kInt);
  int CompareSlow(const IndexKey& o) const;

  uint8_t kind_ = 0;
  union {
    int64_t i_ = 0;
    double d_;
  };
  std::unique_ptr<PropertyValue> heap_;
};

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
