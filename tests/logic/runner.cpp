// Logic-test runner in the spirit of DuckDB's sqllogictest, for Cypher.
// Runs .test files in-process against a fresh Storage + QueryEngine.
//
// File format (blocks separated by blank lines; `#` starts a comment line):
//   statement ok                    run, expect success
//   <query lines>
//
//   statement error <text>          run, expect an error (at any phase) whose
//   <query lines>                   message or status code contains <text>
//   statement compile-error <text>  ... raised by Session::Run, before any row
//   statement runtime-error <text>  ... raised while pulling rows
//
//   query [rowsort] [nolistorder]   run, compare the result; rowsort: rows as a
//   <query lines>                   multiset; nolistorder: list elements too
//   ----
//   <column names separated by " | ">
//   <one row per line, cells separated by " | ">
//   (nothing after ---- means: zero rows, columns not checked; a cell that
//   is just `*` matches any value, for timings and ids)
//
//   effects [+nodes N] [-nodes N] [+relationships N] [-relationships N]
//           [+properties N] [-properties N] [+labels N] [-labels N]
//       the graph diff made by the preceding statement/query block, with the
//       TCK's meaning (properties are (entity, key, value) triples; labels
//       are the set of label names in use); unlisted counts must be 0.
//   param <name> <cypher expression>   bind $name for later statements
//   engine [timeout_ms=N] [memory_limit=N] [cache_size=N] [threads=N]
//          [parallel_min_vertices=N]
//       a new QueryEngine (and session) with these options, same graph
//   cache hits=N misses=N [size=N]  plan-cache counters of the current engine
//   begin / commit / rollback       explicit transaction control
//   reset                           start again on an empty graph
//   restart [snapshot]              close the database and open it again from
//       its data directory, as a server restart does: the WAL is replayed
//       (with `snapshot`, a snapshot is taken first and recovery loads it).
//       An open explicit transaction is lost, as in a crash. Parameters and
//       engine options stay.
//
// Every file runs against a database with a data directory of its own (a
// temporary folder, removed at the end) and --wal-sync=none, so `restart`
// goes through the same recovery path as `tributary serve`.
//
// Values are written as in the openCypher TCK: 'strings' (a newline shows as
// \n), 1, 1.0, true, null,
// floats as toString() shows them (shortest round-trip digits; 1.0E20),
// [lists], {maps with sorted keys}, (:Label {nodes}), [:TYPE {relationships}],
// <(:A)-[:T]->(:B)> paths.

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "cypher/errors.hpp"
#include "query/engine.hpp"
#include "storage/durability/durability.hpp"
#include "storage/storage.hpp"

