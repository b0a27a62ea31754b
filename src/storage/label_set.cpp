#include "storage/label_set.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace tributary::storage {

LabelSet::~LabelSet() {
  if (word_ != 0 && (word_ & 1) == 0) std::free(Heap());  // NOLINT: malloc'd below
}

LabelSet& LabelSet::operator=(LabelSet&& o) noexcept {
  if (this != &o) {
    if (word_ != 0 && (word_ & 1) == 0) std::free(Heap());  // NOLINT
    word_ = o.word_;
    o.word_ = 0;
  }
  return *this;
}

bool LabelSet::Has(uint32_t label) const {
  bool found = false;
  ForEach([&](uint32_t l) { found |= l == label; });
  return found;
}

size_t LabelSet::Count() const {
  size_t n = 0;
  ForEach([&](uint32_t) { ++n; });
  return n;
}

void LabelSet::AppendTo(std::vector<uint32_t>* out) const {
  ForEach([&](uint32_t l) { out->push_back(l); });
}

bool LabelSet::Add(uint32_t label) {
  if (Has(label)) return false;
  if (label > kMaxLabelId) std::abort();
  if (word_ == 0) {
    SetInline(label + 1, 0);
    return true;
  }
  if ((word_ & 1) && ((word_ >> 32) & kSlotMask) == 0) {
    auto a = static_cast<uint32_t>((word_ >> 1) & kSlotMask);
    if (a < label + 1) {
      SetInline(a, label + 1);
    } else {
      SetInline(label + 1, a);
    }
    return true;
  }
  std::vector<uint32_t> all;
  AppendTo(&all);
  all.insert(std::lower_bound(all.begin(), all.end(), label), label);
  if (all.size() <= 2) {
    SetInline(all[0] + 1, all.size() > 1 ? all[1] + 1 : 0);
    return true;
  }
  uint32_t* h = (word_ & 1) == 0 ? Heap() : nullptr;
  if (h == nullptr || h[1] < all.size()) {
    uint32_t cap = static_cast<uint32_t>(all.size() * 2);
    auto* nh = static_cast<uint32_t*>(std::malloc((2 + cap) * sizeof(uint32_t)));
    if (nh == nullptr) std::abort();
    nh[1] = cap;
    if (h != nullptr) std::free(h);  // NOLINT
    h = nh;
  }
  h[0] = static_cast<uint32_t>(all.size());
  std::memcpy(h + 2, all.data(), all.size() * sizeof(uint32_t));
  word_ = reinterpret_cast<uint64_t>(h);
  return true;
}

bool LabelSet::Remove(uint32_t label) {
  if (!Has(label)) return false;
  std::vector<uint32_t> all;
  AppendTo(&all);
  all.erase(std::find(all.begin(), all.end(), label));
  if (all.size() <= 2) {
    if (word_ != 0 && (word_ & 1) == 0) std::free(Heap());  // NOLINT
    word_ = 0;
    if (!all.empty()) SetInline(all[0] + 1, all.size() > 1 ? all[1] + 1 : 0);
    return true;
  }
  uint32_t* h = Heap();
  h[0] = static_cast<uint32_t>(all.size());
  std::memcpy(h + 2, all.data(), all.size() * sizeof(uint32_t));
  return true;
}

}  // namespace tributary::storage
