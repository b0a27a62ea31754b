#pragma once
// The file-system layer every durability component goes through (LevelDB's
// Env, RocksDB's FileSystem are the models). PosixEnv is the real one;
// FaultInjectionEnv (fault_injection_env.hpp) wraps it to fail writes and
// syncs on demand and to simulate a power cut by dropping unsynced data.
//
// Every file descriptor is owned by an RAII object; nothing here throws.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace tributary::storage::durability {

/// An I/O failure: the errno and a message naming the operation and path.
struct IoError {
  int errnum = 0;
  std::string message;
};

template <typename T>
using IoResult = Result<T, IoError>;

/// Builds "<op> <path>: <strerror(errnum)>".
IoError MakeIoError(std::string_view op, std::string_view path, int errnum);

/// A file open for appending. Append and Size belong to one thread at a
/// time; Sync may run concurrently with Append from another thread.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  /// Writes all of `data` at the end. On error a prefix of `data` may have
  /// been written; Size() then still reports the size before this call.
  virtual IoResult<void> Append(std::string_view data) = 0;
  /// fdatasync: everything appended before the call is durable on success.
  virtual IoResult<void> Sync() = 0;
  /// Cuts the file to `size` bytes (also undoes a failed Append's prefix).
  virtual IoResult<void> Truncate(uint64_t size) = 0;
  /// Bytes in the file as far as successful Appends/Truncates know.
  virtual uint64_t Size() const = 0;
  virtual const std::string& path() const = 0;
};

/// A file read front to back. One thread at a time.
class SequentialFile {
 public:
  virtual ~SequentialFile() = default;
  /// Reads up to `n` bytes into *out (replacing it); an empty result means EOF.
  virtual IoResult<void> Read(size_t n, std::string* out) = 0;
};

/// An exclusive flock on a file, released (and the fd closed) on destruction.
class FileLock {
 public:
  virtual ~FileLock() = default;
};

/// File-system operations. Implementations are thread-safe.
class Env {
 public:
  virtual ~Env() = default;

  /// Opens `path` for appending, creating it; `truncate` empties it first.
  virtual IoResult<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path,
                                                                  bool truncate) = 0;
  /// Creates (or replaces) `path` holding `size` zero bytes, written and
  /// fdatasync'ed, so that later writes inside it change no file metadata and
  /// an fdatasync after them flushes data only (ADR 017). Not durable in the
  /// directory until SyncDir. Gives up with ECANCELED soon after `cancel`
  /// becomes true.
  virtual IoResult<void> PreallocateFile(const std::string& path, uint64_t size,
                                         const std::atomic<bool>& cancel) = 0;
  /// Opens an existing `path` for writing from offset 0 without truncating
  /// it: Size() starts at 0 and Appends overwrite what is there (the zeros
  /// PreallocateFile wrote).
  virtual IoResult<std::unique_ptr<WritableFile>> OpenForOverwrite(const std::string& path) = 0;
  virtual IoResult<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& path) = 0;
  /// Atomically replaces `to` with `from` (rename(2)); durable after SyncDir.
  virtual IoResult<void> Rename(const std::string& from, const std::string& to) = 0;
  virtual IoResult<void> Remove(const std::string& path) = 0;
  virtual IoResult<void> TruncateFile(const std::string& path, uint64_t size) = 0;
  virtual IoResult<uint64_t> FileSize(const std::string& path) = 0;
  virtual bool FileExists(const std::string& path) = 0;
  /// Names (not paths) of the entries of `dir`, without "." and "..", sorted.
  virtual IoResult<std::vector<std::string>> ListDir(const std::string& dir) = 0;
  /// Creates `dir` and missing parents.
  virtual IoResult<void> CreateDirIfMissing(const std::string& dir) = 0;
  /// fsyncs the directory so that creates, renames and removes in it persist.
  virtual IoResult<void> SyncDir(const std::string& dir) = 0;
  /// Takes flock(LOCK_EX|LOCK_NB) on `path` (created if missing) and writes
  /// this process's pid into it. Fails with EWOULDBLOCK if another process
  /// holds it; the message then names that process's pid.
  virtual IoResult<std::unique_ptr<FileLock>> LockFile(const std::string& path) = 0;

  /// The process-wide POSIX implementation.
  static Env& Default();
};

/// Reads a whole file into *out.
IoResult<void> ReadFileToString(Env& env, const std::string& path, std::string* out);

/// Writes `data` to `path` atomically: temp file, fdatasync, rename, dir fsync.
IoResult<void> WriteFileAtomically(Env& env, const std::string& path, std::string_view data);

/// "dir/name" (no duplicate slash).
std::string JoinPath(std::string_view dir, std::string_view name);

}  // namespace tributary::storage::durability
