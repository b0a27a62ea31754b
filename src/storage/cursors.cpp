// Vertex scans: all vertices, by label, by label+property (equality and
// range), through an index when one is ready, else by filtering all
// vertices. Index candidates are re-checked against the transaction's view.

#include <cmath>
#include <functional>
#include <limits>

#include "storage/storage_impl.hpp"

namespace tributary::storage {
namespace {

using Predicate = std::function<bool(const VertexAccessor&)>;

// Every vertex in gid order that passes `pred`.
class AllVerticesCursor : public VertexCursor {
 public:
  /// Gids in [lo, hi); hi is re-read from the storage when it is the maximum.
  AllVerticesCursor(Transaction* t, Storage::Impl* s, Predicate pred, Gid lo = 0,
                    Gid hi = std::numeric_limits<Gid>::max())
      : t_(t), s_(s), pred_(std::move(pred)), next_(lo), hi_(hi) {}
  bool Next(VertexAccessor* out) override {
    while (true) {
      if (next_ >= hi_ || next_ >= s_->next_vertex_gid.load(std::memory_order_acquire)) {
        return false;
      }
      uint64_t w = s_->vertices.Get(next_++);
      if (w == 0) continue;
      VertexAccessor acc(reinterpret_cast<Vertex*>(w), t_);
      if (pred_(acc)) {
        *out = acc;
        return true;
      }
    }
  }

 private:
  Transaction* t_;
  Storage::Impl* s_;
  Predicate pred_;
  uint64_t next_ = 0;
  uint64_t hi_;
};

class EmptyCursor : public VertexCursor {
 public:
  bool Next(VertexAccessor*) override { return false; }
};

class LabelIndexCursor : public VertexCursor {
 public:
  /// Entries with gids in [lo, hi).
  LabelIndexCursor(Transaction* t, std::shared_ptr<LabelIndex> index, View view, Gid lo = 0,
                   Gid hi = std::numeric_limits<Gid>::max())
      : t_(t), index_(std::move(index)), view_(view), hi_(hi) {
    if (lo > 0) last_ = lo - 1;
  }
  bool Next(VertexAccessor* out) override {
    while (true) {
      if (pos_ == buf_.size()) {
        if (done_) return false;
        buf_.clear();
        pos_ = 0;
        index_->Collect(last_, kBatch, &buf_);
        if (buf_.size() < kBatch) done_ = true;
        if (buf_.empty()) return false;
        last_ = buf_.back().gid;
      }
      if (buf_[pos_].gid >= hi_) {
        done_ = true;
        buf_.clear();
        pos_ = 0;
        return false;
      }
      VertexAccessor acc(buf_[pos_++].vertex, t_);
      auto has = acc.HasLabel(index_->label(), view_);
      if (has && *has) {
        *out = acc;
        return true;
      }
    }
  }

 private:
  static constexpr size_t kBatch = 256;
  Transaction* t_;
  std::shared_ptr<LabelIndex> index_;
  View view_;
  Gid hi_;
  std::vector<LabelEntry> buf_;
  size_t pos_ = 0;
  std::optional<Gid> last_;
  bool done_ = false;
};

// The (label, property) state of v in `view`: true and *value set if v is
// visible and has the label.
bool ReadLabelProperty(const Transaction::Impl& tx, Vertex* v, View view, LabelId label,
                       PropertyId prop, PropertyValue* value) {
  bool deleted;
  bool exists = true;
  bool has;
  const Delta* head;
  {
    std::lock_guard guard(v->lock);
    deleted = v->deleted;
    has = v->labels.Has(label);
    head = v->delta;
    if (has || head != nullptr) *value = v->properties.Get(prop);
  }
  tx.ForEachUndo(head, view, [&](const Delta& d) {
    switch (d.action) {
      case DeltaAction::kDeleteObject:
        exists = false;
        break;
      case DeltaAction::kRecreateObject:
        exists = true;
        deleted = false;
        break;
      case DeltaAction::kAddLabel:
        if (d.id == label) has = true;
        break;
      case DeltaAction::kRemoveLabel:
        if (d.id == label) has = false;
        break;
      case DeltaAction::kSetProperty:
        if (d.id == prop) *value = d.old_value.Decode();
        break;
      default:
        break;
    }
  });
  return exists && !deleted && has;
}

using ValuePredicate = std::function<bool(const PropertyValue&)>;
using KeyPredicate = std::function<bool(const IndexKey&)>;

class PropertyIndexCursor : public VertexCursor {
 public:
  PropertyIndexCursor(Transaction* t, const Transaction::Impl* tx, const LabelPropertyIndex* index,
                      View view, IndexKey lo, KeyPredicate keep, ValuePredicate pred)
      : t_(t),
        tx_(tx),
        index_(index),
        view_(view),
        lo_(std::move(lo)),
        keep_(std::move(keep)),
        pred_(std::move(pred)) {}

