#pragma once
// Label index and label+property index. Entries are added whenever a
// version gains the label (and property) and removed only by garbage
// collection once no version any transaction can see needs them, so a scan
// re-checks every candidate against its own snapshot. See docs/storage.md.

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <vector>

#include "storage/index_key.hpp"
#include "storage/sorted_index.hpp"
#include "storage/spin_lock.hpp"
#include "storage/storage.hpp"

namespace tributary::storage {

struct LabelEntry {
  Gid gid;
  Vertex* vertex;
};
struct LabelEntryLess {
  bool operator()(const LabelEntry& a, const LabelEntry& b) const { return a.gid < b.gid; }
};

/// Vertices that have (or had, in a version still visible) one label, in
/// gid order. Thread-safe.
class LabelIndex {
 public:
  LabelIndex(LabelId label) : label_(label) {}  // NOLINT
  LabelId label() const { return label_; }
  void Insert(Gid gid, Vertex* v);
  void Erase(Gid gid, Vertex* v);
  /// Appends up to `max` vertices with gid > *after (all when nullopt).
  void Collect(std::optional<Gid> after, size_t max, std::vector<LabelEntry>* out) const;
  /// Snapshot of all entries (for garbage collection).
  std::vector<LabelEntry> All() const;
  size_t size() const;
  /// Set once the initial population finished; scans use it only then.
  std::atomic<bool> ready{false};

 private:
  LabelId label_;
  mutable SharedSpinLock mu_;
  SortedIndex<LabelEntry, LabelEntryLess> entries_;
};

struct PropertyEntry {
  IndexKey key;
  Vertex* vertex = nullptr;
};
struct PropertyEntryLess {
  bool operator()(const PropertyEntry& a, const PropertyEntry& b) const {
    int c = a.key.Compare(b.key);
    if (c != 0) return c < 0;
    return a.vertex < b.vertex;
  }
};

/// A fixed-capacity vector of index entries kept inside a cursor, so a
/// point lookup allocates nothing beyond the cursor itself.
template <size_t kCapacity>
class EntryBuffer {
 public:
  void push_back(const PropertyEntry& e) { items_[size_++] = e; }
  void clear() { size_ = 0; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const PropertyEntry& operator[](size_t i) const { return items_[i]; }
  const PropertyEntry& back() const { return items_[size_ - 1]; }
  static constexpr size_t capacity() { return kCapacity; }

 private:
  PropertyEntry items_[kCapacity];
  size_t size_ = 0;
};

/// (value, vertex) pairs for one label and property, in CompareOrder of the
/// value. Also backs unique constraints. Thread-safe.
class LabelPropertyIndex {
 public:
  LabelPropertyIndex(LabelId label, PropertyId property) : label_(label), property_(property) {}
  LabelId label() const { return label_; }
  PropertyId property() const { return property_; }
  /// REQUIRES: !value.IsNull().
  void Insert(const PropertyValue& value, Vertex* v);
  void Erase(const IndexKey& key, Vertex* v);
  /// Appends up to `max` entries in order, starting after `bookmark` (or
  /// at `lo`, inclusive, when there is none) and stopping before the first
  /// entry for which keep(key) is false.
  template <typename Keep, typename Out>
  void Collect(const PropertyEntry* bookmark, const IndexKey& lo, size_t max, Keep&& keep,
               Out* out) const {
    std::shared_lock guard(mu_);
    size_t n = 0;
    auto visit = [&](const PropertyEntry& e) {
      if (n == max || !keep(e.key)) return false;
      out->push_back(e);
      ++n;
      return true;
    };
    if (bookmark != nullptr) {
      entries_.VisitFrom(*bookmark, true, visit);
    } else {
      entries_.VisitFrom(PropertyEntry{lo, nullptr}, false, visit);
    }
  }
  std::vector<PropertyEntry> All() const;
  size_t size() const;
  std::atomic<bool> ready{false};

 private:
  LabelId label_;
  PropertyId property_;
  mutable SharedSpinLock mu_;
  SortedIndex<PropertyEntry, PropertyEntryLess> entries_;
};

/// The indexes and constraints in force: an immutable snapshot replaced as
/// a whole by DDL. Writers consult it to maintain entries.
struct IndexRegistry {
  std::vector<std::shared_ptr<LabelIndex>> label;
  std::vector<std::shared_ptr<LabelPropertyIndex>> label_property;
  /// One index per unique constraint, holding its candidates.
  std::vector<std::shared_ptr<LabelPropertyIndex>> unique;

  bool empty() const { return label.empty() && label_property.empty() && unique.empty(); }
  std::shared_ptr<LabelIndex> FindLabel(LabelId l) const;
  std::shared_ptr<LabelPropertyIndex> FindLabelProperty(LabelId l, PropertyId p) const;
  std::shared_ptr<LabelPropertyIndex> FindUnique(LabelId l, PropertyId p) const;
};

}  // namespace tributary::storage
