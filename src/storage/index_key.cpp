#include "storage/index_key.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <string_view>

#include "storage/property_store.hpp"

namespace tributary::storage {
namespace {

int Cmp3(int64_t a, int64_t b) { return a < b ? -1 : (b < a ? 1 : 0); }

int CompareDoubles(double x, double y) {
  bool nx = std::isnan(x), ny = std::isnan(y);
  if (nx || ny) return nx == ny ? 0 : (nx ? 1 : -1);
  return x < y ? -1 : (y < x ? 1 : 0);
}

uint32_t Mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return static_cast<uint32_t>(x);
}

uint32_t HashInt(int64_t i) { return Mix(static_cast<uint64_t>(i)); }

// Integral doubles within int64 hash as the equal int.
uint32_t HashDouble(double d) {
  if (std::isfinite(d) && std::floor(d) == d && d >= -9223372036854775808.0 &&
      d < 9223372036854775808.0) {
    return HashInt(static_cast<int64_t>(d));
  }
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return Mix(bits ^ 0x5bd1e9955bd1e995ULL);
}

uint32_t HashString(std::string_view s) {
  return Mix(std::hash<std::string_view>{}(s) ^ 0x27d4eb2f165667c5ULL);
}

uint32_t HashBool(bool b) { return Mix(b ? 0x9e3779b97f4a7c15ULL : 0x7f4a7c159e3779b9ULL); }

}  // namespace

uint32_t EqualityHash(const PropertyValue& v) {
  switch (v.type()) {
    case PropertyType::kBool:
      return HashBool(v.AsBool());
    case PropertyType::kInt:
      return HashInt(v.AsInt());
    case PropertyType::kDouble:
      return HashDouble(v.AsDouble());
    case PropertyType::kString:
      return HashString(v.AsString());
    default:
      return 0;
  }
}

uint32_t IndexKey::EqualityHash() const {
  switch (type()) {
    case PropertyType::kBool:
      return HashBool(i_ != 0);
    case PropertyType::kInt:
      return HashInt(i_);
    case PropertyType::kDouble:
      return HashDouble(d_);
    case PropertyType::kString:
      return HashString(*s_);
    default:
      return 0;
  }
}

// CompareOrder's rank of a kind (bytes, points and temporal sit between
// lists and strings, ADR 014).
int KindRank(PropertyType t) { return OrderRank(t); }

IndexKey::IndexKey(const PropertyValue& v) : kind_(static_cast<uint8_t>(v.type())) {
  switch (v.type()) {
    case PropertyType::kNull:
      break;
    case PropertyType::kBool:
      i_ = v.AsBool() ? 1 : 0;
      break;
    case PropertyType::kInt:
      i_ = v.AsInt();
      break;
    case PropertyType::kDouble:
      d_ = v.AsDouble();
      break;
    case PropertyType::kString: {
      const std::string& str = v.AsString();
      std::memcpy(prefix_, str.data(), std::min(kPrefix, str.size()));
      s_ = new std::string(str);  // NOLINT: owned, freed by FreeHeap
      break;
    }
    default:
      heap_ = new PropertyValue(v);  // NOLINT: owned, freed by FreeHeap
  }
}

IndexKey::IndexKey(const IndexKey& o) : kind_(o.kind_), i_(o.i_) {
  std::memcpy(prefix_, o.prefix_, kPrefix);
  if (kind_ == kStringKind) {
    s_ = new std::string(*o.s_);  // NOLINT: owned
  } else if (o.OnHeap()) {
    heap_ = new PropertyValue(*o.heap_);  // NOLINT: owned
  }
}

IndexKey& IndexKey::operator=(const IndexKey& o) {
  if (this != &o) {
    IndexKey copy(o);
    *this = std::move(copy);
  }
  return *this;
}

int IndexKey::CompareStrings(const IndexKey& o) const {
  uint64_t a = Head(), b = o.Head();
  if (a != b) return a < b ? -1 : 1;
  // The first k bytes are equal (both strings have them and the prefixes
  // agree); the zero padding of shorter strings is not compared as data.
  const std::string& x = *s_;
  const std::string& y = *o.s_;
  size_t k = std::min({kPrefix, x.size(), y.size()});
  int c = std::string_view(x).substr(k).compare(std::string_view(y).substr(k));
  return (c > 0) - (c < 0);
}

int IndexKey::CompareSlow(const IndexKey& o) const {
  auto a = type(), b = o.type();
  if (a == PropertyType::kInt && b == PropertyType::kInt) return Cmp3(i_, o.i_);
  int ra = KindRank(a), rb = KindRank(b);
  if (ra != rb) return ra < rb ? -1 : 1;
  switch (a) {
    case PropertyType::kNull:
      return 0;
    case PropertyType::kBool:
      return Cmp3(i_, o.i_);
    case PropertyType::kInt:
    case PropertyType::kDouble: {
      if (a == PropertyType::kDouble && b == PropertyType::kDouble) return CompareDoubles(d_, o.d_);
      if (a == PropertyType::kInt) {
        int c = CompareIntDouble(i_, o.d_);
        return c != 0 ? c : -1;
      }
      int c = -CompareIntDouble(o.i_, d_);
      return c != 0 ? c : 1;
    }
    case PropertyType::kString:
      return CompareStrings(o);
    default:
      return CompareOrder(*heap_, *o.heap_);
  }
}

