#pragma once
// SortedIndex: an ordered set stored as a two-level B+tree: sorted leaves of
// up to kLeafMax entries and a sorted array of each leaf's first entry.
// Lookups are two binary searches over contiguous memory. Not thread-safe;
// the owning index guards it with a reader-writer lock.

#include <algorithm>
#include <cstddef>
#include <memory>
#include <vector>

namespace tributary::storage {

/// `Less` is a strict weak order over Entry; Entry must be copyable.
template <typename Entry, typename Less>
class SortedIndex {
 public:
  /// Inserts `e`; returns false if an equal entry was present.
  bool Insert(Entry e) {
    if (leaves_.empty()) {
      Leaf leaf;
      leaf.items.reserve(8);
      leaf.items.push_back(e);
      firsts_.push_back(std::move(e));
      leaves_.push_back(std::move(leaf));
      ++size_;
      return true;
    }
    size_t li = LeafFor(e);
    auto& items = leaves_[li].items;
    auto it = std::lower_bound(items.begin(), items.end(), e, less_);
    if (it != items.end() && !less_(e, *it)) return false;
    bool front = it == items.begin();
    bool append = it == items.end() && li + 1 == leaves_.size();
    items.insert(it, std::move(e));
    if (front) firsts_[li] = items.front();
    ++size_;
    if (items.size() > kLeafMax) Split(li, append);
    return true;
  }

  /// Erases the entry equal to `e` (an Entry or a probe, see VisitFrom);
  /// returns false if absent.
  template <typename Probe>
  bool Erase(const Probe& e) {
    if (leaves_.empty()) return false;
    size_t li = LeafFor(e);
    auto& items = leaves_[li].items;
    auto it = std::lower_bound(items.begin(), items.end(), e, less_);
    if (it == items.end() || less_(e, *it)) return false;
    bool front = it == items.begin();
    items.erase(it);
    --size_;
    if (items.empty()) {
      leaves_.erase(leaves_.begin() + li);
      firsts_.erase(firsts_.begin() + li);
    } else if (front) {
      firsts_[li] = items.front();
    }
    return true;
  }

  size_t size() const { return size_; }

  /// Calls fn(entry) for entries in order, starting at the first entry not
  /// less than `from` (or greater than it when `after`), until fn returns
  /// false or the end.
  /// `from` is an Entry or any probe type `Less` also compares with Entry
  /// (both argument orders).
  template <typename Probe, typename Fn>
  void VisitFrom(const Probe& from, bool after, Fn&& fn) const {
    if (leaves_.empty()) return;
    size_t li = LeafFor(from);
    const auto& items = leaves_[li].items;
    auto it = after ? std::upper_bound(items.begin(), items.end(), from, less_)
                    : std::lower_bound(items.begin(), items.end(), from, less_);
    size_t pos = it - items.begin();
    for (; li < leaves_.size(); ++li, pos = 0) {
      const auto& leaf = leaves_[li].items;
      for (; pos < leaf.size(); ++pos) {
        if (!fn(leaf[pos])) return;
      }
    }
  }

  /// Calls fn(entry) for every entry in order until fn returns false.
  template <typename Fn>
  void VisitAll(Fn&& fn) const {
    for (const auto& leaf : leaves_) {
      for (const auto& e : leaf.items) {
        if (!fn(e)) return;
      }
    }
  }

 private:
  static constexpr size_t kLeafMax = 128;
  struct Leaf {
    std::vector<Entry> items;
  };

  // The leaf whose range holds `e`: the last leaf whose first entry <= e.
  template <typename Probe>
  size_t LeafFor(const Probe& e) const {
    auto it = std::upper_bound(firsts_.begin(), firsts_.end(), e, less_);
    return it == firsts_.begin() ? 0 : (it - firsts_.begin()) - 1;
  }

  // Splits an overfull leaf in half, or, when keys arrive in ascending
  // order (append at the very end), leaves the left leaf full.
  void Split(size_t li, bool append) {
    auto& items = leaves_[li].items;
    Leaf right;
    size_t half = append ? items.size() - 1 : items.size() / 2;
    right.items.reserve(kLeafMax + 1);
    right.items.assign(std::make_move_iterator(items.begin() + half),
                       std::make_move_iterator(items.end()));
    items.erase(items.begin() + half, items.end());
    firsts_.insert(firsts_.begin() + li + 1, right.items.front());
    leaves_.insert(leaves_.begin() + li + 1, std::move(right));
  }

  Less less_;
  std::vector<Entry> firsts_;
  /// Leaves by value: a lookup follows one pointer (to the items) fewer.
  std::vector<Leaf> leaves_;
  size_t size_ = 0;
};

}  // namespace tributary::storage
