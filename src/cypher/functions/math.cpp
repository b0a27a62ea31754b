// Math functions: abs, ceil, floor, round, sign, sqrt, exp, log, log10,
// trigonometry, pi, e, rand.
#include <cmath>
#include <random>

#include "cypher/errors.hpp"
#include "cypher/functions/function.hpp"

namespace tributary::cypher {
namespace {

template <double (*F)(double)>
Value Unary(std::span<Value> a, ExecContext&) {
  if (a[0].IsNull()) return Value();
  ExpectNumber("math", a[0]);
  return Value(F(a[0].AsNumber()));
}

Value Abs(std::span<Value> a, ExecContext&) {
  if (a[0].IsNull()) return Value();
  ExpectNumber("abs", a[0]);
  if (a[0].IsInt()) {
    if (a[0].AsInt() == INT64_MIN) throw ArithmeticError("IntegerOverflow", "abs() overflow");
    return Value(a[0].AsInt() < 0 ? -a[0].AsInt() : a[0].AsInt());
  }
  return Value(std::fabs(a[0].AsDouble()));
}

Value Sign(std::span<Value> a, ExecContext&) {
  if (a[0].IsNull()) return Value();
  ExpectNumber("sign", a[0]);
  double d = a[0].AsNumber();
  return Value(int64_t{d > 0 ? 1 : (d < 0 ? -1 : 0)});
}

Value Round(std::span<Value> a, ExecContext&) {
  if (a[0].IsNull()) return Value();
  ExpectNumber("round", a[0]);
  double d = a[0].AsNumber();
  if (a.size() >= 2 && !a[1].IsNull()) {
    ExpectInt("round", a[1]);
    double scale = std::pow(10.0, static_cast<double>(a[1].AsInt()));
    return Value(std::floor(d * scale + 0.5) / scale);
  }
  return Value(std::floor(d + 0.5));
}

double Ceil(double d) { return std::ceil(d); }
double Floor(double d) { return std::floor(d); }
double Sqrt(double d) { return std::sqrt(d); }
double Exp(double d) { return std::exp(d); }
double Log(double d) { return std::log(d); }
double Log10(double d) { return std::log10(d); }
double Sin(double d) { return std::sin(d); }
double Cos(double d) { return std::cos(d); }
double Tan(double d) { return std::tan(d); }
double Cot(double d) { return 1.0 / std::tan(d); }
double Asin(double d) { return std::asin(d); }
double Acos(double d) { return std::acos(d); }
double Atan(double d) { return std::atan(d); }
double Degrees(double d) { return d * 180.0 / M_PI; }
double Radians(double d) { return d * M_PI / 180.0; }

Value Atan2(std::span<Value> a, ExecContext&) {
  if (a[0].IsNull() || a[1].IsNull()) return Value();
  ExpectNumber("atan2", a[0]);
  ExpectNumber("atan2", a[1]);
  return Value(std::atan2(a[0].AsNumber(), a[1].AsNumber()));
}
Value Pi(std::span<Value>, ExecContext&) { return Value(M_PI); }
Value E(std::span<Value>, ExecContext&) { return Value(M_E); }
Value Rand(std::span<Value>, ExecContext&) {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  return Value(std::uniform_real_distribution<double>(0.0, 1.0)(gen));
}

const FunctionInfo kMath[] = {
    {"abs", 1, 1, Abs},
    {"ceil", 1, 1, Unary<Ceil>},
    {"floor", 1, 1, Unary<Floor>},
    {"round", 1, 2, Round},
    {"sign", 1, 1, Sign},
    {"sqrt", 1, 1, Unary<Sqrt>},
    {"exp", 1, 1, Unary<Exp>},
    {"log", 1, 1, Unary<Log>},
    {"log10", 1, 1, Unary<Log10>},
    {"sin", 1, 1, Unary<Sin>},
    {"cos", 1, 1, Unary<Cos>},
    {"tan", 1, 1, Unary<Tan>},
    {"cot", 1, 1, Unary<Cot>},
    {"asin", 1, 1, Unary<Asin>},
    {"acos", 1, 1, Unary<Acos>},
    {"atan", 1, 1, Unary<Atan>},
    {"atan2", 2, 2, Atan2},
    {"degrees", 1, 1, Unary<Degrees>},
    {"radians", 1, 1, Unary<Radians>},
    {"pi", 0, 0, Pi},
    {"e", 0, 0, E},
    {"rand", 0, 0, Rand, false},
};

}  // namespace

std::span<const FunctionInfo> MathFunctions() { return kMath; }

}  // namespace tributary::cypher