bool IndexKey::Matches(const PropertyValue& v) const {
  if (static_cast<uint8_t>(v.type()) != kind_) return false;
  switch (v.type()) {
    case PropertyType::kNull:
      return true;
    case PropertyType::kBool:
      return (i_ != 0) == v.AsBool();
    case PropertyType::kInt:
      return i_ == v.AsInt();
    case PropertyType::kDouble:
      return PropertyValue(d_) == v;
    case PropertyType::kString:
      return *s_ == v.AsString();
    default:
      return *heap_ == v;
  }
}

bool IndexKey::MatchesEncoded(const uint8_t* p) const {
  if (p == nullptr) return kind_ == 0;
  ScalarView v = PeekValue(p);
  if (static_cast<uint8_t>(v.type) != kind_) return false;
  switch (v.type) {
    case PropertyType::kNull:
      return true;
    case PropertyType::kBool:
    case PropertyType::kInt:
      return i_ == v.i;
    case PropertyType::kDouble:
      return d_ == v.d || (std::isnan(d_) && std::isnan(v.d));
    case PropertyType::kString:
      return std::string_view(*s_) == v.s;
    default: {
      const uint8_t* q = p;
      return *heap_ == DecodeValue(&q);
    }
  }
}

PropertyValue IndexKey::ToValue() const {
  switch (type()) {
    case PropertyType::kNull:
      return PropertyValue();
    case PropertyType::kBool:
      return PropertyValue(i_ != 0);
    case PropertyType::kInt:
      return PropertyValue(i_);
    case PropertyType::kDouble:
      return PropertyValue(d_);
    case PropertyType::kString:
      return PropertyValue(*s_);
    default:
      return *heap_;
  }
}

bool CypherEquals(const PropertyValue& a, const PropertyValue& b) {
  if (a.IsNumber() && b.IsNumber()) {
    if (a.IsInt() && b.IsInt()) return a.AsInt() == b.AsInt();
    if (a.IsDouble() && b.IsDouble()) return a.AsDouble() == b.AsDouble();
    if (a.IsInt()) return CompareIntDouble(a.AsInt(), b.AsDouble()) == 0;
    return CompareIntDouble(b.AsInt(), a.AsDouble()) == 0;
  }
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case PropertyType::kNull:
      return false;
    case PropertyType::kBool:
      return a.AsBool() == b.AsBool();
    case PropertyType::kString:
      return a.AsString() == b.AsString();
    case PropertyType::kList: {
      const auto& x = a.AsList();
      const auto& y = b.AsList();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i) {
        if (!CypherEquals(x[i], y[i])) return false;
      }
      return true;
    }
    case PropertyType::kMap: {
      const auto& x = a.AsMap();
      const auto& y = b.AsMap();
      if (x.size() != y.size()) return false;
      for (auto i = x.begin(), j = y.begin(); i != x.end(); ++i, ++j) {
        if (i->first != j->first || !CypherEquals(i->second, j->second)) return false;
      }
      return true;
    }
    default:
      return a == b;  // bytes, points, temporal: structural
  }
}

bool CanEqual(const PropertyValue& v) {
  switch (v.type()) {
    case PropertyType::kNull:
      return false;
    case PropertyType::kDouble:
      return !std::isnan(v.AsDouble());
    case PropertyType::kList:
      for (const auto& e : v.AsList()) {
        if (!CanEqual(e)) return false;
      }
      return true;
    case PropertyType::kMap:
      for (const auto& [k, e] : v.AsMap()) {
        if (!CanEqual(e)) return false;
      }
      return true;
    default:
      return true;
  }
}

PropertyValue NormalizeNumbers(const PropertyValue& v, NumberForm form) {
  switch (v.type()) {
    case PropertyType::kInt: {
      if (form == NumberForm::kLow) return v;
      double d = static_cast<double>(v.AsInt());
      return CompareIntDouble(v.AsInt(), d) == 0 ? PropertyValue(d) : v;
    }
    case PropertyType::kDouble: {
      if (form == NumberForm::kHigh) return v;
      double d = v.AsDouble();
      if (std::isfinite(d) && std::floor(d) == d && d >= -9223372036854775808.0 &&
          d < 9223372036854775808.0) {
        return PropertyValue(static_cast<int64_t>(d));
      }
      return v;
    }
    case PropertyType::kList: {
      PropertyValue::List out;
      out.reserve(v.AsList().size());
      for (const auto& e : v.AsList()) out.push_back(NormalizeNumbers(e, form));
      return PropertyValue(std::move(out));
    }
    case PropertyType::kMap: {
      PropertyValue::Map out;
      for (const auto& [k, e] : v.AsMap()) out.emplace(k, NormalizeNumbers(e, form));
      return PropertyValue(std::move(out));
    }
    default:
      return v;
  }
}

}  // namespace tributary::storage
