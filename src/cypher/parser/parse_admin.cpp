// Administrative statements: indexes, constraints, snapshots and streams.
// Stream options are validated here (see CreateStreamStatement in ast.hpp):
// the engine receives only well-typed, positive values.

#include "cypher/parser/parser_impl.hpp"

namespace tributary::cypher {

StatementPtr Parser::TryParseAdminStatement() {
  if (AtKeyword("CREATE")) {
    if (AtKeyword("INDEX", 1)) {
      const Token& first = Next();
      Next();
      return ParseCreateIndex(first);
    }
    if (AtKeyword("CONSTRAINT", 1)) {
      const Token& first = Next();
      Next();
      return ParseConstraint(first, /*create=*/true);
    }
    if (AtKeyword("SNAPSHOT", 1)) {
      const Token& first = Next();
      Next();
      return std::make_unique<Statement>(StatementKind::kCreateSnapshot, first.pos);
    }
    if (AtKeyword("STREAM", 1)) {
      const Token& first = Next();
      Next();
      return ParseCreateStream(first);
    }
    return nullptr;
  }
  if (AtKeyword("DROP")) {
    const Token& first = Next();
    if (AcceptKeyword("INDEX")) return ParseDropIndex(first);
    if (AcceptKeyword("CONSTRAINT")) return ParseConstraint(first, /*create=*/false);
    if (AcceptKeyword("STREAM"))
      return ParseStreamCommand(first, StatementKind::kDropStream, false);
    Fail(Peek(), "INDEX, CONSTRAINT or STREAM");
  }
  if (AtKeyword("SHOW")) {
    const Token& first = Next();
    if (AcceptKeyword("INDEX")) {
      ExpectKeyword("INFO");
      return std::make_unique<Statement>(StatementKind::kShowIndexInfo, first.pos);
    }
    if (AcceptKeyword("CONSTRAINT")) {
      ExpectKeyword("INFO");
      return std::make_unique<Statement>(StatementKind::kShowConstraintInfo, first.pos);
    }
    if (AcceptKeyword("STREAMS")) {
      return std::make_unique<Statement>(StatementKind::kShowStreams, first.pos);
    }
    if (AcceptKeyword("STREAM"))
      return ParseStreamCommand(first, StatementKind::kShowStream, false);
    Fail(Peek(), "INDEX INFO, CONSTRAINT INFO, STREAMS or STREAM");
  }
  if (AtKeyword("START") || AtKeyword("STOP")) {
    bool start = AtKeyword("START");
    const Token& first = Next();
    if (AcceptKeyword("ALL")) {
      ExpectKeyword("STREAMS");
      return std::make_unique<Statement>(
          start ? StatementKind::kStartAllStreams : StatementKind::kStopAllStreams, first.pos);
    }
    if (AcceptKeyword("STREAM")) {
      return ParseStreamCommand(first,
                                start ? StatementKind::kStartStream : StatementKind::kStopStream,
                                /*allow_limit=*/start);
    }
    Fail(Peek(), "STREAM or ALL STREAMS");
  }
  if (AtKeyword("TEST")) {
    const Token& first = Next();
    ExpectKeyword("STREAM");
    return ParseStreamCommand(first, StatementKind::kTestStream, /*allow_limit=*/true);
  }
  return nullptr;
}

void Parser::ParseIndexTarget(std::string& label, std::vector<std::string>& properties) {
  Expect(TokenKind::kColon, "':'");
  label = ParseSchemaName("a label name");
  if (Accept(TokenKind::kLParen)) {
    do {
      properties.push_back(ParseSchemaName("a property key name"));
    } while (Accept(TokenKind::kComma));
    Expect(TokenKind::kRParen, "',' or ')'");
  }
}

StatementPtr Parser::ParseCreateIndex(const Token& first) {
  auto statement = std::make_unique<IndexStatement>(StatementKind::kCreateIndex, first.pos);
  if (AcceptKeyword("ON")) {
    ParseIndexTarget(statement->label, statement->properties);
    return statement;
  }
  // Neo4j form: CREATE INDEX [name] [IF NOT EXISTS] FOR (n:L) ON (n.p, ...).
  if (AtName() && !AtKeyword("FOR") && !(AtKeyword("IF") && AtKeyword("NOT", 1))) {
    statement->name = ParseSchemaName("an index name");
  }
  if (AcceptKeyword("IF")) {
    ExpectKeyword("NOT");
    ExpectKeyword("EXISTS");
    statement->if_exists_clause = true;
  }
  ExpectKeyword("FOR");
  Expect(TokenKind::kLParen, "'('");
  std::string variable = ParseVariable();
  Expect(TokenKind::kColon, "':'");
  statement->label = ParseSchemaName("a label name");
  Expect(TokenKind::kRParen, "')'");
  ExpectKeyword("ON");
  Expect(TokenKind::kLParen, "'('");
  do {
    const Token& at = Peek();
    std::string used = ParseVariable();
    if (used != variable) {
      FailAt(
          at.pos, "UndefinedVariable",
          "Variable '" + used + "' is not defined; the index is declared for '" + variable + "'");
    }
    Expect(TokenKind::kDot, "'.'");
    statement->properties.push_back(ParseSchemaName("a property key name"));
  } while (Accept(TokenKind::kComma));
  Expect(TokenKind::kRParen, "',' or ')'");
  return statement;
}

StatementPtr Parser::ParseDropIndex(const Token& first) {
  auto statement = std::make_unique<IndexStatement>(StatementKind::kDropIndex, first.pos);
  if (AcceptKeyword("ON")) {
    ParseIndexTarget(statement->label, statement->properties);
    return statement;
  }
  statement->name = ParseSchemaName("ON or an index name");
  if (AcceptKeyword("IF")) {
    ExpectKeyword("EXISTS");
    statement->if_exists_clause = true;
  }
  return statement;
}

StatementPtr Parser::ParseConstraint(const Token& first, bool create) {
  auto statement = std::make_unique<ConstraintStatement>(
      create ? StatementKind::kCreateConstraint : StatementKind::kDropConstraint, first.pos);
  ExpectKeyword("ON");
  Expect(TokenKind::kLParen, "'('");
  statement->variable = ParseVariable();
  Expect(TokenKind::kColon, "':'");
  statement->label = ParseSchemaName("a label name");
  Expect(TokenKind::kRParen, "')'");
  ExpectKeyword("ASSERT");
  auto parse_property = [&] {
    const Token& at = Peek();
    std::string variable = ParseVariable();
    if (variable != statement->variable) {
      FailAt(at.pos, "UndefinedVariable",
             "Variable '" + variable + "' is not defined; the constraint is declared for '" +
                 statement->variable + "'");
    }
    Expect(TokenKind::kDot, "'.'");
    statement->properties.push_back(ParseSchemaName("a property key name"));
  };
  if (AcceptKeyword("EXISTS")) {
    statement->type = ConstraintType::kExists;
    Expect(TokenKind::kLParen, "'('");
    parse_property();
    Expect(TokenKind::kRParen, "')'");
    return statement;
  }
  do {
    parse_property();
  } while (Accept(TokenKind::kComma));
  ExpectKeyword("IS");
  if (AcceptKeyword("UNIQUE")) {
    statement->type = ConstraintType::kUnique;
  } else if (AtKeyword("NOT") && AtKeyword("NULL", 1) && statement->properties.size() == 1) {
    Next();
    Next();
    statement->type = ConstraintType::kExists;
  } else {
    Fail(Peek(), statement->properties.size() == 1 ? "UNIQUE or NOT NULL" : "UNIQUE");
  }
  return statement;
}

StatementPtr Parser::ParseCreateStream(const Token& first) {
  auto statement = std::make_unique<CreateStreamStatement>(first.pos);
  statement->name = ParseSchemaName("a stream name");
  ExpectKeyword("AS");
  ExpectKeyword("LOAD");
  ExpectKeyword("DATA");
  ExpectKeyword("KAFKA");
  statement->kafka_uri = ParseStreamString("KAFKA");
  ExpectKeyword("WITH");
  ExpectKeyword("TOPIC");
  statement->topic = ParseStreamString("TOPIC");
  ExpectKeyword("WITH");
  ExpectKeyword("TRANSFORM");
  statement->transform_uri = ParseStreamString("TRANSFORM");
  for (;;) {
    // BATCH_INTERVAL / BATCH_SIZE, or the two-word spellings, in any order.
    std::optional<int64_t>* target = nullptr;
    std::string_view option;
    const Token& at = Peek();
    if (AcceptKeyword("BATCH_INTERVAL")) {
      target = &statement->batch_interval_ms;
      option = "BATCH_INTERVAL";
    } else if (AcceptKeyword("BATCH_SIZE")) {
      target = &statement->batch_size;
      option = "BATCH_SIZE";
    } else if (AtKeyword("BATCH")) {
      Next();
      if (AcceptKeyword("INTERVAL")) {
        target = &statement->batch_interval_ms;
        option = "BATCH_INTERVAL";
      } else if (AcceptKeyword("SIZE")) {
        target = &statement->batch_size;
        option = "BATCH_SIZE";
      } else {
        Fail(Peek(), "INTERVAL or SIZE");
      }
    } else {
      break;
    }
    if (target->has_value()) {
      FailAt(at.pos, "InvalidArgumentValue", "Option " + std::string(option) + " is given twice");
    }
    *target = ParseStreamPositiveInt(option);
  }
  return statement;
}

StatementPtr Parser::ParseStreamCommand(const Token& first, StatementKind kind, bool allow_limit) {
  auto statement = std::make_unique<StreamStatement>(kind, first.pos);
  statement->name = ParseSchemaName("a stream name");
  if (allow_limit && AcceptKeyword("LIMIT")) {
    statement->limit_batches = ParseStreamPositiveInt("LIMIT");
    ExpectKeyword("BATCHES");
  }
  return statement;
}

std::string Parser::ParseStreamString(std::string_view option) {
  const Token& t = Peek();
  if (t.kind != TokenKind::kString) {
    FailAt(t.pos, "InvalidArgumentType",
           "Invalid value for " + std::string(option) + ": expected a string literal, got " +
               DescribeToken(t));
  }
  if (t.value.empty()) {
    FailAt(t.pos, "InvalidArgumentValue",
           "Invalid value for " + std::string(option) + ": expected a non-empty string");
  }
  Next();
  return t.value;
}

int64_t Parser::ParseStreamPositiveInt(std::string_view option) {
  const Token& start = Peek();
  bool negative = Accept(TokenKind::kMinus);
  const Token& t = Peek();
  if (t.kind != TokenKind::kInteger) {
    FailAt(start.pos, "InvalidArgumentType",
           "Invalid value for " + std::string(option) + ": expected a positive integer, got " +
               DescribeToken(t));
  }
  Next();
  int64_t value = IntegerValue(t, negative);
  if (value <= 0) {
    FailAt(start.pos, "InvalidArgumentValue",
           "Invalid value for " + std::string(option) + ": expected a positive integer, got " +
               std::to_string(value));
  }
  return value;
}

}  // namespace tributary::cypher
