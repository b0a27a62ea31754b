// Built-in procedures: db.labels(), db.relationshipTypes(), db.propertyKeys(),
// db.indexes(), db.constraints(). The first three report the names in use in
// the calling transaction's view (a scan), not every name ever interned.
// Also the test fixture procedures of the openCypher TCK (off by default, see
// procedure.hpp).
#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include "cypher/errors.hpp"

#include "cypher/exec/expression.hpp"
#include "cypher/functions/procedure.hpp"

namespace tributary::cypher {
namespace {

using storage::View;
using Rows = std::vector<std::vector<Value>>;

/// One row per name, sorted.
Rows NameRows(const std::set<std::string>& names) {
  Rows rows;
  rows.reserve(names.size());
  for (const auto& n : names) rows.push_back({Value(n)});
  return rows;
}

/// Visits every vertex visible to the transaction (View::kNew: the
/// transaction's own changes count).
template <typename Fn>
void ForEachVertex(ExecContext& ctx, Fn&& fn) {
  auto cursor = ctx.tx->ScanVertices(View::kNew);
  storage::VertexAccessor v(nullptr, nullptr);
  while (cursor->Next(&v)) {
    ctx.CheckLimits();
    fn(v);
  }
}

template <typename Fn>
void ForEachEdge(ExecContext& ctx, Fn&& fn) {
  std::vector<storage::EdgeAccessor> edges;
  ForEachVertex(ctx, [&](const storage::VertexAccessor& v) {
    edges.clear();
    exec::Unwrap(v.OutEdges(View::kNew, {}, &edges));
    for (const auto& e : edges) fn(e);
  });
}

Rows Labels(const ProcedureInfo&, std::span<Value>, ExecContext& ctx) {
  std::set<std::string> names;
  ForEachVertex(ctx, [&](const storage::VertexAccessor& v) {
    for (auto l : exec::Unwrap(v.Labels(View::kNew))) names.emplace(ctx.storage->LabelName(l));
  });
  return NameRows(names);
}

Rows RelationshipTypes(const ProcedureInfo&, std::span<Value>, ExecContext& ctx) {
  std::set<std::string> names;
  ForEachEdge(ctx, [&](const storage::EdgeAccessor& e) {
    names.emplace(ctx.storage->EdgeTypeName(e.type()));
  });
  return NameRows(names);
}

Rows PropertyKeys(const ProcedureInfo&, std::span<Value>, ExecContext& ctx) {
  std::set<std::string> names;
  ForEachVertex(ctx, [&](const storage::VertexAccessor& v) {
    for (const auto& [k, value] : exec::Unwrap(v.Properties(View::kNew))) {
      names.emplace(ctx.storage->PropertyName(k));
    }
  });
  ForEachEdge(ctx, [&](const storage::EdgeAccessor& e) {
    for (const auto& [k, value] : exec::Unwrap(e.Properties(View::kNew))) {
      names.emplace(ctx.storage->PropertyName(k));
    }
  });
  return NameRows(names);
}

Rows Indexes(const ProcedureInfo&, std::span<Value>, ExecContext& ctx) {
  Rows rows;
  for (const auto& info : ctx.storage->ListIndexes()) {
    Value::List props;
    if (info.property) props.emplace_back(std::string(ctx.storage->PropertyName(*info.property)));
    rows.push_back({Value(info.property ? "label+property" : "label"),
                    Value(std::string(ctx.storage->LabelName(info.label))), Value(std::move(props)),
                    Value(static_cast<int64_t>(info.entries))});
  }
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    for (size_t i = 0; i < 3; ++i) {
      int c = CompareOrder(a[i], b[i]);
      if (c != 0) return c < 0;
    }
    return false;
  });
  return rows;
}

Rows Constraints(const ProcedureInfo&, std::span<Value>, ExecContext& ctx) {
  Rows rows;
  for (const auto& info : ctx.storage->ListConstraints()) {
    rows.push_back(
        {Value("unique"), Value(std::string(ctx.storage->LabelName(info.label))),
         Value(Value::List{Value(std::string(ctx.storage->PropertyName(info.property)))})});
  }
  return rows;
}

constexpr std::string_view kLabelOut[] = {"label"};
constexpr std::string_view kTypeOut[] = {"relationshipType"};
constexpr std::string_view kKeyOut[] = {"propertyKey"};
constexpr std::string_view kIndexOut[] = {"type", "label", "properties", "count"};
constexpr std::string_view kConstraintOut[] = {"type", "label", "properties"};

