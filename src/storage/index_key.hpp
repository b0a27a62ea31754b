#pragma once
// Keys of the label+property index and the value comparisons the indexes
// need: CompareOrder with a fast path for scalars, and Cypher's `=`.

#include <cstdint>
#include <memory>
#include <string>

#include "common/property_value.hpp"

namespace tributary::storage {

/// A property value as an index key: numbers and booleans inline, strings
/// as an owned std::string with their first 7 bytes inline (most string
/// comparisons end there), lists and maps on the heap. Orders exactly like
/// CompareOrder. Copyable (deep).
class IndexKey {
 public:
  IndexKey() = default;
  explicit IndexKey(const PropertyValue& v);
  static IndexKey Int(int64_t i) {
    IndexKey k;
    k.kind_ = kIntKind;
    k.i_ = i;
    return k;
  }
  static IndexKey Double(double d) {
    IndexKey k;
    k.kind_ = kDoubleKind;
    k.d_ = d;
    return k;
  }
  IndexKey(const IndexKey& o);
  IndexKey& operator=(const IndexKey& o);
  IndexKey(IndexKey&& o) noexcept { TakeFrom(o); }
  IndexKey& operator=(IndexKey&& o) noexcept {
    if (this != &o) {
      FreeHeap();
      TakeFrom(o);
    }
    return *this;
  }
  ~IndexKey() { FreeHeap(); }

  /// <0, 0, >0 as CompareOrder on the values.
  int Compare(const IndexKey& o) const {
    if (kind_ == o.kind_) {
      if (kind_ == kIntKind) return i_ < o.i_ ? -1 : (i_ > o.i_ ? 1 : 0);
      if (kind_ == kStringKind) return CompareStrings(o);
    }
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
  /// Structural equality with an encoded value (property_store.hpp format)
  /// without decoding scalars.
  bool MatchesEncoded(const uint8_t* p) const;
  /// True for kinds where "CompareOrder-equal to a bound of an equality
  /// lookup and structurally equal to the current value" already implies
  /// Cypher `=` (every kind except lists and maps).
  bool IsScalar() const { return kind_ < kListKind; }
  PropertyValue ToValue() const;
  /// EqualityHash of the value. REQUIRES: IsScalar().
  uint32_t EqualityHash() const;
  PropertyType type() const { return static_cast<PropertyType>(kind_); }

 private:
  static constexpr uint8_t kIntKind = static_cast<uint8_t>(PropertyType::kInt);
  static constexpr uint8_t kDoubleKind = static_cast<uint8_t>(PropertyType::kDouble);
  static constexpr uint8_t kStringKind = static_cast<uint8_t>(PropertyType::kString);
  static constexpr uint8_t kListKind = static_cast<uint8_t>(PropertyType::kList);
  static constexpr int64_t kExact = int64_t{1} << 53;
  static constexpr double kExactD = 9007199254740992.0;
  static constexpr size_t kPrefix = 7;
  int CompareSlow(const IndexKey& o) const;
  int CompareStrings(const IndexKey& o) const;
  /// kind and prefix as one big-endian word: comparing two strings' heads
  /// compares their first 7 bytes (zero-padded) as memcmp would.
  uint64_t Head() const {
    uint64_t w;
    __builtin_memcpy(&w, &kind_, sizeof w);
    return __builtin_bswap64(w);
  }
  bool OnHeap() const { return kind_ >= kStringKind; }
  void TakeFrom(IndexKey& o) {
    __builtin_memcpy(static_cast<void*>(this), &o, sizeof *this);
    o.kind_ = 0;
  }
  void FreeHeap() {
    if (kind_ == kStringKind) {
      delete s_;  // NOLINT: owned, see the union
    } else if (OnHeap()) {
      delete heap_;  // NOLINT: owned, see the union
    }
    kind_ = 0;
  }

  // 16 bytes: index entries stay small so lookups touch few cache lines.
  // kind_ and prefix_ must stay adjacent and first (Head reads them as one
  // word).
  uint8_t kind_ = 0;
  uint8_t prefix_[kPrefix] = {};
  union {
    int64_t i_ = 0;
    double d_;
    std::string* s_;       ///< kString
    PropertyValue* heap_;  ///< kList, kMap
  };
};
static_assert(sizeof(IndexKey) == 16);

/// Hash of a scalar's (bool, number, string) Cypher-equality class:
/// Cypher-equal values (1 and 1.0) hash alike. REQUIRES: not a list or map.
uint32_t EqualityHash(const PropertyValue& v);

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
