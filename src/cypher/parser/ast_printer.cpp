#include "cypher/parser/ast_printer.hpp"

namespace tributary::cypher {
namespace {

std::string_view BinaryOpName(BinaryOp op) {
  switch (op) {
    case BinaryOp::kOr:
      return "OR";
    case BinaryOp::kXor:
      return "XOR";
    case BinaryOp::kAnd:
      return "AND";
    case BinaryOp::kEq:
      return "=";
    case BinaryOp::kNe:
      return "<>";
    case BinaryOp::kLt:
      return "<";
    case BinaryOp::kGt:
      return ">";
    case BinaryOp::kLe:
      return "<=";
    case BinaryOp::kGe:
      return ">=";
    case BinaryOp::kRegexMatch:
      return "=~";
    case BinaryOp::kIn:
      return "IN";
    case BinaryOp::kStartsWith:
      return "STARTS WITH";
    case BinaryOp::kEndsWith:
      return "ENDS WITH";
    case BinaryOp::kContains:
      return "CONTAINS";
    case BinaryOp::kAdd:
      return "+";
    case BinaryOp::kSub:
      return "-";
    case BinaryOp::kMul:
      return "*";
    case BinaryOp::kDiv:
      return "/";
    case BinaryOp::kMod:
      return "%";
    case BinaryOp::kPow:
      return "^";
  }
  return "?";
}

std::string_view QuantifierName(Quantifier q) {
  switch (q) {
    case Quantifier::kAll:
      return "all";
    case Quantifier::kAny:
      return "any";
    case Quantifier::kNone:
      return "none";
    case Quantifier::kSingle:
      return "single";
  }
  return "?";
}

class Printer {
 public:
  std::string out;

  void Opt(const ExprPtr& e) {
    if (e) {
      Expr(*e);
    } else {
      out += '_';
    }
  }

