#include "storage/indexes.hpp"

#include <mutex>

namespace tributary::storage {

void LabelIndex::Insert(Gid gid, Vertex* v) {
  std::unique_lock guard(mu_);
  entries_.Insert(LabelEntry{gid, v});
}

void LabelIndex::Erase(Gid gid, Vertex* v) {
  std::unique_lock guard(mu_);
  entries_.Erase(LabelEntry{gid, v});
}

void LabelIndex::Collect(std::optional<Gid> after, size_t max, std::vector<LabelEntry>* out) const {
  std::shared_lock guard(mu_);
  size_t n = 0;
  auto visit = [&](const LabelEntry& e) {
    if (n == max) return false;
    out->push_back(e);
    ++n;
    return true;
  };
  if (after) {
    entries_.VisitFrom(LabelEntry{*after, nullptr}, true, visit);
  } else {
    entries_.VisitAll(visit);
  }
}

std::vector<LabelEntry> LabelIndex::All() const {
  std::shared_lock guard(mu_);
  std::vector<LabelEntry> out;
  out.reserve(entries_.size());
  entries_.VisitAll([&](const LabelEntry& e) {
    out.push_back(e);
    return true;
  });
  return out;
}

size_t LabelIndex::size() const {
  std::shared_lock guard(mu_);
  return entries_.size();
}

void LabelPropertyIndex::Insert(const PropertyValue& value, Vertex* v) {
  PropertyEntry e{IndexKey(value), v};
  bool scalar = e.key.IsScalar();
  uint32_t tag = scalar ? e.key.EqualityHash() : 0;
  std::unique_lock guard(mu_);
  if (entries_.Insert(std::move(e)) && scalar) hash_.Add(tag, v);
}

void LabelPropertyIndex::Erase(const IndexKey& key, Vertex* v) {
  bool scalar = key.IsScalar();
  uint32_t tag = scalar ? key.EqualityHash() : 0;
  std::unique_lock guard(mu_);
  if (entries_.Erase(PropertyProbe{&key, v}) && scalar) hash_.Remove(tag, v);
}

std::vector<PropertyEntry> LabelPropertyIndex::All() const {
  std::shared_lock guard(mu_);
  std::vector<PropertyEntry> out;
  out.reserve(entries_.size());
  entries_.VisitAll([&](const PropertyEntry& e) {
    out.push_back(e);
    return true;
  });
  return out;
}

size_t LabelPropertyIndex::size() const {
  std::shared_lock guard(mu_);
  return entries_.size();
}

std::shared_ptr<LabelIndex> IndexRegistry::FindLabel(LabelId l) const {
  for (const auto& i : label) {
    if (i->label() == l) return i;
  }
  return nullptr;
}

std::shared_ptr<LabelPropertyIndex> IndexRegistry::FindLabelProperty(LabelId l,
                                                                     PropertyId p) const {
  for (const auto& i : label_property) {
    if (i->label() == l && i->property() == p) return i;
  }
  return nullptr;
}

std::shared_ptr<LabelPropertyIndex> IndexRegistry::FindUnique(LabelId l, PropertyId p) const {
  for (const auto& i : unique) {
    if (i->label() == l && i->property() == p) return i;
  }
  return nullptr;
}

}  // namespace tributary::storage
