#pragma once
// Versioned system keys (stream definitions and offsets, ADR 006): like graph
// objects, each key keeps the versions that a running transaction may still
// read, so a read transaction (and a snapshot written from it) sees one
// consistent cut of graph and metadata (issue #5).

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tributary::storage {

/// Thread-safe. Versions are identified by commit timestamps; a transaction
/// that started at `start_ts` sees the newest version with ts < start_ts
/// (the same rule as graph deltas).
class SystemKeyStore {
 public:
  /// A transaction's writes in order; nullopt deletes the key.
  using Changes = std::vector<std::pair<std::string, std::optional<std::string>>>;
  using KeyValues = std::vector<std::pair<std::string, std::string>>;

  /// Installs `changes` as committed at `commit_ts` (consumes the values).
  /// REQUIRES: commit_ts is above every timestamp installed before, and no
  /// transaction with start_ts < `oldest_start` is running or will start;
  /// versions only such transactions could read are dropped.
  void Apply(uint64_t commit_ts, Changes& changes, uint64_t oldest_start);

  /// Keys starting with `prefix`, newest committed version of each, sorted.
  KeyValues Latest(std::string_view prefix) const;
  /// Keys starting with `prefix` as a transaction that started at `start_ts`
  /// sees them, then `own` (that transaction's uncommitted writes) applied.
  KeyValues AsOf(uint64_t start_ts, std::string_view prefix, const Changes& own = {}) const;

  /// Versions held, including deletion markers (white-box tests).
  size_t VersionCount() const;

 private:
  struct Version {
    uint64_t ts;
    std::optional<std::string> value;  ///< nullopt: deleted at ts
  };
  /// Drops versions of `key` no reader can see; true if the key is gone or
  /// holds just one live version (nothing left to prune).
  bool Prune(std::map<std::string, std::vector<Version>, std::less<>>::iterator it,
             uint64_t oldest_start);

  mutable std::shared_mutex mu_;
  /// key -> versions, oldest first.
  std::map<std::string, std::vector<Version>, std::less<>> keys_;
  /// Keys that may hold versions to drop later.
  std::set<std::string, std::less<>> prunable_;
};

}  // namespace tributary::storage
