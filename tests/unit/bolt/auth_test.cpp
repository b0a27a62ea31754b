#include "bolt/auth.hpp"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace tributary::bolt {
namespace {

class AuthFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tributary-auth-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    file_ = dir_ / "users";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Contents() {
    std::ifstream in(file_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  static AuthToken Basic(std::string user, std::string password) {
    return AuthToken{"basic", std::move(user), std::move(password)};
  }

  std::filesystem::path dir_;
  std::filesystem::path file_;
};

TEST_F(AuthFileTest, AddUserWritesArgon2idLinesWithPrivatePermissions) {
  ASSERT_TRUE(AddUser(file_, "ann", "pw1", HashStrength::kMinimal));
  ASSERT_TRUE(AddUser(file_, "bob", "pw2", HashStrength::kMinimal));
  const std::string text = Contents();
  EXPECT_EQ(text.rfind("ann:$argon2id$", 0), 0u) << text;
  EXPECT_NE(text.find("\nbob:$argon2id$"), std::string::npos);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2);
  EXPECT_EQ(text.find("pw1"), std::string::npos);  // never in clear
  struct stat st {};
  ASSERT_EQ(::stat(file_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  EXPECT_FALSE(std::filesystem::exists(file_.string() + ".tmp"));
}

TEST_F(AuthFileTest, SaltedHashesDiffer) {
  auto a = HashPassword("same", HashStrength::kMinimal);
  auto b = HashPassword("same", HashStrength::kMinimal);
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(VerifyPassword(*a, "same"));
  EXPECT_TRUE(VerifyPassword(*b, "same"));
  EXPECT_FALSE(VerifyPassword(*a, "Same"));
  EXPECT_FALSE(VerifyPassword("$argon2id$garbage", "same"));
}

TEST_F(AuthFileTest, InteractiveStrengthVerifies) {
  auto h = HashPassword("slow", HashStrength::kInteractive);
  ASSERT_TRUE(h);
  EXPECT_NE(h->find("m=65536"), std::string::npos) << *h;
  EXPECT_TRUE(VerifyPassword(*h, "slow"));
}

TEST_F(AuthFileTest, AuthenticatesAgainstTheFile) {
  ASSERT_TRUE(AddUser(file_, "ann", "right", HashStrength::kMinimal));
  ASSERT_TRUE(AddUser(file_, "bob", "other", HashStrength::kMinimal));
  auto auth = FileAuthenticator::Load(file_);
  ASSERT_TRUE(auth) << auth.Error();
  EXPECT_EQ((*auth)->user_count(), 2u);
  auto ok = (*auth)->Authenticate(Basic("ann", "right"));
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, "ann");
  for (const auto& token :
       {Basic("ann", "wrong"), Basic("ann", ""), Basic("carl", "right"), Basic("carl", "other"),
        Basic("", ""), AuthToken{"none", "", ""}, AuthToken{"kerberos", "ann", "right"}}) {
    auto denied = (*auth)->Authenticate(token);
    ASSERT_FALSE(denied) << token.scheme << " " << token.principal;
    EXPECT_EQ(denied.Error().code, "Neo.ClientError.Security.Unauthorized");
  }
}

TEST_F(AuthFileTest, AddUserReplacesAPassword) {
  ASSERT_TRUE(AddUser(file_, "ann", "old", HashStrength::kMinimal));
  ASSERT_TRUE(AddUser(file_, "ann", "new", HashStrength::kMinimal));
  const std::string text = Contents();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1);
  auto auth = FileAuthenticator::Load(file_);
  ASSERT_TRUE(auth);
  EXPECT_FALSE((*auth)->Authenticate(Basic("ann", "old")));
  EXPECT_TRUE((*auth)->Authenticate(Basic("ann", "new")));
}

TEST_F(AuthFileTest, RemoveUser) {
  ASSERT_TRUE(AddUser(file_, "ann", "a", HashStrength::kMinimal));
  ASSERT_TRUE(AddUser(file_, "bob", "b", HashStrength::kMinimal));
  ASSERT_TRUE(RemoveUser(file_, "ann"));
  EXPECT_FALSE(RemoveUser(file_, "ann"));
  auto auth = FileAuthenticator::Load(file_);
  ASSERT_TRUE(auth);
  EXPECT_EQ((*auth)->user_count(), 1u);
  EXPECT_TRUE((*auth)->Authenticate(Basic("bob", "b")));
}

TEST_F(AuthFileTest, InvalidUserNamesAreRejected) {
  for (const char* name : {"", "a:b", "line\nbreak", "#comment"}) {
    EXPECT_FALSE(AddUser(file_, name, "pw", HashStrength::kMinimal)) << name;
  }
  EXPECT_FALSE(std::filesystem::exists(file_));
}

TEST_F(AuthFileTest, CommentsAndBlankLinesAreIgnoredMalformedLinesAreErrors) {
  auto hash = HashPassword("pw", HashStrength::kMinimal);
  ASSERT_TRUE(hash);
  {
    std::ofstream out(file_);
    out << "# users\n\nann:" << *hash << "\r\n";
  }
  auto auth = FileAuthenticator::Load(file_);
  ASSERT_TRUE(auth) << auth.Error();
  EXPECT_TRUE((*auth)->Authenticate(Basic("ann", "pw")));
  {
    std::ofstream out(file_, std::ios::app);
    out << "bob:plaintext\n";
  }
  auto bad = FileAuthenticator::Load(file_);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.Error().find(":4:"), std::string::npos) << bad.Error();
  EXPECT_FALSE(FileAuthenticator::Load(dir_ / "missing"));
}

TEST(NoAuthTest, AcceptsNoneAndBasicOnly) {
  NoAuthAuthenticator auth;
  auto none = auth.Authenticate(AuthToken{"none", "", ""});
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, "");
  EXPECT_TRUE(auth.Authenticate(AuthToken{"", "", ""}));
  auto basic = auth.Authenticate(AuthToken{"basic", "ann", "anything"});
  ASSERT_TRUE(basic);
  EXPECT_EQ(*basic, "ann");
  auto other = auth.Authenticate(AuthToken{"bearer", "", "token"});
  ASSERT_FALSE(other);
  EXPECT_EQ(other.Error().code, "Neo.ClientError.Security.Unauthorized");
}

}  // namespace
}  // namespace tributary::bolt
