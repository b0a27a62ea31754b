'use strict';
// The Kuzu side of `make bench-compare` (docs/adr/013-bench-compare.md).
// Kuzu is an embedded database: it runs inside this node process, so every
// number here is "in-process" (no network, no protocol), measured through the
// kuzu npm package's prepared statements.
//
//   node kuzu_driver.js '<json options>'
//
// Options (all required): mode ("unwind": the UNWIND load paths on a
// scratch database; "main": COPY, cross-checks and the workloads), dir (nodes.csv, edges.csv), work (an empty
// folder for the databases), nodes, users, unwindNodes, unwindEdges,
// batch, seconds, warmupSeconds, runs, seed, checkIds.
// Prints one JSON object per line: load phases, runs per workload and thread
// setting, memory readings and the answers of the cross-check queries.

const fs = require('node:fs');
const path = require('node:path');
const kuzu = require('kuzu');

const opt = JSON.parse(process.argv[2]);

function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

function memory() {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const kib = (name) => Number(status.match(new RegExp(`${name}:\\s+(\\d+) kB`))[1]);
  return { rss_kib: kib('VmRSS'), hwm_kib: kib('VmHWM') };
}

// splitmix64 over BigInt, as bench_compare_bolt does (ids need not match it).
function rng(seed) {
  let state = BigInt.asUintN(64, BigInt(seed));
  return (n) => {
    state = BigInt.asUintN(64, state + 0x9e3779b97f4a7c15n);
    let z = state;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    z = z ^ (z >> 31n);
    return Number(z % BigInt(n));
  };
}

function readCsv(file, limit, toRow) {
  const rows = [];
  const text = fs.readFileSync(file, 'utf8');
  let start = text.indexOf('\n') + 1;
  while (start < text.length && rows.length < limit) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    const comma = line.indexOf(',');
    rows.push(toRow(line.slice(0, comma), line.slice(comma + 1)));
    start = end + 1;
  }
  return rows;
}

async function createSchema(conn) {
  await conn.query('CREATE NODE TABLE Node(id INT64, name STRING, PRIMARY KEY(id))');
  await conn.query('CREATE REL TABLE Edge(FROM Node TO Node)');
}

