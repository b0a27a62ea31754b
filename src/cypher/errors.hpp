#pragma once
// The one exception hierarchy of the query pipeline (parser, semantic analysis,
// planner, executor, procedures). Every error a client can see is a
// CypherError; its ErrorKind maps, in StatusCodeOf() and nowhere else, to the
// Neo4j status code sent over Bolt. Storage and I/O layers return Result<T>
// instead (see STYLE.md, "Two kinds of errors").
//
// Every error carries a `detail` name taken from the openCypher TCK
// vocabulary ("UnexpectedSyntax", "IntegerOverflow", "VariableAlreadyBound",
// ...). what() always contains it, in the form
//   "<message> [<Detail>]"
// so both humans and the TCK runner can find it.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tributary::cypher {

/// The class of a query error; decides the Neo4j status code.
enum class ErrorKind : uint8_t {
  kSyntax,               ///< The text is not a valid statement.
  kSemantic,             ///< Valid syntax, invalid meaning (unbound variable, ...).
  kType,                 ///< A value of the wrong type at run time.
  kArgument,             ///< A value of the right type but out of range.
  kArithmetic,           ///< Integer overflow / division by zero at run time.
  kEntityNotFound,       ///< Access to a deleted or missing node/relationship.
  kConstraintViolation,  ///< A schema constraint or graph invariant would break.
  kTransient,            ///< Serialization conflict; the client may retry.
  kParameterMissing,     ///< A `$param` was not supplied.
  kProcedure,            ///< Unknown procedure or a procedure failed.
  kQueryTimeout,         ///< The transaction exceeded its time budget.
  kTerminated,           ///< Interrupted by the client (Bolt RESET) or a shutdown.
  kMemoryLimitExceeded,  ///< The query exceeded its memory budget.
  kDatabase,             ///< An internal error; a bug or an environment failure.
};

/// The Neo4j status code for a kind, e.g. "Neo.ClientError.Statement.SyntaxError".
/// This is the only place that mapping is written down.
constexpr std::string_view StatusCodeOf(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kSyntax:
      return "Neo.ClientError.Statement.SyntaxError";
    case ErrorKind::kSemantic:
      return "Neo.ClientError.Statement.SemanticError";
    case ErrorKind::kType:
      return "Neo.ClientError.Statement.TypeError";
    case ErrorKind::kArgument:
      return "Neo.ClientError.Statement.ArgumentError";
    case ErrorKind::kArithmetic:
      return "Neo.ClientError.Statement.ArithmeticError";
    case ErrorKind::kEntityNotFound:
      return "Neo.ClientError.Statement.EntityNotFound";
    case ErrorKind::kConstraintViolation:
      return "Neo.ClientError.Schema.ConstraintValidationFailed";
    case ErrorKind::kTransient:
      return "Neo.TransientError.Transaction.Outdated";
    case ErrorKind::kParameterMissing:
      return "Neo.ClientError.Statement.ParameterMissing";
    case ErrorKind::kProcedure:
      return "Neo.ClientError.Procedure.ProcedureNotFound";
    case ErrorKind::kQueryTimeout:
      return "Neo.ClientError.Transaction.TransactionTimedOut";
    case ErrorKind::kTerminated:
      return "Neo.ClientError.Transaction.Terminated";
    case ErrorKind::kMemoryLimitExceeded:
      return "Neo.TransientError.General.MemoryPoolOutOfMemoryError";
    case ErrorKind::kDatabase:
      return "Neo.DatabaseError.General.UnknownError";
  }
  return "Neo.DatabaseError.General.UnknownError";
}

/// Base of every query-pipeline error. Thread-compatible (immutable after
/// construction).
class CypherError : public std::runtime_error {
 public:
  /// `detail` is a TCK detail name ("UnexpectedSyntax"); `message` is the human
  /// text. line/column are 1-based source positions, 0 when not applicable.
  CypherError(ErrorKind kind, std::string detail, const std::string& message, int line = 0,
              int column = 0)
      : std::runtime_error(detail.empty() ? message : message + " [" + detail + "]"),
        kind_(kind),
        detail_(std::move(detail)),
        line_(line),
        column_(column) {}

  /// The class of this error.
  ErrorKind Kind() const { return kind_; }
  /// The Neo4j status code sent to clients.
  std::string_view StatusCode() const { return StatusCodeOf(kind_); }
  /// The TCK detail name, e.g. "IntegerOverflow"; may be empty.
  const std::string& Detail() const { return detail_; }
  /// 1-based line of the offending source text, or 0.
  int Line() const { return line_; }
  /// 1-based column of the offending source text, or 0.
  int Column() const { return column_; }

