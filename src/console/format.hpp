#pragma once
// How the console prints results. The text form follows Memgraph's mgconsole
// so that transcripts look the same, with the deviations listed below
// (chosen for this project and written down in docs/formats/bolt.md):
//
//   value                 printed as
//   null                  Null
//   true / false          true / false
//   42, -7                42, -7
//   1.5, 1.0, 1e20        like `std::ostream << double` (%g): 1.5, 1, 1e+20
//   top-level string      bare: hello          (mgconsole quotes it)
//   nested string         "hello" with \" \\ \' \n \r \t \b \f escaped
//   list                  [1, 2, "x"]          (", " between items, as mgconsole)
//   map                   {id:"1",n:2}         (no spaces; mgconsole uses {id: "1", n: 2})
//   node                  (:Label1:Label2 {id:"1"}), (:Label), ({id:"1"}), ()
//   relationship          [:TYPE], [:TYPE {w:1}]
//   path                  (:A)-[:R]->(:B)<-[:S]-(:C)
//   bytes                 0x0aff
//   Date / LocalTime      2024-01-31 / 13:05:00.000000000
//   LocalDateTime         2024-01-31 13:05:00.000000000
//   Duration              P1DT2H3M4.500000S    (mgconsole's form; months as nM first)
//   Time / DateTime       13:05:00.000000000+01:00 / 2024-01-31T13:05:00.000000000+01:00
//   DateTimeZoneId        2024-01-31T12:05:00.000000000Z[Europe/Zagreb] (UTC instant)
//   Point                 point({srid:7203,x:1,y:2})
//   other structures      structure<0x42>(field, ...)
//
// Control characters in top-level strings are escaped as in nested strings so
// a table row stays on one line.
//
// Tables: one column per field, each as wide as its widest cell (header
// included; width counts UTF-8 code points), one space of padding each side:
//
//   +----------+----------------+-------+
//   | name     | uri            | topic |
//   +----------+----------------+-------+
//   | mystream | localhost:9092 | test  |
//   +----------+----------------+-------+
//
// A result without rows prints nothing in every format (as mgconsole).

#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "bolt/value.hpp"

namespace tributary::console {

/// Output formats of the console.
enum class OutputFormat { kTabular, kCsv, kJson };

/// Parses "tabular", "csv" or "json"; false on anything else.
bool ParseOutputFormat(std::string_view text, OutputFormat* out);

/// Renders a value as a table cell: strings bare at the top level.
std::string FormatCell(const bolt::Value& v);

/// Renders a value as it appears nested inside another (strings quoted).
std::string FormatNested(const bolt::Value& v);

/// Prints a result table (nothing when `rows` is empty). Every row must have
/// fields.size() cells; missing cells print empty, extra cells are ignored.
void PrintTable(const std::vector<std::string>& fields,
                const std::vector<std::vector<bolt::Value>>& rows, std::ostream& out);

/// Prints CSV as mgconsole does: every field double-quoted, quotes doubled,
/// a header line first, even with zero rows (nothing when `fields` is empty).
void PrintCsv(const std::vector<std::string>& fields,
              const std::vector<std::vector<bolt::Value>>& rows, std::ostream& out);

/// Prints one JSON object per row per line (JSON Lines), keys in column
/// order (nothing when `rows` is empty). Graph values become objects:
/// node {"id","element_id","labels","properties"}, relationship {"id",
/// "element_id","type","start","end","properties"}, path {"nodes",
/// "relationships"}; NaN and infinities become null; bytes and temporal
/// values become the strings FormatCell gives.
void PrintJson(const std::vector<std::string>& fields,
               const std::vector<std::vector<bolt::Value>>& rows, std::ostream& out);

/// Dispatches on `format`.
void PrintResult(OutputFormat format, const std::vector<std::string>& fields,
                 const std::vector<std::vector<bolt::Value>>& rows, std::ostream& out);

}  // namespace tributary::console