async function unwindLoad(conn, query, rows) {
  const ps = await conn.prepare(query);
  const start = process.hrtime.bigint();
  for (let i = 0; i < rows.length; i += opt.batch) {
    await conn.execute(ps, { rows: rows.slice(i, i + opt.batch) });
  }
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function percentile(sorted, q) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

// Warm-up, then opt.runs measured runs of `query`, one at a time on one
// connection; fixed iterations per run when `iterations` > 0.
async function measure(conn, workload, threads, query, params, iterations) {
  const ps = await conn.prepare(query);
  if (!ps.isSuccess()) throw new Error(`${workload}: ${ps.getErrorMessage()}`);
  const phase = async (seconds, iters) => {
    const lat = [];
    const start = process.hrtime.bigint();
    const deadline = start + BigInt(Math.round(seconds * 1e9));
    for (let i = 0; iters > 0 ? i < iters : true; i++) {
      const t0 = process.hrtime.bigint();
      if (iters === 0 && t0 >= deadline) break;
      const result = await conn.execute(ps, params());
      await result.getAll();
      lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    return { lat, wall: Number(process.hrtime.bigint() - start) / 1e9 };
  };
  // The aggregation's warm-up is the cross-check query that ran just before.
  if (workload !== 'aggregation') await phase(opt.warmupSeconds, iterations);
  for (let run = 0; run < opt.runs; run++) {
    const { lat, wall } = await phase(opt.seconds, iterations);
    lat.sort((a, b) => a - b);
    emit({
      kind: 'run', workload, threads, run, ops: lat.length, seconds: wall,
      ops_per_s: lat.length / wall, p50_ms: percentile(lat, 0.5), p90_ms: percentile(lat, 0.9),
      p99_ms: percentile(lat, 0.99),
    });
  }
}

async function main() {
  const nodesCsv = path.join(opt.dir, 'nodes.csv');
  const edgesCsv = path.join(opt.dir, 'edges.csv');
  emit({ kind: 'version', kuzu: kuzu.VERSION, node: process.version });

  // 1a. The UNWIND text path, on a scratch database in its own process
    // (mode "unwind"): nodes (the first unwindNodes of them) and then a sample
  // of edges between those nodes. A separate process keeps the scratch
  // database out of the main run's memory readings.
  if (opt.mode === 'unwind') {
    const db = new kuzu.Database(path.join(opt.work, 'unwind'));
    const conn = new kuzu.Connection(db);
    await createSchema(conn);
    const nodeRows = readCsv(nodesCsv, opt.unwindNodes, (a, b) => ({ id: Number(a), name: b }));
    const secs = await unwindLoad(conn, 'UNWIND $rows AS r CREATE (:Node {id: r.id, name: r.name})', nodeRows);
    emit({ kind: 'load', path: 'UNWIND ... CREATE (nodes)', rows: nodeRows.length, seconds: secs });
    const edgeRows = [];
    const pick = rng(opt.seed + 7);
    for (let i = 0; i < opt.unwindEdges; i++) {
      const src = pick(nodeRows.length);
      edgeRows.push({ src, dst: (src + 1 + pick(nodeRows.length - 1)) % nodeRows.length });
    }
    const esecs = await unwindLoad(conn,
      'UNWIND $rows AS r MATCH (a:Node {id: r.src}), (b:Node {id: r.dst}) CREATE (a)-[:Edge]->(b)', edgeRows);
    emit({ kind: 'load', path: 'UNWIND ... MATCH ... CREATE (edges)', rows: edgeRows.length, seconds: esecs });
    return;
  }

  // 1b. The bulk path: COPY FROM CSV for both, into the database measured below.
  const db = new kuzu.Database(path.join(opt.work, 'graph'));
  const conn = new kuzu.Connection(db);
  await createSchema(conn);
  let t = process.hrtime.bigint();
  await conn.query(`COPY Node FROM '${nodesCsv}' (header=true)`);
  emit({ kind: 'load', path: 'COPY FROM CSV (nodes)', rows: opt.nodes, seconds: Number(process.hrtime.bigint() - t) / 1e9 });
  t = process.hrtime.bigint();
  await conn.query(`COPY Edge FROM '${edgesCsv}' (header=true)`);
  const edgeSecs = Number(process.hrtime.bigint() - t) / 1e9;
  const count = await (await conn.query('MATCH ()-[e:Edge]->() RETURN count(e) AS c')).getAll();
  emit({ kind: 'load', path: 'COPY FROM CSV (edges)', rows: Number(count[0].c), seconds: edgeSecs });
  emit({ kind: 'memory', after: 'load', ...memory() });

  // Cross-check answers (compared with the other systems by run.py).
  for (const id of opt.checkIds) {
    const one = await (await conn.query(`MATCH (n:Node {id: ${id}})-[:Edge]->(m) RETURN count(m) AS c`)).getAll();
    const two = await (await conn.query(
      `MATCH (n:Node {id: ${id}})-[:Edge]->()-[:Edge]->(m) RETURN count(DISTINCT m) AS c`)).getAll();
    const name = await (await conn.query(`MATCH (n:Node {id: ${id}}) RETURN n.name AS name`)).getAll();
    emit({ kind: 'check', id, onehop: Number(one[0].c), twohop: Number(two[0].c), name: name[0].name });
  }
  const agg = await (await conn.query(
    'MATCH (n:Node)-[:Edge]->(m) RETURN m.id % 100 AS bucket, count(*) AS c ORDER BY bucket')).getAll();
  emit({ kind: 'check', agg: agg.map((r) => [Number(r.bucket), Number(r.c)]) });

  // The mgbench write workloads' schema and users (untimed setup).
  await conn.query('CREATE NODE TABLE User(id INT64, PRIMARY KEY(id))');
  await conn.query('CREATE NODE TABLE UserTemp(id INT64, PRIMARY KEY(id))');
  await conn.query('CREATE REL TABLE Temp(FROM User TO User)');
  await conn.query(`UNWIND range(0, ${opt.users - 1}) AS i CREATE (:User {id: i})`);

  const reads = [
    ['point', 'MATCH (n:Node {id: $id}) RETURN n.name', 0],
    ['onehop', 'MATCH (n:Node {id: $id})-[:Edge]->(m) RETURN count(m)', 0],
    ['twohop', 'MATCH (n:Node {id: $id})-[:Edge]->()-[:Edge]->(m) RETURN count(DISTINCT m)', 0],
    ['aggregation', 'MATCH (n:Node)-[:Edge]->(m) RETURN m.id % 100 AS bucket, count(*) ORDER BY bucket', 1],
  ];
  let nextTemp = 0;
  for (const threads of ['default', '1']) {
    if (threads === '1') conn.setMaxNumThreadForExec(1);
    const pick = rng(opt.seed);
    for (const [workload, query, iterations] of reads) {
      const params = workload === 'aggregation' ? () => ({}) : () => ({ id: pick(opt.nodes) });
      await measure(conn, workload, threads, query, params, iterations);
      emit({ kind: 'memory', after: `${workload}/${threads}`, ...memory() });
    }
    await measure(conn, 'vertex_write', threads, 'CREATE (n:UserTemp {id: $id}) RETURN n',
      () => ({ id: nextTemp++ }), 0);
    await measure(conn, 'edge_write', threads,
      'MATCH (n:User {id: $from}), (m:User {id: $to}) CREATE (n)-[e:Temp]->(m) RETURN e',
      () => ({ from: pick(opt.users), to: pick(opt.users) }), 0);
    emit({ kind: 'memory', after: `writes/${threads}`, ...memory() });
  }
}

// No close(): closing a Connection or Database while prepared statements are
// still referenced crashes kuzu 0.11.3's node binding (SIGSEGV) when they are
// collected; the process exits right away instead and run.py removes the files.
main().then(() => process.exit(0)).catch((err) => {
  console.error(err);
  process.exit(1);
});