 private:
  ErrorKind kind_;
  std::string detail_;
  int line_;
  int column_;
};

/// The statement text does not parse (or breaks a rule the parser checks).
/// The message ends in "(line L, column C)".
class SyntaxError : public CypherError {
 public:
  /// REQUIRES: line, column >= 1.
  SyntaxError(std::string detail, const std::string& message, int line, int column)
      : CypherError(
            ErrorKind::kSyntax, std::move(detail),
            message + " (line " + std::to_string(line) + ", column " + std::to_string(column) + ")",
            line, column) {}
};

/// A well-formed statement whose meaning is invalid (compile time).
class SemanticError : public CypherError {
 public:
  /// See CypherError; line/column are optional.
  SemanticError(std::string detail, const std::string& message, int line = 0, int column = 0)
      : CypherError(ErrorKind::kSemantic, std::move(detail), message, line, column) {}
};

/// A value has the wrong type (named CypherTypeError to avoid clashing with
/// the many `TypeError`s of other libraries).
class CypherTypeError : public CypherError {
 public:
  /// See CypherError.
  CypherTypeError(std::string detail, const std::string& message)
      : CypherError(ErrorKind::kType, std::move(detail), message) {}
};

/// An argument has the right type but an invalid value (e.g. NumberOutOfRange).
class ArgumentError : public CypherError {
 public:
  /// See CypherError.
  ArgumentError(std::string detail, const std::string& message)
      : CypherError(ErrorKind::kArgument, std::move(detail), message) {}
};

/// Integer overflow or division by zero during evaluation.
class ArithmeticError : public CypherError {
 public:
  /// See CypherError.
  ArithmeticError(std::string detail, const std::string& message)
      : CypherError(ErrorKind::kArithmetic, std::move(detail), message) {}
};

/// A node or relationship does not exist (any more), e.g. DeletedEntityAccess.
class EntityNotFound : public CypherError {
 public:
  /// See CypherError.
  EntityNotFound(std::string detail, const std::string& message)
      : CypherError(ErrorKind::kEntityNotFound, std::move(detail), message) {}
};

/// A write would break a schema constraint or leave a dangling relationship
/// (e.g. DeleteConnectedNode).
class ConstraintViolation : public CypherError {
 public:
  /// See CypherError.
  ConstraintViolation(std::string detail, const std::string& message)
      : CypherError(ErrorKind::kConstraintViolation, std::move(detail), message) {}
};

/// A serialization conflict with a concurrent transaction; retrying may succeed.
class TransientError : public CypherError {
 public:
  /// See CypherError.
  TransientError(std::string detail, const std::string& message)
      : CypherError(ErrorKind::kTransient, std::move(detail), message) {}
};

/// A parameter the statement uses was not supplied (detail "MissingParameter").
class ParameterMissing : public CypherError {
 public:
  /// See CypherError.
  ParameterMissing(std::string detail, const std::string& message)
      : CypherError(ErrorKind::kParameterMissing, std::move(detail), message) {}
};

/// Unknown procedure, wrong procedure signature, or a procedure that failed.
class ProcedureError : public CypherError {
 public:
  /// See CypherError.
  ProcedureError(std::string detail, const std::string& message)
      : CypherError(ErrorKind::kProcedure, std::move(detail), message) {}
};

/// The transaction ran past its timeout and was aborted.
class QueryTimeout : public CypherError {
 public:
  /// See CypherError.
  explicit QueryTimeout(const std::string& message)
      : CypherError(ErrorKind::kQueryTimeout, "TransactionTimedOut", message) {}
};

/// The query was interrupted from another thread (Bolt RESET, server
/// shutdown) and its transaction is rolled back.
class QueryTerminated : public CypherError {
 public:
  /// See CypherError.
  explicit QueryTerminated(const std::string& message)
      : CypherError(ErrorKind::kTerminated, "Terminated", message) {}
};

/// The query exceeded its memory budget and was aborted.
class MemoryLimitExceeded : public CypherError {
 public:
  /// See CypherError.
  explicit MemoryLimitExceeded(const std::string& message)
      : CypherError(ErrorKind::kMemoryLimitExceeded, "MemoryLimitExceeded", message) {}
};

/// An internal failure: a bug, or the environment (disk, OOM) gave out.
class DatabaseError : public CypherError {
 public:
  /// See CypherError.
  DatabaseError(std::string detail, const std::string& message)
      : CypherError(ErrorKind::kDatabase, std::move(detail), message) {}
};

}  // namespace tributary::cypher
