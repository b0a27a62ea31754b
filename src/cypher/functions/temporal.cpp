// Temporal and spatial constructors: date(), localtime(), time(),
// localdatetime(), datetime(), duration() from an ISO 8601 string or a map
// of components, point() from a map; and the components of such values
// (`d.year`, `p.x`, ...). No time zone database: a named zone keeps its name
// with offset 0 unless the string also gives an offset (ADR 014).

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cypher/errors.hpp"
#include "cypher/functions/function.hpp"

namespace tributary::cypher {
namespace {

constexpr int64_t kNanosPerSecond = 1000000000;
constexpr int64_t kSecondsPerDay = 86400;
constexpr int64_t kNanosPerDay = kSecondsPerDay * kNanosPerSecond;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }

// Howard Hinnant's days_from_civil / civil_from_days.
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct Civil {
  int64_t year;
  int64_t month;
  int64_t day;
};

Civil CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  return {yoe + era * 400 + (m <= 2), m, d};
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int64_t DaysInMonth(int64_t y, int64_t m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}
// ISO day of week, Monday = 1.
int64_t DayOfWeek(int64_t days) { return FloorMod(days + 3, 7) + 1; }
// Monday of ISO week 1 of `year`.
int64_t WeekOneMonday(int64_t year) {
  int64_t jan4 = DaysFromCivil(year, 1, 4);
  return jan4 - (DayOfWeek(jan4) - 1);
}

[[noreturn]] void Bad(std::string_view fn, const std::string& what) {
  throw ArgumentError("InvalidArgumentValue", std::string(fn) + "(): " + what);
}

int64_t CheckedDate(std::string_view fn, int64_t y, int64_t m, int64_t d) {
  if (m < 1 || m > 12) Bad(fn, "month out of range: " + std::to_string(m));
  if (d < 1 || d > DaysInMonth(y, m)) Bad(fn, "day out of range: " + std::to_string(d));
  return DaysFromCivil(y, m, d);
}

// ---- ISO 8601 parsing

class Parser {
 public:
  Parser(std::string_view fn, std::string_view s) : fn_(fn), s_(s) {}
  bool AtEnd() const { return i_ == s_.size(); }
  char Peek() const { return AtEnd() ? '\0' : s_[i_]; }
  bool Take(char c) {
    if (Peek() != c) return false;
    ++i_;
    return true;
  }
  // Exactly n digits.
  int64_t Digits(int n) {
    int64_t v = 0;
    for (int k = 0; k < n; ++k) {
      if (AtEnd() || !std::isdigit(static_cast<unsigned char>(s_[i_]))) Fail();
      v = v * 10 + (s_[i_++] - '0');
    }
    return v;
  }
  bool NextIsDigit() const { return !AtEnd() && std::isdigit(static_cast<unsigned char>(s_[i_])); }
  size_t DigitRun() const {
    size_t n = 0;
    while (i_ + n < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_ + n]))) ++n;
    return n;
  }
  // Fraction digits after '.' or ',' as nanoseconds (up to 9 digits).
  int64_t Fraction() {
    if (!Take('.') && !Take(',')) return 0;
    size_t n = DigitRun();
    if (n == 0 || n > 9) Fail();
    int64_t v = Digits(static_cast<int>(n));
    for (size_t k = n; k < 9; ++k) v *= 10;
    return v;
  }
  std::string_view Rest() const { return s_.substr(i_); }
  void Skip(size_t n) { i_ += n; }
  [[noreturn]] void Fail() const { Bad(fn_, "cannot parse '" + std::string(s_) + "'"); }

 private:
  std::string_view fn_;
  std::string_view s_;
  size_t i_ = 0;
};

int64_t ParseDate(Parser& p, std::string_view fn) {
  int64_t sign = 1;
  int64_t year;
  if (p.Peek() == '+' || p.Peek() == '-') {
    sign = p.Take('-') ? -1 : (p.Take('+'), 1);
    size_t n = p.DigitRun();
    if (n < 4 || n > 9) p.Fail();
    year = sign * p.Digits(static_cast<int>(n));
  } else {
    year = p.Digits(4);
  }
  if (p.AtEnd() || p.Peek() == 'T') return CheckedDate(fn, year, 1, 1);
  bool dash = p.Take('-');
  if (p.Take('W')) {
    int64_t week = p.Digits(2);
    int64_t dow = 1;
    if ((dash ? p.Take('-') : true) && p.NextIsDigit()) dow = p.Digits(1);
    if (week < 1 || week > 53 || dow < 1 || dow > 7) p.Fail();
    int64_t days = WeekOneMonday(year) + (week - 1) * 7 + dow - 1;
    if (week == 53 && WeekOneMonday(year + 1) <= days) p.Fail();
    return days;
  }
  size_t run = p.DigitRun();
  if (run == 3 || (!dash && run == 3)) {  // ordinal day YYYY-DDD
    int64_t ordinal = p.Digits(3);
    if (ordinal < 1 || ordinal > (IsLeap(year) ? 366 : 365)) p.Fail();
    return DaysFromCivil(year, 1, 1) + ordinal - 1;
  }
  int64_t month = p.Digits(2);
  int64_t day = 1;
  if (dash ? p.Take('-') : p.NextIsDigit()) day = p.Digits(2);
  return CheckedDate(fn, year, month, day);
}

// HH[:MM[:SS[.f]]] or HH[MM[SS[.f]]]: nanoseconds of day.
int64_t ParseTimeOfDay(Parser& p) {
  int64_t h = p.Digits(2), m = 0, s = 0, f = 0;
  bool colon = p.Take(':');
  if (colon || p.NextIsDigit()) {
    m = p.Digits(2);
    if (colon ? p.Take(':') : p.NextIsDigit()) {
      s = p.Digits(2);
      f = p.Fraction();
    }
  }
  if (h > 23 || m > 59 || s > 59) p.Fail();
  return ((h * 60 + m) * 60 + s) * kNanosPerSecond + f;
}

struct Zone {
  bool has_offset = false;
  int32_t offset = 0;
  std::string name;
};

