// libFuzzer target for everything a Bolt server reads from a socket: the
// handshake, the chunk framing, PackStream decoding and the per-connection
// state machine (Session), driven with an in-memory handler that echoes
// parameters back as a row. Any byte stream must end in responses or a closed
// session, never in a crash, hang, sanitizer report or escaping exception.
//
// Input layout: byte 0 holds options (bit 0: prepend the Bolt magic and the
// neo4j-driver's proposals so the fuzzer starts past the handshake; bit 1:
// cap the version at 4.4; bits 2-7: feed size, so message boundaries fall
// anywhere in the socket reads; bit 6 also makes PULLs pause and resume as in
// the server, bit 7 turns on the handshake manifest v1). The rest is the
// client's byte stream.
// It also checks that PackStream encoding is canonical: a value decoded from
// the input encodes to bytes that decode and encode to the same bytes again.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bolt/auth.hpp"
#include "bolt/handler.hpp"
#include "bolt/handshake.hpp"
#include "bolt/packstream.hpp"
#include "bolt/session.hpp"

namespace {

using namespace tributary;
using namespace tributary::bolt;

// Returns its parameters as one row (columns = parameter names).
class EchoStream : public ResultStream {
 public:
  explicit EchoStream(const Map& parameters) {
    for (const auto& [key, value] : parameters) {
      fields_.push_back(key);
      row_.push_back(value);
    }
  }
  const std::vector<std::string>& Fields() const override { return fields_; }
  Result<PullOutcome, BoltError> Pull(int64_t n, const RowSink& sink) override {
    if (!done_ && n != 0) {
      sink(row_);
      done_ = true;
    }
    PullOutcome out;
    out.has_more = !done_;
    return out;
  }
  Result<PullOutcome, BoltError> Discard(int64_t n) override {
    done_ = true;
    return PullOutcome{};
  }

 private:
  std::vector<std::string> fields_;
  std::vector<Value> row_;
  bool done_ = false;
};

// Queries named FAIL fail; everything else echoes. Transactions always work.
class EchoHandler : public QueryHandler {
 public:
  Result<std::unique_ptr<ResultStream>, BoltError> Run(const std::string& query,
                                                       const Map& parameters,
                                                       const TxOptions& options,
                                                       bool in_transaction) override {
    if (query == "FAIL") {
      return MakeError(BoltError{"Neo.ClientError.Statement.SyntaxError", "fail"});
    }
    return std::unique_ptr<ResultStream>(std::make_unique<EchoStream>(parameters));
  }
  Result<void, BoltError> Begin(const TxOptions& options) override { return {}; }
  Result<std::string, BoltError> Commit() override { return std::string("fuzz:1"); }
  Result<void, BoltError> Rollback() override { return {}; }
  void Reset() override {}
};

void CheckCanonicalEncoding(std::string_view bytes) {
  DecodeLimits limits;
  Decoder decoder(bytes, limits);
  for (int i = 0; i < 8 && !decoder.AtEnd(); ++i) {
    auto value = decoder.Next();
    if (!value) return;
    const std::string once = Encode(*value);
    auto again = Decode(once, limits);
    if (!again) __builtin_trap();  // our own encoding must decode
    if (Encode(*again) != once) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t flags = data[0];
  std::string stream;
  if (flags & 1) {
    static constexpr uint8_t kDriverProposals[16] = {0, 0, 1, 0xFF, 0, 8, 8, 5,
                                                     0, 2, 4, 4,    0, 0, 0, 3};
    stream.append(kMagic.begin(), kMagic.end());
    stream.append(reinterpret_cast<const char*>(kDriverProposals), sizeof(kDriverProposals));
  }
  stream.append(reinterpret_cast<const char*>(data + 1), size - 1);

  SessionOptions options;
  if (flags & 2) options.max_version = ProtocolVersion{4, 4};
  options.max_message_size = 1u << 16;
  options.flush_threshold = 1u << 12;
  options.decode_limits.max_values = 1u << 14;
  // Bit 6: PULLs pause as in the server (instead of flushing); bit 7: the
  // manifest v1 answers the driver's marker (the input carries the choice).
  const bool pausable = (flags & 0x40) != 0;
  options.pausable_pull = pausable;
  options.handshake_manifest = (flags & 0x80) != 0;
  Session session(
      options,
      [](const SessionInfo&) -> Result<std::unique_ptr<QueryHandler>, BoltError> {
        return std::unique_ptr<QueryHandler>(std::make_unique<EchoHandler>());
      },
      std::make_shared<NoAuthAuthenticator>());
  if (!pausable) session.SetFlush([](std::string_view) { return true; });
  const size_t step = 1 + (flags >> 2) * 7;
  for (size_t at = 0; at < stream.size() && !session.ShouldClose(); at += step) {
    session.Feed(std::string_view(stream).substr(at, step));
    (void)session.TakeOutput();
    while (session.Paused()) {  // the server resumes once the output is written
      session.Resume();
      (void)session.TakeOutput();
    }
  }
  CheckCanonicalEncoding(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
  return 0;
}
