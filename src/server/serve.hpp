#pragma once
// `tributary serve`: the process wiring of a database server. Storage,
// durability (recovery, WAL, snapshots), the query engine, the Bolt server,
// and streams, started in that order and stopped in reverse.

#include <chrono>
#include <cstdint>
#include <string>

#include "bolt/version.hpp"
#include "storage/durability/durability.hpp"

namespace tributary::server {

/// Everything `tributary serve` can be told on its command line.
struct ServeOptions {
  std::string bolt_address = "127.0.0.1:7687";
  bolt::ProtocolVersion bolt_max_version = bolt::kNewestVersion;
  size_t max_connections = 1000;
  uint32_t idle_timeout_s = 1800;
  size_t max_message_size = 16u << 20;
  size_t workers = 0;
  size_t execution_threads = 0;
  uint32_t write_timeout_s = 60;
  std::string auth_file;
  storage::durability::DurabilityOptions durability;
  /// No WAL, no snapshots, no data dir (tests and benchmarks only).
  bool in_memory_only = false;
  /// Test only: the TCK's fixture procedures (tributary.tck.*).
  bool tck_fixture_procedures = false;
  uint32_t query_timeout_ms = 0;
  uint64_t query_memory_limit_mb = 0;
  /// Streams: broker answer timeout for CREATE STREAM and transform call limit.
  uint32_t kafka_timeout_ms = 5000;
  uint32_t transform_timeout_ms = 30000;
  /// TEST STREAM returns what it has when no message arrives for this long.
  uint32_t stream_test_wait_ms = 5000;
};

/// Runs the server until SIGINT/SIGTERM; returns the process exit code.
int RunServe(const ServeOptions& options);

/// Parses "host:port" (IPv6 as "[::1]:7687"). False when malformed.
bool ParseHostPort(const std::string& text, std::string* host, uint16_t* port);

}  // namespace tributary::server
