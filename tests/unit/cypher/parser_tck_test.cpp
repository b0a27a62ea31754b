// Parses every query of the openCypher TCK feature files: the doc strings of
// `executing query:` and `having executed:` steps, with Scenario Outline
// placeholders expanded. Every query must parse, except those of scenarios
// expecting a compile-time SyntaxError, which may go either way (counted).

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "cypher/parser/parser.hpp"

namespace tributary::cypher {
namespace {

namespace fs = std::filesystem;

struct TckQuery {
  std::string text;
  bool is_setup = false;  // `having executed:` rather than `executing query:`
};

struct TckScenario {
  std::string file;
  std::string name;
  std::vector<TckQuery> queries;
  bool expects_compile_syntax_error = false;
  std::string expected_detail;
};

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> SplitRow(const std::string& line) {
  std::vector<std::string> cells;
  std::string t = Trim(line);
  // | a | b |  -> cells a, b
  size_t i = 1;
  while (i < t.size()) {
    size_t j = t.find('|', i);
    if (j == std::string::npos) break;
    cells.push_back(Trim(t.substr(i, j - i)));
    i = j + 1;
  }
  return cells;
}

std::string Substitute(std::string text, const std::map<std::string, std::string>& row) {
  for (const auto& [key, value] : row) {
    std::string placeholder = "<" + key + ">";
    for (size_t at = text.find(placeholder); at != std::string::npos;
         at = text.find(placeholder, at + value.size())) {
      text.replace(at, placeholder.size(), value);
    }
  }
  return text;
}

/// Reads one .feature file into scenarios (outlines expanded per example row).
std::vector<TckScenario> ReadFeature(const fs::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);

  std::vector<TckScenario> result;
  TckScenario current;
  bool have_scenario = false;
  std::vector<std::string> header;
  std::vector<std::map<std::string, std::string>> rows;
  bool in_examples = false;

  auto flush = [&] {
    if (!have_scenario) return;
    if (rows.empty()) {
      result.push_back(current);
    } else {
      for (const auto& row : rows) {
        TckScenario expanded = current;
        for (auto& q : expanded.queries) q.text = Substitute(q.text, row);
        result.push_back(expanded);
      }
    }
    current = TckScenario{};
    have_scenario = false;
    header.clear();
    rows.clear();
    in_examples = false;
  };

  for (size_t i = 0; i < lines.size(); ++i) {
    std::string t = Trim(lines[i]);
    if (t.empty() || t[0] == '#') continue;
    if (t.rfind("Scenario", 0) == 0) {
      flush();
      have_scenario = true;
      current.file = path.filename().string();
      current.name = t;
      continue;
    }
    if (!have_scenario) continue;
    if (t.rfind("Examples:", 0) == 0) {
      in_examples = true;
      header.clear();
      continue;
    }
    if (in_examples && t[0] == '|') {
      std::vector<std::string> cells = SplitRow(t);
      if (header.empty()) {
        header = cells;
      } else {
        std::map<std::string, std::string> row;
        for (size_t c = 0; c < header.size() && c < cells.size(); ++c) row[header[c]] = cells[c];
        rows.push_back(row);
      }
      continue;
    }
    bool executing = t.find("executing query:") != std::string::npos;
    bool setup = t.find("having executed:") != std::string::npos;
    if ((executing || setup) && i + 1 < lines.size() && Trim(lines[i + 1]) == "\"\"\"") {
      size_t indent = lines[i + 1].find('"');
      std::string text;
      size_t j = i + 2;
      for (; j < lines.size() && Trim(lines[j]) != "\"\"\""; ++j) {
        const std::string& l = lines[j];
        size_t strip = std::min(indent, l.find_first_not_of(" \t") == std::string::npos
                                            ? l.size()
                                            : l.find_first_not_of(" \t"));
        text += l.substr(strip) + "\n";
      }
      if (!text.empty()) text.pop_back();
      current.queries.push_back({text, setup});
      i = j;
      continue;
    }
    const std::string kCompileSyntax = "SyntaxError should be raised at compile time:";
    if (size_t at = t.find(kCompileSyntax); at != std::string::npos) {
      current.expects_compile_syntax_error = true;
      current.expected_detail = Trim(t.substr(at + kCompileSyntax.size()));
    }
  }
  flush();
  return result;
}

TEST(ParserTckTest, ParsesEveryTckQuery) {
  fs::path root = fs::path(TRIBUTARY_TCK_DIR) / "features";
  if (!fs::is_directory(root)) {
    GTEST_SKIP() << "TCK folder not found at " << root
                 << " (expected shared/tck next to the repository); skipping";
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.path().extension() == ".feature") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty());

  int parsed = 0;
  int syntax_scenarios = 0;
  int syntax_rejected = 0;
  std::map<std::string, std::pair<int, int>> by_detail;  // detail -> (rejected, total)
  std::vector<std::string> accepted_syntax_errors;
  std::vector<std::string> mismatched_details;
  for (const auto& file : files) {
    for (const TckScenario& scenario : ReadFeature(file)) {
      for (const TckQuery& query : scenario.queries) {
        bool must_parse = query.is_setup || !scenario.expects_compile_syntax_error;
        if (must_parse) {
          try {
            Parse(query.text);
            ++parsed;
          } catch (const CypherError& e) {
            ADD_FAILURE() << scenario.file << " " << scenario.name << "\n"
                          << query.text << "\n  -> " << e.what();
          }
          continue;
        }
        ++syntax_scenarios;
        auto& [rejected, total] = by_detail[scenario.expected_detail];
        ++total;
        try {
          Parse(query.text);
          accepted_syntax_errors.push_back(scenario.expected_detail + ": " + query.text);
        } catch (const SyntaxError& e) {
          ++syntax_rejected;
          ++rejected;
          if (e.Detail() != scenario.expected_detail) {
            mismatched_details.push_back(scenario.expected_detail + " expected, got " + e.what() +
                                         ": " + query.text);
          }
        }
      }
    }
  }
  std::cout << "[ TCK      ] " << files.size() << " feature files, " << parsed
            << " queries parsed; compile-time SyntaxError scenarios: " << syntax_rejected << " of "
            << syntax_scenarios << " rejected by the parser\n";
  for (const auto& [detail, counts] : by_detail) {
    std::cout << "[ TCK      ]   " << detail << ": " << counts.first << "/" << counts.second
              << " rejected\n";
  }
  if (std::getenv("TCK_VERBOSE")) {
    for (const auto& q : accepted_syntax_errors) std::cout << "  accepted: " << q << "\n";
    for (const auto& q : mismatched_details) std::cout << "  other detail: " << q << "\n";
  }
  EXPECT_GT(parsed, 1000);
}

}  // namespace
}  // namespace tributary::cypher