const ProcedureInfo kProcedures[] = {
    {"db.labels", 0, 0, kLabelOut, Labels},
    {"db.relationshipTypes", 0, 0, kTypeOut, RelationshipTypes},
    {"db.propertyKeys", 0, 0, kKeyOut, PropertyKeys},
    {"db.indexes", 0, 0, kIndexOut, Indexes},
    {"db.constraints", 0, 0, kConstraintOut, Constraints},
};

// ---- Test fixture procedures (the TCK's `there exists a procedure ...`) ----

/// A procedure declared by a TCK signature, answering from a table. Owns the
/// strings its ProcedureInfo views; immutable once registered.
struct Fixture {
  std::string name;
  std::vector<std::string> input_names;
  std::vector<std::string> output_names;
  std::vector<ProcedureInput> inputs;
  std::vector<std::string_view> outputs;
  /// Per table row: the input columns (declaration order), the output columns.
  std::vector<std::vector<Value>> in_rows;
  Rows out_rows;
  ProcedureInfo info{};
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

[[noreturn]] void BadFixture(const std::string& message) {
  throw ArgumentError("InvalidArgumentValue", "Fixture procedure: " + message);
}

bool IsName(std::string_view s, bool dotted) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || (dotted && c == '.'))) {
      return false;
    }
  }
  return s.front() != '.' && s.back() != '.';
}

ProcedureType ParseType(std::string_view text) {
  std::string t;
  for (char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c))) {
      t += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
  }
  if (t.rfind("LIST", 0) == 0) return ProcedureType::kList;  // LIST? OF INTEGER?
  if (!t.empty() && t.back() == '?') t.pop_back();
  static const std::map<std::string, ProcedureType, std::less<>> kTypes = {
      {"ANY", ProcedureType::kAny},
      {"INTEGER", ProcedureType::kInteger},
      {"FLOAT", ProcedureType::kFloat},
      {"NUMBER", ProcedureType::kNumber},
      {"STRING", ProcedureType::kString},
      {"BOOLEAN", ProcedureType::kBoolean},
      {"MAP", ProcedureType::kMap},
      {"NODE", ProcedureType::kNode},
      {"RELATIONSHIP", ProcedureType::kRelationship},
      {"PATH", ProcedureType::kPath},
  };
  auto it = kTypes.find(t);
  if (it == kTypes.end()) BadFixture("unknown type `" + std::string(text) + "`");
  return it->second;
}

/// `a :: INTEGER?, b :: STRING?` (possibly empty) into names and types.
void ParseFields(std::string_view text, std::vector<std::string>* names,
                 std::vector<ProcedureType>* types) {
  text = Trim(text);
  if (text.empty()) return;
  for (;;) {
    size_t comma = text.find(',');
    std::string_view field = text.substr(0, comma);
    size_t sep = field.find("::");
    if (sep == std::string_view::npos) BadFixture("expected `name :: TYPE` in signature");
    std::string_view name = Trim(field.substr(0, sep));
    if (!IsName(name, false)) BadFixture("bad field name `" + std::string(name) + "`");
    names->emplace_back(name);
    types->push_back(ParseType(field.substr(sep + 2)));
    if (comma == std::string_view::npos) break;
    text = text.substr(comma + 1);
  }
}

/// Equality of an argument and a table cell: null matches null, numbers by
/// value, everything else by Cypher equality.
bool SameValue(const Value& a, const Value& b) {
  if (a.IsNull() || b.IsNull()) return a.IsNull() && b.IsNull();
  return Equals(a, b) == Tri::kTrue;
}

Rows CallFixture(const ProcedureInfo& self, std::span<Value> args, ExecContext&) {
  const auto& f = *static_cast<const Fixture*>(self.data);
  for (size_t i = 0; i < args.size() && i < f.inputs.size(); ++i) {
    if (!ProcedureAccepts(f.inputs[i].type, args[i].type())) {
      throw CypherTypeError("InvalidArgumentType", "Procedure " + f.name + " expects " +
                                                       ProcedureTypeName(f.inputs[i].type) +
                                                       " for `" + f.input_names[i] + "`, got " +
                                                       TypeName(args[i]));
    }
    if (f.inputs[i].type == ProcedureType::kFloat && args[i].type() == ValueType::kInt) {
      args[i] = Value(static_cast<double>(args[i].AsInt()));
    }
  }
  Rows out;
  for (size_t r = 0; r < f.in_rows.size(); ++r) {
    bool match = true;
    for (size_t i = 0; i < args.size() && match; ++i) match = SameValue(args[i], f.in_rows[r][i]);
    if (match) out.push_back(f.out_rows[r]);
  }
  return out;
}

