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
  AllVerticesCursor(Transaction* t, Storage::Impl* s, Predicate pred)
      : t_(t), s_(s), pred_(std::move(pred)) {}
  bool Next(VertexAccessor* out) override {
    while (true) {
      if (next_ >= s_->next_vertex_gid.load(std::memory_order_acquire)) return false;
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
};

class EmptyCursor : public VertexCursor {
 public:
  bool Next(VertexAccessor*) override { return false; }
};

class LabelIndexCursor : public VertexCursor {
 public:
  LabelIndexCursor(Transaction* t, std::shared_ptr<LabelIndex> index, View view)
      : t_(t), index_(std::move(index)), view_(view) {}
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
  PropertyIndexCursor(Transaction* t, const Transaction::Impl* tx,
                      std::shared_ptr<LabelPropertyIndex> index, View view, IndexKey lo,
                      KeyPredicate keep, ValuePredicate pred)
      : t_(t),
        tx_(tx),
        index_(std::move(index)),
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
  std::shared_ptr<LabelPropertyIndex> index_;
  View view_;
  IndexKey lo_;
  KeyPredicate keep_;
  ValuePredicate pred_;
  std::vector<PropertyEntry> buf_;
  size_t pos_ = 0;
  std::optional<PropertyEntry> bookmark_;
  bool done_ = false;
};

// Equality lookups: the entries between the lowest and highest form of the
// value (1 and 1.0 are neighbours), re-checked against the view. Lean on
// purpose: point lookups are the hottest index operation.
class IndexEqualCursor : public VertexCursor {
 public:
  IndexEqualCursor(Transaction* t, const Transaction::Impl* tx,
                   std::shared_ptr<LabelPropertyIndex> index, View view, PropertyValue target)
      : t_(t),
        tx_(tx),
        index_(std::move(index)),
        view_(view),
        lo_(target.IsInt() ? IndexKey(target)
                           : IndexKey(NormalizeNumbers(target, NumberForm::kLow))),
        hi_(target.IsInt() ? HighInt(target.AsInt())
                           : IndexKey(NormalizeNumbers(target, NumberForm::kHigh))),
        target_(std::move(target)) {}

  // The highest form of an int: the equal double when one exists.
  static IndexKey HighInt(int64_t i) {
    auto d = static_cast<double>(i);
    return CompareIntDouble(i, d) == 0 ? IndexKey(PropertyValue(d)) : IndexKey(PropertyValue(i));
  }

  bool Next(VertexAccessor* out) override {
    while (true) {
      if (pos_ == buf_.size()) {
        if (done_) return false;
        size_t batch = buf_.capacity();
        buf_.clear();
        pos_ = 0;
        index_->Collect(
            bookmark_ ? &*bookmark_ : nullptr, lo_, batch,
            [this](const IndexKey& k) { return k.Compare(hi_) <= 0; }, &buf_);
        if (buf_.size() < batch) done_ = true;
        if (buf_.empty()) return false;
        if (!done_) bookmark_ = buf_.back();
      }
      const PropertyEntry& e = buf_[pos_++];
      PropertyValue value;
      if (!ReadLabelProperty(*tx_, e.vertex, view_, index_->label(), index_->property(), &value)) {
        continue;
      }
      if (!e.key.Matches(value) || !CypherEquals(value, target_)) continue;
      *out = VertexAccessor(e.vertex, t_);
      return true;
    }
  }

 private:
  Transaction* t_;
  const Transaction::Impl* tx_;
  std::shared_ptr<LabelPropertyIndex> index_;
  View view_;
  IndexKey lo_;
  IndexKey hi_;
  PropertyValue target_;
  EntryBuffer<4> buf_;
  size_t pos_ = 0;
  std::optional<PropertyEntry> bookmark_;
  bool done_ = false;
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
  return CompareOrder(a, b);
}

PropertyValue MinOfRank(int rank) {
  switch (rank) {
    case 0:
      return PropertyValue(PropertyValue::Map{});
    case 1:
      return PropertyValue(PropertyValue::List{});
    case 2:
      return PropertyValue(std::string());
    case 3:
      return PropertyValue(false);
    default:
      return PropertyValue(-std::numeric_limits<double>::infinity());
  }
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

static std::shared_ptr<LabelPropertyIndex> ReadyIndex(const IndexRegistry& reg, LabelId label,
                                                      PropertyId prop) {
  for (const auto* list : {&reg.label_property, &reg.unique}) {
    for (const auto& index : *list) {
      if (index->label() == label && index->property() == prop && index->ready.load()) {
        return index;
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
  auto index = ReadyIndex(impl_->Indexes(), label, property);
  if (index) {
    return std::make_unique<IndexEqualCursor>(this, impl_.get(), std::move(index), view, value);
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
  auto index = ReadyIndex(impl_->Indexes(), label, property);
  if (index) {
    IndexKey start(lo ? NormalizeNumbers(lo->value, NumberForm::kLow) : MinOfRank(rank));
    std::shared_ptr<IndexKey> hi_key =
        hi ? std::make_shared<IndexKey>(NormalizeNumbers(hi->value, NumberForm::kHigh)) : nullptr;
    KeyPredicate keep = [hi_key, rank](const IndexKey& k) {
      if (hi_key) return k.Compare(*hi_key) <= 0;
      return KindRank(k.type()) == rank;
    };
    return std::make_unique<PropertyIndexCursor>(this, impl_.get(), std::move(index), view,
                                                 std::move(start), std::move(keep),
                                                 std::move(in_range));
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
