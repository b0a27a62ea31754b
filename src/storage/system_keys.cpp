// Versioned system keys; see system_keys.hpp. Transaction::SystemKeys lives
// here too so the transaction code only hands changes over at commit.

#include "storage/system_keys.hpp"

#include <mutex>

#include "storage/storage_impl.hpp"

namespace tributary::storage {

namespace {

bool HasPrefix(std::string_view key, std::string_view prefix) {
  return key.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

bool SystemKeyStore::Prune(std::map<std::string, std::vector<Version>, std::less<>>::iterator it,
                           uint64_t oldest_start) {
  auto& versions = it->second;
  // Newest version every current and future reader sees (ts < oldest_start);
  // everything older is unreachable.
  size_t base = versions.size();
  for (size_t i = versions.size(); i-- > 0;) {
    if (versions[i].ts < oldest_start) {
      base = i;
      break;
    }
  }
  if (base != versions.size()) {
    versions.erase(versions.begin(), versions.begin() + static_cast<std::ptrdiff_t>(base));
    // A deletion nobody can see past reads the same as no version at all.
    if (!versions.front().value) versions.erase(versions.begin());
    if (versions.empty()) {
      keys_.erase(it);
      return true;
    }
  }
  return versions.size() == 1 && versions.front().value;
}

void SystemKeyStore::Apply(uint64_t commit_ts, Changes& changes, uint64_t oldest_start) {
  std::unique_lock guard(mu_);
  for (auto& [key, value] : changes) {
    auto it = keys_.find(key);
    if (it == keys_.end()) {
      if (!value) continue;  // deleting an absent key leaves nothing to hide
      it = keys_.emplace(key, std::vector<Version>{}).first;
    }
    auto& versions = it->second;
    if (!versions.empty() && versions.back().ts == commit_ts) {
      versions.back().value = std::move(value);  // same transaction wrote it twice
    } else {
      versions.push_back(Version{commit_ts, std::move(value)});
    }
    if (versions.size() > 1 || !versions.back().value) prunable_.insert(key);
  }
  for (auto p = prunable_.begin(); p != prunable_.end();) {
    auto it = keys_.find(*p);
    if (it == keys_.end() || Prune(it, oldest_start)) {
      p = prunable_.erase(p);
    } else {
      ++p;
    }
  }
}

SystemKeyStore::KeyValues SystemKeyStore::Latest(std::string_view prefix) const {
  std::shared_lock guard(mu_);
  KeyValues out;
  for (auto it = keys_.lower_bound(prefix); it != keys_.end() && HasPrefix(it->first, prefix);
       ++it) {
    const auto& v = it->second.back();
    if (v.value) out.emplace_back(it->first, *v.value);
  }
  return out;
}

SystemKeyStore::KeyValues SystemKeyStore::AsOf(uint64_t start_ts, std::string_view prefix,
                                               const Changes& own) const {
  std::map<std::string, std::string, std::less<>> view;
  {
    std::shared_lock guard(mu_);
    for (auto it = keys_.lower_bound(prefix); it != keys_.end() && HasPrefix(it->first, prefix);
         ++it) {
      const auto& versions = it->second;
      for (size_t i = versions.size(); i-- > 0;) {
        if (versions[i].ts < start_ts) {
          if (versions[i].value) view.emplace(it->first, *versions[i].value);
          break;
        }
      }
    }
  }
  for (const auto& [key, value] : own) {
    if (!HasPrefix(key, prefix)) continue;
    if (value) {
      view.insert_or_assign(key, *value);
    } else {
      view.erase(key);
    }
  }
  return KeyValues(view.begin(), view.end());
}

size_t SystemKeyStore::VersionCount() const {
  std::shared_lock guard(mu_);
  size_t n = 0;
  for (const auto& [key, versions] : keys_) n += versions.size();
  return n;
}

std::vector<std::pair<std::string, std::string>> Transaction::SystemKeys(
    std::string_view prefix) const {
  return impl_->s->system_keys.AsOf(impl_->start_ts, prefix, impl_->system_changes);
}

}  // namespace tributary::storage
