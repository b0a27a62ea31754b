// Bolt <-> engine value conversion for bytes, temporal and spatial values
// (ADR 014): the Bolt structures of each kind, the DateTime encoding per
// protocol version, and the validation of hostile parameters.

#include "server/value_convert.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "cypher/errors.hpp"

namespace tributary::server {
namespace {

bolt::Value Struct(uint8_t tag, std::vector<bolt::Value> fields) {
  return bolt::Value(bolt::Structure{tag, std::move(fields)});
}

class ValueConvertTest : public ::testing::Test {
 protected:
  bolt::Value Out(const cypher::Value& v, DateTimeWire wire = DateTimeWire::kUtc) {
    return ToBolt(v, storage, wire);
  }
  storage::Storage storage;
};

TEST_F(ValueConvertTest, EveryKindRoundTripsThroughItsStructure) {
  const std::vector<bolt::Value> wire = {
      bolt::Value(bolt::Bytes{0, 1, 255}),
      Struct(0x44, {int64_t{19844}}),
      Struct(0x74, {int64_t{45000000000000}}),
      Struct(0x54, {int64_t{45000000000000}, int64_t{-3600}}),
      Struct(0x64, {int64_t{1714566600}, int64_t{5}}),
      Struct(0x49, {int64_t{1714566600}, int64_t{5}, int64_t{7200}}),
      Struct(0x69, {int64_t{1714566600}, int64_t{5}, "Europe/Stockholm"}),
      Struct(0x45, {int64_t{14}, int64_t{-3}, int64_t{3723}, int64_t{500}}),
      Struct(0x58, {int64_t{7203}, 1.5, -2.5}),
      Struct(0x59, {int64_t{4979}, 12.5, 55.5, 100.0}),
  };
  for (const auto& w : wire) {
    cypher::Value v = FromBolt(w);
    EXPECT_TRUE(cypher::IsExtendedScalar(v.type())) << bolt::DebugString(w);
    EXPECT_EQ(Out(v), w) << bolt::DebugString(w);
  }
  EXPECT_EQ(FromBolt(Struct(0x44, {int64_t{19844}})).AsDate().days, 19844);
  EXPECT_EQ(FromBolt(bolt::Value(bolt::Bytes{7})).AsBytes().data, "\x07");
}

TEST_F(ValueConvertTest, DateTimeUsesLegacyLocalSecondsOnBolt4) {
  // 12:30 UTC at +02:00 is 14:30 local.
  cypher::Value v = FromBolt(Struct(0x49, {int64_t{1714566600}, int64_t{0}, int64_t{7200}}));
  EXPECT_EQ(v.AsDateTime().seconds, 1714566600);
  EXPECT_EQ(Out(v, DateTimeWire::kLegacy),
            Struct(0x46, {int64_t{1714566600 + 7200}, int64_t{0}, int64_t{7200}}));
  // The legacy form converts back to the same instant.
  cypher::Value legacy =
      FromBolt(Struct(0x46, {int64_t{1714566600 + 7200}, int64_t{0}, int64_t{7200}}));
  EXPECT_EQ(legacy.AsDateTime().seconds, 1714566600);
  EXPECT_EQ(DateTimeWireFor(bolt::ProtocolVersion{4, 4}), DateTimeWire::kLegacy);
  EXPECT_EQ(DateTimeWireFor(bolt::ProtocolVersion{5, 0}), DateTimeWire::kUtc);
  // A zone id keeps the seconds it came with on its own protocol.
  cypher::Value zoned = FromBolt(Struct(0x66, {int64_t{100}, int64_t{1}, "Asia/Tokyo"}));
  EXPECT_EQ(Out(zoned, DateTimeWire::kLegacy),
            Struct(0x66, {int64_t{100}, int64_t{1}, "Asia/Tokyo"}));
}

TEST_F(ValueConvertTest, MalformedStructuresAreTypeErrors) {
  const std::vector<bolt::Value> bad = {
      Struct(0x44, {}),                                 // field count
      Struct(0x44, {1.5}),                              // float days
      Struct(0x74, {int64_t{-1}}),                      // before midnight
      Struct(0x74, {int64_t{86400} * 1000000000}),      // past the day
      Struct(0x54, {int64_t{0}, int64_t{19 * 3600}}),   // offset > 18 h
      Struct(0x64, {int64_t{0}, int64_t{1000000000}}),  // nanos
      Struct(0x46, {std::numeric_limits<int64_t>::min(), int64_t{0}, int64_t{3600}}),  // overflow
      Struct(0x69, {int64_t{0}, int64_t{0}, int64_t{3}}),     // zone not a string
      Struct(0x69, {int64_t{0}, int64_t{0}, ""}),             // empty zone
      Struct(0x58, {int64_t{7203}, int64_t{1}, 2.0}),         // int coordinate
      Struct(0x4E, {int64_t{1}, bolt::List{}, bolt::Map{}}),  // node as parameter
      Struct(0x01, {}),                                       // unknown tag
  };
  for (const auto& b : bad) {
    EXPECT_THROW(FromBolt(b), cypher::CypherTypeError) << bolt::DebugString(b);
  }
}

}  // namespace
}  // namespace tributary::server
