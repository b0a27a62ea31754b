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

#include "storage/equality_table.hpp"
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
/// A position to search from without copying a key: (key, vertex) like an
/// entry; a null vertex sorts before every entry with an equal key.
struct PropertyProbe {
  const IndexKey* key;
  const Vertex* vertex;
};
struct PropertyEntryLess {
  bool operator()(const PropertyEntry& a, const PropertyEntry& b) const {
    int c = a.key.Compare(b.key);
    if (c != 0) return c < 0;
    return a.vertex < b.vertex;
  }
  bool operator()(const PropertyEntry& a, const PropertyProbe& b) const {
    int c = a.key.Compare(*b.key);
    if (c != 0) return c < 0;
    return a.vertex < b.vertex;
  }
  bool operator()(const PropertyProbe& a, const PropertyEntry& b) const {
    int c = a.key->Compare(b.key);
    if (c != 0) return c < 0;
    return a.vertex < b.vertex;
  }
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
  /// Calls fn(entry) for entries in order, starting after `bookmark` (or at
  /// `lo`, inclusive, when there is none), until fn returns false or the
  /// end. fn runs under the index's read lock: it must not take object locks.
  template <typename Fn>
  void Visit(const PropertyEntry* bookmark, const IndexKey& lo, Fn&& fn) const {
    std::shared_lock guard(mu_);
    if (bookmark != nullptr) {
      entries_.VisitFrom(*bookmark, true, fn);
    } else {
      entries_.VisitFrom(PropertyProbe{&lo, nullptr}, false, fn);
    }
  }
  /// Appends up to `max` entries in order, starting after `bookmark` (or
  /// at `lo`, inclusive, when there is none) and stopping before the first
  /// entry for which keep(key) is false.
  template <typename Keep, typename Out>
  void Collect(const PropertyEntry* bookmark, const IndexKey& lo, size_t max, Keep&& keep,
               Out* out) const {
    size_t n = 0;
    Visit(bookmark, lo, [&](const PropertyEntry& e) {
      if (n == max || !keep(e.key)) return false;
      out->push_back(e);
      ++n;
      return true;
    });
  }
  /// Calls fn(vertex) under the read lock for each distinct vertex with an
  /// entry whose scalar value has EqualityHash `tag` (a superset of the
  /// vertices with a Cypher-equal entry; callers re-check values), until fn
  /// returns false. fn must not take object locks.
  template <typename Fn>
  void VisitEqualHash(uint32_t tag, Fn&& fn) const {
    std::shared_lock guard(mu_);
    hash_.ForEach(tag, fn);
  }
  std::vector<PropertyEntry> All() const;
  size_t size() const;
  std::atomic<bool> ready{false};

 private:
  LabelId label_;
  PropertyId property_;
  mutable SharedSpinLock mu_;
  SortedIndex<PropertyEntry, PropertyEntryLess> entries_;
  /// Scalar entries by equality class, for point lookups (ADR 011).
  EqualityTable hash_;
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