Zone ParseZone(Parser& p) {
  Zone z;
  if (p.Take('Z')) {
    z.has_offset = true;
  } else if (p.Peek() == '+' || p.Peek() == '-') {
    int sign = p.Take('-') ? -1 : (p.Take('+'), 1);
    int64_t h = p.Digits(2), m = 0, s = 0;
    bool colon = p.Take(':');
    if (colon || p.NextIsDigit()) m = p.Digits(2);
    if ((colon ? p.Take(':') : p.NextIsDigit())) s = p.Digits(2);
    if (h > 18 || m > 59 || s > 59) p.Fail();
    z.has_offset = true;
    z.offset = static_cast<int32_t>(sign * ((h * 60 + m) * 60 + s));
  }
  if (p.Take('[')) {
    std::string_view rest = p.Rest();
    size_t close = rest.find(']');
    if (close == std::string_view::npos || close == 0) p.Fail();
    z.name = std::string(rest.substr(0, close));
    p.Skip(close + 1);
  }
  if (!p.AtEnd()) p.Fail();
  return z;
}

// "+01:00", "Z", or a zone name.
Zone ZoneFromString(std::string_view fn, const std::string& s) {
  if (!s.empty() && (s[0] == '+' || s[0] == '-' || s == "Z")) {
    Parser p(fn, s);
    return ParseZone(p);
  }
  Zone z;
  z.name = s;
  return z;
}

DateTime MakeDateTime(int64_t local_seconds, int32_t nanos, const Zone& z) {
  DateTime d;
  d.offset_seconds = z.offset;
  d.seconds = local_seconds - z.offset;
  d.nanos = nanos;
  if (!z.name.empty()) d.zone = std::make_shared<const std::string>(z.name);
  return d;
}

// ---- maps of components

const Value* Field(const Value::Map& m, std::string_view key) {
  for (const auto& [k, v] : m) {
    if (k.size() == key.size() && std::equal(k.begin(), k.end(), key.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return v.IsNull() ? nullptr : &v;
    }
  }
  return nullptr;
}

int64_t IntField(std::string_view fn, const Value::Map& m, std::string_view key, int64_t dflt) {
  const Value* v = Field(m, key);
  if (v == nullptr) return dflt;
  if (!v->IsInt()) {
    throw CypherTypeError("InvalidArgumentType", std::string(fn) + "(): " + std::string(key) +
                                                     " must be an Integer, got " + TypeName(*v));
  }
  return v->AsInt();
}

int64_t DateFromMap(std::string_view fn, const Value::Map& m) {
  int64_t year = IntField(fn, m, "year", 1970);
  if (Field(m, "week") != nullptr) {
    int64_t week = IntField(fn, m, "week", 1), dow = IntField(fn, m, "dayOfWeek", 1);
    if (week < 1 || week > 53 || dow < 1 || dow > 7) Bad(fn, "week or dayOfWeek out of range");
    return WeekOneMonday(year) + (week - 1) * 7 + dow - 1;
  }
  if (Field(m, "ordinalDay") != nullptr) {
    int64_t ordinal = IntField(fn, m, "ordinalDay", 1);
    if (ordinal < 1 || ordinal > (IsLeap(year) ? 366 : 365)) Bad(fn, "ordinalDay out of range");
    return DaysFromCivil(year, 1, 1) + ordinal - 1;
  }
  if (Field(m, "quarter") != nullptr) {
    int64_t q = IntField(fn, m, "quarter", 1), dq = IntField(fn, m, "dayOfQuarter", 1);
    if (q < 1 || q > 4) Bad(fn, "quarter out of range");
    int64_t start = DaysFromCivil(year, 3 * (q - 1) + 1, 1);
    int64_t end = q == 4 ? DaysFromCivil(year + 1, 1, 1) : DaysFromCivil(year, 3 * q + 1, 1);
    if (dq < 1 || start + dq - 1 >= end) Bad(fn, "dayOfQuarter out of range");
    return start + dq - 1;
  }
  return CheckedDate(fn, year, IntField(fn, m, "month", 1), IntField(fn, m, "day", 1));
}

int64_t TimeFromMap(std::string_view fn, const Value::Map& m) {
  int64_t h = IntField(fn, m, "hour", 0), mi = IntField(fn, m, "minute", 0),
          s = IntField(fn, m, "second", 0);
  int64_t ms = IntField(fn, m, "millisecond", 0), us = IntField(fn, m, "microsecond", 0),
          ns = IntField(fn, m, "nanosecond", 0);
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59 || ms < 0 || ms > 999 || us < 0 ||
      us > 999999 || ns < 0 || ns > 999999999) {
    Bad(fn, "time component out of range");
  }
  int64_t frac = ms * 1000000 + us * 1000 + ns;
  if (frac >= kNanosPerSecond) Bad(fn, "fraction of a second out of range");
  return ((h * 60 + mi) * 60 + s) * kNanosPerSecond + frac;
}

Zone ZoneFromMap(std::string_view fn, const Value::Map& m) {
  const Value* tz = Field(m, "timezone");
  if (tz == nullptr) return Zone{true, 0, ""};
  if (!tz->IsString()) Bad(fn, "timezone must be a String");
  return ZoneFromString(fn, tz->AsString());
}

const Value::Map* MapArg(std::span<Value> a) { return a[0].IsMap() ? &a[0].AsMap() : nullptr; }

std::chrono::system_clock::duration NowSinceEpoch() {
  return std::chrono::system_clock::now().time_since_epoch();
}
int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(NowSinceEpoch()).count();
}

// The statement clock: one instant per execution (Neo4j's statement and
// transaction clocks; a statement is its own transaction's clock here).
int64_t StatementNanos(ExecContext& ctx) {
  if (ctx.statement_clock_nanos == 0) ctx.statement_clock_nanos = NowNanos();
  return ctx.statement_clock_nanos;
}

void ExpectStringOrMap(std::string_view fn, const Value& v) {
  if (!v.IsString() && !v.IsMap()) {
    throw CypherTypeError("InvalidArgumentType",
                          std::string(fn) + "() expects a String or a Map, got " + TypeName(v));
  }
}

// ---- constructors

// Selection (`date(dt)`, `datetime({date: d, time: t, day: 28})`): defined
// with truncation below.
bool IsSelection(const Value& arg);
template <ValueType kKind>
Value Select(std::string_view fn, const Value& arg);

Value DateFn(std::span<Value> a, ExecContext& ctx) {
  if (a.empty()) return Value(Date{FloorDiv(StatementNanos(ctx), kNanosPerDay)});
  if (a[0].IsNull()) return Value();
  if (IsSelection(a[0])) return Select<ValueType::kDate>("date", a[0]);
  ExpectStringOrMap("date", a[0]);
  if (const auto* m = MapArg(a)) return Value(Date{DateFromMap("date", *m)});
  Parser p("date", a[0].AsString());
  int64_t days = ParseDate(p, "date");
  if (!p.AtEnd()) p.Fail();
  return Value(Date{days});
}

