// The real Env: POSIX calls with every fd owned by an RAII wrapper.

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "storage/durability/env.hpp"

namespace tributary::storage::durability {
namespace {

/// Owns one file descriptor; closes it on destruction. Move-only.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { Reset(); }
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      Reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  void Reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

/// Owns a DIR* from opendir.
struct DirCloser {
  void operator()(DIR* d) const { ::closedir(d); }
};

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, UniqueFd fd, uint64_t size)
      : path_(std::move(path)), fd_(std::move(fd)), size_(size) {}

  IoResult<void> Append(std::string_view data) override {
    const char* p = data.data();
    size_t left = data.size();
    while (left > 0) {
      ssize_t n = ::write(fd_.get(), p, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        return MakeError(MakeIoError("write", path_, errno));
      }
      p += n;
      left -= static_cast<size_t>(n);
    }
    size_ += data.size();
    return {};
  }

  IoResult<void> Sync() override {
    if (::fdatasync(fd_.get()) != 0) return MakeError(MakeIoError("fdatasync", path_, errno));
    return {};
  }

  IoResult<void> Truncate(uint64_t size) override {
    if (::ftruncate(fd_.get(), static_cast<off_t>(size)) != 0) {
      return MakeError(MakeIoError("ftruncate", path_, errno));
    }
    // O_APPEND is not used, so the write offset must follow the new end.
    if (::lseek(fd_.get(), static_cast<off_t>(size), SEEK_SET) < 0) {
      return MakeError(MakeIoError("lseek", path_, errno));
    }
    size_ = size;
    return {};
  }

  uint64_t Size() const override { return size_; }
  const std::string& path() const override { return path_; }

 private:
  std::string path_;
  UniqueFd fd_;
  uint64_t size_;
};

class PosixSequentialFile final : public SequentialFile {
 public:
  PosixSequentialFile(std::string path, UniqueFd fd) : path_(std::move(path)), fd_(std::move(fd)) {}

  IoResult<void> Read(size_t n, std::string* out) override {
    out->resize(n);
    size_t got = 0;
    while (got < n) {
      ssize_t r = ::read(fd_.get(), out->data() + got, n - got);
      if (r < 0) {
        if (errno == EINTR) continue;
        return MakeError(MakeIoError("read", path_, errno));
      }
      if (r == 0) break;
      got += static_cast<size_t>(r);
    }
    out->resize(got);
    return {};
  }

 private:
  std::string path_;
  UniqueFd fd_;
};

class PosixFileLock final : public FileLock {
 public:
  explicit PosixFileLock(UniqueFd fd) : fd_(std::move(fd)) {}
  ~PosixFileLock() override { ::flock(fd_.get(), LOCK_UN); }

 private:
  UniqueFd fd_;
};

