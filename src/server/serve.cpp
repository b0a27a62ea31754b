#include "server/serve.hpp"

#include <spdlog/spdlog.h>

#include "bolt/auth.hpp"
#include "bolt/server.hpp"
#include "cypher/errors.hpp"
#include "cypher/functions/procedure.hpp"
#include "python/python_runtime.hpp"
#include "query/engine.hpp"
#include "server/bolt_adapter.hpp"
#include "storage/storage.hpp"
#include "streams/stream_manager.hpp"

namespace tributary::server {
namespace {

/// Stream statements go to the stream manager; CREATE SNAPSHOT to durability.
class SystemHandlerImpl final : public query::SystemHandler {
 public:
  SystemHandlerImpl(storage::durability::Durability* durability, streams::StreamManager* streams,
                    std::string streams_unavailable)
      : durability_(durability),
        streams_(streams),
        streams_unavailable_(std::move(streams_unavailable)) {}
  query::ResultTable ExecuteStreamStatement(const cypher::Statement& statement) override {
    if (streams_ == nullptr) throw cypher::DatabaseError("", streams_unavailable_);
    return streams_->Execute(statement);
  }
  void CreateSnapshot() override {
    if (durability_ == nullptr) {
      throw cypher::DatabaseError("",
                                  "Snapshots need a data directory (server runs in memory only)");
    }
    auto r = durability_->CreateSnapshot();
    // Mapped to Neo.DatabaseError.Statement.ExecutionFailed (ToBoltError).
    if (r.HasError()) throw cypher::DatabaseError("ExecutionFailed", r.Error().message);
  }

 private:
  storage::durability::Durability* durability_;
  streams::StreamManager* streams_;  // Null when Python could not start.
  std::string streams_unavailable_;
};

}  // namespace

bool ParseHostPort(const std::string& text, std::string* host, uint16_t* port) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 >= text.size()) return false;
  std::string h = text.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  if (h.empty()) return false;
  try {
    size_t used = 0;
    int p = std::stoi(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1 || p < 0 || p > 65535) return false;
    *port = static_cast<uint16_t>(p);
  } catch (const std::exception&) {
    return false;
  }
  *host = h;
  return true;
}

int RunServe(const ServeOptions& options) {
  std::string host;
  uint16_t port = 0;
  if (!ParseHostPort(options.bolt_address, &host, &port)) {
    spdlog::error("--bolt-address must be host:port, got '{}'", options.bolt_address);
    return 2;
  }

  storage::Storage storage(storage::StorageConfig{});
  std::unique_ptr<storage::durability::Durability> durability;
  if (!options.in_memory_only) {
    auto d = storage::durability::Durability::Open(options.durability, storage);
    if (d.HasError()) {
      spdlog::error("{}", d.Error().message);
      return 1;
    }
    durability = std::move(*d);
  } else {
    spdlog::warn("running in memory only: nothing is written to disk");
  }

  query::EngineOptions engine_options;
  engine_options.query_timeout = std::chrono::milliseconds(options.query_timeout_ms);
  engine_options.query_memory_limit = options.query_memory_limit_mb << 20;
  query::QueryEngine engine(storage, engine_options);
  if (options.tck_fixture_procedures) {
    cypher::EnableTestFixtureProcedures([&engine] { engine.InvalidatePlans(); });
    spdlog::warn(
        "test fixture procedures are enabled (--tck-fixture-procedures): any client may register "
        "procedures with CALL tributary.tck.registerProcedure");
  }

  // Streams: one Python interpreter for the process (destroyed last, on this
  // thread), then the manager, which recreates the stored streams and starts
  // those that were running, in the background.
  std::unique_ptr<python::PythonRuntime> python_runtime;
  std::unique_ptr<streams::StreamManager> stream_manager;
  std::string streams_unavailable;
  if (auto runtime = python::PythonRuntime::Start(); runtime) {
    python_runtime = std::move(*runtime);
    streams::StreamManagerOptions so;
    so.kafka_timeout = std::chrono::milliseconds(options.kafka_timeout_ms);
    so.transform_timeout = std::chrono::milliseconds(options.transform_timeout_ms);
    so.test_wait = std::chrono::milliseconds(options.stream_test_wait_ms);
    stream_manager = std::make_unique<streams::StreamManager>(engine, so);
    stream_manager->Recover();
  } else {
    streams_unavailable =
        "Streams are not available: the Python runtime did not start (" + runtime.Error() + ")";
    spdlog::error("{}", streams_unavailable);
  }
  SystemHandlerImpl system(durability.get(), stream_manager.get(), streams_unavailable);
  engine.SetSystemHandler(&system);

  std::shared_ptr<bolt::Authenticator> auth;
  if (!options.auth_file.empty()) {
    auto loaded = bolt::FileAuthenticator::Load(options.auth_file);
    if (loaded.HasError()) {
      spdlog::error("cannot load --auth-file {}: {}", options.auth_file, loaded.Error());
      return 1;
    }
    spdlog::info("authentication required (users from {})", options.auth_file);
    auth = std::move(*loaded);
  } else {
    spdlog::warn(
        "authentication is disabled: any client may connect (use --auth-file to require "
        "passwords)");
    auth = std::make_shared<bolt::NoAuthAuthenticator>();
  }

  bolt::ServerOptions so;
  so.address = host;
  so.port = port;
  so.worker_threads = options.workers;
  so.execution_threads = options.execution_threads;
  so.write_timeout = std::chrono::seconds(options.write_timeout_s);
  so.max_connections = options.max_connections;
  so.idle_timeout = std::chrono::seconds(options.idle_timeout_s);
  so.max_message_size = options.max_message_size;
  so.max_version = options.bolt_max_version;
  bolt::Server server(so, MakeHandlerFactory(engine), auth);
  if (auto started = server.Start(); started.HasError()) {
    spdlog::error("cannot listen on {}: {}", options.bolt_address, started.Error());
    return 1;
  }
  spdlog::info("Tributary is serving Bolt on {}:{}", host, server.port());
  server.StopOnSignals();
  server.Wait();
  spdlog::info("shutting down");
  // Workers stop after their current batch; what they stored stays, so the
  // streams that were running start again with the next server.
  if (stream_manager) stream_manager->Shutdown();
  if (durability) durability->Shutdown();
  return 0;
}

}  // namespace tributary::server
