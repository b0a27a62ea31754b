#pragma once
// `tributary console`: an mgconsole-like Cypher shell over Bolt.
//
// Interactive (stdin is a terminal): line editing and history via libedit,
// queries end with `;` (multi-line allowed), `:help` and `:quit`. After
// each query a summary ("3 rows in set (0.002 sec)", "Empty set (...)") and
// any update counters go to stderr. A failed query prints
// `Client received exception: <message>` to stdout (as mgconsole) and the
// session goes on.
//
// Non-interactive (stdin is not a terminal): runs every `;`-terminated query
// read from stdin (a final query without `;` runs too), printing only results
// on stdout. On a failure it prints `Failed query: <query>` and
// `Client received exception: <message>` to stderr and exits with status 1,
// unless continue_on_error is set (then it goes on and exits 0).

#include <cstdint>
#include <istream>
#include <ostream>
#include <string>

#include "console/format.hpp"

namespace tributary::console {

/// Options of `tributary console`; each comment is the flag's help text.
struct ConsoleOptions {
  /// --host: "Server address (IP or DNS name)."
  std::string host = "127.0.0.1";
  /// --port: "Server port."
  uint16_t port = 7687;
  /// --username: "User name; empty connects without authentication."
  std::string username;
  /// --password: "Password; asked for on the terminal when --username is
  /// given without it."
  std::string password;
  /// --output-format: "Result format: tabular (mgconsole-style tables), csv,
  /// or json (one JSON object per row)."
  OutputFormat output_format = OutputFormat::kTabular;
  /// --continue-on-error: "When reading queries from a pipe or file, keep
  /// going after a failed query (the error is still printed)."
  bool continue_on_error = false;
  /// --history: "History file for interactive mode (default
  /// ~/.tributary_history)."
  std::string history_file;
  /// --no-history: "Do not read or write the history file."
  bool no_history = false;
};

/// Runs the console on stdin/stdout/stderr; returns the process exit code
/// (0 success, 1 connection failure or failed query).
int RunConsole(const ConsoleOptions& options);

/// Non-interactive mode on arbitrary streams (used by RunConsole and tests).
int RunScript(const ConsoleOptions& options, std::istream& in, std::ostream& out,
              std::ostream& err);

}  // namespace tributary::console
