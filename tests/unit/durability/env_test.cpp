#include "storage/durability/env.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "storage/durability/fault_injection_env.hpp"
#include "test_util.hpp"

namespace tributary::storage::durability {
namespace {

using testing::TempDir;

std::string Read(Env& env, const std::string& path) {
  std::string out;
  EXPECT_TRUE(ReadFileToString(env, path, &out));
  return out;
}

TEST(PosixEnvTest, WriteTruncateRenameListRemove) {
  TempDir dir;
  Env& env = Env::Default();
  std::string a = JoinPath(dir.path(), "a");
  {
    auto f = env.NewWritableFile(a, true);
    ASSERT_TRUE(f);
    ASSERT_TRUE((*f)->Append("hello world"));
    ASSERT_TRUE((*f)->Sync());
    ASSERT_TRUE((*f)->Truncate(5));
    ASSERT_TRUE((*f)->Append("!"));
    EXPECT_EQ((*f)->Size(), 6u);
  }
  EXPECT_EQ(Read(env, a), "hello!");
  {
    auto f = env.NewWritableFile(a, /*truncate=*/false);
    ASSERT_TRUE(f);
    EXPECT_EQ((*f)->Size(), 6u);
    ASSERT_TRUE((*f)->Append("?"));
  }
  EXPECT_EQ(Read(env, a), "hello!?");
  std::string b = JoinPath(dir.path(), "b");
  ASSERT_TRUE(env.Rename(a, b));
  ASSERT_TRUE(env.SyncDir(dir.path()));
  auto names = env.ListDir(dir.path());
  ASSERT_TRUE(names);
  EXPECT_EQ(*names, std::vector<std::string>{"b"});
  EXPECT_EQ(*env.FileSize(b), 7u);
  ASSERT_TRUE(env.TruncateFile(b, 2));
  EXPECT_EQ(Read(env, b), "he");
  ASSERT_TRUE(env.Remove(b));
  EXPECT_FALSE(env.FileExists(b));
  auto missing = env.NewSequentialFile(b);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.Error().errnum, ENOENT);
  EXPECT_NE(missing.Error().message.find(b), std::string::npos);
}

TEST(PosixEnvTest, CreateDirIfMissingMakesParents) {
  TempDir dir;
  std::string nested = dir.path() + "/x/y/z";
  ASSERT_TRUE(Env::Default().CreateDirIfMissing(nested));
  ASSERT_TRUE(Env::Default().CreateDirIfMissing(nested));
  EXPECT_TRUE(Env::Default().FileExists(nested));
}

TEST(PosixEnvTest, WriteFileAtomicallyReplaces) {
  TempDir dir;
  std::string p = JoinPath(dir.path(), "f");
  ASSERT_TRUE(WriteFileAtomically(Env::Default(), p, "one"));
  ASSERT_TRUE(WriteFileAtomically(Env::Default(), p, "two"));
  EXPECT_EQ(Read(Env::Default(), p), "two");
  EXPECT_FALSE(Env::Default().FileExists(p + ".tmp"));
}

TEST(PosixEnvTest, LockIsExclusiveAcrossProcessesAndNamesThePid) {
  TempDir dir;
  std::string lock_path = JoinPath(dir.path(), "LOCK");
  auto lock = Env::Default().LockFile(lock_path);
  ASSERT_TRUE(lock);
  // flock is per open file description, so a second open in this process
  // conflicts too; a child process shows the cross-process case.
  pid_t child = ::fork();
  if (child == 0) {
    auto second = Env::Default().LockFile(lock_path);
    bool ok =
        !second && second.Error().errnum == EWOULDBLOCK &&
        second.Error().message.find("pid " + std::to_string(::getppid())) != std::string::npos;
    ::_exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  lock->reset();
  EXPECT_TRUE(Env::Default().LockFile(lock_path));
}

TEST(FaultInjectionEnvTest, FailedWriteIsShortAndNotCounted) {
  TempDir dir;
  FaultInjectionEnv env(Env::Default());
  std::string p = JoinPath(dir.path(), "f");
  auto f = env.NewWritableFile(p, true);
  ASSERT_TRUE(f);
  ASSERT_TRUE((*f)->Append("good"));
  env.FailWrites(1, ENOSPC);
  auto r = (*f)->Append("abcdefgh");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.Error().errnum, ENOSPC);
  EXPECT_EQ((*f)->Size(), 4u);
  EXPECT_EQ(Read(env, p), "goodabcd");  // the short write landed
  ASSERT_TRUE((*f)->Truncate(4));
  ASSERT_TRUE((*f)->Append("more"));
  EXPECT_EQ(Read(env, p), "goodmore");
}

TEST(FaultInjectionEnvTest, FailedSyncAndNoSpace) {
  TempDir dir;
  FaultInjectionEnv env(Env::Default());
  std::string p = JoinPath(dir.path(), "f");
  auto f = env.NewWritableFile(p, true);
  ASSERT_TRUE(f);
  env.FailSyncs(1, EIO);
  auto s = (*f)->Sync();
  ASSERT_FALSE(s);
  EXPECT_EQ(s.Error().errnum, EIO);
  EXPECT_TRUE((*f)->Sync());
  env.SetNoSpace(true);
  EXPECT_FALSE((*f)->Append("x"));
  EXPECT_FALSE(env.NewWritableFile(JoinPath(dir.path(), "new"), true));
  env.SetNoSpace(false);
  EXPECT_TRUE((*f)->Append("x"));
}

TEST(FaultInjectionEnvTest, PowerCutDropsUnsyncedData) {
  TempDir dir;
  FaultInjectionEnv env(Env::Default());
  std::string p = JoinPath(dir.path(), "f");
  std::string q = JoinPath(dir.path(), "g");
  {
    auto f = env.NewWritableFile(p, true);
    ASSERT_TRUE((*f)->Append("durable"));
    ASSERT_TRUE((*f)->Sync());
    ASSERT_TRUE((*f)->Append("-lost"));
    auto g = env.NewWritableFile(q, true);
    ASSERT_TRUE((*g)->Append("never synced"));
  }
  ASSERT_TRUE(env.DropUnsyncedData());
  EXPECT_EQ(Read(env, p), "durable");
  EXPECT_EQ(Read(env, q), "");
}

}  // namespace
}  // namespace tributary::storage::durability
