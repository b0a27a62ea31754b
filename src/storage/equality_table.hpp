#pragma once
// EqualityTable: the equality side of a label+property index. Maps the hash
// of a scalar value's Cypher-equality class (1 and 1.0 hash alike) to the
// vertices that have an ordered-index entry with such a value, so a point
// lookup costs one probe instead of a B+tree descent. Open addressing with
// linear probing and backward-shift deletion; one slot per distinct hash,
// vertices sharing a hash (equal values in a non-unique index, or rare
// collisions) live in a side group, so duplicates never lengthen probe
// sequences. Not thread-safe; LabelPropertyIndex guards it with its lock.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tributary::storage {

struct Vertex;

class EqualityTable {
 public:
  EqualityTable() = default;
  ~EqualityTable() { Clear(); }
  EqualityTable(const EqualityTable&) = delete;
  EqualityTable& operator=(const EqualityTable&) = delete;

  /// Counts one more ordered entry of `v` whose value hashes to `tag`.
  void Add(uint32_t tag, Vertex* v) {
    if ((used_ + 1) * 2 > slots_.size()) Grow();
    size_t i = Home(tag);
    while (slots_[i].word != 0) {
      if (slots_[i].tag == tag) {
        AddToSlot(&slots_[i], v);
        return;
      }
      i = (i + 1) & mask_;
    }
    slots_[i] = Slot{tag, 1, reinterpret_cast<uintptr_t>(v)};
    ++used_;
  }

  /// Counts one ordered entry of `v` with hash `tag` less.
  /// REQUIRES: a matching Add.
  void Remove(uint32_t tag, Vertex* v) {
    size_t i = Find(tag);
    if (i == kNone) return;
    Slot& s = slots_[i];
    if ((s.word & 1) == 0) {
      if (reinterpret_cast<Vertex*>(s.word) != v) return;
      if (--s.count == 0) EraseSlot(i);
      return;
    }
    auto* group = GroupOf(s);
    for (size_t k = 0; k < group->size(); ++k) {
      if ((*group)[k].vertex != v) continue;
      if (--(*group)[k].count == 0) {
        (*group)[k] = group->back();
        group->pop_back();
      }
      break;
    }
    if (group->size() == 1) {
      Member m = group->front();
      delete group;  // NOLINT: owned via the tagged word
      s.word = reinterpret_cast<uintptr_t>(m.vertex);
      s.count = m.count;
    } else if (group->empty()) {
      delete group;  // NOLINT: owned via the tagged word
      EraseSlot(i);
    }
  }

  /// Calls fn(v) for each distinct vertex counted under `tag`, until fn
  /// returns false.
  template <typename Fn>
  void ForEach(uint32_t tag, Fn&& fn) const {
    size_t i = Find(tag);
    if (i == kNone) return;
    const Slot& s = slots_[i];
    if ((s.word & 1) == 0) {
      fn(reinterpret_cast<Vertex*>(s.word));
      return;
    }
    for (const Member& m : *GroupOf(s)) {
      if (!fn(m.vertex)) return;
    }
  }

  /// Heap bytes held (slots and groups); for memory accounting.
  size_t HeapBytes() const {
    size_t n = slots_.capacity() * sizeof(Slot);
    for (const Slot& s : slots_) {
      if ((s.word & 1) != 0) n += sizeof(Group) + GroupOf(s)->capacity() * sizeof(Member);
    }
    return n;
  }

 private:
  static constexpr size_t kNone = ~size_t{0};
  struct Member {
    Vertex* vertex;
    uint32_t count;
  };
  using Group = std::vector<Member>;
  /// word: 0 empty, a Vertex* (count = its entries), or Group* | 1.
  struct Slot {
    uint32_t tag;
    uint32_t count;
    uintptr_t word;
  };
  static Group* GroupOf(const Slot& s) { return reinterpret_cast<Group*>(s.word & ~uintptr_t{1}); }

  size_t Home(uint32_t tag) const {
    return static_cast<size_t>((uint64_t{tag} * 0x9E3779B97F4A7C15ULL) >> shift_);
  }
  size_t Find(uint32_t tag) const {
    if (slots_.empty()) return kNone;
    for (size_t i = Home(tag);; i = (i + 1) & mask_) {
      if (slots_[i].word == 0) return kNone;
      if (slots_[i].tag == tag) return i;
    }
  }
  static void AddToSlot(Slot* s, Vertex* v) {
    if ((s->word & 1) == 0) {
      auto* single = reinterpret_cast<Vertex*>(s->word);
      if (single == v) {
        ++s->count;
        return;
      }
      auto* group = new Group{{single, s->count}, {v, 1}};  // NOLINT: owned via the word
      s->word = reinterpret_cast<uintptr_t>(group) | 1;
      s->count = 0;
      return;
    }
    auto* group = GroupOf(*s);
    for (Member& m : *group) {
      if (m.vertex == v) {
        ++m.count;
        return;
      }
    }
    group->push_back(Member{v, 1});
  }
  // Backward-shift deletion keeps every probe sequence unbroken.
  void EraseSlot(size_t i) {
    size_t j = i;
    while (true) {
      j = (j + 1) & mask_;
      if (slots_[j].word == 0) break;
      size_t k = Home(slots_[j].tag);
      // Slot j may move to i unless its home lies cyclically in (i, j].
      bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
      if (!stays) {
        slots_[i] = slots_[j];
        i = j;
      }
    }
    slots_[i] = Slot{0, 0, 0};
    --used_;
  }
  void Grow() {
    std::vector<Slot> old;
    old.swap(slots_);
    size_t cap = old.empty() ? 16 : old.size() * 2;
    slots_.assign(cap, Slot{0, 0, 0});
    mask_ = cap - 1;
    shift_ = 64 - static_cast<unsigned>(__builtin_ctzll(cap));
    for (const Slot& s : old) {
      if (s.word == 0) continue;
      size_t i = Home(s.tag);
      while (slots_[i].word != 0) i = (i + 1) & mask_;
      slots_[i] = s;
    }
  }
  void Clear() {
    for (const Slot& s : slots_) {
      if ((s.word & 1) != 0) delete GroupOf(s);  // NOLINT: owned via the word
    }
    slots_.clear();
    used_ = 0;
  }

  std::vector<Slot> slots_;
  size_t used_ = 0;
  size_t mask_ = 0;
  unsigned shift_ = 64;
};

}  // namespace tributary::storage
