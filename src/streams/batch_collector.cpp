#include "streams/batch_collector.hpp"

#include <algorithm>

namespace tributary::streams {

Collected CollectBatch(const PollFunction& poll, const CollectOptions& options,
                       const std::function<bool()>& keep_going) {
  using Clock = std::chrono::steady_clock;
  Collected out;
  kafka::Batch& batch = out.batch;
  auto window_end = Clock::now() + options.interval;
  while (true) {
    const auto now = Clock::now();
    if (now >= window_end) {
      if (!batch.messages.empty()) return out;
      window_end = now + options.interval;  // An empty interval starts a new one.
    }
    if (options.give_up_at && now >= *options.give_up_at && batch.messages.empty()) return out;
    if (!keep_going()) return out;
    auto wait = std::min<Clock::duration>(window_end - now, options.slice);
    if (options.give_up_at && batch.messages.empty()) {
      wait = std::min<Clock::duration>(wait, *options.give_up_at - now);
    }
    const int wait_ms = static_cast<int>(
        std::max<int64_t>(0, std::chrono::ceil<std::chrono::milliseconds>(wait).count()));
    auto polled = poll(options.batch_size - batch.messages.size(), wait_ms);
    if (!polled) {
      out.error = polled.Error();
      return out;
    }
    if (batch.messages.empty()) {
      batch = std::move(*polled);
    } else {
      for (auto& m : polled->messages) batch.messages.push_back(std::move(m));
      for (const auto& [partition, offset] : polled->end_offsets) {
        batch.end_offsets[partition] = offset;
      }
    }
    if (batch.messages.size() >= options.batch_size) return out;
  }
}

}  // namespace tributary::streams
