#pragma once
// TEST STREAM: runs a stream's transform on the next batches of its topic and
// returns what the transform produced, without writing anything and without
// moving the stream (a throwaway read-only consumer group; the stored offsets
// are only read).

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "kafka/client.hpp"
#include "kafka/consumer.hpp"
#include "python/transform.hpp"
#include "streams/stream_definition.hpp"

namespace tributary::streams {

/// How TEST STREAM runs.
struct TestOptions {
  std::chrono::milliseconds metadata_timeout{5000};
  std::chrono::milliseconds transform_timeout = python::kDefaultTransformTimeLimit;
  /// A batch with no message after this long ends the test with what it has.
  std::chrono::milliseconds wait_for_messages{5000};
  kafka::ConfigSettings consumer_config;
};

/// Reads up to `batches` batches of `definition`'s topic starting at
/// `offsets` (the stream's stored position), runs the transform on each and
/// returns every (query, params) pair in order. Errors are complete
/// user-facing messages ("Kafka stream s, broker not available at ...",
/// "Transform s: ValueError: ..."). Blocks; holds the GIL only in the
/// transform.
Result<std::vector<python::QueryWithParams>, std::string> RunTestStream(
    const StreamDefinition& definition, const kafka::PartitionOffsets& offsets, int64_t batches,
    const TestOptions& options);

}  // namespace tributary::streams
