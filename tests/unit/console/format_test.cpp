#include "console/format.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>

namespace tributary::console {
namespace {

using bolt::List;
using bolt::Map;
using bolt::Node;
using bolt::Path;
using bolt::Relationship;
using bolt::Structure;
using bolt::UnboundRelationship;
using bolt::Value;

Node MakeNode(int64_t id, std::vector<std::string> labels, Map props) {
  Node n;
  n.id = id;
  n.labels = std::move(labels);
  n.properties = std::move(props);
  return n;
}

std::string Table(const std::vector<std::string>& fields,
                  const std::vector<std::vector<Value>>& rows) {
  std::ostringstream out;
  PrintTable(fields, rows, out);
  return out.str();
}

TEST(FormatTest, TheReferenceTable) {
  EXPECT_EQ(Table({"name", "uri", "topic"},
                  {{Value("mystream"), Value("localhost:9092"), Value("test")}}),
            "+----------+----------------+-------+\n"
            "| name     | uri            | topic |\n"
            "+----------+----------------+-------+\n"
            "| mystream | localhost:9092 | test  |\n"
            "+----------+----------------+-------+\n");
}

TEST(FormatTest, ColumnsArePaddedToTheWidestCell) {
  EXPECT_EQ(Table({"n", "m"}, {{Value(1), Value("a")}, {Value(12345), Value(List{})}}),
            "+-------+----+\n"
            "| n     | m  |\n"
            "+-------+----+\n"
            "| 1     | a  |\n"
            "| 12345 | [] |\n"
            "+-------+----+\n");
  // Widths count code points, not bytes.
  EXPECT_EQ(Table({"city"}, {{Value("Zürich")}, {Value("x")}}),
            "+--------+\n"
            "| city   |\n"
            "+--------+\n"
            "| Zürich |\n"
            "| x      |\n"
            "+--------+\n");
}

TEST(FormatTest, EmptyResultsPrintNothingExceptTheCsvHeader) {
  EXPECT_EQ(Table({"a"}, {}), "");
  std::ostringstream csv;
  PrintCsv({"a", "b"}, {}, csv);
  EXPECT_EQ(csv.str(), "\"a\",\"b\"\n");
  std::ostringstream no_columns;
  PrintCsv({}, {}, no_columns);
  EXPECT_EQ(no_columns.str(), "");
  std::ostringstream json;
  PrintJson({"a"}, {}, json);
  EXPECT_EQ(json.str(), "");
}

TEST(FormatTest, ScalarsLikeMgconsole) {
  EXPECT_EQ(FormatCell(Value()), "Null");
  EXPECT_EQ(FormatCell(Value(true)), "true");
  EXPECT_EQ(FormatCell(Value(false)), "false");
  EXPECT_EQ(FormatCell(Value(-42)), "-42");
  EXPECT_EQ(FormatCell(Value(std::numeric_limits<int64_t>::min())), "-9223372036854775808");
  EXPECT_EQ(FormatCell(Value(1.0)), "1");
  EXPECT_EQ(FormatCell(Value(0.5)), "0.5");
  EXPECT_EQ(FormatCell(Value(-2.25)), "-2.25");
  EXPECT_EQ(FormatCell(Value(3.14159265)), "3.14159");
  EXPECT_EQ(FormatCell(Value(1e20)), "1e+20");
  EXPECT_EQ(FormatCell(Value(1234567.0)), "1.23457e+06");
  EXPECT_EQ(FormatCell(Value(0.0001)), "0.0001");
  EXPECT_EQ(FormatCell(Value(std::numeric_limits<double>::infinity())), "inf");
  EXPECT_EQ(FormatCell(Value(bolt::Bytes{0x0a, 0xff})), "0x0aff");
}

TEST(FormatTest, StringsBareAtTopLevelQuotedInside) {
  EXPECT_EQ(FormatCell(Value("hello world")), "hello world");
  EXPECT_EQ(FormatCell(Value("say \"hi\"")), "say \"hi\"");
  EXPECT_EQ(FormatCell(Value("two\nlines")), "two\\nlines");
  EXPECT_EQ(FormatNested(Value("x")), "\"x\"");
  EXPECT_EQ(FormatCell(Value(List{Value("a"), Value("b\"c"), Value("it's"), Value("t\tb\\")})),
            R"(["a", "b\"c", "it\'s", "t\tb\\"])");
}

TEST(FormatTest, ListsAndMaps) {
  EXPECT_EQ(FormatCell(Value(List{Value(1), Value(2)})), "[1, 2]");
  EXPECT_EQ(FormatCell(Value(List{})), "[]");
  EXPECT_EQ(FormatCell(Value(List{Value(), Value(List{Value(1.5)})})), "[Null, [1.5]]");
  EXPECT_EQ(FormatCell(Value(Map{{"id", Value("1")}})), R"({id:"1"})");
  EXPECT_EQ(FormatCell(Value(Map{{"from_id", Value("1")}, {"to_id", Value("2")}})),
            R"({from_id:"1",to_id:"2"})");
  EXPECT_EQ(FormatCell(Value(Map{})), "{}");
  EXPECT_EQ(FormatCell(Value(
                Map{{"l", Value(List{Value(1), Value("x")})}, {"m", Value(Map{{"k", Value()}})}})),
            R"({l:[1, "x"],m:{k:Null}})");
}

TEST(FormatTest, GraphValues) {
  EXPECT_EQ(FormatCell(Value(MakeNode(1, {"Node"}, Map{{"id", Value("1")}}))),
            R"((:Node {id:"1"}))");
  EXPECT_EQ(FormatCell(Value(MakeNode(1, {"A", "B"}, {}))), "(:A:B)");
  EXPECT_EQ(FormatCell(Value(MakeNode(1, {}, Map{{"x", Value(1)}}))), "({x:1})");
  EXPECT_EQ(FormatCell(Value(MakeNode(1, {}, {}))), "()");
  Relationship plain{9, 1, 2, "Edge", {}, "", "", ""};
  EXPECT_EQ(FormatCell(Value(plain)), "[:Edge]");
  Relationship weighted{9, 1, 2, "Edge", Map{{"w", Value(1)}}, "", "", ""};
  EXPECT_EQ(FormatCell(Value(weighted)), "[:Edge {w:1}]");
  EXPECT_EQ(FormatCell(Value(UnboundRelationship{9, "Edge", {}, ""})), "[:Edge]");
}

TEST(FormatTest, Paths) {
  Path p;
  p.nodes = {MakeNode(1, {"Node"}, Map{{"id", Value("1")}}),
             MakeNode(2, {"Node"}, Map{{"id", Value("2")}}), MakeNode(3, {"Other"}, {})};
  p.rels = {UnboundRelationship{10, "Edge", {}, ""},
            UnboundRelationship{11, "Back", Map{{"w", Value(2)}}, ""}};
  p.indices = {1, 1, -2, 2};
  EXPECT_EQ(FormatCell(Value(p)),
            R"((:Node {id:"1"})-[:Edge]->(:Node {id:"2"})<-[:Back {w:2}]-(:Other))");
  // A single-node path, and indices pointing nowhere (never trusted).
  Path single;
  single.nodes = {MakeNode(1, {"Node"}, {})};
  EXPECT_EQ(FormatCell(Value(single)), "(:Node)");
  Path broken = p;
  broken.indices = {1, 1, 7, 0};
  EXPECT_EQ(FormatCell(Value(broken)),
            R"((:Node {id:"1"})-[:Edge]->(:Node {id:"2"})-<invalid path>)");
  broken.indices = {0, 9};
  EXPECT_EQ(FormatCell(Value(broken)), R"((:Node {id:"1"})-<invalid path>)");
  EXPECT_EQ(FormatCell(Value(Path{})), "<empty path>");
}

TEST(FormatTest, TemporalAndSpatialValues) {
  EXPECT_EQ(FormatCell(Value(Structure{0x44, {Value(19000)}})), "2022-01-08");
  EXPECT_EQ(FormatCell(Value(Structure{0x44, {Value(-1)}})), "1969-12-31");
  EXPECT_EQ(FormatCell(Value(Structure{0x74, {Value(int64_t{13 * 3600 + 5 * 60} * 1000000000)}})),
            "13:05:00.000000000");
  EXPECT_EQ(FormatCell(Value(Structure{0x64, {Value(1700000000), Value(123)}})),
            "2023-11-14 22:13:20.000000123");
  EXPECT_EQ(FormatCell(Value(Structure{0x45, {Value(0), Value(1), Value(3664), Value(500000000)}})),
            "P1DT1H1M4.500000S");
  EXPECT_EQ(FormatCell(Value(Structure{0x45, {Value(0), Value(2), Value(0), Value(0)}})), "P2D");
  EXPECT_EQ(FormatCell(Value(Structure{0x45, {Value(3), Value(0), Value(60), Value(0)}})),
            "P3MT1M");
  EXPECT_EQ(FormatCell(Value(Structure{0x54, {Value(int64_t{3600} * 1000000000), Value(-5400)}})),
            "01:00:00.000000000-01:30");
  EXPECT_EQ(FormatCell(Value(Structure{0x49, {Value(1700000000), Value(0), Value(3600)}})),
            "2023-11-14T23:13:20.000000000+01:00");
  EXPECT_EQ(FormatCell(Value(Structure{0x46, {Value(1700000000), Value(0), Value(3600)}})),
            "2023-11-14T22:13:20.000000000+01:00");
  EXPECT_EQ(
      FormatCell(Value(Structure{0x69, {Value(1700000000), Value(0), Value("Europe/Zagreb")}})),
      "2023-11-14T22:13:20.000000000Z[Europe/Zagreb]");
  EXPECT_EQ(FormatCell(Value(Structure{0x58, {Value(7203), Value(1.0), Value(2.5)}})),
            "point({srid:7203,x:1,y:2.5})");
  EXPECT_EQ(FormatCell(Value(Structure{0x59, {Value(9157), Value(1.0), Value(2.0), Value(3.0)}})),
            "point({srid:9157,x:1,y:2,z:3})");
  // Unknown tags and malformed or absurd temporal values stay readable.
  EXPECT_EQ(FormatCell(Value(Structure{0x42, {Value(1), Value("a")}})),
            R"(structure<0x42>(1, "a"))");
  EXPECT_EQ(FormatCell(Value(Structure{0x44, {Value("x")}})), R"(structure<0x44>("x"))");
  EXPECT_EQ(FormatCell(Value(Structure{0x44, {Value(std::numeric_limits<int64_t>::max())}})),
            "structure<0x44>(9223372036854775807)");
  EXPECT_EQ(FormatCell(Value(Structure{
                0x45, {Value(0), Value(0), Value(std::numeric_limits<int64_t>::min()), Value(0)}})),
            "structure<0x45>(0, 0, -9223372036854775808, 0)");
}

TEST(FormatTest, CsvQuotesEveryFieldAndDoublesQuotes) {
  std::ostringstream out;
  PrintCsv({"name", "props"},
           {{Value("mystream"), Value(Map{{"id", Value("1")}})}, {Value("a,b"), Value()}}, out);
  EXPECT_EQ(out.str(),
            "\"name\",\"props\"\n"
            "\"mystream\",\"{id:\"\"1\"\"}\"\n"
            "\"a,b\",\"Null\"\n");
}

TEST(FormatTest, JsonLines) {
  std::ostringstream out;
  Relationship r{9, 1, 2, "Edge", Map{{"w", Value(1)}}, "", "", ""};
  PrintJson({"n", "r", "x"},
            {{Value(MakeNode(1, {"Node"}, Map{{"id", Value("1")}})), Value(r), Value(1.5)},
             {Value(), Value(List{Value("s"), Value(2)}), Value(std::nan(""))}},
            out);
  EXPECT_EQ(out.str(),
            R"({"n":{"id":1,"element_id":"1","labels":["Node"],"properties":{"id":"1"}},)"
            R"("r":{"id":9,"element_id":"9","type":"Edge","start":1,"end":2,"properties":{"w":1}},)"
            R"("x":1.5})"
            "\n"
            R"({"n":null,"r":["s",2],"x":null})"
            "\n");
}

TEST(FormatTest, JsonPathsAndOddStrings) {
  Path p;
  p.nodes = {MakeNode(1, {"A"}, {}), MakeNode(2, {"B"}, {})};
  p.rels = {UnboundRelationship{5, "R", {}, ""}};
  p.indices = {-1, 1};
  std::ostringstream out;
  PrintJson({"p", "s"}, {{Value(p), Value(std::string("bad\xff utf8"))}}, out);
  EXPECT_EQ(
      out.str(),
      R"({"p":{"nodes":[{"id":1,"element_id":"1","labels":["A"],"properties":{}},)"
      R"({"id":2,"element_id":"2","labels":["B"],"properties":{}}],)"
      R"("relationships":[{"id":5,"element_id":"5","type":"R","start":2,"end":1,"properties":{}}]},)"
      "\"s\":\"bad\xEF\xBF\xBD utf8\"}\n");
}

TEST(FormatTest, ParseOutputFormat) {
  OutputFormat f;
  EXPECT_TRUE(ParseOutputFormat("csv", &f));
  EXPECT_EQ(f, OutputFormat::kCsv);
  EXPECT_TRUE(ParseOutputFormat("json", &f));
  EXPECT_EQ(f, OutputFormat::kJson);
  EXPECT_TRUE(ParseOutputFormat("tabular", &f));
  EXPECT_EQ(f, OutputFormat::kTabular);
  EXPECT_FALSE(ParseOutputFormat("table", &f));
}

}  // namespace
}  // namespace tributary::console
