#include "python/script_source.hpp"

#include <curl/curl.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>

#include <fmt/format.h>

namespace tributary::python {
namespace {

struct CurlDeleter {
  void operator()(CURL* p) const { curl_easy_cleanup(p); }
};
using CurlHandle = std::unique_ptr<CURL, CurlDeleter>;

bool StartsWith(const std::string& s, std::string_view prefix) {
  return s.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), s.begin());
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX escapes in a file:// path.
std::string PercentDecode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

Result<std::string, std::string> ReadFile(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  std::string text;
  char chunk[64 * 1024];
  while (in.read(chunk, sizeof(chunk)) || in.gcount() > 0) {
    text.append(chunk, static_cast<size_t>(in.gcount()));
    if (text.size() > max_bytes) {
      return MakeError(fmt::format("{} is larger than {} bytes", path, max_bytes));
    }
  }
  if (in.bad()) return MakeError(fmt::format("cannot read {}", path));
  return text;
}

struct Download {
  std::string body;
  size_t max_bytes = 0;
  bool too_large = false;
};

size_t OnBody(char* data, size_t size, size_t count, void* opaque) {
  auto* download = static_cast<Download*>(opaque);
  const size_t n = size * count;
  if (download->body.size() + n > download->max_bytes) {
    download->too_large = true;
    return 0;  // Makes libcurl abort with CURLE_WRITE_ERROR.
  }
  download->body.append(data, n);
  return n;
}

Result<std::string, std::string> HttpGet(const std::string& uri, int timeout_ms, size_t max_bytes) {
  static std::once_flag curl_initialised;
  std::call_once(curl_initialised, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  CurlHandle curl(curl_easy_init());
  if (curl == nullptr) return MakeError(std::string("cannot initialise libcurl"));
  Download download;
  download.max_bytes = max_bytes;
  char error[CURL_ERROR_SIZE] = {0};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, uri.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_ms));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout_ms));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // Signals are not thread-safe.
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(max_bytes));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &download);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "tributary");
  CURLcode code = curl_easy_perform(c);
  if (download.too_large || code == CURLE_FILESIZE_EXCEEDED) {
    return MakeError(fmt::format("{} is larger than {} bytes", uri, max_bytes));
  }
  if (code != CURLE_OK) {
    return MakeError(
        fmt::format("GET {} failed: {}", uri, error[0] != '\0' ? error : curl_easy_strerror(code)));
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status > 299) {
    return MakeError(fmt::format("GET {} returned HTTP status {}", uri, status));
  }
  return std::move(download.body);
}

}  // namespace

std::string FetchFailureMessage(const std::string& uri) {
  return "Couldn't get the transform script from " + uri;
}

Result<std::string, std::string> FetchScript(const std::string& uri, int timeout_ms,
                                             size_t max_bytes) {
  if (StartsWith(uri, "http://") || StartsWith(uri, "https://")) {
    return HttpGet(uri, timeout_ms, max_bytes);
  }
  if (StartsWith(uri, "file://")) {
    std::string rest = uri.substr(std::strlen("file://"));
    if (StartsWith(rest, "localhost/")) rest = rest.substr(std::strlen("localhost"));
    if (!StartsWith(rest, "/")) {
      return MakeError(fmt::format("{}: only local absolute file:// URIs are supported", uri));
    }
    return ReadFile(PercentDecode(rest), max_bytes);
  }
  if (StartsWith(uri, "/")) return ReadFile(uri, max_bytes);
  return MakeError(
      fmt::format("{}: not an http://, https:// or file:// URI, nor an absolute path", uri));
}

}  // namespace tributary::python