Value LocalTimeFn(std::span<Value> a, ExecContext& ctx) {
  if (a.empty()) return Value(LocalTime{FloorMod(StatementNanos(ctx), kNanosPerDay)});
  if (a[0].IsNull()) return Value();
  if (IsSelection(a[0])) return Select<ValueType::kLocalTime>("localtime", a[0]);
  ExpectStringOrMap("localtime", a[0]);
  if (const auto* m = MapArg(a)) return Value(LocalTime{TimeFromMap("localtime", *m)});
  Parser p("localtime", a[0].AsString());
  int64_t n = ParseTimeOfDay(p);
  if (!p.AtEnd()) p.Fail();
  return Value(LocalTime{n});
}

Value TimeFn(std::span<Value> a, ExecContext& ctx) {
  if (a.empty()) return Value(Time{FloorMod(StatementNanos(ctx), kNanosPerDay), 0});
  if (a[0].IsNull()) return Value();
  if (IsSelection(a[0])) return Select<ValueType::kTime>("time", a[0]);
  ExpectStringOrMap("time", a[0]);
  if (const auto* m = MapArg(a)) {
    return Value(Time{TimeFromMap("time", *m), ZoneFromMap("time", *m).offset});
  }
  Parser p("time", a[0].AsString());
  int64_t n = ParseTimeOfDay(p);
  Zone z = ParseZone(p);
  return Value(Time{n, z.offset});
}

Value LocalDateTimeFn(std::span<Value> a, ExecContext& ctx) {
  if (a.empty()) {
    int64_t n = StatementNanos(ctx);
    return Value(LocalDateTime{FloorDiv(n, kNanosPerSecond),
                               static_cast<int32_t>(FloorMod(n, kNanosPerSecond))});
  }
  if (a[0].IsNull()) return Value();
  if (IsSelection(a[0])) return Select<ValueType::kLocalDateTime>("localdatetime", a[0]);
  ExpectStringOrMap("localdatetime", a[0]);
  int64_t days, nanos = 0;
  if (const auto* m = MapArg(a)) {
    days = DateFromMap("localdatetime", *m);
    nanos = TimeFromMap("localdatetime", *m);
  } else {
    Parser p("localdatetime", a[0].AsString());
    days = ParseDate(p, "localdatetime");
    if (p.Take('T')) nanos = ParseTimeOfDay(p);
    if (!p.AtEnd()) p.Fail();
  }
  return Value(LocalDateTime{days * kSecondsPerDay + nanos / kNanosPerSecond,
                             static_cast<int32_t>(nanos % kNanosPerSecond)});
}

Value DateTimeFn(std::span<Value> a, ExecContext& ctx) {
  if (a.empty()) {
    int64_t n = StatementNanos(ctx);
    return Value(DateTime{FloorDiv(n, kNanosPerSecond),
                          static_cast<int32_t>(FloorMod(n, kNanosPerSecond)), 0, nullptr});
  }
  if (a[0].IsNull()) return Value();
  if (IsSelection(a[0])) return Select<ValueType::kDateTime>("datetime", a[0]);
  ExpectStringOrMap("datetime", a[0]);
  int64_t days, nanos = 0;
  Zone z{true, 0, ""};
  if (const auto* m = MapArg(a)) {
    if (const Value* es = Field(*m, "epochSeconds")) {
      if (!es->IsInt()) Bad("datetime", "epochSeconds must be an Integer");
      int64_t ns = IntField("datetime", *m, "nanosecond", 0);
      return Value(DateTime{es->AsInt(), static_cast<int32_t>(ns), 0, nullptr});
    }
    if (const Value* em = Field(*m, "epochMillis")) {
      if (!em->IsInt()) Bad("datetime", "epochMillis must be an Integer");
      return Value(DateTime{FloorDiv(em->AsInt(), 1000),
                            static_cast<int32_t>(FloorMod(em->AsInt(), 1000) * 1000000), 0,
                            nullptr});
    }
    days = DateFromMap("datetime", *m);
    nanos = TimeFromMap("datetime", *m);
    z = ZoneFromMap("datetime", *m);
  } else {
    Parser p("datetime", a[0].AsString());
    days = ParseDate(p, "datetime");
    if (p.Take('T')) {
      nanos = ParseTimeOfDay(p);
      z = ParseZone(p);
    } else if (!p.AtEnd()) {
      p.Fail();
    }
  }
  return Value(MakeDateTime(days * kSecondsPerDay + nanos / kNanosPerSecond,
                            static_cast<int32_t>(nanos % kNanosPerSecond), z));
}

// Normalises (seconds, nanos) so that nanos has the sign of the whole and
// |nanos| < 1e9, as Neo4j stores durations: nanos in 0..999,999,999 with
// seconds carrying the sign.
Duration MakeDuration(int64_t months, int64_t days, long double seconds) {
  long double whole = std::floor(seconds);
  auto nanos = static_cast<int64_t>(std::llround((seconds - whole) * 1e9L));
  auto secs = static_cast<int64_t>(whole);
  if (nanos >= kNanosPerSecond) {
    secs += 1;
    nanos -= kNanosPerSecond;
  }
  return Duration{months, days, secs, static_cast<int32_t>(nanos)};
}

