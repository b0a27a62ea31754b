#pragma once
// The one place durability looks inside the storage engine: waiting until a
// commit is visible to transactions that begin afterwards. The public
// contract does not promise that for a returned Commit() while an older
// commit is still being published (see docs/adr/003-group-commit-and-visibility.md).

#include <cstdint>

#include "storage/storage.hpp"

namespace tributary::storage::durability {

/// Returns once every transaction begun from now on sees the commit with
/// `commit_ts` (and, visibility being a prefix, every commit before it).
void WaitUntilVisible(Storage& storage, uint64_t commit_ts);

}  // namespace tributary::storage::durability
