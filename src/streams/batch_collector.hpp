#pragma once
// Turns the consumer's polls into the batches of the transform contract: a
// batch is taken when BATCH_SIZE messages have arrived or BATCH_INTERVAL has
// passed, whichever comes first, as long as at least one message arrived. An
// interval that passes without messages starts a new one.

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>

#include "common/result.hpp"
#include "kafka/consumer.hpp"

namespace tributary::streams {

/// Polls for up to `max_messages` for at most `max_wait_ms` (the shape of
/// kafka::Consumer::PollBatch, so tests can substitute a fake).
using PollFunction =
    std::function<Result<kafka::Batch, kafka::KafkaError>(size_t max_messages, int max_wait_ms)>;

/// How to collect one batch.
struct CollectOptions {
  size_t batch_size = 1000;
  std::chrono::milliseconds interval{100};
  /// The longest single poll, so `keep_going` is asked at least this often.
  std::chrono::milliseconds slice{100};
  /// Give up (returning an empty batch) if no message arrived by then.
  std::optional<std::chrono::steady_clock::time_point> give_up_at;
};

/// What CollectBatch returns: the messages collected (possibly none), and the
/// poll error that ended the collection, if one did. Messages collected before
/// an error are valid (they precede it); apply them, then handle the error.
struct Collected {
  kafka::Batch batch;
  std::optional<kafka::KafkaError> error;
};

/// Collects one batch. Returns when the batch is complete (see above), when
/// `keep_going()` returns false (the messages so far are returned, for the
/// caller to drop), when `give_up_at` passes before any message arrived, or
/// when a poll fails.
Collected CollectBatch(const PollFunction& poll, const CollectOptions& options,
                       const std::function<bool()>& keep_going);

}  // namespace tributary::streams
