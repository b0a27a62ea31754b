#pragma once
// Where streams live in the storage's system metadata, how each value is
// encoded (versioned JSON documents, described byte for byte in
// docs/formats/streams.md), and reading and writing them. The WAL and
// snapshots carry system keys with checksums.
//
//   streams/definition/<name>  StreamDefinition (with the script text)
//   streams/control/<name>     StreamControl (running/stopped/failed, LIMIT)
//   streams/progress/<name>    StreamProgress (offsets and counters), written
//                              in the same transaction as each batch

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "storage/storage.hpp"
#include "streams/stream_definition.hpp"

namespace tributary::streams {

/// The version every encoder writes and the newest every decoder accepts.
inline constexpr int kStreamFormatVersion = 1;

/// Key prefix of definitions; a key is prefix + stream name.
inline constexpr std::string_view kDefinitionPrefix = "streams/definition/";
/// Key prefix of control states.
inline constexpr std::string_view kControlPrefix = "streams/control/";
/// Key prefix of progress values.
inline constexpr std::string_view kProgressPrefix = "streams/progress/";

/// A system key and the value a transaction puts there.
using SystemKeyWrite = std::pair<std::string, std::string>;

/// "streams/definition/<name>": the key of a stream's definition.
std::string DefinitionKey(std::string_view name);
/// "streams/control/<name>": the key of a stream's control state.
std::string ControlKey(std::string_view name);
/// "streams/progress/<name>": the key of a stream's progress.
std::string ProgressKey(std::string_view name);

/// Encodes a definition. Fails when a text field (the script, typically) is
/// not valid UTF-8.
Result<std::string, std::string> EncodeDefinition(const StreamDefinition& definition);
/// Decodes a definition; the error names what is wrong.
Result<StreamDefinition, std::string> DecodeDefinition(std::string_view text);

/// Encodes a control state (never fails: invalid UTF-8 in the error text is
/// replaced).
std::string EncodeControl(const StreamControl& control);
/// Decodes a control state; the error names what is wrong.
Result<StreamControl, std::string> DecodeControl(std::string_view text);

/// Encodes progress in its fixed shape (see docs/formats/streams.md).
std::string EncodeProgress(const StreamProgress& progress);
/// Decodes progress; the error names what is wrong.
Result<StreamProgress, std::string> DecodeProgress(std::string_view text);

/// Reads one system key's latest committed value.
std::optional<std::string> ReadSystemKey(const storage::Storage& storage, const std::string& key);

/// The stream's stored progress (empty if it never applied a batch). A
/// damaged value is logged and treated as empty.
StreamProgress ReadProgress(const storage::Storage& storage, const std::string& name);

/// Writes `puts` and deletes `deletes` in one committed transaction.
Result<void, std::string> WriteSystemKeys(storage::Storage& storage,
                                          const std::vector<SystemKeyWrite>& puts,
                                          const std::vector<std::string>& deletes = {});

}  // namespace tributary::streams