Value DurationFn(std::span<Value> a, ExecContext&) {
  if (a[0].IsNull()) return Value();
  ExpectStringOrMap("duration", a[0]);
  if (const auto* m = MapArg(a)) {
    auto num = [&](std::string_view key) -> long double {
      const Value* v = Field(*m, key);
      if (v == nullptr) return 0;
      if (!v->IsNumber()) Bad("duration", std::string(key) + " must be a number");
      return v->IsInt() ? static_cast<long double>(v->AsInt()) : v->AsDouble();
    };
    // Fractions cascade down (1.5 months = 1 month + 15.2 days, as Neo4j
    // averages a month to 30.436875 days).
    long double months = num("years") * 12 + num("quarters") * 3 + num("months");
    long double whole_months = std::trunc(months);
    long double days = num("weeks") * 7 + num("days") + (months - whole_months) * 30.436875L;
    long double whole_days = std::trunc(days);
    long double seconds = num("hours") * 3600 + num("minutes") * 60 + num("seconds") +
                          num("milliseconds") / 1e3L + num("microseconds") / 1e6L +
                          num("nanoseconds") / 1e9L + (days - whole_days) * 86400;
    return Value(MakeDuration(static_cast<int64_t>(whole_months), static_cast<int64_t>(whole_days),
                              seconds));
  }
  // P[nY][nM][nW][nD][T[nH][nM][nS]], each n possibly signed and fractional.
  const std::string& s = a[0].AsString();
  size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
  if (i >= s.size() || (s[i] != 'P' && s[i] != 'p')) Bad("duration", "cannot parse '" + s + "'");
  ++i;
  // The alternative form PYYYY-MM-DDThh:mm:ss[.f].
  if (s.size() >= i + 19 && s[i + 4] == '-' && s[i + 7] == '-' && s[i + 10] == 'T') {
    Parser p("duration", std::string_view(s).substr(i));
    int64_t y = p.Digits(4), mo = (p.Take('-'), p.Digits(2)), d = (p.Take('-'), p.Digits(2));
    p.Take('T');
    int64_t h = p.Digits(2), mi = (p.Take(':') ? p.Digits(2) : (p.Fail(), 0));
    int64_t sec = p.Take(':') ? p.Digits(2) : (p.Fail(), 0);
    int64_t frac = p.Fraction();
    if (!p.AtEnd()) p.Fail();
    Duration out{y * 12 + mo, d, (h * 60 + mi) * 60 + sec, static_cast<int32_t>(frac)};
    if (negative) out = MakeDuration(-out.months, -out.days, -(out.seconds + out.nanos / 1e9L));
    return Value(out);
  }
  long double months = 0, days = 0, seconds = 0;
  bool in_time = false, any = false;
  while (i < s.size()) {
    if (s[i] == 'T' || s[i] == 't') {
      in_time = true;
      ++i;
      continue;
    }
    const char* start = s.c_str() + i;
    char* end = nullptr;
    long double n = std::strtold(start, &end);
    if (end == start || *end == '\0') Bad("duration", "cannot parse '" + s + "'");
    i += static_cast<size_t>(end - start);
    char unit = static_cast<char>(std::toupper(static_cast<unsigned char>(s[i++])));
    any = true;
    if (!in_time && unit == 'Y') {
      months += n * 12;
    } else if (!in_time && unit == 'M') {
      months += n;
    } else if (!in_time && unit == 'W') {
      days += n * 7;
    } else if (!in_time && unit == 'D') {
      days += n;
    } else if (in_time && unit == 'H') {
      seconds += n * 3600;
    } else if (in_time && unit == 'M') {
      seconds += n * 60;
    } else if (in_time && unit == 'S') {
      seconds += n;
    } else {
      Bad("duration", "cannot parse '" + s + "'");
    }
  }
  if (!any) Bad("duration", "cannot parse '" + s + "'");
  long double whole_months = std::trunc(months);
  days += (months - whole_months) * 30.436875L;
  long double whole_days = std::trunc(days);
  seconds += (days - whole_days) * 86400;
  Duration d =
      MakeDuration(static_cast<int64_t>(whole_months), static_cast<int64_t>(whole_days), seconds);
  if (negative) d = MakeDuration(-d.months, -d.days, -(d.seconds + d.nanos / 1e9L));
  return Value(d);
}

Value PointFn(std::span<Value> a, ExecContext&) {
  if (a[0].IsNull()) return Value();
  if (!a[0].IsMap()) {
    throw CypherTypeError("InvalidArgumentType",
                          std::string("point() expects a Map, got ") + TypeName(a[0]));
  }
  const auto& m = a[0].AsMap();
  auto coord = [&](std::string_view key) -> std::optional<double> {
    const Value* v = Field(m, key);
    if (v == nullptr) return std::nullopt;
    if (!v->IsNumber()) Bad("point", std::string(key) + " must be a number");
    return v->AsNumber();
  };
  bool geographic = Field(m, "latitude") != nullptr || Field(m, "longitude") != nullptr;
  std::optional<double> x = geographic ? coord("longitude") : coord("x");
  std::optional<double> y = geographic ? coord("latitude") : coord("y");
  std::optional<double> z = geographic ? coord("height") : coord("z");
  if (!x || !y) Bad("point", "needs x and y, or longitude and latitude");
  int64_t srid = geographic ? (z ? 4979 : 4326) : (z ? 9157 : 7203);
  if (const Value* crs = Field(m, "crs")) {
    if (!crs->IsString()) Bad("point", "crs must be a String");
    std::string c = crs->AsString();
    for (char& ch : c) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (c == "cartesian") {
      srid = 7203;
    } else if (c == "cartesian-3d") {
      srid = 9157;
    } else if (c == "wgs-84") {
      srid = 4326;
    } else if (c == "wgs-84-3d") {
      srid = 4979;
    } else {
      Bad("point", "unknown crs '" + crs->AsString() + "'");
    }
  }
  if (const Value* s = Field(m, "srid")) {
    if (!s->IsInt()) Bad("point", "srid must be an Integer");
    srid = s->AsInt();
  }
  if (z) return Value(Point3d{srid, *x, *y, *z});
  return Value(Point2d{srid, *x, *y});
}

// date.transaction([zone]) and its kin: the current instant, optionally in
// a zone given as an offset ("+01:00", "Z") or a name (offset 0).
// .transaction and .statement read the statement clock (a statement is
// timed as its transaction), .realtime the system clock.
template <ValueType kKind, bool kRealtime>
Value NowFn(std::span<Value> a, ExecContext& ctx) {
  Zone z{true, 0, ""};
  if (!a.empty()) {
    if (a[0].IsNull()) return Value();
    if (!a[0].IsString()) {
      throw CypherTypeError("InvalidArgumentType",
                            std::string("expected a time zone String, got ") + TypeName(a[0]));
    }
    z = ZoneFromString("now", a[0].AsString());
  }
  const int64_t n = kRealtime ? NowNanos() : StatementNanos(ctx);
  const int64_t local = n + int64_t{z.offset} * kNanosPerSecond;
  switch (kKind) {
    case ValueType::kDate:
      return Value(Date{FloorDiv(local, kNanosPerDay)});
    case ValueType::kLocalTime:
      return Value(LocalTime{FloorMod(local, kNanosPerDay)});
    case ValueType::kTime:
      return Value(Time{FloorMod(local, kNanosPerDay), z.offset});
    case ValueType::kLocalDateTime:
      return Value(LocalDateTime{FloorDiv(local, kNanosPerSecond),
                                 static_cast<int32_t>(FloorMod(local, kNanosPerSecond))});
    default:
      return Value(MakeDateTime(FloorDiv(local, kNanosPerSecond),
                                static_cast<int32_t>(FloorMod(local, kNanosPerSecond)), z));
  }
}

