#pragma once
// Authentication for Bolt connections. The auth file holds one user per line:
//
//   alice:$argon2id$v=19$m=65536,t=2,p=1$<salt>$<hash>
//
// Passwords are hashed with libsodium's crypto_pwhash_str (Argon2id, salted,
// deliberately slow); lines that are blank or start with '#' are ignored.
// User names may not contain ':' or line breaks.

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "bolt/handler.hpp"
#include "common/result.hpp"

namespace tributary::bolt {

/// Cost of a password hash. kMinimal is for tests only.
enum class HashStrength { kInteractive, kMinimal };

/// Hashes `password` into an "$argon2id$..." string; error text on failure
/// (out of memory).
Result<std::string, std::string> HashPassword(std::string_view password,
                                              HashStrength strength = HashStrength::kInteractive);

/// True when `password` matches `hash` (constant-time comparison inside).
bool VerifyPassword(const std::string& hash, std::string_view password);

/// Adds `user` to the auth file, replacing an existing entry, creating the
/// file (mode 0600) when absent. The file is rewritten atomically
/// (temporary file + rename). Not safe against concurrent writers.
Result<void, std::string> AddUser(const std::filesystem::path& file, std::string_view user,
                                  std::string_view password,
                                  HashStrength strength = HashStrength::kInteractive);

/// Removes `user` from the auth file; error when the user does not exist.
Result<void, std::string> RemoveUser(const std::filesystem::path& file, std::string_view user);

/// Accepts users listed in an auth file with the "basic" scheme; anything
/// else is Neo.ClientError.Security.Unauthorized. Immutable after Load, hence
/// thread-safe.
class FileAuthenticator : public Authenticator {
 public:
  /// Reads and validates the auth file.
  static Result<std::unique_ptr<FileAuthenticator>, std::string> Load(
      const std::filesystem::path& file);

  /// Verifies the password with Argon2; an unknown user costs the same
  /// verification (against a dummy hash) so timing does not reveal names.
  Result<std::string, BoltError> Authenticate(const AuthToken& token) override;

  /// Builds an authenticator from user -> "$argon2id$..." hash pairs.
  explicit FileAuthenticator(std::unordered_map<std::string, std::string> users)
      : users_(std::move(users)) {}

  size_t user_count() const { return users_.size(); }

 private:
  // A hash to verify unknown users against (timing: see Authenticate).
  const std::string& DummyHash();

  std::unordered_map<std::string, std::string> users_;  // user -> hash
};

/// No-auth mode: accepts scheme "none" (anonymous) or "basic" with any
/// credentials (the principal becomes the user name). Other schemes are
/// refused. Thread-safe.
class NoAuthAuthenticator : public Authenticator {
 public:
  Result<std::string, BoltError> Authenticate(const AuthToken& token) override;
};

}  // namespace tributary::bolt
