// Logic-test runner in the spirit of DuckDB's sqllogictest, for Cypher.
// Runs .test files in-process against a fresh Storage + QueryEngine.
//
// File format (blocks separated by blank lines; `#` starts a comment line):
//   statement ok                 run, expect success
//   <query lines>
//
//   statement error <text>       run, expect an error whose message contains <text>
//   <query lines>
//
//   query [rowsort]              run, compare the result (rowsort: as a multiset)
//   <query lines>
//   ----
//   <column names separated by " | ">
//   <one row per line, cells separated by " | ">
//
//   param <name> <cypher expression>   bind $name for later statements
//   begin / commit / rollback          explicit transaction control
//   reset                              start again on an empty graph
//
// Values are written as in the openCypher TCK: 'strings', 1, 1.0, true, null,
// [lists], {maps with sorted keys}, (:Label {nodes}), [:TYPE {relationships}],
// <(:A)-[:T]->(:B)> paths.

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "cypher/errors.hpp"
#include "query/engine.hpp"
#include "storage/storage.hpp"

namespace tributary {
namespace {

using cypher::Value;

std::string Format(const Value& v, storage::Storage& s);

std::string FormatProps(std::vector<std::pair<storage::PropertyId, PropertyValue>> props,
                        storage::Storage& s) {
  if (props.empty()) return "";
  std::vector<std::pair<std::string, std::string>> kv;
  for (auto& [k, v] : props) kv.emplace_back(std::string(s.PropertyName(k)), Format(cypher::ToValue(v), s));
  std::sort(kv.begin(), kv.end());
  std::string out = " {";
  for (size_t i = 0; i < kv.size(); ++i) out += (i ? ", " : "") + kv[i].first + ": " + kv[i].second;
  return out + "}";
}

std::string FormatNode(const storage::VertexAccessor& n, storage::Storage& s) {
  std::vector<std::string> labels;
  auto ls = n.Labels(storage::View::kNew);
  if (ls.HasError()) return "(<deleted>)";
  for (auto l : *ls) labels.emplace_back(s.LabelName(l));
  std::sort(labels.begin(), labels.end());
  std::string out = "(";
  for (const auto& l : labels) out += ":" + l;
  auto props = n.Properties(storage::View::kNew);
  std::string p = props.HasError() ? "" : FormatProps(std::move(*props), s);
  if (labels.empty() && !p.empty()) p = p.substr(1);
  return out + p + ")";
}

std::string FormatRel(const storage::EdgeAccessor& e, storage::Storage& s) {
  auto props = e.Properties(storage::View::kNew);
  return "[:" + std::string(s.EdgeTypeName(e.type())) +
         (props.HasError() ? "" : FormatProps(std::move(*props), s)) + "]";
}

std::string Format(const Value& v, storage::Storage& s) {
  switch (v.type()) {
    case cypher::ValueType::kNull: return "null";
    case cypher::ValueType::kBool: return v.AsBool() ? "true" : "false";
    case cypher::ValueType::kInt: return std::to_string(v.AsInt());
    case cypher::ValueType::kDouble: return ToCypherLiteral(PropertyValue(v.AsDouble()));
    case cypher::ValueType::kString: return "'" + v.AsString() + "'";
    case cypher::ValueType::kList: {
      std::string out = "[";
      for (size_t i = 0; i < v.AsList().size(); ++i) out += (i ? ", " : "") + Format(v.AsList()[i], s);
      return out + "]";
    }
    case cypher::ValueType::kMap: {
      std::string out = "{";
      bool first = true;
      for (const auto& [k, e] : v.AsMap()) {
        out += (first ? "" : ", ") + k + ": " + Format(e, s);
        first = false;
      }
      return out + "}";
    }
    case cypher::ValueType::kNode: return FormatNode(v.AsNode(), s);
    case cypher::ValueType::kRelationship: return FormatRel(v.AsRelationship(), s);
    case cypher::ValueType::kPath: {
      const auto& p = v.AsPath();
      std::string out = "<" + FormatNode(p.nodes[0], s);
      for (size_t i = 0; i < p.edges.size(); ++i) {
        bool forward = p.edges[i].From() == p.nodes[i];
        out += forward ? "-" : "<-";
        out += FormatRel(p.edges[i], s);
        out += forward ? "->" : "-";
        out += FormatNode(p.nodes[i + 1], s);
      }
      return out + ">";
    }
  }
  return "?";
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::string JoinCells(const std::vector<std::string>& cells) {
  std::string out;
  for (size_t i = 0; i < cells.size(); ++i) out += (i ? " | " : "") + cells[i];
  return out;
}

struct Runner {
  std::string file;
  std::unique_ptr<storage::Storage> storage;
  std::unique_ptr<query::QueryEngine> engine;
  std::unique_ptr<query::Session> session;
  query::Params params;
  int passed = 0;
  int failed = 0;

  void Reset() {
    session.reset();
    engine.reset();
    storage = std::make_unique<storage::Storage>(storage::StorageConfig{.gc_interval_ms = 0});
    engine = std::make_unique<query::QueryEngine>(*storage, query::EngineOptions{});
    session = std::make_unique<query::Session>(*engine);
    params.clear();
  }

  void Fail(int line, const std::string& what) {
    ++failed;
    std::cout << file << ":" << line << ": FAILED: " << what << "\n";
  }

  // Runs a statement; returns rows formatted as cell strings (and columns).
  std::vector<std::vector<std::string>> Execute(const std::string& text,
                                                std::vector<std::string>* columns) {
    auto result = session->Run(text, params);
    *columns = result->columns();
    std::vector<std::vector<std::string>> rows;
    result->Pull(-1, [&](query::QueryResult::Row&& row) {
      std::vector<std::string> cells;
      for (const auto& v : row) cells.push_back(Format(v, *storage));
      rows.push_back(std::move(cells));
    });
    return rows;
  }

  void Run(std::istream& in) {
    Reset();
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    size_t i = 0;
    auto read_block = [&](std::vector<std::string>* out, bool stop_at_dashes) {
      while (i < lines.size() && !Trim(lines[i]).empty() &&
             !(stop_at_dashes && Trim(lines[i]) == "----")) {
        out->push_back(lines[i++]);
      }
    };
    auto join = [](const std::vector<std::string>& ls) {
      std::string s;
      for (const auto& l : ls) s += l + "\n";
      return s;
    };
    while (i < lines.size()) {
      std::string head = Trim(lines[i]);
      int line_no = static_cast<int>(i) + 1;
      ++i;
      if (head.empty() || head[0] == '#') continue;
      if (head == "reset") {
        Reset();
        continue;
      }
      if (head == "begin" || head == "commit" || head == "rollback") {
        try {
          if (head == "begin") session->Begin();
          if (head == "commit") session->Commit();
          if (head == "rollback") session->Rollback();
          ++passed;
        } catch (const std::exception& e) {
          Fail(line_no, head + " threw: " + e.what());
        }
        continue;
      }
      if (head.rfind("param ", 0) == 0) {
        std::string rest = head.substr(6);
        auto sp = rest.find(' ');
        std::string name = rest.substr(0, sp);
        std::string expr = rest.substr(sp + 1);
        try {
          auto r = session->Run("RETURN " + expr + " AS v", params);
          r->Pull(-1, [&](query::QueryResult::Row&& row) { params[name] = row[0]; });
        } catch (const std::exception& e) {
          Fail(line_no, "param threw: " + std::string(e.what()));
        }
        continue;
      }
      if (head == "statement ok" || head.rfind("statement error", 0) == 0) {
        std::vector<std::string> body;
        read_block(&body, false);
        std::string text = join(body);
        bool expect_error = head != "statement ok";
        std::string want = expect_error ? Trim(head.substr(15)) : "";
        try {
          std::vector<std::string> cols;
          Execute(text, &cols);
          if (expect_error) {
            Fail(line_no, "expected an error containing '" + want + "', but it succeeded");
          } else {
            ++passed;
          }
        } catch (const cypher::CypherError& e) {
          std::string msg = e.what();
          if (!expect_error) {
            Fail(line_no, "unexpected error: " + msg);
          } else if (msg.find(want) == std::string::npos &&
                     std::string(e.StatusCode()).find(want) == std::string::npos) {
            Fail(line_no, "error '" + msg + "' does not contain '" + want + "'");
          } else {
            ++passed;
          }
        }
        continue;
      }
      if (head == "query" || head == "query rowsort") {
        std::vector<std::string> body;
        read_block(&body, true);
        if (i < lines.size() && Trim(lines[i]) == "----") ++i;
        std::vector<std::string> expected;
        read_block(&expected, false);
        std::string text = join(body);
        try {
          std::vector<std::string> cols;
          auto rows = Execute(text, &cols);
          std::vector<std::string> got;
          got.push_back(JoinCells(cols));
          std::vector<std::string> got_rows;
          for (const auto& r : rows) got_rows.push_back(JoinCells(r));
          std::vector<std::string> want_rows;
          for (size_t k = 1; k < expected.size(); ++k) want_rows.push_back(Trim(expected[k]));
          if (head == "query rowsort") {
            std::sort(got_rows.begin(), got_rows.end());
            std::sort(want_rows.begin(), want_rows.end());
          }
          std::string want_header = expected.empty() ? "" : Trim(expected[0]);
          if (got[0] != want_header || got_rows != want_rows) {
            std::string msg = "result mismatch for:\n" + text + "expected:\n  " + want_header + "\n";
            for (const auto& r : want_rows) msg += "  " + r + "\n";
            msg += "got:\n  " + got[0] + "\n";
            for (const auto& r : got_rows) msg += "  " + r + "\n";
            Fail(line_no, msg);
          } else {
            ++passed;
          }
        } catch (const std::exception& e) {
          Fail(line_no, "query threw: " + std::string(e.what()) + "\n" + text);
        }
        continue;
      }
      Fail(line_no, "unknown directive '" + head + "'");
    }
  }
};

}  // namespace
}  // namespace tributary

int main(int argc, char** argv) {
  int passed = 0, failed = 0;
  for (int a = 1; a < argc; ++a) {
    std::ifstream in(argv[a]);
    if (!in) {
      std::cout << argv[a] << ": cannot open\n";
      ++failed;
      continue;
    }
    tributary::Runner r;
    r.file = argv[a];
    r.Run(in);
    passed += r.passed;
    failed += r.failed;
  }
  std::cout << passed << " passed, " << failed << " failed\n";
  return failed == 0 ? 0 : 1;
}