// ---- truncate: X.truncate(unit, temporal[, map])

// A temporal value taken apart into local date, local time and zone.
struct Parts {
  int64_t days = 0;
  int64_t nanos = 0;
  bool has_date = false;
  bool has_zone = false;
  int32_t offset = 0;
  std::shared_ptr<const std::string> zone;
};

/// The value of kind `kKind` that `p` describes (local date and time of day,
/// offset and zone where the kind has them).
template <ValueType kKind>
Value ValueFromParts(const Parts& p) {
  switch (kKind) {
    case ValueType::kDate:
      return Value(Date{p.days});
    case ValueType::kLocalTime:
      return Value(LocalTime{p.nanos});
    case ValueType::kTime:
      return Value(Time{p.nanos, p.offset});
    case ValueType::kLocalDateTime:
      return Value(LocalDateTime{p.days * kSecondsPerDay + p.nanos / kNanosPerSecond,
                                 static_cast<int32_t>(p.nanos % kNanosPerSecond)});
    default: {
      DateTime d;
      d.offset_seconds = p.offset;
      d.seconds = p.days * kSecondsPerDay + p.nanos / kNanosPerSecond - p.offset;
      d.nanos = static_cast<int32_t>(p.nanos % kNanosPerSecond);
      d.zone = p.zone;
      return Value(std::move(d));
    }
  }
}

Parts Decompose(std::string_view fn, const Value& v) {
  Parts p;
  switch (v.type()) {
    case ValueType::kDate:
      p.days = v.AsDate().days;
      p.has_date = true;
      return p;
    case ValueType::kLocalTime:
      p.nanos = v.AsLocalTime().nanos;
      return p;
    case ValueType::kTime:
      p.nanos = v.AsTime().nanos;
      p.has_zone = true;
      p.offset = v.AsTime().offset_seconds;
      return p;
    case ValueType::kLocalDateTime: {
      const auto& t = v.AsLocalDateTime();
      p.days = FloorDiv(t.seconds, kSecondsPerDay);
      p.nanos = FloorMod(t.seconds, kSecondsPerDay) * kNanosPerSecond + t.nanos;
      p.has_date = true;
      return p;
    }
    case ValueType::kDateTime: {
      const auto& t = v.AsDateTime();
      int64_t local = t.seconds + t.offset_seconds;
      p.days = FloorDiv(local, kSecondsPerDay);
      p.nanos = FloorMod(local, kSecondsPerDay) * kNanosPerSecond + t.nanos;
      p.has_date = true;
      p.has_zone = true;
      p.offset = t.offset_seconds;
      p.zone = t.zone;
      return p;
    }
    default:
      throw CypherTypeError("InvalidArgumentType",
                            std::string(fn) + "() expects a temporal value, got " + TypeName(v));
  }
}

int64_t WeekYearOf(int64_t days) {
  int64_t y = CivilFromDays(days).year;
  if (days >= WeekOneMonday(y + 1)) return y + 1;
  if (days < WeekOneMonday(y)) return y - 1;
  return y;
}

// Truncates p in place to `unit`; false when the unit is unknown or needs
// a date the value does not have.
bool TruncateParts(Parts* p, const std::string& unit) {
  static constexpr std::pair<std::string_view, int64_t> kTimeUnits[] = {
      {"day", kNanosPerDay},
      {"hour", int64_t{3600} * kNanosPerSecond},
      {"minute", 60 * kNanosPerSecond},
      {"second", kNanosPerSecond},
      {"millisecond", 1000000},
      {"microsecond", 1000}};
  for (const auto& [name, size] : kTimeUnits) {
    if (unit == name) {
      p->nanos -= p->nanos % size;
      return true;
    }
  }
  if (!p->has_date) return false;
  Civil c = CivilFromDays(p->days);
  if (unit == "millennium") {
    p->days = DaysFromCivil(FloorDiv(c.year, 1000) * 1000, 1, 1);
  } else if (unit == "century") {
    p->days = DaysFromCivil(FloorDiv(c.year, 100) * 100, 1, 1);
  } else if (unit == "decade") {
    p->days = DaysFromCivil(FloorDiv(c.year, 10) * 10, 1, 1);
  } else if (unit == "year") {
    p->days = DaysFromCivil(c.year, 1, 1);
  } else if (unit == "weekYear") {
    p->days = WeekOneMonday(WeekYearOf(p->days));
  } else if (unit == "quarter") {
    p->days = DaysFromCivil(c.year, (c.month - 1) / 3 * 3 + 1, 1);
  } else if (unit == "month") {
    p->days = DaysFromCivil(c.year, c.month, 1);
  } else if (unit == "week") {
    p->days -= DayOfWeek(p->days) - 1;
  } else {
    return false;
  }
  p->nanos = 0;
  return true;
}

// Applies the overriding components of `m` (year, month, day, dayOfWeek,
// hour, ..., nanosecond, timezone) to truncated parts.
void OverrideParts(std::string_view fn, Parts* p, const Value::Map& m) {
  if (p->has_date) {
    Civil c = CivilFromDays(p->days);
    if (Field(m, "dayOfWeek") != nullptr) {
      int64_t dow = IntField(fn, m, "dayOfWeek", 1);
      if (dow < 1 || dow > 7) Bad(fn, "dayOfWeek out of range");
      p->days += dow - DayOfWeek(p->days);
    } else if (Field(m, "year") || Field(m, "month") || Field(m, "day")) {
      p->days = CheckedDate(fn, IntField(fn, m, "year", c.year), IntField(fn, m, "month", c.month),
                            IntField(fn, m, "day", c.day));
    }
  }
  int64_t secs = p->nanos / kNanosPerSecond, frac = p->nanos % kNanosPerSecond;
  int64_t h = IntField(fn, m, "hour", secs / 3600), mi = IntField(fn, m, "minute", secs / 60 % 60),
          s = IntField(fn, m, "second", secs % 60);
  int64_t ms = IntField(fn, m, "millisecond", frac / 1000000),
          us = IntField(fn, m, "microsecond", frac / 1000 % 1000),
          ns = IntField(fn, m, "nanosecond", frac % 1000);
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59 || ms < 0 || ms > 999 || us < 0 ||
      ns < 0 || ns >= kNanosPerSecond) {
    Bad(fn, "time component out of range");
  }
  int64_t f = ns > 999 ? ns : (us > 999 ? us * 1000 + ns : ms * 1000000 + us * 1000 + ns);
  p->nanos = ((h * 60 + mi) * 60 + s) * kNanosPerSecond + f;
  if (const Value* tz = Field(m, "timezone")) {
    if (!tz->IsString()) Bad(fn, "timezone must be a String");
    Zone z = ZoneFromString(fn, tz->AsString());
    p->has_zone = true;
    p->offset = z.offset;
    p->zone = z.name.empty() ? nullptr : std::make_shared<const std::string>(z.name);
  }
}