namespace tributary {
namespace {

using cypher::Value;

/// How values are rendered for comparison.
struct FormatOptions {
  bool sort_lists = false;  ///< render list elements in sorted order
};

std::string Format(const Value& v, storage::Storage& s, const FormatOptions& o);

std::string FormatProps(std::vector<std::pair<storage::PropertyId, PropertyValue>> props,
                        storage::Storage& s, const FormatOptions& o) {
  if (props.empty()) return "";
  std::vector<std::pair<std::string, std::string>> kv;
  for (auto& [k, v] : props) {
    kv.emplace_back(std::string(s.PropertyName(k)), Format(cypher::ToValue(v), s, o));
  }
  std::sort(kv.begin(), kv.end());
  std::string out = " {";
  for (size_t i = 0; i < kv.size(); ++i) out += (i ? ", " : "") + kv[i].first + ": " + kv[i].second;
  return out + "}";
}

std::string FormatNode(const storage::VertexAccessor& n, storage::Storage& s,
                       const FormatOptions& o) {
  std::vector<std::string> labels;
  auto ls = n.Labels(storage::View::kNew);
  if (ls.HasError()) return "(<deleted>)";
  for (auto l : *ls) labels.emplace_back(s.LabelName(l));
  std::sort(labels.begin(), labels.end());
  std::string out = "(";
  for (const auto& l : labels) out += ":" + l;
  auto props = n.Properties(storage::View::kNew);
  std::string p = props.HasError() ? "" : FormatProps(std::move(*props), s, o);
  if (labels.empty() && !p.empty()) p = p.substr(1);
  return out + p + ")";
}

std::string FormatRel(const storage::EdgeAccessor& e, storage::Storage& s, const FormatOptions& o) {
  auto props = e.Properties(storage::View::kNew);
  return "[:" + std::string(s.EdgeTypeName(e.type())) +
         (props.HasError() ? "" : FormatProps(std::move(*props), s, o)) + "]";
}

std::string Format(const Value& v, storage::Storage& s, const FormatOptions& o) {
  switch (v.type()) {
    case cypher::ValueType::kNull:
      return "null";
    case cypher::ValueType::kBool:
      return v.AsBool() ? "true" : "false";
    case cypher::ValueType::kInt:
      return std::to_string(v.AsInt());
    case cypher::ValueType::kDouble:
      return cypher::FormatFloat(v.AsDouble());
    case cypher::ValueType::kString: {
      // Newlines are shown as \n so that a cell stays on one line.
      std::string out = "'";
      for (char c : v.AsString()) out += c == '\n' ? std::string("\\n") : std::string(1, c);
      return out + "'";
    }
    case cypher::ValueType::kList: {
      std::vector<std::string> items;
      for (const auto& e : v.AsList()) items.push_back(Format(e, s, o));
      if (o.sort_lists) std::sort(items.begin(), items.end());
      std::string out = "[";
      for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
      return out + "]";
    }
    case cypher::ValueType::kMap: {
      std::string out = "{";
      bool first = true;
      for (const auto& [k, e] : v.AsMap()) {
        out += (first ? "" : ", ") + k + ": " + Format(e, s, o);
        first = false;
      }
      return out + "}";
    }
    case cypher::ValueType::kNode:
      return FormatNode(v.AsNode(), s, o);
    case cypher::ValueType::kRelationship:
      return FormatRel(v.AsRelationship(), s, o);
    case cypher::ValueType::kPath: {
      const auto& p = v.AsPath();
      std::string out = "<" + FormatNode(p.nodes[0], s, o);
      for (size_t i = 0; i < p.edges.size(); ++i) {
        bool forward = p.edges[i].From() == p.nodes[i];
        out += forward ? "-" : "<-";
        out += FormatRel(p.edges[i], s, o);
        out += forward ? "->" : "-";
        out += FormatNode(p.nodes[i + 1], s, o);
      }
      return out + ">";
    }
    default:
      // Bytes, points and temporal values as Cypher literals: date('2024-05-01').
      return ToCypherLiteral(cypher::ToPropertyValue(v));
  }
  return "?";
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> Words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::string JoinCells(const std::vector<std::string>& cells) {
  std::string out;
  for (size_t i = 0; i < cells.size(); ++i) out += (i ? " | " : "") + cells[i];
  return out;
}

std::vector<std::string> SplitCells(const std::string& row) {
  std::vector<std::string> cells;
  size_t start = 0;
  for (size_t pos; (pos = row.find(" | ", start)) != std::string::npos; start = pos + 3) {
    cells.push_back(row.substr(start, pos - start));
  }
  cells.push_back(row.substr(start));
  return cells;
}

/// Row-by-row comparison where an expected cell `*` matches anything.
bool RowsMatch(const std::vector<std::string>& got, const std::vector<std::string>& want) {
  if (got.size() != want.size()) return false;
  for (size_t i = 0; i < got.size(); ++i) {
    if (got[i] == want[i]) continue;
    if (want[i].find('*') == std::string::npos) return false;
    auto g = SplitCells(got[i]);
    auto w = SplitCells(want[i]);
    if (g.size() != w.size()) return false;
    for (size_t k = 0; k < g.size(); ++k) {
      if (w[k] != "*" && w[k] != g[k]) return false;
    }
  }
  return true;
}

/// The observable graph state, as the TCK defines side effects.
struct GraphState {
  std::set<storage::Gid> nodes;
  std::set<storage::Gid> relationships;
  std::set<std::string> properties;  ///< "n<gid>.key=value" / "r<gid>.key=value"
  std::set<std::string> labels;      ///< label names in use

  static GraphState Capture(storage::Storage& s) {
    GraphState g;
    FormatOptions o;
    auto tx = s.Begin();
    auto cursor = tx->ScanVertices(storage::View::kOld);
    storage::VertexAccessor v(nullptr, nullptr);
    std::vector<storage::EdgeAccessor> edges;
    while (cursor->Next(&v)) {
      g.nodes.insert(v.gid());
      auto labels = v.Labels(storage::View::kOld);
      for (auto l : *labels) g.labels.emplace(s.LabelName(l));
      auto props = v.Properties(storage::View::kOld);
      for (auto& [k, p] : *props) {
        g.properties.insert("n" + std::to_string(v.gid()) + "." + std::string(s.PropertyName(k)) +
                            "=" + Format(cypher::ToValue(p), s, o));
      }
      edges.clear();
      (void)v.OutEdges(storage::View::kOld, {}, &edges);
      for (const auto& e : edges) {
        g.relationships.insert(e.gid());
        auto edge_props = e.Properties(storage::View::kOld);
        for (auto& [k, p] : *edge_props) {
          g.properties.insert("r" + std::to_string(e.gid()) + "." + std::string(s.PropertyName(k)) +
                              "=" + Format(cypher::ToValue(p), s, o));
        }
      }
    }
    tx->Abort();
    return g;
  }
};

template <typename T>
int64_t CountMissing(const std::set<T>& from, const std::set<T>& in) {
  int64_t n = 0;
  for (const auto& x : from) n += in.count(x) == 0;
  return n;
}

/// "+nodes 1 -properties 2" for the difference between two states.
std::map<std::string, int64_t> Diff(const GraphState& before, const GraphState& after) {
  std::map<std::string, int64_t> d;
  auto put = [&](const std::string& what, int64_t added, int64_t removed) {
    if (added) d["+" + what] = added;
    if (removed) d["-" + what] = removed;
  };
  put("nodes", CountMissing(after.nodes, before.nodes), CountMissing(before.nodes, after.nodes));
  put("relationships", CountMissing(after.relationships, before.relationships),
      CountMissing(before.relationships, after.relationships));
  put("properties", CountMissing(after.properties, before.properties),
      CountMissing(before.properties, after.properties));
  put("labels", CountMissing(after.labels, before.labels),
      CountMissing(before.labels, after.labels));
  return d;
}

std::string DiffText(const std::map<std::string, int64_t>& d) {
  if (d.empty()) return "(none)";
  std::string out;
  for (const auto& [k, n] : d) out += (out.empty() ? "" : " ") + k + " " + std::to_string(n);
  return out;
}

struct Runner {
  std::string file;
  std::string data_dir;  ///< temporary; removed by the destructor
  std::unique_ptr<storage::Storage> storage;
  std::unique_ptr<storage::durability::Durability> durability;
  std::unique_ptr<query::QueryEngine> engine;
  std::unique_ptr<query::Session> session;
  query::EngineOptions engine_options;
  query::Params params;
  GraphState before;  ///< state before the last block, when `effects` follows it
  bool have_before = false;
  int passed = 0;
  int failed = 0;

  ~Runner() {
    Close();
    if (!data_dir.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(data_dir, ignored);
    }
  }

  // Closes the session (rolling back an open transaction), the engine, the
  // durability layer (no snapshot on close) and the storage, in that order.
  void Close() {
    session.reset();
    engine.reset();
    durability.reset();
    storage.reset();
  }

  // Opens the database from data_dir (recovering what is there). Returns
  // false (and records a failure) when recovery fails.
  bool Open(int line) {
    storage = std::make_unique<storage::Storage>(storage::StorageConfig{.gc_interval_ms = 0});
    storage::durability::DurabilityOptions options;
    options.data_dir = data_dir;
    options.wal_sync = storage::durability::SyncPolicy::kNone;
    options.snapshot_on_shutdown = false;
    auto opened = storage::durability::Durability::Open(options, *storage);
    if (!opened) {
      Fail(line, "cannot open the database in " + data_dir + ": " + opened.Error().message);
      return false;
    }
    durability = std::move(*opened);
    engine = std::make_unique<query::QueryEngine>(*storage, engine_options);
    session = std::make_unique<query::Session>(*engine);
    return true;
  }

  // A new, empty database in a new temporary data directory.
  bool Reset() {
    Close();
    if (!data_dir.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(data_dir, ignored);
    }
    std::string pattern = (std::filesystem::temp_directory_path() / "logic-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      Fail(0, "cannot create a temporary data directory");
      data_dir.clear();
      return false;
    }
    data_dir = pattern;
    engine_options = query::EngineOptions{};
    params.clear();
    return Open(0);
  }

  // `restart [snapshot]`.
  bool Restart(int line, const std::vector<std::string>& words) {
    const bool snapshot = words.size() == 2 && words[1] == "snapshot";
    if (words.size() > 2 || (words.size() == 2 && !snapshot)) {
      Fail(line, "usage: restart [snapshot]");
      return true;
    }
    if (snapshot) {
      session.reset();  // a snapshot needs no open transaction of ours
      auto taken = durability->CreateSnapshot();
      if (!taken) {
        Fail(line, "CreateSnapshot failed: " + taken.Error().message);
        return true;
      }
    }
    Close();
    if (!Open(line)) return false;
    ++passed;
    return true;
  }

  void Fail(int line, const std::string& what) {
    ++failed;
    std::cout << file << ":" << line << ": FAILED: " << what << "\n";
  }

  /// Where an error was raised.
  enum class Phase { kCompile, kRuntime };

  // Runs a statement; returns rows formatted as cell strings (and columns).
  // Sets *phase to where an exception (if any) came from.
  std::vector<std::vector<std::string>> Execute(const std::string& text,
                                                std::vector<std::string>* columns,
                                                const FormatOptions& o, Phase* phase) {
    *phase = Phase::kCompile;
    auto result = session->Run(text, params);
    *phase = Phase::kRuntime;
    *columns = result->columns();
    std::vector<std::vector<std::string>> rows;
    result->Pull(-1, [&](query::QueryResult::Row&& row) {
      std::vector<std::string> cells;
      for (const auto& v : row) cells.push_back(Format(v, *storage, o));
      rows.push_back(std::move(cells));
    });
    return rows;
  }

  void ConfigureEngine(int line, const std::vector<std::string>& words) {
    query::EngineOptions opts;
    for (size_t k = 1; k < words.size(); ++k) {
      auto eq = words[k].find('=');
      std::string key = words[k].substr(0, eq);
      uint64_t n = eq == std::string::npos ? 0 : std::stoull(words[k].substr(eq + 1));
      if (key == "timeout_ms") {
        opts.query_timeout = std::chrono::milliseconds(n);
      } else if (key == "memory_limit") {
        opts.query_memory_limit = n;
      } else if (key == "cache_size") {
        opts.plan_cache_size = n;
      } else if (key == "threads") {
        opts.query_threads = static_cast<uint32_t>(n);
      } else if (key == "parallel_min_vertices") {
        opts.parallel_min_vertices = n;
      } else {
        Fail(line, "unknown engine option '" + key + "'");
        return;
      }
    }
    session.reset();
    engine_options = opts;
    engine = std::make_unique<query::QueryEngine>(*storage, opts);
    session = std::make_unique<query::Session>(*engine);
    ++passed;
  }

  void CheckCache(int line, const std::vector<std::string>& words) {
    auto stats = engine->CacheStats();
    std::string want, got;
    for (size_t k = 1; k < words.size(); ++k) {
      auto eq = words[k].find('=');
      std::string key = words[k].substr(0, eq);
      uint64_t value = key == "hits" ? stats.hits : key == "misses" ? stats.misses : stats.size;
      want += words[k] + " ";
      got += key + "=" + std::to_string(value) + " ";
    }
    if (want != got) {
      Fail(line, "cache stats: expected " + want + "got " + got);
    } else {
      ++passed;
    }
  }

  void CheckEffects(int line, const std::vector<std::string>& words) {
    if (!have_before) {
      Fail(line, "effects without a preceding statement");
      return;
    }
    std::map<std::string, int64_t> want;
    for (size_t k = 1; k + 1 < words.size(); k += 2) {
      int64_t n = std::stoll(words[k + 1]);
      if (n != 0) want[words[k]] = n;
    }
    auto got = Diff(before, GraphState::Capture(*storage));
    have_before = false;
    if (want != got) {
      Fail(line, "side effects: expected " + DiffText(want) + ", got " + DiffText(got));
    } else {
      ++passed;
    }
  }

  void Run(std::istream& in) {
    if (!Reset()) return;
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
    // True when the next directive after the current block is `effects`.
    auto effects_follow = [&](size_t from) {
      size_t k = from;
      while (k < lines.size() && !Trim(lines[k]).empty()) ++k;
      while (k < lines.size() && (Trim(lines[k]).empty() || Trim(lines[k])[0] == '#')) ++k;
      if (k < lines.size() && Trim(lines[k]).rfind("----", 0) == 0) {
        // query block: skip the expected section too
        ++k;
        while (k < lines.size() && !Trim(lines[k]).empty()) ++k;
        while (k < lines.size() && (Trim(lines[k]).empty() || Trim(lines[k])[0] == '#')) ++k;
      }
      return k < lines.size() && Trim(lines[k]).rfind("effects", 0) == 0;
    };
    while (i < lines.size()) {
      std::string head = Trim(lines[i]);
      int line_no = static_cast<int>(i) + 1;
      ++i;
      if (head.empty() || head[0] == '#') continue;
      std::vector<std::string> words = Words(head);
      if (head == "reset") {
        if (!Reset()) return;
        continue;
      }
      if (words[0] == "restart") {
        if (!Restart(line_no, words)) return;
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
      if (words[0] == "engine") {
        ConfigureEngine(line_no, words);
        continue;
      }
      if (words[0] == "cache") {
        CheckCache(line_no, words);
        continue;
      }
      if (words[0] == "effects") {
        CheckEffects(line_no, words);
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
      if (words[0] == "statement") {
        std::string kind = words.size() > 1 ? words[1] : "";
        bool expect_error = kind == "error" || kind == "compile-error" || kind == "runtime-error";
        if (kind != "ok" && !expect_error) {
          Fail(line_no, "unknown directive '" + head + "'");
          continue;
        }
        have_before = effects_follow(i);
        if (have_before) before = GraphState::Capture(*storage);
        std::vector<std::string> body;
        read_block(&body, false);
        std::string text = join(body);
        std::string want;
        if (expect_error) want = Trim(head.substr(head.find(kind) + kind.size()));
        Phase phase = Phase::kCompile;
        try {
          std::vector<std::string> cols;
          Execute(text, &cols, {}, &phase);
          if (expect_error) {
            Fail(line_no,
                 "expected an error containing '" + want + "', but it succeeded:\n" + text);
          } else {
            ++passed;
          }
        } catch (const cypher::CypherError& e) {
          std::string msg = e.what();
          const char* where = phase == Phase::kCompile ? "compile time" : "runtime";
          if (!expect_error) {
            Fail(line_no, std::string("unexpected error at ") + where + ": " + msg + "\n" + text);
          } else if (msg.find(want) == std::string::npos &&
                     std::string(e.StatusCode()).find(want) == std::string::npos) {
            Fail(line_no, "error '" + msg + "' does not contain '" + want + "'\n" + text);
          } else if ((kind == "compile-error" && phase != Phase::kCompile) ||
                     (kind == "runtime-error" && phase != Phase::kRuntime)) {
            Fail(line_no, std::string("error '") + msg + "' was raised at " + where + "\n" + text);
          } else {
            ++passed;
          }
        }
        continue;
      }
      if (words[0] == "query") {
        FormatOptions opts;
        bool rowsort = false;
        bool bad = false;
        for (size_t k = 1; k < words.size(); ++k) {
          if (words[k] == "rowsort") {
            rowsort = true;
          } else if (words[k] == "nolistorder") {
            opts.sort_lists = true;
          } else {
            bad = true;
          }
        }
        if (bad) {
          Fail(line_no, "unknown directive '" + head + "'");
          continue;
        }
        have_before = effects_follow(i);
        if (have_before) before = GraphState::Capture(*storage);
        std::vector<std::string> body;
        read_block(&body, true);
        if (i < lines.size() && Trim(lines[i]) == "----") ++i;
        std::vector<std::string> expected;
        read_block(&expected, false);
        std::string text = join(body);
        Phase phase = Phase::kCompile;
        try {
          std::vector<std::string> cols;
          auto rows = Execute(text, &cols, opts, &phase);
          std::string got_header = JoinCells(cols);
          std::vector<std::string> got_rows;
          for (const auto& r : rows) got_rows.push_back(JoinCells(r));
          std::vector<std::string> want_rows;
          for (size_t k = 1; k < expected.size(); ++k) want_rows.push_back(Trim(expected[k]));
          if (rowsort) {
            std::sort(got_rows.begin(), got_rows.end());
            std::sort(want_rows.begin(), want_rows.end());
          }
          bool expect_empty = expected.empty();
          std::string want_header = expect_empty ? got_header : Trim(expected[0]);
          if (got_header != want_header || !RowsMatch(got_rows, want_rows)) {
            std::string msg = "result mismatch for:\n" + text + "expected:\n  " +
                              (expect_empty ? "(no rows)" : want_header) + "\n";
            for (const auto& r : want_rows) msg += "  " + r + "\n";
            msg += "got:\n  " + got_header + "\n";
            for (const auto& r : got_rows) msg += "  " + r + "\n";
            Fail(line_no, msg);
          } else {
            ++passed;
          }
        } catch (const std::exception& e) {
          Fail(line_no, std::string("query threw at ") +
                            (phase == Phase::kCompile ? "compile time" : "runtime") + ": " +
                            e.what() + "\n" + text);
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
  // Recovery logs every open at info level; failures are what matter here.
  spdlog::set_level(spdlog::level::warn);
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
