#pragma once
// Bolt messages: a PackStream structure whose tag is the message signature.
// Request and response signatures are listed here; their fields and the
// states that accept them are described in docs/formats/bolt.md.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bolt/packstream.hpp"
#include "bolt/value.hpp"
#include "bolt/version.hpp"
#include "common/result.hpp"

namespace tributary::bolt {

/// Message signatures (the structure tag of a message).
enum class Signature : uint8_t {
  kHello = 0x01,
  kGoodbye = 0x02,
  kAckFailure = 0x0E,  // Bolt 1-3 only; rejected
  kReset = 0x0F,
  kRun = 0x10,
  kBegin = 0x11,
  kCommit = 0x12,
  kRollback = 0x13,
  kDiscard = 0x2F,
  kPull = 0x3F,
  kTelemetry = 0x54,
  kRoute = 0x66,
  kLogon = 0x6A,
  kLogoff = 0x6B,
  kSuccess = 0x70,
  kRecord = 0x71,
  kIgnored = 0x7E,
  kFailure = 0x7F,
};

/// Request or response name for logs ("RUN", "SUCCESS"; "0x42" if unknown).
std::string SignatureName(uint8_t signature);

/// A decoded message: its signature and fields.
struct Message {
  uint8_t signature = 0;
  std::vector<Value> fields;
};

/// Decodes one message (a structure spanning all of `bytes`).
Result<Message, DecodeError> DecodeMessage(std::string_view bytes, DecodeLimits limits = {});

/// Encodes a message with the given fields (not chunked).
std::string EncodeMessage(Signature signature, const std::vector<Value>& fields,
                          ProtocolVersion version);

}  // namespace tributary::bolt
