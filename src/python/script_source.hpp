#pragma once
// Fetching a transform script's text from where CREATE STREAM says it is.

#include <cstddef>
#include <string>

#include "common/result.hpp"

namespace tributary::python {

/// The default limits for FetchScript.
inline constexpr int kDefaultFetchTimeoutMs = 10'000;
inline constexpr size_t kDefaultMaxScriptBytes = 1 << 20;

/// Returns the text at `uri`: http:// or https:// (libcurl; redirects
/// followed; any non-2xx status is an error), file:// (file:///abs/path or
/// file://localhost/abs/path) or a plain absolute path. Fails, with a reason
/// for the log, on any error, after `timeout_ms`, or when the text is longer
/// than `max_bytes`. The caller reports "Couldn't get the transform script from
/// <uri>" to the user. Thread-safe; blocks the calling thread.
Result<std::string, std::string> FetchScript(const std::string& uri, int timeout_ms,
                                             size_t max_bytes);

/// The user-facing message for a failed fetch.
std::string FetchFailureMessage(const std::string& uri);

}  // namespace tributary::python