template <ValueType kKind>
Value TruncateFn(std::span<Value> a, ExecContext&) {
  static constexpr std::string_view kName = kKind == ValueType::kDate        ? "date.truncate"
                                            : kKind == ValueType::kLocalTime ? "localtime.truncate"
                                            : kKind == ValueType::kTime      ? "time.truncate"
                                            : kKind == ValueType::kLocalDateTime
                                                ? "localdatetime.truncate"
                                                : "datetime.truncate";
  if (a[0].IsNull() || a[1].IsNull()) return Value();
  ExpectString(kName, a[0]);
  Parts p = Decompose(kName, a[1]);
  const std::string& unit = a[0].AsString();
  bool date_result = kKind == ValueType::kDate || kKind == ValueType::kLocalDateTime ||
                     kKind == ValueType::kDateTime;
  if (date_result && !p.has_date) Bad(kName, "cannot truncate a time to a date");
  bool date_unit = unit != "day" && unit != "hour" && unit != "minute" && unit != "second" &&
                   unit != "millisecond" && unit != "microsecond";
  if (!date_result && date_unit) Bad(kName, "unit '" + unit + "' needs a date");
  if (!TruncateParts(&p, unit)) Bad(kName, "unknown unit '" + unit + "'");
  if (a.size() > 2 && !a[2].IsNull()) {
    if (!a[2].IsMap()) Bad(kName, "the third argument must be a Map");
    OverrideParts(kName, &p, a[2].AsMap());
  }
  return ValueFromParts<kKind>(p);
}

// ---- duration.between(a, b) and duration.inMonths/inDays/inSeconds

enum class BetweenUnit : uint8_t { kAll, kMonths, kDays, kSeconds };

// Months from date `from` to date `to` as java.time's LocalDate.until(MONTHS).
int64_t MonthsUntil(int64_t from, int64_t to) {
  Civil a = CivilFromDays(from), b = CivilFromDays(to);
  int64_t packed1 = (a.year * 12 + a.month - 1) * 32 + a.day;
  int64_t packed2 = (b.year * 12 + b.month - 1) * 32 + b.day;
  return (packed2 - packed1) / 32;
}

int64_t PlusMonths(int64_t days, int64_t months) {
  Civil c = CivilFromDays(days);
  int64_t total = c.year * 12 + (c.month - 1) + months;
  int64_t y = FloorDiv(total, 12), m = FloorMod(total, 12) + 1;
  return DaysFromCivil(y, m, std::min(c.day, DaysInMonth(y, m)));
}

// The end date LocalDateTime.until uses for date units: one day back (or
// forward) when the end's time of day has not reached the start's.
int64_t AdjustedEnd(int64_t from_days, int64_t from_nanos, int64_t to_days, int64_t to_nanos) {
  if (to_days > from_days && to_nanos < from_nanos) return to_days - 1;
  if (to_days < from_days && to_nanos > from_nanos) return to_days + 1;
  return to_days;
}

// 128 bits: a span of two billion years does not fit in int64 nanoseconds.
Duration DurationFromNanos(int64_t months, int64_t days, __int128 nanos) {
  __int128 secs = nanos / kNanosPerSecond;
  __int128 rem = nanos % kNanosPerSecond;
  if (rem < 0) {
    rem += kNanosPerSecond;
    secs -= 1;
  }
  return Duration{months, days, static_cast<int64_t>(secs), static_cast<int32_t>(rem)};
}

template <BetweenUnit kUnit>
Value BetweenFn(std::span<Value> a, ExecContext&) {
  constexpr std::string_view kName = kUnit == BetweenUnit::kAll      ? "duration.between"
                                     : kUnit == BetweenUnit::kMonths ? "duration.inMonths"
                                     : kUnit == BetweenUnit::kDays   ? "duration.inDays"
                                                                     : "duration.inSeconds";
  if (a[0].IsNull() || a[1].IsNull()) return Value();
  Parts f = Decompose(kName, a[0]);
  Parts t = Decompose(kName, a[1]);
  // Two values with offsets compare in the first one's offset; a local value
  // is read in the other's zone.
  if (f.has_zone && t.has_zone) {
    int64_t total =
        t.days * kNanosPerDay + t.nanos + (int64_t{f.offset} - t.offset) * kNanosPerSecond;
    if (t.has_date) {
      t.days = FloorDiv(total, kNanosPerDay);
      t.nanos = FloorMod(total, kNanosPerDay);
    } else {
      t.nanos = total;
    }
  }
  if (!f.has_date || !t.has_date) {
    if (kUnit == BetweenUnit::kMonths || kUnit == BetweenUnit::kDays) return Value(Duration{});
    return Value(DurationFromNanos(0, 0, t.nanos - f.nanos));
  }
  const __int128 total =
      static_cast<__int128>(t.days - f.days) * kNanosPerDay + (t.nanos - f.nanos);
  if (kUnit == BetweenUnit::kSeconds) return Value(DurationFromNanos(0, 0, total));
  int64_t end = AdjustedEnd(f.days, f.nanos, t.days, t.nanos);
  if (kUnit == BetweenUnit::kDays) return Value(Duration{0, end - f.days, 0, 0});
  int64_t months = MonthsUntil(f.days, end);
  if (kUnit == BetweenUnit::kMonths) return Value(Duration{months, 0, 0, 0});
  int64_t from = PlusMonths(f.days, months);
  int64_t days = AdjustedEnd(from, f.nanos, t.days, t.nanos) - from;
  __int128 rest = static_cast<__int128>(t.days - from - days) * kNanosPerDay + (t.nanos - f.nanos);
  return Value(DurationFromNanos(months, days, rest));
}

// ---- selection

bool IsSelection(const Value& arg) {
  if (IsExtendedScalar(arg.type())) return arg.type() != ValueType::kBytes;
  if (!arg.IsMap()) return false;
  const auto& m = arg.AsMap();
  return Field(m, "date") != nullptr || Field(m, "time") != nullptr ||
         Field(m, "datetime") != nullptr;
}