  void Expr(const cypher::Expr& e) {
    switch (e.kind) {
      case ExprKind::kLiteral:
        out += ToCypherLiteral(static_cast<const LiteralExpr&>(e).value);
        return;
      case ExprKind::kParameter:
        out += '$';
        out += static_cast<const ParameterExpr&>(e).name;
        return;
      case ExprKind::kVariable:
        out += static_cast<const VariableExpr&>(e).name;
        return;
      case ExprKind::kProperty: {
        auto& p = static_cast<const PropertyExpr&>(e);
        out += "(. ";
        Expr(*p.object);
        out += ' ' + p.key + ')';
        return;
      }
      case ExprKind::kLabelsTest: {
        auto& l = static_cast<const LabelsTestExpr&>(e);
        out += "(: ";
        Expr(*l.subject);
        for (const auto& label : l.labels) out += ' ' + label;
        out += ')';
        return;
      }
      case ExprKind::kUnary: {
        auto& u = static_cast<const UnaryExpr&>(e);
        out += u.op == UnaryOp::kNot ? "(NOT " : u.op == UnaryOp::kMinus ? "(neg " : "(pos ";
        Expr(*u.operand);
        out += ')';
        return;
      }
      case ExprKind::kBinary: {
        auto& b = static_cast<const BinaryExpr&>(e);
        out += '(';
        out += BinaryOpName(b.op);
        out += ' ';
        Expr(*b.lhs);
        out += ' ';
        Expr(*b.rhs);
        out += ')';
        return;
      }
      case ExprKind::kComparisonChain: {
        auto& c = static_cast<const ComparisonChainExpr&>(e);
        out += "(chain ";
        Expr(*c.operands[0]);
        for (size_t i = 0; i < c.ops.size(); ++i) {
          out += ' ';
          out += BinaryOpName(c.ops[i]);
          out += ' ';
          Expr(*c.operands[i + 1]);
        }
        out += ')';
        return;
      }
      case ExprKind::kIsNull: {
        auto& n = static_cast<const IsNullExpr&>(e);
        out += n.negated ? "(IS NOT NULL " : "(IS NULL ";
        Expr(*n.operand);
        out += ')';
        return;
      }
      case ExprKind::kSubscript: {
        auto& s = static_cast<const SubscriptExpr&>(e);
        out += "([] ";
        Expr(*s.object);
        out += ' ';
        Expr(*s.index);
        out += ')';
        return;
      }
      case ExprKind::kSlice: {
        auto& s = static_cast<const SliceExpr&>(e);
        out += "([..] ";
        Expr(*s.object);
        out += ' ';
        Opt(s.from);
        out += ' ';
        Opt(s.to);
        out += ')';
        return;
      }
      case ExprKind::kFunctionCall: {
        auto& f = static_cast<const FunctionCallExpr&>(e);
        out += "(call " + f.name;
        if (f.distinct) out += " DISTINCT";
        for (const auto& arg : f.args) {
          out += ' ';
          Expr(*arg);
        }
        out += ')';
        return;
      }
      case ExprKind::kCountStar:
        out += "(count *)";
        return;
      case ExprKind::kCase: {
        auto& c = static_cast<const CaseExpr&>(e);
        out += "(case";
        if (c.subject) {
          out += ' ';
          Expr(*c.subject);
        }
        for (const auto& alt : c.alternatives) {
          out += " (when ";
          Expr(*alt.when);
          out += ' ';
          Expr(*alt.then);
          out += ')';
        }
        if (c.otherwise) {
          out += " (else ";
          Expr(*c.otherwise);
          out += ')';
        }
        out += ')';
        return;
      }
      case ExprKind::kList: {
        auto& l = static_cast<const ListExpr&>(e);
        out += '[';
        for (size_t i = 0; i < l.items.size(); ++i) {
          if (i) out += ", ";
          Expr(*l.items[i]);
        }
        out += ']';
        return;
      }
      case ExprKind::kMap: {
        auto& m = static_cast<const MapExpr&>(e);
        out += '{';
        for (size_t i = 0; i < m.entries.size(); ++i) {
          if (i) out += ", ";
          out += m.entries[i].key + ": ";
          Expr(*m.entries[i].value);
        }
        out += '}';
        return;
      }
      case ExprKind::kMapProjection: {
        auto& m = static_cast<const MapProjectionExpr&>(e);
        out += "(mapproj " + m.variable;
        for (const auto& item : m.items) {
          out += ' ';
          switch (item.kind) {
            case MapProjectionItemKind::kProperty:
              out += '.' + item.key;
              break;
            case MapProjectionItemKind::kAllProperties:
              out += ".*";
              break;
            case MapProjectionItemKind::kVariable:
              out += item.key;
              break;
            case MapProjectionItemKind::kLiteral:
              out += item.key + ": ";
              Expr(*item.value);
              break;
          }
        }
        out += ')';
        return;
      }
      case ExprKind::kListComprehension: {
        auto& l = static_cast<const ListComprehensionExpr&>(e);
        out += "(listcomp " + l.variable + ' ';
        Expr(*l.list);
        out += ' ';
        Opt(l.where);
        out += ' ';
        Opt(l.projection);
        out += ')';
        return;
      }
      case ExprKind::kPatternComprehension: {
        auto& p = static_cast<const PatternComprehensionExpr&>(e);
        out += "(patterncomp ";
        Pattern(p.pattern);
        out += ' ';
        Opt(p.where);
        out += ' ';
        Expr(*p.projection);
        out += ')';
        return;
      }
      case ExprKind::kPattern:
        out += "(pattern ";
        Pattern(static_cast<const PatternExpr&>(e).pattern);
        out += ')';
        return;
      case ExprKind::kExistsSubquery:
        out += "(exists {";
        Query(*static_cast<const ExistsSubqueryExpr&>(e).query);
        out += "})";
        return;
      case ExprKind::kQuantifier: {
        auto& q = static_cast<const QuantifierExpr&>(e);
        out += '(';
        out += QuantifierName(q.quantifier);
        out += ' ' + q.variable + ' ';
        Expr(*q.list);
        out += ' ';
        Opt(q.where);
        out += ')';
        return;
      }
      case ExprKind::kReduce: {
        auto& r = static_cast<const ReduceExpr&>(e);
        out += "(reduce " + r.accumulator + ' ';
        Expr(*r.init);
        out += ' ' + r.variable + ' ';
        Expr(*r.list);
        out += ' ';
        Expr(*r.expression);
        out += ')';
        return;
      }
    }
  }

