#pragma once
// Where streams live in the storage's system metadata, and how each value is
// encoded: versioned JSON documents, described byte for byte in
// docs/formats/streams.md. The WAL and snapshots carry system keys with
// checksums; these functions only define the values.
//
//   streams/definition/<name>  StreamDefinition (with the script text)
//   streams/control/<name>     StreamControl (running/stopped/failed, LIMIT)
//   streams/progress/<name>    StreamProgress (offsets and counters), written
//                              in the same transaction as each batch

#include <string>
#include <string_view>

#include "common/result.hpp"
#include "streams/stream_definition.hpp"

namespace tributary::streams {

/// The version every encoder writes and the newest every decoder accepts.
inline constexpr int kStreamFormatVersion = 1;

/// Key prefixes; a key is prefix + stream name.
inline constexpr std::string_view kDefinitionPrefix = "streams/definition/";
inline constexpr std::string_view kControlPrefix = "streams/control/";
inline constexpr std::string_view kProgressPrefix = "streams/progress/";

/// The system key of a stream's definition, control state and progress.
std::string DefinitionKey(std::string_view name);
std::string ControlKey(std::string_view name);
std::string ProgressKey(std::string_view name);

/// Encodes a definition. Fails when a text field (the script, typically) is
/// not valid UTF-8.
Result<std::string, std::string> EncodeDefinition(const StreamDefinition& definition);
/// Decodes a definition; the error names what is wrong.
Result<StreamDefinition, std::string> DecodeDefinition(std::string_view text);

/// Encodes / decodes a control state.
std::string EncodeControl(const StreamControl& control);
Result<StreamControl, std::string> DecodeControl(std::string_view text);

/// Encodes / decodes progress.
std::string EncodeProgress(const StreamProgress& progress);
Result<StreamProgress, std::string> DecodeProgress(std::string_view text);

}  // namespace tributary::streams
