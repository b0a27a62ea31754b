#include "streams/stream_definition.hpp"

#include <ctime>

#include <fmt/format.h>

namespace tributary::streams {

std::optional<std::string> ValidateKafkaUri(std::string_view uri) {
  if (uri.empty()) return "the Kafka URI is empty";
  size_t start = 0;
  while (start <= uri.size()) {
    size_t comma = uri.find(',', start);
    std::string_view broker =
        uri.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    size_t colon = broker.rfind(':');
    if (broker.empty() || colon == std::string_view::npos || colon == 0 ||
        colon + 1 == broker.size()) {
      return fmt::format("'{}' is not host:port", broker);
    }
    std::string_view host = broker.substr(0, colon);
    std::string_view port = broker.substr(colon + 1);
    if (host.find_first_of(" \t\r\n/") != std::string_view::npos) {
      return fmt::format("'{}' is not host:port", broker);
    }
    int value = 0;
    for (char c : port) {
      if (c < '0' || c > '9' || value > 65535) return fmt::format("'{}' has no valid port", broker);
      value = value * 10 + (c - '0');
    }
    if (value < 1 || value > 65535) return fmt::format("'{}' has no valid port", broker);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return std::nullopt;
}

int64_t NowUnixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string FormatUnixMs(int64_t unix_ms) {
  std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900,
                     utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                     unix_ms % 1000);
}

}  // namespace tributary::streams
