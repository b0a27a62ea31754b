#include "console/console.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "bolt/client.hpp"
#include "console/line_editor.hpp"
#include "console/query_splitter.hpp"

namespace tributary::console {

namespace {

using bolt::Client;
using bolt::ClientError;

constexpr const char* kPrompt = "tributary> ";
constexpr const char* kContinuationPrompt = "        -> ";
constexpr const char* kHelp =
    "In interactive mode, user can enter Cypher queries and supported commands.\n\n"
    "Cypher queries can span multiple lines and end with a semicolon (;). Each\n"
    "query is executed in the database and the results are printed out.\n\n"
    "The following interactive commands are supported:\n\n"
    "\t:help\t Print out usage for interactive mode\n"
    "\t:quit\t Exit the shell\n";

// Update counters as mgconsole words them, in its order.
constexpr std::pair<const char*, const char*> kStatLines[] = {
    {"nodes-created", "nodes have been created."},
    {"nodes-deleted", "nodes have been deleted."},
    {"relationships-created", "relationships have been created."},
    {"relationships-deleted", "relationships have been deleted."},
    {"labels-added", "labels have been created."},
    {"labels-removed", "labels have been deleted."},
    {"properties-set", "properties have been updated."},
    {"indexes-added", "indexes have been created."},
    {"indexes-removed", "indexes have been deleted."},
    {"constraints-added", "constraints have been created."},
    {"constraints-removed", "constraints have been deleted."},
};

bolt::ClientOptions ClientOptionsFor(const ConsoleOptions& o, const std::string& password) {
  bolt::ClientOptions c;
  c.host = o.host;
  c.port = o.port;
  c.username = o.username;
  c.password = password;
  c.user_agent = "tributary-console/0.1";
  return c;
}

std::string Address(const ConsoleOptions& o) {
  return "bolt://" + o.host + ":" + std::to_string(o.port);
}

void PrintStats(const bolt::Map& summary, std::ostream& err) {
  const bolt::Value* stats = summary.Find("stats");
  if (stats == nullptr || !stats->IsMap()) return;
  for (const auto& [key, text] : kStatLines) {
    const bolt::Value* v = stats->AsMap().Find(key);
    if (v != nullptr && v->IsInt() && v->AsInt() != 0) err << v->AsInt() << " " << text << "\n";
  }
}

void PrintSummary(size_t rows, double seconds, std::ostream& err) {
  std::string what = rows == 0   ? "Empty set"
                     : rows == 1 ? "1 row in set"
                                 : std::to_string(rows) + " rows in set";
  char buf[64];
  std::snprintf(buf, sizeof(buf), " (%.3f sec)", seconds);
  err << what << buf << "\n";
}

// Holds the connection and reconnects after connection-level failures.
class Connection {
 public:
  Connection(const ConsoleOptions& options, std::string password)
      : options_(options), password_(std::move(password)) {}

  Result<void, ClientError> Open() {
    auto c = Client::Connect(ClientOptionsFor(options_, password_));
    if (!c) return MakeError(c.Error());
    client_ = std::move(*c);
    return {};
  }

  Client* client() { return client_.get(); }

  // Runs `query`; on a connection-level failure drops the client so the
  // next call reconnects.
  Result<bolt::QueryResult, ClientError> Execute(const std::string& query) {
    if (!client_) {
      if (auto opened = Open(); !opened) return MakeError(opened.Error());
    }
    auto r = client_->Execute(query);
    if (!r && r.Error().kind != ClientError::Kind::kServer) client_.reset();
    return r;
  }

 private:
  const ConsoleOptions& options_;
  std::string password_;
  std::unique_ptr<Client> client_;
};

std::string HistoryPath(const ConsoleOptions& o) {
  if (o.no_history) return "";
  if (!o.history_file.empty()) return o.history_file;
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') return "";
  return std::string(home) + "/.tributary_history";
}

int RunInteractive(const ConsoleOptions& options) {
  std::string password = options.password;
  if (!options.username.empty() && password.empty()) {
    auto entered = ReadSecret("Password: ");
    if (!entered) {
      std::cerr << "Password not submitted for user " << options.username << "\n";
      return 1;
    }
    password = *entered;
  }
  Connection connection(options, password);
  if (auto opened = connection.Open(); !opened) {
    std::cerr << "Connection failure: " << opened.Error().message << "\n";
    return 1;
  }
  const bool color = ::isatty(STDOUT_FILENO) != 0;
  std::cout << "tributary console (Bolt " << connection.client()->version().ToString() << ")\n"
            << "Type :help for shell usage\n"
            << "Quit the shell by typing Ctrl-D(eof) or :quit\n"
            << "Connected to '" << Address(options) << "'\n";
  LineEditor editor(HistoryPath(options));
  QuerySplitter splitter;
  for (;;) {
    auto line = editor.ReadLine(splitter.InQuery() ? kContinuationPrompt : kPrompt);
    if (!line) {
      std::cout << "Bye\n";
      return 0;
    }
    editor.AddHistory(*line);
    if (!splitter.InQuery()) {
      const std::string command = Trim(*line);
      if (!command.empty() && command[0] == ':') {
        if (command == ":quit" || command == ":exit") return 0;
        if (command != ":help") std::cout << "Unsupported command: " << command << "\n";
        std::cout << kHelp << std::endl;
        continue;
      }
    }
    for (const auto& query : splitter.AddLine(*line)) {
      const auto start = std::chrono::steady_clock::now();
      auto result = connection.Execute(query);
      const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
      if (!result) {
        std::cout << (color ? "\033[1;31mClient received exception: \033[0m"
                            : "Client received exception: ")
                  << result.Error().message << std::endl;
        continue;
      }
      PrintResult(options.output_format, result->fields, result->rows, std::cout);
      std::cout.flush();
      PrintStats(result->summary, std::cerr);
      PrintSummary(result->rows.size(), took.count(), std::cerr);
    }
  }
}

}  // namespace

int RunScript(const ConsoleOptions& options, std::istream& in, std::ostream& out,
              std::ostream& err) {
  Connection connection(options, options.password);
  if (auto opened = connection.Open(); !opened) {
    err << "Connection failure: " << opened.Error().message << "\n";
    return 1;
  }
  QuerySplitter splitter;
  std::vector<std::string> queries;
  bool more = true;
  while (more) {
    std::string line;
    more = static_cast<bool>(std::getline(in, line));
    if (more) {
      queries = splitter.AddLine(line);
    } else {
      queries.clear();
      if (auto rest = splitter.TakeRest()) queries.push_back(std::move(*rest));
    }
    for (const auto& query : queries) {
      auto result = connection.Execute(query);
      if (!result) {
        out.flush();
        err << "Failed query: " << query << "\n"
            << "Client received exception: " << result.Error().message << std::endl;
        if (!options.continue_on_error) return 1;
        continue;
      }
      PrintResult(options.output_format, result->fields, result->rows, out);
    }
  }
  out.flush();
  return 0;
}

int RunConsole(const ConsoleOptions& options) {
  if (::isatty(STDIN_FILENO) != 0) return RunInteractive(options);
  return RunScript(options, std::cin, std::cout, std::cerr);
}

}  // namespace tributary::console
