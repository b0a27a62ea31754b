#include "bolt/message.hpp"

#include <cstdio>

namespace tributary::bolt {

std::string SignatureName(uint8_t signature) {
  switch (static_cast<Signature>(signature)) {
    case Signature::kHello:
      return "HELLO";
    case Signature::kGoodbye:
      return "GOODBYE";
    case Signature::kAckFailure:
      return "ACK_FAILURE";
    case Signature::kReset:
      return "RESET";
    case Signature::kRun:
      return "RUN";
    case Signature::kBegin:
      return "BEGIN";
    case Signature::kCommit:
      return "COMMIT";
    case Signature::kRollback:
      return "ROLLBACK";
    case Signature::kDiscard:
      return "DISCARD";
    case Signature::kPull:
      return "PULL";
    case Signature::kTelemetry:
      return "TELEMETRY";
    case Signature::kRoute:
      return "ROUTE";
    case Signature::kLogon:
      return "LOGON";
    case Signature::kLogoff:
      return "LOGOFF";
    case Signature::kSuccess:
      return "SUCCESS";
    case Signature::kRecord:
      return "RECORD";
    case Signature::kIgnored:
      return "IGNORED";
    case Signature::kFailure:
      return "FAILURE";
  }
  char buf[8];
  std::snprintf(buf, sizeof(buf), "0x%02X", signature);
  return buf;
}

Result<Message, DecodeError> DecodeMessage(std::string_view bytes, DecodeLimits limits) {
  Decoder decoder(bytes, limits);
  auto header = decoder.NextStructHeader();
  if (!header) return MakeError(header.Error());
  Message message;
  message.signature = header->first;
  message.fields.reserve(header->second);
  for (uint8_t i = 0; i < header->second; ++i) {
    auto field = decoder.Next();
    if (!field) return MakeError(field.Error());
    message.fields.push_back(std::move(*field));
  }
  if (!decoder.AtEnd()) return MakeError(DecodeError{"trailing bytes after message"});
  return message;
}

std::string EncodeMessage(Signature signature, const std::vector<Value>& fields,
                          ProtocolVersion version) {
  std::string out;
  Encoder encoder(version, &out);
  encoder.WriteStructHeader(static_cast<uint8_t>(signature), fields.size());
  for (const auto& f : fields) encoder.Write(f);
  return out;
}

}  // namespace tributary::bolt