class PosixEnv final : public Env {
 public:
  IoResult<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path,
                                                          bool truncate) override {
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : 0);
    UniqueFd fd(::open(path.c_str(), flags, 0644));
    if (fd.get() < 0) return MakeError(MakeIoError("open", path, errno));
    off_t end = ::lseek(fd.get(), 0, SEEK_END);
    if (end < 0) return MakeError(MakeIoError("lseek", path, errno));
    return std::unique_ptr<WritableFile>(
        std::make_unique<PosixWritableFile>(path, std::move(fd), static_cast<uint64_t>(end)));
  }

  IoResult<void> PreallocateFile(const std::string& path, uint64_t size,
                                 const std::atomic<bool>& cancel) override {
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (fd.get() < 0) return MakeError(MakeIoError("open", path, errno));
    // Real zeros, not fallocate: ext4 and XFS mark fallocated blocks
    // unwritten, and the first write into them is a metadata change again.
    static const std::string kZeros(1 << 20, '\0');
    for (uint64_t done = 0; done < size;) {
      if (cancel.load(std::memory_order_relaxed))
        return MakeError(MakeIoError("write", path, ECANCELED));
      size_t n = static_cast<size_t>(std::min<uint64_t>(kZeros.size(), size - done));
      ssize_t w = ::write(fd.get(), kZeros.data(), n);
      if (w < 0) {
        if (errno == EINTR) continue;
        return MakeError(MakeIoError("write", path, errno));
      }
      done += static_cast<uint64_t>(w);
    }
    if (::fdatasync(fd.get()) != 0) return MakeError(MakeIoError("fdatasync", path, errno));
    return {};
  }

  IoResult<std::unique_ptr<WritableFile>> OpenForOverwrite(const std::string& path) override {
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    if (fd.get() < 0) return MakeError(MakeIoError("open", path, errno));
    return std::unique_ptr<WritableFile>(
        std::make_unique<PosixWritableFile>(path, std::move(fd), /*size=*/0));
  }

  IoResult<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& path) override {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) return MakeError(MakeIoError("open", path, errno));
    ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
    return std::unique_ptr<SequentialFile>(
        std::make_unique<PosixSequentialFile>(path, std::move(fd)));
  }

  IoResult<void> Rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) {
      return MakeError(MakeIoError("rename " + from + " to", to, errno));
    }
    return {};
  }

  IoResult<void> Remove(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return MakeError(MakeIoError("unlink", path, errno));
    return {};
  }

  IoResult<void> TruncateFile(const std::string& path, uint64_t size) override {
    if (::truncate(path.c_str(), static_cast<off_t>(size)) != 0) {
      return MakeError(MakeIoError("truncate", path, errno));
    }
    return {};
  }

  IoResult<uint64_t> FileSize(const std::string& path) override {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return MakeError(MakeIoError("stat", path, errno));
    return static_cast<uint64_t>(st.st_size);
  }

  bool FileExists(const std::string& path) override { return ::access(path.c_str(), F_OK) == 0; }

  IoResult<std::vector<std::string>> ListDir(const std::string& dir) override {
    std::unique_ptr<DIR, DirCloser> d(::opendir(dir.c_str()));
    if (!d) return MakeError(MakeIoError("opendir", dir, errno));
    std::vector<std::string> names;
    while (dirent* e = ::readdir(d.get())) {
      std::string_view name = e->d_name;
      if (name != "." && name != "..") names.emplace_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  IoResult<void> CreateDirIfMissing(const std::string& dir) override {
    for (size_t pos = 1; pos <= dir.size(); ++pos) {
      if (pos != dir.size() && dir[pos] != '/') continue;
      std::string prefix = dir.substr(0, pos);
      if (::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) {
        return MakeError(MakeIoError("mkdir", prefix, errno));
      }
    }
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) return MakeError(MakeIoError("stat", dir, errno));
    if (!S_ISDIR(st.st_mode)) return MakeError(MakeIoError("mkdir", dir, ENOTDIR));
    return {};
  }

  IoResult<void> SyncDir(const std::string& dir) override {
    UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() < 0) return MakeError(MakeIoError("open", dir, errno));
    if (::fsync(fd.get()) != 0) return MakeError(MakeIoError("fsync", dir, errno));
    return {};
  }

  IoResult<std::unique_ptr<FileLock>> LockFile(const std::string& path) override {
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
    if (fd.get() < 0) return MakeError(MakeIoError("open", path, errno));
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
      int err = errno;
      if (err != EWOULDBLOCK) return MakeError(MakeIoError("flock", path, err));
      char buf[32] = {};
      ssize_t n = ::pread(fd.get(), buf, sizeof(buf) - 1, 0);
      std::string pid = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "unknown";
      while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
      return MakeError(IoError{err, "in use by another process (pid " + pid + ")"});
    }
    std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd.get(), 0) != 0 ||
        ::pwrite(fd.get(), pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
      return MakeError(MakeIoError("write", path, errno));
    }
    return std::unique_ptr<FileLock>(std::make_unique<PosixFileLock>(std::move(fd)));
  }
};

}  // namespace

IoError MakeIoError(std::string_view op, std::string_view path, int errnum) {
  std::string msg(op);
  msg += ' ';
  msg += path;
  msg += ": ";
  msg += std::strerror(errnum);
  return IoError{errnum, std::move(msg)};
}

Env& Env::Default() {
  static PosixEnv env;
  return env;
}

std::string JoinPath(std::string_view dir, std::string_view name) {
  std::string path(dir);
  if (!path.empty() && path.back() != '/') path += '/';
  path += name;
  return path;
}

IoResult<void> ReadFileToString(Env& env, const std::string& path, std::string* out) {
  auto file = env.NewSequentialFile(path);
  if (!file) return MakeError(file.Error());
  out->clear();
  std::string chunk;
  while (true) {
    auto r = (*file)->Read(1 << 20, &chunk);
    if (!r) return r;
    if (chunk.empty()) return {};
    out->append(chunk);
  }
}

IoResult<void> WriteFileAtomically(Env& env, const std::string& path, std::string_view data) {
  std::string tmp = path + ".tmp";
  {
    auto file = env.NewWritableFile(tmp, /*truncate=*/true);
    if (!file) return MakeError(file.Error());
    if (auto r = (*file)->Append(data); !r) return r;
    if (auto r = (*file)->Sync(); !r) return r;
  }
  if (auto r = env.Rename(tmp, path); !r) return r;
  auto slash = path.rfind('/');
  return env.SyncDir(slash == std::string::npos ? "." : path.substr(0, slash));
}

}  // namespace tributary::storage::durability