  void Properties(const ExprPtr& props) {
    if (!props) return;
    out += ' ';
    Expr(*props);
  }

  void Node(const NodePattern& n) {
    out += '(' + n.variable;
    for (const auto& label : n.labels) out += ':' + label;
    Properties(n.properties);
    out += ')';
  }

  void Rel(const RelationshipPattern& r) {
    out += r.direction == RelDirection::kLeft ? "<-[" : "-[";
    out += r.variable;
    for (size_t i = 0; i < r.types.size(); ++i) out += (i ? "|" : ":") + r.types[i];
    if (r.variable_length) {
      out += '*';
      if (r.min_hops) out += std::to_string(*r.min_hops);
      if (r.min_hops != r.max_hops) {
        out += "..";
        if (r.max_hops) out += std::to_string(*r.max_hops);
      }
    }
    Properties(r.properties);
    out += r.direction == RelDirection::kRight ? "]->" : "]-";
  }

  void Pattern(const PatternPart& part) {
    if (!part.path_variable.empty()) out += part.path_variable + " = ";
    for (size_t i = 0; i < part.nodes.size(); ++i) {
      if (i) Rel(part.relationships[i - 1]);
      Node(part.nodes[i]);
    }
  }

  void PatternList(const cypher::Pattern& pattern) {
    for (size_t i = 0; i < pattern.parts.size(); ++i) {
      if (i) out += ", ";
      Pattern(pattern.parts[i]);
    }
  }

  void SetItems(const std::vector<SetItem>& items) {
    for (size_t i = 0; i < items.size(); ++i) {
      if (i) out += ", ";
      const SetItem& item = items[i];
      switch (item.kind) {
        case SetItemKind::kProperty:
          Expr(*item.property);
          out += " = ";
          Expr(*item.value);
          break;
        case SetItemKind::kReplaceMap:
        case SetItemKind::kMergeMap:
          out += item.variable + (item.kind == SetItemKind::kReplaceMap ? " = " : " += ");
          Expr(*item.value);
          break;
        case SetItemKind::kLabels:
          out += item.variable;
          for (const auto& label : item.labels) out += ':' + label;
          break;
      }
    }
  }

  void Where(const ExprPtr& where) {
    if (!where) return;
    out += " WHERE ";
    Expr(*where);
  }

  void Body(const ProjectionBody& body) {
    if (body.distinct) out += " DISTINCT";
    out += ' ';
    if (body.star) out += body.items.empty() ? "*" : "*, ";
    for (size_t i = 0; i < body.items.size(); ++i) {
      if (i) out += ", ";
      Expr(*body.items[i].expr);
      if (!body.items[i].alias.empty()) out += " AS " + body.items[i].alias;
    }
    if (!body.order_by.empty()) {
      out += " ORDER BY ";
      for (size_t i = 0; i < body.order_by.size(); ++i) {
        if (i) out += ", ";
        Expr(*body.order_by[i].expr);
        if (body.order_by[i].descending) out += " DESC";
      }
    }
    if (body.skip) {
      out += " SKIP ";
      Expr(*body.skip);
    }
    if (body.limit) {
      out += " LIMIT ";
      Expr(*body.limit);
    }
  }

