#pragma once
// Bolt message framing: a message is sent as chunks, each a 2-byte big-endian
// length (1..65535) followed by that many bytes, and ends with a 00 00
// marker. An empty message (a lone 00 00) is a NOOP keep-alive.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::bolt {

/// Largest chunk the 2-byte header can describe.
inline constexpr size_t kMaxChunkSize = 0xFFFF;

/// Appends `message` to `out` split into chunks of at most `max_chunk` bytes,
/// then the end marker. REQUIRES: 0 < max_chunk <= kMaxChunkSize.
void AppendChunked(std::string_view message, std::string* out, size_t max_chunk = kMaxChunkSize);

/// Reassembles messages from a chunked byte stream that arrives in arbitrary
/// pieces. A message larger than the configured maximum is not buffered: its
/// remaining chunks are skipped and an kOversize event reports it, so the
/// stream stays in sync and memory stays bounded. Not thread-safe.
class Dechunker {
 public:
  enum class EventKind { kMessage, kOversize };
  struct Event {
    EventKind kind;
    std::string message;  // the reassembled message for kMessage
    size_t size = 0;      // total message size in bytes
  };

  /// REQUIRES: max_message_size > 0.
  explicit Dechunker(size_t max_message_size) : max_message_size_(max_message_size) {}

  /// Consumes `bytes` and appends every message completed by them to
  /// `events`, in order. NOOP chunks produce no event.
  void Feed(std::string_view bytes, std::vector<Event>* events);

  /// True when no partial chunk or message is pending.
  bool Idle() const { return state_ == State::kHeader && header_bytes_ == 0 && size_ == 0; }

 private:
  enum class State { kHeader, kBody };

  size_t max_message_size_;
  State state_ = State::kHeader;
  uint8_t header_[2] = {0, 0};
  size_t header_bytes_ = 0;
  size_t chunk_remaining_ = 0;
  size_t size_ = 0;        // bytes of the current message seen so far
  bool skipping_ = false;  // current message exceeded the maximum
  std::string current_;
};

}  // namespace tributary::bolt
