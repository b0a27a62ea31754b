#pragma once
// What a stream is: the definition CREATE STREAM stores (with the script's
// text), its durable control state and its durable progress. Plain values;
// their encodings are in system_keys.hpp (docs/formats/streams.md).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kafka/consumer.hpp"

namespace tributary::streams {

/// BATCH_INTERVAL when CREATE STREAM gives none, in milliseconds.
inline constexpr int64_t kDefaultBatchIntervalMs = 100;
/// BATCH_SIZE when CREATE STREAM gives none.
inline constexpr int64_t kDefaultBatchSize = 1000;

/// A stream as created: immutable for its lifetime.
struct StreamDefinition {
  std::string name;
  std::string kafka_uri;  ///< "host:port" or a comma-separated list of them.
  std::string topic;
  std::string transform_uri;  ///< Where the script was fetched from (shown, never re-read).
  std::string script;         ///< The transform's source text, fetched by CREATE STREAM.
  int64_t batch_interval_ms = kDefaultBatchIntervalMs;
  int64_t batch_size = kDefaultBatchSize;
  std::string consumer_group;  ///< kafka::DefaultGroupId(name) unless stated otherwise.
  int64_t created_at_ms = 0;   ///< Unix time in milliseconds.

  friend bool operator==(const StreamDefinition&, const StreamDefinition&) = default;
};

/// What the stream should be doing, as last decided by a statement or by the
/// stream itself; survives restarts (recovery restarts kRunning streams).
enum class DesiredState : uint8_t {
  kStopped,  ///< Created, or STOP STREAM, or LIMIT reached.
  kRunning,  ///< START STREAM (possibly with a batch limit).
  kFailed,   ///< A batch failed (transform or query); waits for START.
};

/// The durable control state of a stream.
struct StreamControl {
  DesiredState desired = DesiredState::kStopped;
  /// `START ... LIMIT n BATCHES`: n, and the stream's batch count when it
  /// started, so the limit survives a restart: the stream stops once
  /// `batches >= limit_base + *limit_batches`.
  std::optional<int64_t> limit_batches;
  uint64_t limit_base = 0;
  /// Why the last batch failed (kFailed only) and when (Unix ms).
  std::string error;
  int64_t error_time_ms = 0;

  friend bool operator==(const StreamControl&, const StreamControl&) = default;
};

/// How far a stream got; written in the same transaction as each batch.
struct StreamProgress {
  kafka::PartitionOffsets offsets;  ///< Next offset to read, per partition.
  uint64_t messages = 0;            ///< Messages applied since CREATE.
  uint64_t batches = 0;             ///< Batches applied since CREATE.

  friend bool operator==(const StreamProgress&, const StreamProgress&) = default;
};

/// Checks that `uri` is "host:port" or a comma-separated list of them (port
/// 1..65535, no spaces). Returns a description of the problem, or nullopt.
std::optional<std::string> ValidateKafkaUri(std::string_view uri);

/// Unix time now, in milliseconds.
int64_t NowUnixMs();

/// "2024-05-01T12:00:00.123Z" for a Unix time in milliseconds.
std::string FormatUnixMs(int64_t unix_ms);

}  // namespace tributary::streams