  bool Next(VertexAccessor* out) override {
    while (true) {
      if (pos_ == buf_.size()) {
        if (done_) return false;
        buf_.clear();
        pos_ = 0;
        index_->Collect(bookmark_ ? &*bookmark_ : nullptr, lo_, kBatch, keep_, &buf_);
        if (buf_.size() < kBatch) done_ = true;
        if (buf_.empty()) return false;
        bookmark_ = buf_.back();
      }
      const PropertyEntry& e = buf_[pos_++];
      PropertyValue value;
      if (!ReadLabelProperty(*tx_, e.vertex, view_, index_->label(), index_->property(), &value)) {
        continue;
      }
      // Each vertex is yielded once: through the entry of its current value.
      if (!e.key.Matches(value) || !pred_(value)) continue;
      *out = VertexAccessor(e.vertex, t_);
      return true;
    }
  }

 private:
  static constexpr size_t kBatch = 64;
  Transaction* t_;
  const Transaction::Impl* tx_;
  const LabelPropertyIndex* index_;
  View view_;
  IndexKey lo_;
  KeyPredicate keep_;
  ValuePredicate pred_;
  std::vector<PropertyEntry> buf_;
  size_t pos_ = 0;
  std::optional<PropertyEntry> bookmark_;
  bool done_ = false;
};

// Per-thread free list of equality-cursor blocks: a point lookup is the
// hottest index operation, and malloc/free of the cursor was a tenth of it.
// A block freed on another thread joins that thread's list (any block fits
// any list: they all have the cursor's size).
class CursorBlockCache {
 public:
  ~CursorBlockCache() {
    for (size_t i = 0; i < n_; ++i) ::operator delete(blocks_[i]);
  }
  void* Take(size_t size) {
    if (n_ > 0) return blocks_[--n_];
    return ::operator new(size);
  }
  void Give(void* p) {
    if (n_ < kMax) {
      blocks_[n_++] = p;
    } else {
      ::operator delete(p);
    }
  }

 private:
  static constexpr size_t kMax = 8;
  void* blocks_[kMax] = {};
  size_t n_ = 0;
};
thread_local CursorBlockCache t_cursor_blocks;

// Cypher `=` between an encoded value (nullptr: absent) and a scalar.
bool EncodedEqualsScalar(const uint8_t* p, const PropertyValue& t) {
  if (p == nullptr) return false;
  ScalarView v = PeekValue(p);
  switch (t.type()) {
    case PropertyType::kBool:
      return v.type == PropertyType::kBool && (v.i != 0) == t.AsBool();
    case PropertyType::kInt:
      if (v.type == PropertyType::kInt) return v.i == t.AsInt();
      return v.type == PropertyType::kDouble && CompareIntDouble(t.AsInt(), v.d) == 0;
    case PropertyType::kDouble:
      if (v.type == PropertyType::kDouble) return v.d == t.AsDouble();
      return v.type == PropertyType::kInt && CompareIntDouble(v.i, t.AsDouble()) == 0;
    case PropertyType::kString:
      return v.type == PropertyType::kString && v.s == t.AsString();
    default:
      return false;
  }
}

// Equality lookups of a scalar (bool, number, string). First through the
// index's equality hash: one probe yields the few vertices whose entries
// hash like the target, each re-checked against the view and the value (a
// vertex appears once per hash, so it is yielded at most once). When more
// than kBatch vertices share the hash (a popular value in a non-unique
// index), through the ordered entries instead: those between the lowest
// and highest form of the value (1 and 1.0 are neighbours). Every such
// entry has a key equal to lo or to hi (numbers compare by value, -0.0 =
// 0.0), so the cursor keeps the vertex and which bound its key equals,
// never a copy of the key.
class IndexEqualCursor final : public VertexCursor {
 public:
  static void* operator new(size_t size) { return t_cursor_blocks.Take(size); }
  static void operator delete(void* p) { t_cursor_blocks.Give(p); }