struct Registry {
  std::mutex mu;
  bool enabled = false;
  std::function<void()> on_change;
  std::map<std::string, std::shared_ptr<const Fixture>, std::less<>> fixtures;
};

Registry& TheRegistry() {
  static Registry r;
  return r;
}

void NotifyChange() {
  std::function<void()> fn;
  {
    std::lock_guard lock(TheRegistry().mu);
    fn = TheRegistry().on_change;
  }
  if (fn) fn();
}

Rows RegisterCall(const ProcedureInfo&, std::span<Value> args, ExecContext&) {
  if (args[0].type() != ValueType::kString || args[1].type() != ValueType::kList ||
      args[2].type() != ValueType::kList) {
    throw CypherTypeError("InvalidArgumentType",
                          "tributary.tck.registerProcedure(signature :: STRING, header :: "
                          "LIST OF STRING, rows :: LIST OF LIST)");
  }
  std::vector<std::string> header;
  for (const auto& h : args[1].AsList()) {
    if (h.type() != ValueType::kString) BadFixture("header cells must be strings");
    header.push_back(h.AsString());
  }
  Rows rows;
  for (const auto& r : args[2].AsList()) {
    if (r.type() != ValueType::kList) BadFixture("rows must be lists");
    rows.push_back(r.AsList());
  }
  RegisterFixtureProcedure(args[0].AsString(), header, rows);
  return {};
}

Rows ClearCall(const ProcedureInfo&, std::span<Value>, ExecContext&) {
  ClearFixtureProcedures();
  return {};
}

constexpr ProcedureInput kRegisterIn[] = {{"signature", ProcedureType::kString},
                                          {"header", ProcedureType::kList},
                                          {"rows", ProcedureType::kList}};

const ProcedureInfo kControlProcedures[] = {
    {"tributary.tck.registerProcedure", 3, 3, {}, RegisterCall, kRegisterIn},
    {"tributary.tck.clearProcedures", 0, 0, {}, ClearCall},
};

}  // namespace

const char* ProcedureTypeName(ProcedureType t) {
  switch (t) {
    case ProcedureType::kAny:
      return "ANY?";
    case ProcedureType::kInteger:
      return "INTEGER?";
    case ProcedureType::kFloat:
      return "FLOAT?";
    case ProcedureType::kNumber:
      return "NUMBER?";
    case ProcedureType::kString:
      return "STRING?";
    case ProcedureType::kBoolean:
      return "BOOLEAN?";
    case ProcedureType::kList:
      return "LIST?";
    case ProcedureType::kMap:
      return "MAP?";
    case ProcedureType::kNode:
      return "NODE?";
    case ProcedureType::kRelationship:
      return "RELATIONSHIP?";
    case ProcedureType::kPath:
      return "PATH?";
  }
  return "ANY?";
}

bool ProcedureAccepts(ProcedureType want, ValueType t) {
  if (t == ValueType::kNull) return true;
  switch (want) {
    case ProcedureType::kAny:
      return true;
    case ProcedureType::kInteger:
      return t == ValueType::kInt;
    case ProcedureType::kFloat:
    case ProcedureType::kNumber:
      return t == ValueType::kInt || t == ValueType::kDouble;
    case ProcedureType::kString:
      return t == ValueType::kString;
    case ProcedureType::kBoolean:
      return t == ValueType::kBool;
    case ProcedureType::kList:
      return t == ValueType::kList;
    case ProcedureType::kMap:
      return t == ValueType::kMap;
    case ProcedureType::kNode:
      return t == ValueType::kNode;
    case ProcedureType::kRelationship:
      return t == ValueType::kRelationship;
    case ProcedureType::kPath:
      return t == ValueType::kPath;
  }
  return false;
}