  void Clause(const cypher::Clause& c) {
    switch (c.kind) {
      case ClauseKind::kMatch: {
        auto& m = static_cast<const MatchClause&>(c);
        out += m.optional ? "OPTIONAL MATCH " : "MATCH ";
        PatternList(m.pattern);
        Where(m.where);
        return;
      }
      case ClauseKind::kUnwind: {
        auto& u = static_cast<const UnwindClause&>(c);
        out += "UNWIND ";
        Expr(*u.list);
        out += " AS " + u.variable;
        return;
      }
      case ClauseKind::kCreate:
        out += "CREATE ";
        PatternList(static_cast<const CreateClause&>(c).pattern);
        return;
      case ClauseKind::kMerge: {
        auto& m = static_cast<const MergeClause&>(c);
        out += "MERGE ";
        Pattern(m.pattern);
        if (!m.on_create.empty()) {
          out += " ON CREATE SET ";
          SetItems(m.on_create);
        }
        if (!m.on_match.empty()) {
          out += " ON MATCH SET ";
          SetItems(m.on_match);
        }
        return;
      }
      case ClauseKind::kSet:
        out += "SET ";
        SetItems(static_cast<const SetClause&>(c).items);
        return;
      case ClauseKind::kRemove: {
        out += "REMOVE ";
        const auto& items = static_cast<const RemoveClause&>(c).items;
        for (size_t i = 0; i < items.size(); ++i) {
          if (i) out += ", ";
          if (items[i].kind == RemoveItemKind::kProperty) {
            Expr(*items[i].property);
          } else {
            out += items[i].variable;
            for (const auto& label : items[i].labels) out += ':' + label;
          }
        }
        return;
      }
      case ClauseKind::kDelete: {
        auto& d = static_cast<const DeleteClause&>(c);
        out += d.detach ? "DETACH DELETE " : "DELETE ";
        for (size_t i = 0; i < d.exprs.size(); ++i) {
          if (i) out += ", ";
          Expr(*d.exprs[i]);
        }
        return;
      }
      case ClauseKind::kWith: {
        auto& w = static_cast<const WithClause&>(c);
        out += "WITH";
        Body(w.body);
        Where(w.where);
        return;
      }
      case ClauseKind::kReturn:
        out += "RETURN";
        Body(static_cast<const ReturnClause&>(c).body);
        return;
      case ClauseKind::kCall: {
        auto& call = static_cast<const CallClause&>(c);
        out += "CALL " + call.procedure;
        if (call.explicit_args) {
          out += '(';
          for (size_t i = 0; i < call.args.size(); ++i) {
            if (i) out += ", ";
            Expr(*call.args[i]);
          }
          out += ')';
        }
        if (call.has_yield) {
          out += " YIELD ";
          if (call.yield_star) out += '*';
          for (size_t i = 0; i < call.yields.size(); ++i) {
            if (i) out += ", ";
            out += call.yields[i].field;
            if (!call.yields[i].alias.empty()) out += " AS " + call.yields[i].alias;
          }
        }
        Where(call.where);
        return;
      }
      case ClauseKind::kCallSubquery:
        out += "CALL { ";
        Query(*static_cast<const CallSubqueryClause&>(c).query);
        out += " }";
        return;
    }
  }

  void Query(const cypher::Query& q) {
    for (size_t i = 0; i < q.parts.size(); ++i) {
      if (i) out += q.union_all[i - 1] ? " UNION ALL " : " UNION ";
      for (size_t j = 0; j < q.parts[i].clauses.size(); ++j) {
        if (j) out += ' ';
        Clause(*q.parts[i].clauses[j]);
      }
    }
  }