  // `index` stays alive while the transaction does (it keeps every
  // registry it used, see Transaction::Impl::Indexes). REQUIRES: target is
  // a bool, int, string or a non-NaN double.
  IndexEqualCursor(Transaction* t, const Transaction::Impl* tx, const LabelPropertyIndex* index,
                   View view, const PropertyValue& target)
      : t_(t), tx_(tx), index_(index), view_(view), target_(target) {}

  bool Next(VertexAccessor* out) override {
    while (true) {
      if (pos_ == n_) {
        if (done_) return false;
        if (ordered_) {
          Refill();
        } else {
          Probe();
        }
        if (n_ == 0) return false;
      }
      const Hit& h = hits_[pos_++];
      int fast = FastMatch(h);
      if (fast == 0) continue;
      if (fast < 0 && !SlowMatch(h)) continue;
      *out = VertexAccessor(h.vertex, t_);
      return true;
    }
  }

 private:
  struct Hit {
    Vertex* vertex;
    bool hi;
  };
  static constexpr uint8_t kBatch = 4;

  void Probe() {
    pos_ = 0;
    n_ = 0;
    bool overflow = false;
    index_->VisitEqualHash(EqualityHash(target_), [&](Vertex* v) {
      if (n_ == kBatch) {
        overflow = true;
        return false;
      }
      hits_[n_++] = Hit{v, false};
      return true;
    });
    if (!overflow) {
      done_ = true;
      return;
    }
    StartOrdered();
    Refill();
  }

  void StartOrdered() {
    ordered_ = true;
    if (target_.IsInt()) {
      int64_t i = target_.AsInt();
      lo_ = IndexKey::Int(i);
      auto d = static_cast<double>(i);
      // The highest form of an int: the equal double when one exists.
      constexpr int64_t kExact = int64_t{1} << 53;
      if ((i > -kExact && i < kExact) || CompareIntDouble(i, d) == 0) {
        hi_ = IndexKey::Double(d);
        two_forms_ = true;
      }
    } else if (target_.IsDouble()) {
      PropertyValue low = NormalizeNumbers(target_, NumberForm::kLow);
      if (low.IsInt()) {
        lo_ = IndexKey::Int(low.AsInt());
        hi_ = IndexKey::Double(target_.AsDouble());
        two_forms_ = true;
      } else {
        lo_ = IndexKey::Double(target_.AsDouble());
      }
    } else {
      lo_ = IndexKey(target_);
    }
  }

  void Refill() {
    pos_ = 0;
    n_ = 0;
    const IndexKey& hi = two_forms_ ? hi_ : lo_;
    PropertyEntry bookmark;
    if (has_bookmark_) bookmark = PropertyEntry{bookmark_hi_ ? hi_ : lo_, bookmark_vertex_};
    index_->Visit(has_bookmark_ ? &bookmark : nullptr, lo_, [&](const PropertyEntry& e) {
      if (n_ == kBatch || e.key.Compare(hi) > 0) return false;
      hits_[n_++] = Hit{e.vertex, two_forms_ && e.key.type() == hi_.type()};
      return true;
    });
    if (n_ < kBatch) {
      done_ = true;
    } else {
      has_bookmark_ = true;
      bookmark_vertex_ = hits_[n_ - 1].vertex;
      bookmark_hi_ = hits_[n_ - 1].hi;
    }
  }

