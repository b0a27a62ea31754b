// libFuzzer target for the Cypher parser: any byte string must either parse
// or raise a CypherError. Crashes, hangs, sanitizer reports and any other
// exception escaping Parse() are bugs.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cypher/parser/ast_printer.hpp"
#include "cypher/parser/parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tributary::cypher;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    StatementPtr statement = Parse(text);
    // Walk the whole tree, so malformed trees show up under the sanitizers.
    volatile size_t length = DebugString(*statement).size();
    (void)length;
  } catch (const CypherError&) {
    // Rejecting input is the expected outcome for most of it.
  }
  return 0;
}
