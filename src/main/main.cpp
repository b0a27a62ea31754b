// `tributary`: one binary, several subcommands (like `cockroach start` /
// `cockroach sql`). Flags are parsed here and handed to the modules.

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "bolt/auth.hpp"
#include "console/console.hpp"
#include "kafka/dev_broker.hpp"
#include "server/serve.hpp"
#include "storage/durability/durability.hpp"

namespace {

using namespace tributary;

bool ParseBoltVersion(const std::string& s, bolt::ProtocolVersion* out) {
  auto dot = s.find('.');
  if (dot == std::string::npos) return false;
  try {
    out->major = static_cast<uint8_t>(std::stoi(s.substr(0, dot)));
    out->minor = static_cast<uint8_t>(std::stoi(s.substr(dot + 1)));
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

void SetupLogging(const std::string& level) {
  auto logger = spdlog::stderr_color_mt("tributary");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(level));
  spdlog::set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%^%l%$] %v");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Tributary: an in-memory graph database for streaming data. Speaks openCypher "
      "over Bolt and ingests Kafka topics through streams."};
  app.require_subcommand(1);
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "Log level: trace, debug, info, warn, error, off")
      ->capture_default_str();

  // ---- serve ----
  server::ServeOptions serve;
  std::string wal_sync = "commit";
  std::string bolt_max = "5.4";
  auto* serve_cmd =
      app.add_subcommand("serve", "Run the database server (Bolt on --bolt-address).");
  serve_cmd->add_option("--bolt-address", serve.bolt_address, "host:port to serve Bolt on")
      ->capture_default_str();
  serve_cmd
      ->add_option("--bolt-max-version", bolt_max,
                   "Highest Bolt version to negotiate (e.g. 4.4 to test older clients)")
      ->capture_default_str();
  serve_cmd
      ->add_option("--max-connections", serve.max_connections,
                   "Connections served at once; more are refused with a clear error")
      ->capture_default_str();
  serve_cmd
      ->add_option("--idle-timeout", serve.idle_timeout_s,
                   "Seconds of client silence before a connection is closed (0 = never)")
      ->capture_default_str();
  serve_cmd
      ->add_option("--max-message-size", serve.max_message_size,
                   "Largest accepted Bolt message in bytes")
      ->capture_default_str();
  serve_cmd
      ->add_option("--workers", serve.workers,
                   "Bolt I/O threads: accept, socket reads and writes (0 = one per core)")
      ->capture_default_str();
  serve_cmd
      ->add_option("--execution-threads", serve.execution_threads,
                   "Threads running queries and password checks for Bolt clients; at most "
                   "this many requests execute at once, others wait (0 = four per core, at "
                   "least 8: commits waiting for their fdatasync hold a thread each, and "
                   "more of them share one sync)")
      ->capture_default_str();
  serve_cmd
      ->add_option("--write-timeout", serve.write_timeout_s,
                   "Seconds a write to a client that stopped reading may take before the "
                   "connection is closed (0 = never)")
      ->capture_default_str();
  serve_cmd->add_option("--auth-file", serve.auth_file,
                        "File of users with password hashes (see `tributary user add`); "
                        "makes authentication mandatory");
  serve_cmd
      ->add_option("--data-dir", serve.durability.data_dir,
                   "Directory of the write-ahead log and snapshots (locked while serving)")
      ->capture_default_str();
  serve_cmd
      ->add_option("--wal-sync", wal_sync,
                   "When commits reach the disk: commit (fdatasync before acknowledging, "
                   "with group commit), interval, none")
      ->check(CLI::IsMember({"commit", "interval", "none"}))
      ->capture_default_str();
  serve_cmd
      ->add_option("--snapshot-interval", serve.durability.snapshot_interval_s,
                   "Seconds between periodic snapshots (0 = only on shutdown and "
                   "CREATE SNAPSHOT)")
      ->capture_default_str();
  serve_cmd
      ->add_option("--snapshot-retention", serve.durability.snapshots_to_keep,
                   "Snapshots kept on disk")
      ->capture_default_str();
  serve_cmd->add_flag("--in-memory-only", serve.in_memory_only,
                      "Keep nothing on disk (no WAL, no snapshots): for tests and benchmarks");
  serve_cmd->add_flag("--tck-fixture-procedures", serve.tck_fixture_procedures,
                      "Test only, off by default: let clients register the openCypher TCK's "
                      "fixture procedures (CALL tributary.tck.registerProcedure(signature, "
                      "header, rows), CALL tributary.tck.clearProcedures())");
  serve_cmd
      ->add_option("--query-timeout", serve.query_timeout_ms,
                   "Per-query time limit in milliseconds (0 = none)")
      ->capture_default_str();
  serve_cmd
      ->add_option("--query-memory-limit", serve.query_memory_limit_mb,
                   "Per-query memory limit in MiB for sorting, aggregation and the like "
                   "(0 = none)")
      ->capture_default_str();
  serve_cmd
      ->add_option("--kafka-timeout", serve.kafka_timeout_ms,
                   "Milliseconds CREATE STREAM waits for a broker to answer")
      ->capture_default_str();
  serve_cmd
      ->add_option("--transform-timeout", serve.transform_timeout_ms,
                   "Milliseconds a transform call may run before it is interrupted")
      ->capture_default_str();
  serve_cmd
      ->add_option("--stream-test-wait", serve.stream_test_wait_ms,
                   "Milliseconds TEST STREAM waits for messages before it returns what it "
                   "has")
      ->capture_default_str();

  // ---- console ----
  console::ConsoleOptions con;
  std::string output_format = "tabular";
  auto* console_cmd =
      app.add_subcommand("console", "Interactive openCypher console (a Bolt client).");
  console_cmd->add_option("--host", con.host, "Server address (IP or DNS name)")
      ->capture_default_str();
  console_cmd->add_option("--port", con.port, "Server port")->capture_default_str();
  console_cmd->add_option("--username", con.username,
                          "User name; empty connects without authentication");
  console_cmd->add_option(
      "--password", con.password,
      "Password; asked for on the terminal when --username is given without it");
  console_cmd
      ->add_option("--output-format", output_format,
                   "Result format: tabular (mgconsole-style tables), csv, or json")
      ->check(CLI::IsMember({"tabular", "csv", "json"}))
      ->capture_default_str();
  console_cmd->add_flag(
      "--continue-on-error", con.continue_on_error,
      "When reading queries from a pipe or file, keep going after a failed query");
  console_cmd->add_option("--history", con.history_file,
                          "History file for interactive mode (default ~/.tributary_history)");
  console_cmd->add_flag("--no-history", con.no_history, "Do not read or write the history file");

  // ---- dev-broker ----
  kafka::DevBrokerOptions broker;
  auto* broker_cmd = app.add_subcommand(
      "dev-broker",
      "Run a development Kafka broker (librdkafka's mock cluster) in the foreground. For "
      "development and tests only: it keeps at most 100,000 messages / 5 MiB per partition.");
  broker_cmd->add_option("--topics", broker.topics, "Topics to create (comma-separated)")
      ->delimiter(',')
      ->capture_default_str();
  broker_cmd->add_option("--partitions", broker.partitions, "Partitions of each topic")
      ->capture_default_str();
  broker_cmd
      ->add_option("--port", broker.port,
                   "Bootstrap port: 0 uses the mock's own port (chosen by the kernel); "
                   "otherwise connections to localhost:PORT are forwarded to it")
      ->capture_default_str();
  broker_cmd->add_option("--address-file", broker.address_file,
                         "Also write the bootstrap address to this file");

  // ---- wal-dump / snapshot-dump ----
  std::string dump_path;
  auto* wal_dump =
      app.add_subcommand("wal-dump", "Print a WAL segment (or a WAL directory) readably.");
  wal_dump->add_option("path", dump_path, "WAL segment file or directory")->required();
  auto* snap_dump = app.add_subcommand("snapshot-dump", "Print a snapshot file readably.");
  snap_dump->add_option("path", dump_path, "Snapshot file")->required();

  // ---- user add ----
  std::string user_file, user_name;
  auto* user_cmd = app.add_subcommand("user", "Manage the users of an --auth-file.");
  user_cmd->require_subcommand(1);
  auto* user_add = user_cmd->add_subcommand(
      "add", "Add or replace a user; reads the password from the first line of stdin.");
  user_add->add_option("--auth-file", user_file, "The users file (created if missing)")->required();
  user_add->add_option("name", user_name, "User name")->required();

  CLI11_PARSE(app, argc, argv);
  SetupLogging(log_level);

  if (*serve_cmd) {
    serve.durability.wal_sync = wal_sync == "commit" ? storage::durability::SyncPolicy::kCommit
                                : wal_sync == "interval"
                                    ? storage::durability::SyncPolicy::kInterval
                                    : storage::durability::SyncPolicy::kNone;
    if (!ParseBoltVersion(bolt_max, &serve.bolt_max_version)) {
      std::cerr << "--bolt-max-version must look like 5.4 or 4.4\n";
      return 2;
    }
    return server::RunServe(serve);
  }
  if (*console_cmd) {
    con.output_format = output_format == "csv"    ? console::OutputFormat::kCsv
                        : output_format == "json" ? console::OutputFormat::kJson
                                                  : console::OutputFormat::kTabular;
    return console::RunConsole(con);
  }
  if (*broker_cmd) {
    auto r = kafka::RunDevBroker(broker);
    if (r.HasError()) {
      std::cerr << "dev-broker: " << r.Error().message << "\n";
      return 1;
    }
    return 0;
  }
  if (*wal_dump) return storage::durability::DumpWal(dump_path, std::cout) ? 0 : 1;
  if (*snap_dump) return storage::durability::DumpSnapshot(dump_path, std::cout) ? 0 : 1;
  if (*user_add) {
    std::string password;
    std::getline(std::cin, password);
    auto r = bolt::AddUser(user_file, user_name, password);
    if (r.HasError()) {
      std::cerr << "user add: " << r.Error() << "\n";
      return 1;
    }
    return 0;
  }
  return 0;
}