  // When nothing in the vertex's chain is invisible to the view (the common
  // case: no concurrent writer), decides from the newest state without
  // decoding: 1 match, 0 no match, -1 the chain must be walked.
  int FastMatch(const Hit& h) const {
    Vertex* v = h.vertex;
    std::lock_guard guard(v->lock);
    if (v->delta != nullptr && tx_->MustUndo(v->delta, view_)) return -1;
    if (v->deleted || !v->labels.Has(index_->label())) return 0;
    const uint8_t* p = v->properties.Find(index_->property());
    // Ordered entries: the vertex is yielded through the entry of its
    // current value only (it may also have entries of older values).
    if (ordered_) return (h.hi ? hi_ : lo_).MatchesEncoded(p) ? 1 : 0;
    return EncodedEqualsScalar(p, target_) ? 1 : 0;
  }

  bool SlowMatch(const Hit& h) const {
    PropertyValue value;
    if (!ReadLabelProperty(*tx_, h.vertex, view_, index_->label(), index_->property(), &value)) {
      return false;
    }
    if (ordered_) return (h.hi ? hi_ : lo_).Matches(value);
    return CypherEquals(value, target_);
  }

  Transaction* t_;
  const Transaction::Impl* tx_;
  const LabelPropertyIndex* index_;
  View view_;
  bool ordered_ = false;
  bool two_forms_ = false;  ///< hi_ is set (else hi = lo)
  bool done_ = false;
  bool has_bookmark_ = false;
  bool bookmark_hi_ = false;
  uint8_t pos_ = 0;
  uint8_t n_ = 0;
  PropertyValue target_;
  Hit hits_[kBatch];
  // Ordered mode only.
  IndexKey lo_;
  IndexKey hi_;
  Vertex* bookmark_vertex_ = nullptr;
};

bool IsNaN(const PropertyValue& v) { return v.IsDouble() && std::isnan(v.AsDouble()); }

// Cypher's `<` order: numbers by value without CompareOrder's
// int-before-double tie-break, other kinds by CompareOrder.
int CompareForRange(const PropertyValue& a, const PropertyValue& b) {
  if (a.IsNumber() && b.IsNumber()) {
    if (a.IsInt() && b.IsInt()) return a.AsInt() < b.AsInt() ? -1 : (a.AsInt() > b.AsInt() ? 1 : 0);
    if (a.IsDouble() && b.IsDouble()) {
      return a.AsDouble() < b.AsDouble() ? -1 : (a.AsDouble() > b.AsDouble() ? 1 : 0);
    }
    if (a.IsInt()) return CompareIntDouble(a.AsInt(), b.AsDouble());
    return -CompareIntDouble(b.AsInt(), a.AsDouble());
  }
  int c = 0;
  if (CompareTemporal(a, b, &c)) return c;  // Time and DateTime by instant (ADR 014)
  return CompareOrder(a, b);
}

// Kinds that `<` cannot compare, so a range over them is empty (ADR 014).
bool NotRangeComparable(PropertyType t) {
  return t == PropertyType::kDuration || t == PropertyType::kPoint2d ||
         t == PropertyType::kPoint3d || t == PropertyType::kBytes;
}

// Kinds whose `<` (by instant) is coarser than the index order (instant,
// then offset, then zone): a range scans the whole kind and filters.
bool ComparedByInstant(int rank) {
  return rank == KindRank(PropertyType::kTime) || rank == KindRank(PropertyType::kDateTime);
}

PropertyValue MinOfRank(int rank) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int32_t kMin32 = std::numeric_limits<int32_t>::min();
  if (rank == KindRank(PropertyType::kMap)) return PropertyValue(PropertyValue::Map{});
  if (rank == KindRank(PropertyType::kList)) return PropertyValue(PropertyValue::List{});
  if (rank == KindRank(PropertyType::kString)) return PropertyValue(std::string());
  if (rank == KindRank(PropertyType::kBool)) return PropertyValue(false);
  if (rank == KindRank(PropertyType::kDate)) return PropertyValue(Date{kMin});
  if (rank == KindRank(PropertyType::kLocalTime)) return PropertyValue(LocalTime{kMin});
  // Below any UTC time of day a valid Time has (>= -18 h), without overflow.
  if (rank == KindRank(PropertyType::kTime)) return PropertyValue(Time{kMin / 2, 0});
  if (rank == KindRank(PropertyType::kLocalDateTime)) {
    return PropertyValue(LocalDateTime{kMin, kMin32});
  }
  if (rank == KindRank(PropertyType::kDateTime)) {
    return PropertyValue(DateTime{kMin, kMin32, kMin32, nullptr});
  }
  return PropertyValue(-std::numeric_limits<double>::infinity());
}

}  // namespace

