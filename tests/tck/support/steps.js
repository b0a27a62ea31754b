'use strict';
// Step definitions for the openCypher TCK, as regular expressions (Cucumber
// Expressions would treat `(`, `)` and `/` in the step texts specially).
//
// Every failure message starts with a [category] so the report can group
// failures by cause.

const fs = require('node:fs');
const path = require('node:path');
const { Given, When, Then, setDefaultTimeout } = require('@cucumber/cucumber');
const { parseValue, fromDriver, toDriver, canonical, sortLists } = require('./values');
const { kGraphsDir } = require('./env');

setDefaultTimeout(60 * 1000);

class TckFailure extends Error {
  constructor(category, message) {
    super(`[${category}] ${message}`);
    this.category = category;
  }
}

// ------------------------------------------------------------ executing

/** Runs `query` in its own auto-commit session; separates compile-time (RUN) from runtime errors. */
async function execute(world, query, params) {
  const session = world.driver.session();
  try {
    const result = session.run(query, params);
    let keys;
    try {
      keys = await result.keys();
    } catch (error) {
      return { error, phase: 'compile time' };
    }
    try {
      const { records } = await result;
      return { keys, rows: records.map((r) => r.keys.map((k) => fromDriver(r.get(k)))) };
    } catch (error) {
      return { error, phase: 'runtime' };
    }
  } finally {
    await session.close().catch(() => {});
  }
}

function describeError(e) {
  return `${e.code || 'no code'}: ${e.message}`;
}

/** Runs a setup query; any error fails the step. */
async function setup(world, query) {
  const out = await execute(world, query, {});
  if (out.error) throw new TckFailure('setup failed', `${describeError(out.error)}\nquery: ${query.trim()}`);
}

