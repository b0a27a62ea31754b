'use strict';
// `tributary console` fed through a pipe: tables compared byte for byte,
// CSV/JSON output, errors and exit codes.

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startServer, tributaryBin, addUser } = require('./lib/server');

/** Runs `tributary console` with `input` on stdin; resolves with {code, stdout, stderr}. */
function consoleRun(port, input, extraArgs = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(tributaryBin(), ['console', '--host', '127.0.0.1', '--port', String(port), ...extraArgs],
      { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`console timed out; stdout so far:\n${stdout}\nstderr:\n${stderr}`));
    }, 30000);
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.once('error', (e) => { clearTimeout(timer); reject(e); });
    child.once('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
    child.stdin.end(input);
  });
}

/** Joins lines with \n and a trailing newline. */
const lines = (...ls) => `${ls.join('\n')}\n`;

describe('console', () => {
  let server;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    if (server) await server.stop();
  });

  test('the three-column table from the issue, exactly', async () => {
    const r = await consoleRun(server.port, 'RETURN "mystream" AS name, "localhost:9092" AS uri, "test" AS topic;\n');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, lines(
      '+----------+----------------+-------+',
      '| name     | uri            | topic |',
      '+----------+----------------+-------+',
      '| mystream | localhost:9092 | test  |',
      '+----------+----------------+-------+',
    ));
  });

  test('nodes, relationships, maps and paths in mgconsole notation', async () => {
    const r = await consoleRun(server.port, [
      'MATCH (n) DETACH DELETE n;',
      'CREATE (:Node {id: "1"})-[:Edge]->(:Node {id: "2"});',
      'MATCH (a:Node {id: "1"})-[e:Edge]->(b:Node)',
      'RETURN a, e, b, {from_id: a.id, to_id: b.id} AS m;',
      'MATCH p = (:Node {id: "1"})-[:Edge]->() RETURN p;',
      '',
    ].join('\n'));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, lines(
      '+------------------+---------+------------------+-------------------------+',
      '| a                | e       | b                | m                       |',
      '+------------------+---------+------------------+-------------------------+',
      '| (:Node {id:"1"}) | [:Edge] | (:Node {id:"2"}) | {from_id:"1",to_id:"2"} |',
      '+------------------+---------+------------------+-------------------------+',
      '+--------------------------------------------+',
      '| p                                          |',
      '+--------------------------------------------+',
      '| (:Node {id:"1"})-[:Edge]->(:Node {id:"2"}) |',
      '+--------------------------------------------+',
    ));
  });

  test('top-level strings bare, nested strings quoted, several rows padded to the widest cell', async () => {
    const r = await consoleRun(server.port,
      'UNWIND [["a", 1], ["bbbbbbbbbbbb", 22]] AS pair RETURN pair[0] AS s, pair AS l, {k: pair[0]} AS m, pair[1] AS n;\n');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, lines(
      '+--------------+----------------------+--------------------+----+',
      '| s            | l                    | m                  | n  |',
      '+--------------+----------------------+--------------------+----+',
      '| a            | ["a", 1]             | {k:"a"}            | 1  |',
      '| bbbbbbbbbbbb | ["bbbbbbbbbbbb", 22] | {k:"bbbbbbbbbbbb"} | 22 |',
      '+--------------+----------------------+--------------------+----+',
    ));
  });

  test('multi-line queries, a ; inside a string, and several queries on one line', async () => {
    const r = await consoleRun(server.port, 'RETURN\n  "a;b"\n  AS s;  RETURN 2 AS two;\n');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, lines(
      '+-----+', '| s   |', '+-----+', '| a;b |', '+-----+',
      '+-----+', '| two |', '+-----+', '| 2   |', '+-----+',
    ));
  });

  test('a last query without the final ; still runs', async () => {
    const r = await consoleRun(server.port, 'RETURN 1 AS one');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, lines('+-----+', '| one |', '+-----+', '| 1   |', '+-----+'));
  });

  test('an error prints "Client received exception: <message>" and exits non-zero at once', async () => {
    const r = await consoleRun(server.port, 'RETURN 1 AS before;\nRETURN nosuchvariable;\nRETURN 2 AS after;\n');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Client received exception: .*nosuchvariable/);
    assert.match(r.stdout, /before/);
    assert.doesNotMatch(r.stdout, /after/, 'queries after the error must not run');
  });

  test('--continue-on-error runs the remaining queries and exits 0', async () => {
    const r = await consoleRun(server.port, 'RETURN nosuchvariable;\nRETURN 1 / 0 AS boom;\nRETURN 2 AS after;\n',
      ['--continue-on-error']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((r.stderr.match(/Client received exception: /g) || []).length, 2, r.stderr);
    assert.equal(r.stdout, lines('+-------+', '| after |', '+-------+', '| 2     |', '+-------+'));
  });

  test('--output-format csv', async () => {
    const r = await consoleRun(server.port, 'RETURN "a" AS x, 1 AS y, "say \\"hi\\"" AS z;\n', ['--output-format', 'csv']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, lines('"x","y","z"', '"a","1","say ""hi"""'));
  });

  test('--output-format json: one object per row, integers and floats distinct', async () => {
    const r = await consoleRun(server.port, 'UNWIND [1, 2] AS i RETURN i, i * 1.5 AS f, "s" + toString(i) AS s, [i] AS l;\n',
      ['--output-format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(rows, [{ i: 1, f: 1.5, s: 's1', l: [1] }, { i: 2, f: 3.0, s: 's2', l: [2] }]);
    assert.match(r.stdout, /"f":3\.0/, 'a float stays a float in JSON');
  });

  test('writes through the console are visible to the next console', async () => {
    const w = await consoleRun(server.port, 'CREATE (:FromConsole {v: 1});\n');
    assert.equal(w.code, 0, w.stderr);
    const r = await consoleRun(server.port, 'MATCH (n:FromConsole) RETURN count(n) AS c;\n');
    assert.equal(r.stdout, lines('+---+', '| c |', '+---+', '| 1 |', '+---+'));
  });

  test('a write without RETURN prints no table', async () => {
    const r = await consoleRun(server.port, 'CREATE (:Quiet);\n', ['--output-format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
  });

  test('an empty result still prints its header in CSV', async () => {
    const r = await consoleRun(server.port, 'UNWIND [] AS x RETURN x;\n', ['--output-format', 'csv']);
    assert.equal(r.stdout, lines('"x"'));
  });

  test('no server on the port: a connection failure and a non-zero exit', async () => {
    const r = await consoleRun(1, 'RETURN 1;\n');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Connection failure/i);
  });
});

describe('console with authentication', () => {
  let server;
  let dir;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-e2e-console-'));
    const file = path.join(dir, 'users');
    addUser(file, 'carol', 's3cret');
    server = await startServer({ args: ['--auth-file', file] });
  });
  after(async () => {
    if (server) await server.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('--username/--password log in', async () => {
    const r = await consoleRun(server.port, 'RETURN "ok" AS status;\n', ['--username', 'carol', '--password', 's3cret']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, lines('+--------+', '| status |', '+--------+', '| ok     |', '+--------+'));
  });

  test('a wrong password is refused with a non-zero exit', async () => {
    const r = await consoleRun(server.port, 'RETURN 1;\n', ['--username', 'carol', '--password', 'nope']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /unauthori[sz]ed|authentication/i);
  });
});