std::unique_ptr<VertexCursor> Transaction::ScanVertices(View view) {
  return std::make_unique<AllVerticesCursor>(
      this, impl_->s, [view](const VertexAccessor& v) { return v.IsVisible(view); });
}

std::unique_ptr<VertexCursor> Transaction::ScanLabel(LabelId label, View view) {
  auto index = impl_->Indexes().FindLabel(label);
  if (index && index->ready.load()) {
    return std::make_unique<LabelIndexCursor>(this, std::move(index), view);
  }
  return std::make_unique<AllVerticesCursor>(this, impl_->s,
                                             [label, view](const VertexAccessor& v) {
                                               auto has = v.HasLabel(label, view);
                                               return has && *has;
                                             });
}

Gid Transaction::VertexGidEnd() const {
  return impl_->s->next_vertex_gid.load(std::memory_order_acquire);
}

std::unique_ptr<VertexCursor> Transaction::ScanGidRange(std::optional<LabelId> label, View view,
                                                        Gid lo, Gid hi) {
  if (!label) {
    return std::make_unique<AllVerticesCursor>(
        this, impl_->s, [view](const VertexAccessor& v) { return v.IsVisible(view); }, lo, hi);
  }
  auto index = impl_->Indexes().FindLabel(*label);
  if (index && index->ready.load()) {
    return std::make_unique<LabelIndexCursor>(this, std::move(index), view, lo, hi);
  }
  return std::make_unique<AllVerticesCursor>(
      this, impl_->s,
      [label = *label, view](const VertexAccessor& v) {
        auto has = v.HasLabel(label, view);
        return has && *has;
      },
      lo, hi);
}

// The raw pointer stays valid for the transaction's lifetime (it keeps the
// registries it used).
static const LabelPropertyIndex* ReadyIndex(const IndexRegistry& reg, LabelId label,
                                            PropertyId prop) {
  for (const auto* list : {&reg.label_property, &reg.unique}) {
    for (const auto& index : *list) {
      if (index->label() == label && index->property() == prop && index->ready.load()) {
        return index.get();
      }
    }
  }
  return nullptr;
}

std::unique_ptr<VertexCursor> Transaction::ScanLabelPropertyEqual(LabelId label,
                                                                  PropertyId property,
                                                                  const PropertyValue& value,
                                                                  View view) {
  if (!CanEqual(value)) return std::make_unique<EmptyCursor>();
  const LabelPropertyIndex* index = ReadyIndex(impl_->Indexes(), label, property);
  if (index != nullptr) {
    if (value.IsBool() || value.IsNumber() || value.IsString()) {
      return std::make_unique<IndexEqualCursor>(this, impl_.get(), index, view, value);
    }
    // Lists and maps: the entries between the value's lowest and highest
    // number forms, filtered by Cypher `=` ([1, 5] sorts between [1] and
    // [1.0]). Bytes, points and temporal values (no number forms): the
    // entries equal to the value in the index order.
    auto hi = std::make_shared<IndexKey>(NormalizeNumbers(value, NumberForm::kHigh));
    auto target = std::make_shared<PropertyValue>(value);
    return std::make_unique<PropertyIndexCursor>(
        this, impl_.get(), index, view, IndexKey(NormalizeNumbers(value, NumberForm::kLow)),
        [hi](const IndexKey& k) { return k.Compare(*hi) <= 0; },
        [target](const PropertyValue& v) { return CypherEquals(v, *target); });
  }
  auto target = std::make_shared<PropertyValue>(value);
  const Impl* tx = impl_.get();
  return std::make_unique<AllVerticesCursor>(
      this, impl_->s, [tx, label, property, target, view](const VertexAccessor& v) {
        PropertyValue current;
        return ReadLabelProperty(*tx, v.raw(), view, label, property, &current) &&
               CypherEquals(current, *target);
      });
}

