#include "bolt/chunking.hpp"

#include <algorithm>
#include <cassert>

namespace tributary::bolt {

void AppendChunked(std::string_view message, std::string* out, size_t max_chunk) {
  assert(max_chunk > 0 && max_chunk <= kMaxChunkSize);
  out->reserve(out->size() + message.size() + 2 * (message.size() / max_chunk + 2));
  while (!message.empty()) {
    const size_t n = std::min(message.size(), max_chunk);
    out->push_back(static_cast<char>(n >> 8));
    out->push_back(static_cast<char>(n & 0xFF));
    out->append(message.substr(0, n));
    message.remove_prefix(n);
  }
  out->push_back('\0');
  out->push_back('\0');
}

void Dechunker::Feed(std::string_view bytes, std::vector<Event>* events) {
  while (!bytes.empty()) {
    if (state_ == State::kHeader) {
      header_[header_bytes_++] = static_cast<uint8_t>(bytes.front());
      bytes.remove_prefix(1);
      if (header_bytes_ < 2) continue;
      header_bytes_ = 0;
      chunk_remaining_ = (static_cast<size_t>(header_[0]) << 8) | header_[1];
      if (chunk_remaining_ > 0) {
        state_ = State::kBody;
        continue;
      }
      // End marker.
      if (skipping_) {
        events->push_back(Event{EventKind::kOversize, {}, size_});
      } else if (size_ > 0) {
        events->push_back(Event{EventKind::kMessage, std::move(current_), size_});
      }
      current_.clear();
      size_ = 0;
      skipping_ = false;
      continue;
    }
    const size_t n = std::min(chunk_remaining_, bytes.size());
    size_ += n;
    if (!skipping_ && size_ > max_message_size_) {
      skipping_ = true;
      current_.clear();
      current_.shrink_to_fit();
    }
    if (!skipping_) current_.append(bytes.substr(0, n));
    bytes.remove_prefix(n);
    chunk_remaining_ -= n;
    if (chunk_remaining_ == 0) state_ = State::kHeader;
  }
}

}  // namespace tributary::bolt
