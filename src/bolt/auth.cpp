#include "bolt/auth.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <vector>

#include "bolt/unique_fd.hpp"

namespace tributary::bolt {

namespace {

void EnsureSodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) std::abort();  // only fails when no entropy source exists
  });
}

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

bool ValidUserName(std::string_view user) {
  return !user.empty() && user.find_first_of(":\r\n") == std::string_view::npos &&
         user.front() != '#';
}

struct AuthLine {
  std::string user;
  std::string hash;
};

// Parses the file; a missing file is an empty user list.
Result<std::vector<AuthLine>, std::string> ReadAuthFile(const std::filesystem::path& file,
                                                        bool must_exist) {
  std::ifstream in(file);
  if (!in) {
    if (!must_exist && !std::filesystem::exists(file)) return std::vector<AuthLine>{};
    return MakeError("cannot read auth file " + file.string());
  }
  std::vector<AuthLine> lines;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.front() == '#') continue;
    const size_t colon = line.find(':');
    if (colon == std::string::npos || colon == 0 || line.compare(colon + 1, 8, "$argon2i") != 0) {
      return MakeError(file.string() + ":" + std::to_string(number) +
                       ": expected `user:$argon2id$...`");
    }
    lines.push_back(AuthLine{line.substr(0, colon), line.substr(colon + 1)});
  }
  return lines;
}

Result<void, std::string> WriteAuthFile(const std::filesystem::path& file,
                                        const std::vector<AuthLine>& lines) {
  std::string content;
  for (const auto& l : lines) content.append(l.user).append(":").append(l.hash).append("\n");
  const std::filesystem::path tmp = file.string() + ".tmp";
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (fd.get() < 0) return MakeError(Errno("cannot create " + tmp.string()));
  size_t written = 0;
  while (written < content.size()) {
    ssize_t n = ::write(fd.get(), content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return MakeError(Errno("cannot write " + tmp.string()));
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd.get()) != 0) return MakeError(Errno("cannot sync " + tmp.string()));
  if (::close(fd.Release()) != 0) return MakeError(Errno("cannot close " + tmp.string()));
  if (::rename(tmp.c_str(), file.c_str()) != 0) {
    return MakeError(Errno("cannot rename " + tmp.string()));
  }
  return {};
}

BoltError Unauthorized() {
  return BoltError{codes::kUnauthorized,
                   "The client is unauthorized due to authentication failure."};
}

}  // namespace

Result<std::string, std::string> HashPassword(std::string_view password, HashStrength strength) {
  EnsureSodium();
  char out[crypto_pwhash_STRBYTES];
  const unsigned long long ops = strength == HashStrength::kMinimal
                                     ? crypto_pwhash_OPSLIMIT_MIN
                                     : crypto_pwhash_OPSLIMIT_INTERACTIVE;
  const size_t mem = strength == HashStrength::kMinimal ? crypto_pwhash_MEMLIMIT_MIN
                                                        : crypto_pwhash_MEMLIMIT_INTERACTIVE;
  if (crypto_pwhash_str(out, password.data(), password.size(), ops, mem) != 0) {
    return MakeError(std::string("password hashing failed (out of memory)"));
  }
  return std::string(out);
}

bool VerifyPassword(const std::string& hash, std::string_view password) {
  EnsureSodium();
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

Result<void, std::string> AddUser(const std::filesystem::path& file, std::string_view user,
                                  std::string_view password, HashStrength strength) {
  if (!ValidUserName(user)) {
    return MakeError("invalid user name '" + std::string(user) +
                     "' (must be non-empty, without ':' or line breaks)");
  }
  auto lines = ReadAuthFile(file, /*must_exist=*/false);
  if (!lines) return MakeError(lines.Error());
  auto hash = HashPassword(password, strength);
  if (!hash) return MakeError(hash.Error());
  bool replaced = false;
  for (auto& l : *lines) {
    if (l.user == user) {
      l.hash = *hash;
      replaced = true;
    }
  }
  if (!replaced) lines->push_back(AuthLine{std::string(user), *hash});
  return WriteAuthFile(file, *lines);
}

Result<void, std::string> RemoveUser(const std::filesystem::path& file, std::string_view user) {
  auto lines = ReadAuthFile(file, /*must_exist=*/true);
  if (!lines) return MakeError(lines.Error());
  const size_t before = lines->size();
  std::erase_if(*lines, [&](const AuthLine& l) { return l.user == user; });
  if (lines->size() == before) return MakeError("no such user '" + std::string(user) + "'");
  return WriteAuthFile(file, *lines);
}

Result<std::unique_ptr<FileAuthenticator>, std::string> FileAuthenticator::Load(
    const std::filesystem::path& file) {
  auto lines = ReadAuthFile(file, /*must_exist=*/true);
  if (!lines) return MakeError(lines.Error());
  std::unordered_map<std::string, std::string> users;
  for (auto& l : *lines) users[l.user] = std::move(l.hash);
  return std::make_unique<FileAuthenticator>(std::move(users));
}

const std::string& FileAuthenticator::DummyHash() {
  // Unknown users are verified against a hash as costly as a real one, so
  // the response time does not reveal which user names exist. A stored
  // hash carries the file's own cost parameters; its result is ignored.
  if (!users_.empty()) return users_.begin()->second;
  static const std::string fallback = [] {
    auto hash = HashPassword("tributary-dummy-password");
    return hash ? *hash : std::string();
  }();
  return fallback;
}

Result<std::string, BoltError> FileAuthenticator::Authenticate(const AuthToken& token) {
  if (token.scheme != "basic") return MakeError(Unauthorized());
  auto it = users_.find(token.principal);
  if (it == users_.end()) {
    const std::string& dummy = DummyHash();
    if (!dummy.empty()) VerifyPassword(dummy, token.credentials);
    return MakeError(Unauthorized());
  }
  if (!VerifyPassword(it->second, token.credentials)) return MakeError(Unauthorized());
  return token.principal;
}

Result<std::string, BoltError> NoAuthAuthenticator::Authenticate(const AuthToken& token) {
  if (token.scheme.empty() || token.scheme == "none") return std::string();
  if (token.scheme == "basic") return token.principal;
  return MakeError(
      BoltError{codes::kUnauthorized, "Unsupported authentication scheme '" + token.scheme + "'."});
}

}  // namespace tributary::bolt