  void Statement(const cypher::Statement& s);
};

void Printer::Statement(const cypher::Statement& s) {
  auto stream_command = [&](std::string_view verb) {
    auto& st = static_cast<const StreamStatement&>(s);
    out += verb;
    out += " STREAM " + st.name;
    if (st.limit_batches) out += " LIMIT " + std::to_string(*st.limit_batches) + " BATCHES";
  };
  auto index_target = [&](const IndexStatement& st) {
    if (st.label.empty()) {
      out += st.name;
    } else {
      if (!st.name.empty()) out += st.name + ' ';
      out += "ON :" + st.label;
      if (!st.properties.empty()) {
        out += '(';
        for (size_t i = 0; i < st.properties.size(); ++i) out += (i ? ", " : "") + st.properties[i];
        out += ')';
      }
    }
    if (st.if_exists_clause)
      out += s.kind == StatementKind::kCreateIndex ? " IF NOT EXISTS" : " IF EXISTS";
  };
  switch (s.kind) {
    case StatementKind::kQuery: {
      auto& q = static_cast<const QueryStatement&>(s);
      if (q.mode == QueryMode::kExplain) out += "EXPLAIN ";
      if (q.mode == QueryMode::kProfile) out += "PROFILE ";
      Query(q.query);
      return;
    }
    case StatementKind::kCreateIndex:
      out += "CREATE INDEX ";
      index_target(static_cast<const IndexStatement&>(s));
      return;
    case StatementKind::kDropIndex:
      out += "DROP INDEX ";
      index_target(static_cast<const IndexStatement&>(s));
      return;
    case StatementKind::kCreateConstraint:
    case StatementKind::kDropConstraint: {
      auto& c = static_cast<const ConstraintStatement&>(s);
      out += s.kind == StatementKind::kCreateConstraint ? "CREATE" : "DROP";
      out += " CONSTRAINT ON (" + c.variable + ':' + c.label + ") ASSERT ";
      for (size_t i = 0; i < c.properties.size(); ++i) {
        out += (i ? ", " : "") + c.variable + '.' + c.properties[i];
      }
      out += c.type == ConstraintType::kUnique ? " IS UNIQUE" : " IS NOT NULL";
      return;
    }
    case StatementKind::kShowIndexInfo:
      out += "SHOW INDEX INFO";
      return;
    case StatementKind::kShowConstraintInfo:
      out += "SHOW CONSTRAINT INFO";
      return;
    case StatementKind::kCreateSnapshot:
      out += "CREATE SNAPSHOT";
      return;
    case StatementKind::kCreateStream: {
      auto& c = static_cast<const CreateStreamStatement&>(s);
      out += "CREATE STREAM " + c.name + " AS LOAD DATA KAFKA " + ToCypherLiteral(c.kafka_uri) +
             " WITH TOPIC " + ToCypherLiteral(c.topic) + " WITH TRANSFORM " +
             ToCypherLiteral(c.transform_uri);
      if (c.batch_interval_ms) out += " BATCH_INTERVAL " + std::to_string(*c.batch_interval_ms);
      if (c.batch_size) out += " BATCH_SIZE " + std::to_string(*c.batch_size);
      return;
    }
    case StatementKind::kDropStream:
      stream_command("DROP");
      return;
    case StatementKind::kShowStreams:
      out += "SHOW STREAMS";
      return;
    case StatementKind::kShowStream:
      stream_command("SHOW");
      return;
    case StatementKind::kStartStream:
      stream_command("START");
      return;
    case StatementKind::kStopStream:
      stream_command("STOP");
      return;
    case StatementKind::kStartAllStreams:
      out += "START ALL STREAMS";
      return;
    case StatementKind::kStopAllStreams:
      out += "STOP ALL STREAMS";
      return;
    case StatementKind::kTestStream:
      stream_command("TEST");
      return;
  }
}

}  // namespace

std::string DebugString(const Expr& expr) {
  Printer p;
  p.Expr(expr);
  return std::move(p.out);
}

std::string DebugString(const PatternPart& part) {
  Printer p;
  p.Pattern(part);
  return std::move(p.out);
}

std::string DebugString(const Clause& clause) {
  Printer p;
  p.Clause(clause);
  return std::move(p.out);
}

std::string DebugString(const Query& query) {
  Printer p;
  p.Query(query);
  return std::move(p.out);
}

std::string DebugString(const Statement& statement) {
  Printer p;
  p.Statement(statement);
  return std::move(p.out);
}

}  // namespace tributary::cypher