// Moves p's local time from its offset to `to` (same instant).
void ShiftToOffset(Parts* p, int32_t to) {
  int64_t total = p->days * kNanosPerDay + p->nanos + (int64_t{to} - p->offset) * kNanosPerSecond;
  if (p->has_date) {
    p->days = FloorDiv(total, kNanosPerDay);
    p->nanos = FloorMod(total, kNanosPerDay);
  } else {
    p->nanos = FloorMod(total, kNanosPerDay);
  }
  p->offset = to;
}

template <ValueType kKind>
Value Select(std::string_view fn, const Value& arg) {
  constexpr bool kNeedsDate = kKind == ValueType::kDate || kKind == ValueType::kLocalDateTime ||
                              kKind == ValueType::kDateTime;
  Parts p;
  if (!arg.IsMap()) {
    p = Decompose(fn, arg);
  } else {
    const auto& m = arg.AsMap();
    const Value* date_src = Field(m, "date");
    const Value* time_src = Field(m, "time");
    const Value* both_src = Field(m, "datetime");
    if (both_src != nullptr) p = Decompose(fn, *both_src);
    if (date_src != nullptr) {
      Parts d = Decompose(fn, *date_src);
      if (!d.has_date) Bad(fn, "date: needs a value with a date");
      p.days = d.days;
      p.has_date = true;
    }
    bool time_from_source = time_src != nullptr || both_src != nullptr;
    if (time_src != nullptr) {
      Parts t = Decompose(fn, *time_src);
      p.nanos = t.nanos;
      p.has_zone = t.has_zone;
      p.offset = t.offset;
      p.zone = t.zone;
    }
    if (date_src == nullptr && both_src == nullptr) {
      if (kNeedsDate) {
        p.days = DateFromMap(fn, m);
        p.has_date = true;
      }
    } else if (Field(m, "week") != nullptr) {
      int64_t wy = IntField(fn, m, "year", WeekYearOf(p.days));
      int64_t week = IntField(fn, m, "week", 1);
      int64_t dow = IntField(fn, m, "dayOfWeek", DayOfWeek(p.days));
      p.days = WeekOneMonday(wy) + (week - 1) * 7 + dow - 1;
    } else if (Field(m, "dayOfWeek") != nullptr) {
      p.days += IntField(fn, m, "dayOfWeek", 1) - DayOfWeek(p.days);
    } else if (Field(m, "ordinalDay") != nullptr) {
      int64_t y = IntField(fn, m, "year", CivilFromDays(p.days).year);
      p.days = DaysFromCivil(y, 1, 1) + IntField(fn, m, "ordinalDay", 1) - 1;
    } else if (Field(m, "year") || Field(m, "month") || Field(m, "day")) {
      Civil c = CivilFromDays(p.days);
      p.days = CheckedDate(fn, IntField(fn, m, "year", c.year), IntField(fn, m, "month", c.month),
                           IntField(fn, m, "day", c.day));
    }
    if (!time_from_source) {
      p.nanos = TimeFromMap(fn, m);
    } else {
      Value::Map time_only;
      for (const auto& [k, v] : m) {
        if (k != "timezone") time_only.emplace(k, v);
      }
      Parts q = p;
      q.has_date = false;  // the date was settled above
      OverrideParts(fn, &q, time_only);
      p.nanos = q.nanos;
    }
    if (const Value* tz = Field(m, "timezone")) {
      if (!tz->IsString()) Bad(fn, "timezone must be a String");
      Zone z = ZoneFromString(fn, tz->AsString());
      if (p.has_zone) {
        ShiftToOffset(&p, z.offset);
      } else {
        p.offset = z.offset;
      }
      p.has_zone = true;
      p.zone = z.name.empty() ? nullptr : std::make_shared<const std::string>(z.name);
    }
  }
  if (kNeedsDate && !p.has_date) Bad(fn, "cannot select a date from a time");
  return ValueFromParts<kKind>(p);
}

const FunctionInfo kTemporal[] = {
    {"duration.between", 2, 2, BetweenFn<BetweenUnit::kAll>},
    {"duration.inMonths", 2, 2, BetweenFn<BetweenUnit::kMonths>},
    {"duration.inDays", 2, 2, BetweenFn<BetweenUnit::kDays>},
    {"duration.inSeconds", 2, 2, BetweenFn<BetweenUnit::kSeconds>},
    {"date.truncate", 2, 3, TruncateFn<ValueType::kDate>},
    {"localtime.truncate", 2, 3, TruncateFn<ValueType::kLocalTime>},
    {"time.truncate", 2, 3, TruncateFn<ValueType::kTime>},
    {"localdatetime.truncate", 2, 3, TruncateFn<ValueType::kLocalDateTime>},
    {"datetime.truncate", 2, 3, TruncateFn<ValueType::kDateTime>},
    {"date.transaction", 0, 1, NowFn<ValueType::kDate, false>, false},
    {"date.statement", 0, 1, NowFn<ValueType::kDate, false>, false},
    {"date.realtime", 0, 1, NowFn<ValueType::kDate, true>, false},
    {"localtime.transaction", 0, 1, NowFn<ValueType::kLocalTime, false>, false},
    {"localtime.statement", 0, 1, NowFn<ValueType::kLocalTime, false>, false},
    {"localtime.realtime", 0, 1, NowFn<ValueType::kLocalTime, true>, false},
    {"time.transaction", 0, 1, NowFn<ValueType::kTime, false>, false},
    {"time.statement", 0, 1, NowFn<ValueType::kTime, false>, false},
    {"time.realtime", 0, 1, NowFn<ValueType::kTime, true>, false},
    {"localdatetime.transaction", 0, 1, NowFn<ValueType::kLocalDateTime, false>, false},
    {"localdatetime.statement", 0, 1, NowFn<ValueType::kLocalDateTime, false>, false},
    {"localdatetime.realtime", 0, 1, NowFn<ValueType::kLocalDateTime, true>, false},
    {"datetime.transaction", 0, 1, NowFn<ValueType::kDateTime, false>, false},
    {"datetime.statement", 0, 1, NowFn<ValueType::kDateTime, false>, false},
    {"datetime.realtime", 0, 1, NowFn<ValueType::kDateTime, true>, false},
    {"date", 0, 1, DateFn, false},
    {"localtime", 0, 1, LocalTimeFn, false},
    {"time", 0, 1, TimeFn, false},
    {"localdatetime", 0, 1, LocalDateTimeFn, false},
    {"datetime", 0, 1, DateTimeFn, false},
    {"duration", 1, 1, DurationFn},
    {"point", 1, 1, PointFn},
};

// ---- components