ProcedureRef FindProcedure(std::string_view name) {
  if (const ProcedureInfo* p = LookupProcedure(name)) return {p, nullptr};
  Registry& r = TheRegistry();
  std::lock_guard lock(r.mu);
  if (!r.enabled) return {};
  for (const auto& p : kControlProcedures) {
    if (p.name == name) return {&p, nullptr};
  }
  auto it = r.fixtures.find(name);
  if (it == r.fixtures.end()) return {};
  return {&it->second->info, it->second};
}

void EnableTestFixtureProcedures(std::function<void()> on_change) {
  Registry& r = TheRegistry();
  std::lock_guard lock(r.mu);
  r.enabled = true;
  r.on_change = std::move(on_change);
}

bool TestFixtureProceduresEnabled() {
  Registry& r = TheRegistry();
  std::lock_guard lock(r.mu);
  return r.enabled;
}

void RegisterFixtureProcedure(std::string_view signature, const std::vector<std::string>& header,
                              const std::vector<std::vector<Value>>& rows) {
  auto f = std::make_shared<Fixture>();
  std::string_view sig = Trim(signature);
  size_t open = sig.find('(');
  size_t close = sig.find(')', open == std::string_view::npos ? 0 : open);
  if (open == std::string_view::npos || close == std::string_view::npos) {
    BadFixture("expected `name(inputs) :: (outputs)`, got `" + std::string(sig) + "`");
  }
  f->name = std::string(Trim(sig.substr(0, open)));
  if (!IsName(f->name, true)) BadFixture("bad procedure name `" + f->name + "`");
  if (LookupProcedure(f->name) != nullptr || f->name.rfind("tributary.", 0) == 0) {
    BadFixture("`" + f->name + "` is a built-in procedure name");
  }
  std::vector<ProcedureType> in_types, out_types;
  ParseFields(sig.substr(open + 1, close - open - 1), &f->input_names, &in_types);
  std::string_view rest = Trim(sig.substr(close + 1));
  if (rest.substr(0, 2) != "::") BadFixture("expected `:: (outputs)` after the inputs");
  rest = Trim(rest.substr(2));
  if (rest.size() < 2 || rest.front() != '(' || rest.back() != ')') {
    BadFixture("expected `(outputs)` after `::`");
  }
  ParseFields(rest.substr(1, rest.size() - 2), &f->output_names, &out_types);

  // Which table column holds each input and output.
  auto column_of = [&](const std::string& field) {
    size_t found = header.size();
    for (size_t c = 0; c < header.size(); ++c) {
      if (header[c] != field) continue;
      if (found != header.size()) BadFixture("column `" + field + "` appears twice");
      found = c;
    }
    if (found == header.size()) BadFixture("the table has no column `" + field + "`");
    return found;
  };
  std::vector<size_t> in_cols, out_cols;
  for (const auto& n : f->input_names) in_cols.push_back(column_of(n));
  for (const auto& n : f->output_names) out_cols.push_back(column_of(n));
  if (in_cols.size() + out_cols.size() != header.size()) {
    BadFixture("the table has columns that are neither inputs nor outputs");
  }
  for (const auto& row : rows) {
    if (row.size() != header.size()) BadFixture("a row has a different width than the header");
    std::vector<Value> in, out;
    for (size_t c : in_cols) in.push_back(row[c]);
    for (size_t c : out_cols) out.push_back(row[c]);
    f->in_rows.push_back(std::move(in));
    f->out_rows.push_back(std::move(out));
  }
  // Views into the strings, now that the vectors no longer grow.
  for (size_t i = 0; i < f->input_names.size(); ++i) {
    f->inputs.push_back({f->input_names[i], in_types[i]});
  }
  for (const auto& n : f->output_names) f->outputs.emplace_back(n);
  const int n_in = static_cast<int>(f->inputs.size());
  f->info = ProcedureInfo{f->name, n_in, n_in, f->outputs, CallFixture, f->inputs, f.get()};
  {
    Registry& r = TheRegistry();
    std::lock_guard lock(r.mu);
    if (!r.enabled) BadFixture("fixture procedures are not enabled");
    r.fixtures[f->name] = f;
  }
  NotifyChange();
}

void ClearFixtureProcedures() {
  {
    Registry& r = TheRegistry();
    std::lock_guard lock(r.mu);
    r.fixtures.clear();
  }
  NotifyChange();
}

const ProcedureInfo* LookupProcedure(std::string_view name) {
  for (const auto& p : kProcedures) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::span<const ProcedureInfo> Procedures() { return kProcedures; }

}  // namespace tributary::cypher
