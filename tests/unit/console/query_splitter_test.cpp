#include "console/query_splitter.hpp"

#include <gtest/gtest.h>

namespace tributary::console {
namespace {

std::vector<std::string> SplitAll(const std::vector<std::string>& lines) {
  QuerySplitter s;
  std::vector<std::string> out;
  for (const auto& line : lines) {
    for (auto& q : s.AddLine(line)) out.push_back(std::move(q));
  }
  if (auto rest = s.TakeRest()) out.push_back(*rest);
  return out;
}

using Queries = std::vector<std::string>;

TEST(QuerySplitterTest, SemicolonsEndQueries) {
  EXPECT_EQ(SplitAll({"RETURN 1; RETURN 2;"}), (Queries{"RETURN 1", "RETURN 2"}));
  EXPECT_EQ(SplitAll({"  RETURN 1  ;  "}), (Queries{"RETURN 1"}));
  EXPECT_EQ(SplitAll({";;", " ; "}), Queries{});
}

TEST(QuerySplitterTest, MultiLineQueries) {
  QuerySplitter s;
  EXPECT_TRUE(s.AddLine("MATCH (n)").empty());
  EXPECT_TRUE(s.InQuery());
  EXPECT_TRUE(s.AddLine("").empty());
  auto done = s.AddLine("RETURN n; MATCH (m)");
  EXPECT_EQ(done, (Queries{"MATCH (n)\n\nRETURN n"}));
  EXPECT_TRUE(s.InQuery());
  EXPECT_EQ(s.AddLine("RETURN m;"), (Queries{"MATCH (m)\nRETURN m"}));
  EXPECT_FALSE(s.InQuery());
}

TEST(QuerySplitterTest, SemicolonsInsideQuotesDoNotEndQueries) {
  EXPECT_EQ(SplitAll({"RETURN 'a;b', \"c;d\", `e;f`;"}), (Queries{"RETURN 'a;b', \"c;d\", `e;f`"}));
  EXPECT_EQ(SplitAll({R"(RETURN 'it\'s; fine';)"}), (Queries{R"(RETURN 'it\'s; fine')"}));
  EXPECT_EQ(SplitAll({R"(RETURN "a\\"; RETURN 2;)"}), (Queries{R"(RETURN "a\\")", "RETURN 2"}));
  EXPECT_EQ(SplitAll({"RETURN 'multi", "line;';"}), (Queries{"RETURN 'multi\nline;'"}));
  // A double quote inside single quotes does not open a string.
  EXPECT_EQ(SplitAll({R"(RETURN '"'; RETURN 1;)"}), (Queries{R"(RETURN '"')", "RETURN 1"}));
}

TEST(QuerySplitterTest, Comments) {
  EXPECT_EQ(SplitAll({"RETURN 1 // not; the end", "+ 1;"}),
            (Queries{"RETURN 1 // not; the end\n+ 1"}));
  EXPECT_EQ(SplitAll({"RETURN /* ; */ 1;"}), (Queries{"RETURN /* ; */ 1"}));
  EXPECT_EQ(SplitAll({"RETURN /* multi", "; line */ 2;"}),
            (Queries{"RETURN /* multi\n; line */ 2"}));
  // Comment-only input is not a query.
  EXPECT_EQ(SplitAll({"// just a comment", "/* and ; another */", "RETURN 3;", "// trailing"}),
            (Queries{"// just a comment\n/* and ; another */\nRETURN 3"}));
  EXPECT_EQ(SplitAll({"// only;", ";"}), Queries{});
}

TEST(QuerySplitterTest, UnterminatedRest) {
  EXPECT_EQ(SplitAll({"RETURN 1;", "RETURN 2"}), (Queries{"RETURN 1", "RETURN 2"}));
  QuerySplitter s;
  s.AddLine("   ");
  EXPECT_FALSE(s.InQuery());
  EXPECT_FALSE(s.TakeRest());
}

TEST(QuerySplitterTest, Trim) {
  EXPECT_EQ(Trim("  a b \n"), "a b");
  EXPECT_EQ(Trim(" \t "), "");
  EXPECT_EQ(Trim("x"), "x");
}

}  // namespace
}  // namespace tributary::console