std::unique_ptr<VertexCursor> Transaction::ScanLabelPropertyRange(LabelId label,
                                                                  PropertyId property,
                                                                  std::optional<Bound> lower,
                                                                  std::optional<Bound> upper,
                                                                  View view) {
  if (!lower && !upper) {
    // No bounds: every vertex with the label and a non-null property.
    const Impl* tx = impl_.get();
    return std::make_unique<AllVerticesCursor>(
        this, impl_->s, [tx, label, property, view](const VertexAccessor& v) {
          PropertyValue current;
          return ReadLabelProperty(*tx, v.raw(), view, label, property, &current) &&
                 !current.IsNull();
        });
  }
  int rank = KindRank((lower ? lower->value : upper->value).type());
  if (rank == KindRank(PropertyType::kNull)) return std::make_unique<EmptyCursor>();
  if (lower && upper && KindRank(upper->value.type()) != rank) {
    return std::make_unique<EmptyCursor>();
  }
  if ((lower && IsNaN(lower->value)) || (upper && IsNaN(upper->value))) {
    return std::make_unique<EmptyCursor>();
  }
  if (NotRangeComparable((lower ? lower->value : upper->value).type()) ||
      (lower && upper && lower->value.type() != upper->value.type() &&
       !(lower->value.IsNumber() && upper->value.IsNumber()))) {
    return std::make_unique<EmptyCursor>();
  }
  auto lo = lower ? std::make_shared<Bound>(*lower) : nullptr;
  auto hi = upper ? std::make_shared<Bound>(*upper) : nullptr;
  ValuePredicate in_range = [lo, hi, rank](const PropertyValue& v) {
    if (KindRank(v.type()) != rank || IsNaN(v)) return false;
    if (lo) {
      int c = CompareForRange(v, lo->value);
      if (c < 0 || (c == 0 && !lo->inclusive)) return false;
    }
    if (hi) {
      int c = CompareForRange(v, hi->value);
      if (c > 0 || (c == 0 && !hi->inclusive)) return false;
    }
    return true;
  };
  const LabelPropertyIndex* index = ReadyIndex(impl_->Indexes(), label, property);
  if (index != nullptr) {
    const bool whole_kind = ComparedByInstant(rank);
    IndexKey start(lo && !whole_kind ? NormalizeNumbers(lo->value, NumberForm::kLow)
                                     : MinOfRank(rank));
    std::shared_ptr<IndexKey> hi_key =
        hi && !whole_kind
            ? std::make_shared<IndexKey>(NormalizeNumbers(hi->value, NumberForm::kHigh))
            : nullptr;
    KeyPredicate keep = [hi_key, rank](const IndexKey& k) {
      if (hi_key) return k.Compare(*hi_key) <= 0;
      return KindRank(k.type()) == rank;
    };
    return std::make_unique<PropertyIndexCursor>(this, impl_.get(), index, view, std::move(start),
                                                 std::move(keep), std::move(in_range));
  }
  const Impl* tx = impl_.get();
  return std::make_unique<AllVerticesCursor>(
      this, impl_->s, [tx, label, property, view, in_range](const VertexAccessor& v) {
        PropertyValue current;
        return ReadLabelProperty(*tx, v.raw(), view, label, property, &current) &&
               in_range(current);
      });
}

}  // namespace tributary::storage