Value DateComponent(int64_t days, std::string_view key) {
  Civil c = CivilFromDays(days);
  if (key == "year") return Value(c.year);
  if (key == "month") return Value(c.month);
  if (key == "day") return Value(c.day);
  if (key == "quarter") return Value((c.month - 1) / 3 + 1);
  if (key == "dayOfWeek" || key == "weekDay") return Value(DayOfWeek(days));
  if (key == "ordinalDay") return Value(days - DaysFromCivil(c.year, 1, 1) + 1);
  if (key == "dayOfQuarter") {
    return Value(days - DaysFromCivil(c.year, 3 * ((c.month - 1) / 3) + 1, 1) + 1);
  }
  if (key == "week" || key == "weekYear") {
    int64_t wy = c.year;
    if (days >= WeekOneMonday(c.year + 1)) {
      wy = c.year + 1;
    } else if (days < WeekOneMonday(c.year)) {
      wy = c.year - 1;
    }
    if (key == "weekYear") return Value(wy);
    return Value((days - WeekOneMonday(wy)) / 7 + 1);
  }
  return Value();
}

Value TimeComponent(int64_t nanos, std::string_view key) {
  int64_t secs = nanos / kNanosPerSecond, frac = nanos % kNanosPerSecond;
  if (key == "hour") return Value(secs / 3600);
  if (key == "minute") return Value(secs / 60 % 60);
  if (key == "second") return Value(secs % 60);
  if (key == "millisecond") return Value(frac / 1000000);
  if (key == "microsecond") return Value(frac / 1000);
  if (key == "nanosecond") return Value(frac);
  return Value();
}

Value OffsetComponent(int32_t offset, std::string_view zone, std::string_view key) {
  if (key == "offsetSeconds") return Value(int64_t{offset});
  if (key == "offsetMinutes") return Value(int64_t{offset / 60});
  if (key == "offset" || key == "timezone") {
    if (key == "timezone" && !zone.empty()) return Value(std::string(zone));
    std::string s = FormatScalar(PropertyValue(Time{0, offset}));  // "00:00+01:00"
    return Value(s.substr(5));
  }
  return Value();
}

}  // namespace

std::span<const FunctionInfo> TemporalFunctions() { return kTemporal; }

std::optional<Value> TemporalComponent(const Value& v, std::string_view key) {
  switch (v.type()) {
    case ValueType::kDate: {
      Value out = DateComponent(v.AsDate().days, key);
      if (!out.IsNull()) return out;
      break;
    }
    case ValueType::kLocalTime: {
      Value out = TimeComponent(v.AsLocalTime().nanos, key);
      if (!out.IsNull()) return out;
      break;
    }
    case ValueType::kTime: {
      Value out = TimeComponent(v.AsTime().nanos, key);
      if (out.IsNull()) out = OffsetComponent(v.AsTime().offset_seconds, "", key);
      if (!out.IsNull()) return out;
      break;
    }
    case ValueType::kLocalDateTime: {
      const auto& t = v.AsLocalDateTime();
      int64_t days = FloorDiv(t.seconds, kSecondsPerDay);
      Value out = DateComponent(days, key);
      if (out.IsNull()) {
        out = TimeComponent(FloorMod(t.seconds, kSecondsPerDay) * kNanosPerSecond + t.nanos, key);
      }
      if (!out.IsNull()) return out;
      break;
    }
    case ValueType::kDateTime: {
      const auto& t = v.AsDateTime();
      int64_t local = t.seconds + t.offset_seconds;
      if (key == "epochSeconds") return Value(t.seconds);
      if (key == "epochMillis") return Value(t.seconds * 1000 + t.nanos / 1000000);
      Value out = DateComponent(FloorDiv(local, kSecondsPerDay), key);
      if (out.IsNull()) {
        out = TimeComponent(FloorMod(local, kSecondsPerDay) * kNanosPerSecond + t.nanos, key);
      }
      if (out.IsNull()) out = OffsetComponent(t.offset_seconds, t.ZoneName(), key);
      if (!out.IsNull()) return out;
      break;
    }
    case ValueType::kDuration: {
      const auto& d = v.AsDuration();
      if (key == "years") return Value(d.months / 12);
      if (key == "quarters") return Value(d.months / 3);
      if (key == "months") return Value(d.months);
      if (key == "monthsOfYear") return Value(d.months % 12);
      if (key == "monthsOfQuarter") return Value(d.months % 3);
      if (key == "quartersOfYear") return Value(d.months / 3 % 4);
      if (key == "weeks") return Value(d.days / 7);
      if (key == "days") return Value(d.days);
      if (key == "daysOfWeek") return Value(d.days % 7);
      if (key == "hours") return Value(d.seconds / 3600);
      if (key == "minutes") return Value(d.seconds / 60);
      if (key == "seconds") return Value(d.seconds);
      if (key == "minutesOfHour") return Value(d.seconds / 60 % 60);
      if (key == "secondsOfMinute") return Value(d.seconds % 60);
      if (key == "milliseconds") return Value(d.seconds * 1000 + d.nanos / 1000000);
      if (key == "microseconds") return Value(d.seconds * 1000000 + d.nanos / 1000);
      if (key == "nanoseconds") return Value(d.seconds * kNanosPerSecond + d.nanos);
      if (key == "millisecondsOfSecond") return Value(int64_t{d.nanos / 1000000});
      if (key == "microsecondsOfSecond") return Value(int64_t{d.nanos / 1000});
      if (key == "nanosecondsOfSecond") return Value(int64_t{d.nanos});
      break;
    }
    case ValueType::kPoint2d:
    case ValueType::kPoint3d: {
      bool three = v.IsPoint3d();
      int64_t srid = three ? v.AsPoint3d().srid : v.AsPoint2d().srid;
      double x = three ? v.AsPoint3d().x : v.AsPoint2d().x;
      double y = three ? v.AsPoint3d().y : v.AsPoint2d().y;
      bool geographic = srid == 4326 || srid == 4979;
      if (key == "x" || (geographic && key == "longitude")) return Value(x);
      if (key == "y" || (geographic && key == "latitude")) return Value(y);
      if (three && (key == "z" || (geographic && key == "height"))) return Value(v.AsPoint3d().z);
      if (key == "srid") return Value(srid);
      if (key == "crs") {
        if (srid == 4326) return Value("wgs-84");
        if (srid == 4979) return Value("wgs-84-3d");
        if (srid == 9157) return Value("cartesian-3d");
        return Value("cartesian");
      }
      break;
    }
    default:
      break;
  }
  return std::nullopt;
}

}  // namespace tributary::cypher