/** Splits a script at `;` outside quotes and backticks. */
function splitStatements(script) {
  const out = [];
  let current = '';
  let quote = null;
  for (let i = 0; i < script.length; i++) {
    const c = script[i];
    if (quote) {
      if (c === '\\' && quote !== '`') {
        current += c + (script[i + 1] || '');
        i++;
        continue;
      }
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"' || c === '`') {
      quote = c;
    } else if (c === ';') {
      if (current.trim()) out.push(current.trim());
      current = '';
      continue;
    }
    current += c;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

/** The graph as sets: node ids, relationship ids, property triples, labels in use. */
async function snapshot(world) {
  const nodes = await execute(world, 'MATCH (n) RETURN n', {});
  const rels = await execute(world, 'MATCH ()-[r]->() RETURN r', {});
  for (const r of [nodes, rels]) {
    if (r.error) throw new TckFailure('side-effect probe failed', describeError(r.error));
  }
  const snap = { nodes: new Set(), relationships: new Set(), properties: new Set(), labels: new Set() };
  for (const [n] of nodes.rows) {
    snap.nodes.add(n.id);
    for (const l of n.labels) snap.labels.add(l);
    for (const [k, v] of Object.entries(n.props)) snap.properties.add(`n${n.id}|${k}|${canonical(v)}`);
  }
  for (const [r] of rels.rows) {
    snap.relationships.add(r.id);
    for (const [k, v] of Object.entries(r.props)) snap.properties.add(`r${r.id}|${k}|${canonical(v)}`);
  }
  return snap;
}

function diffSnapshots(before, after) {
  const effects = {};
  for (const kind of ['nodes', 'relationships', 'properties', 'labels']) {
    let added = 0;
    let removed = 0;
    for (const x of after[kind]) if (!before[kind].has(x)) added++;
    for (const x of before[kind]) if (!after[kind].has(x)) removed++;
    effects[`+${kind}`] = added;
    effects[`-${kind}`] = removed;
  }
  return effects;
}

// ------------------------------------------------------------ Given

Given(/^(?:an empty graph|any graph)\s*$/, function () {
  // The Before hook already emptied the graph.
});

Given(/^the ([\w-]+) graph\s*$/, async function (name) {
  const file = path.join(kGraphsDir, name, `${name}.cypher`);
  if (!fs.existsSync(file)) throw new TckFailure('setup failed', `no graph file ${file}`);
  for (const statement of splitStatements(fs.readFileSync(file, 'utf8'))) await setup(this, statement);
});

Given(/^having executed:\s*$/, async function (docString) {
  await setup(this, docString);
});

Given(/^parameters are:\s*$/, function (table) {
  for (const row of table.raw()) {
    if (row.length !== 2) throw new TckFailure('runner', `parameter rows have two cells, got ${row}`);
    this.params[row[0].trim()] = toDriver(parseValue(row[1]));
  }
});

// The server runs with --tck-fixture-procedures: the signature goes as the
// TCK writes it, the table as typed values. hooks.js clears the fixtures
// before the next scenario.
Given(/^there exists a procedure (.+):\s*$/, async function (signature, table) {
  const raw = table.raw();
  // A procedure without inputs and outputs has the table `|`: one empty cell.
  const header = (raw[0] || []).map((h) => h.trim()).filter((h) => h !== '');
  const rows = header.length === 0 ? [] : raw.slice(1).map((row) => row.map((cell) => {
    try {
      return toDriver(parseValue(cell));
    } catch (e) {
      throw new TckFailure('runner', e.message);
    }
  }));
  this.fixtureProcedures = true;
  const out = await execute(this, 'CALL tributary.tck.registerProcedure($signature, $header, $rows)',
    { signature: signature.trim(), header, rows });
  if (out.error) {
    throw new TckFailure('setup failed', `${describeError(out.error)}\nprocedure: ${signature.trim()}`);
  }
});

// ------------------------------------------------------------ When

When(/^executing query:\s*$/, async function (docString) {
  this.query = docString;
  this.before = await snapshot(this);
  this.outcome = await execute(this, docString, this.params);
  this.after = await snapshot(this);
  this.sideEffects = diffSnapshots(this.before, this.after);
});

When(/^executing control query:\s*$/, async function (docString) {
  this.query = docString;
  this.outcome = await execute(this, docString, this.params);
});

// ------------------------------------------------------------ Then

function requireRows(world) {
  const o = world.outcome;
  if (!o) throw new TckFailure('runner', 'no query was executed');
  if (o.error) {
    throw new TckFailure('unexpected error', `${describeError(o.error)} (${o.phase})`);
  }
  return o;
}

function formatRows(keys, rows) {
  return [`| ${keys.join(' | ')} |`, ...rows.map((r) => `| ${r.map(canonical).join(' | ')} |`)].join('\n');
}

function compareTable(world, table, { ordered, ignoreListOrder }) {
  const o = requireRows(world);
  const raw = table.raw();
  const header = raw[0].map((h) => h.trim());
  const expected = raw.slice(1).map((row) => row.map((cell) => {
    try {
      return parseValue(cell);
    } catch (e) {
      throw new TckFailure('runner', e.message);
    }
  }));
  if (header.join('\u0000') !== o.keys.join('\u0000')) {
    throw new TckFailure('wrong columns', `expected columns ${JSON.stringify(header)}, got ${JSON.stringify(o.keys)}`);
  }
  const norm = (v) => canonical(ignoreListOrder ? sortLists(v) : v);
  const exp = expected.map((r) => r.map(norm).join(' | '));
  const act = o.rows.map((r) => r.map(norm).join(' | '));
  let ok;
  if (ordered) {
    ok = exp.length === act.length && exp.every((e, i) => e === act[i]);
  } else {
    const counts = new Map();
    for (const e of exp) counts.set(e, (counts.get(e) || 0) + 1);
    ok = exp.length === act.length;
    for (const a of act) {
      const c = counts.get(a) || 0;
      if (c === 0) {
        ok = false;
        break;
      }
      counts.set(a, c - 1);
    }
  }
  if (!ok) {
    throw new TckFailure('wrong result',
      `expected${ordered ? ' (in order)' : ''}:\n${formatRows(header, expected)}\nactual:\n${formatRows(o.keys, o.rows)}`);
  }
}

Then(/^the result should be, in any order:\s*$/, function (table) {
  compareTable(this, table, { ordered: false, ignoreListOrder: false });
});

Then(/^the result should be, in order:\s*$/, function (table) {
  compareTable(this, table, { ordered: true, ignoreListOrder: false });
});

Then(/^the result should be \(ignoring element order for lists\):\s*$/, function (table) {
  compareTable(this, table, { ordered: false, ignoreListOrder: true });
});

Then(/^the result should be, in order \(ignoring element order for lists\):\s*$/, function (table) {
  compareTable(this, table, { ordered: true, ignoreListOrder: true });
});

Then(/^the result should be empty\s*$/, function () {
  const o = requireRows(this);
  if (o.rows.length !== 0) {
    throw new TckFailure('wrong result', `expected no rows, got ${o.rows.length}:\n${formatRows(o.keys, o.rows.slice(0, 5))}`);
  }
});

// TCK error type -> the Neo4j status codes that mean it.
const kErrorCodes = {
  SyntaxError: ['Neo.ClientError.Statement.SyntaxError'],
  SemanticError: ['Neo.ClientError.Statement.SemanticError'],
  TypeError: ['Neo.ClientError.Statement.TypeError'],
  ArgumentError: ['Neo.ClientError.Statement.ArgumentError'],
  ArithmeticError: ['Neo.ClientError.Statement.ArithmeticError'],
  EntityNotFound: ['Neo.ClientError.Statement.EntityNotFound'],
  PropertyNotFound: ['Neo.ClientError.Statement.PropertyNotFound'],
  LabelNotFound: ['Neo.ClientError.Statement.LabelNotFound'],
  ParameterMissing: ['Neo.ClientError.Statement.ParameterMissing'],
  ProcedureError: ['Neo.ClientError.Procedure.ProcedureNotFound', 'Neo.ClientError.Procedure.ProcedureCallFailed'],
  ConstraintVerificationFailed: ['Neo.ClientError.Schema.ConstraintVerificationFailed',
    'Neo.ClientError.Schema.ConstraintValidationFailed'],
  ConstraintValidationFailed: ['Neo.ClientError.Schema.ConstraintValidationFailed'],
};

// A detail of `*` accepts any detail.
Then(/^an? (\w+) should be raised at (compile time|runtime|any time): (\w+|\*)\s*$/, function (type, phase, detail) {
  const o = this.outcome;
  if (!o) throw new TckFailure('runner', 'no query was executed');
  if (!o.error) {
    throw new TckFailure('expected error not raised',
      `expected ${type} (${detail}) at ${phase}, got ${o.rows.length} row(s)`);
  }
  const code = o.error.code || '';
  if (type !== 'Error') {
    const accepted = kErrorCodes[type] || [`Neo.ClientError.Statement.${type}`];
    if (!accepted.includes(code)) {
      throw new TckFailure('wrong error type', `expected ${type} (${detail}), got ${describeError(o.error)}`);
    }
  }
  const got = /\[(\w+)\]\s*$/.exec(o.error.message || '');
  if (detail !== '*' && (!got || got[1] !== detail)) {
    throw new TckFailure('wrong error detail', `expected ${type} (${detail}), got ${describeError(o.error)}`);
  }
  if (phase !== 'any time' && o.phase !== phase) {
    throw new TckFailure('wrong error phase', `expected ${detail} at ${phase}, raised at ${o.phase}`);
  }
  if (this.sideEffects && Object.values(this.sideEffects).some((n) => n !== 0)) {
    throw new TckFailure('wrong side effects', `a failed query changed the graph: ${JSON.stringify(nonZero(this.sideEffects))}`);
  }
});

function nonZero(effects) {
  const out = {};
  for (const [k, v] of Object.entries(effects)) if (v !== 0) out[k] = v;
  return out;
}

function checkSideEffects(world, expected) {
  if (!world.sideEffects) throw new TckFailure('runner', 'side effects were not measured');
  const actual = nonZero(world.sideEffects);
  const want = nonZero(expected);
  const keys = new Set([...Object.keys(actual), ...Object.keys(want)]);
  for (const k of keys) {
    if ((actual[k] || 0) !== (want[k] || 0)) {
      throw new TckFailure('wrong side effects', `expected ${JSON.stringify(want)}, got ${JSON.stringify(actual)}`);
    }
  }
}

Then(/^no side effects\s*$/, function () {
  checkSideEffects(this, {});
});

Then(/^the side effects should be:\s*$/, function (table) {
  const expected = {};
  for (const [name, count] of table.raw()) {
    const key = name.trim();
    if (!/^[+-](nodes|relationships|properties|labels)$/.test(key)) {
      throw new TckFailure('runner', `unknown side effect ${key}`);
    }
    expected[key] = Number(count.trim());
  }
  checkSideEffects(this, expected);
});

module.exports = { TckFailure, splitStatements, execute };
