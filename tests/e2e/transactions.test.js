'use strict';
// Auto-commit queries, explicit transactions, errors and recovery, summary
// counters and neo4j:// routing, over Bolt 5.x and 4.4.

const { test, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const { describeOverBolt, driverConfig, run, rejectsWithCode, neo4j } = require('./lib/suite');

async function countNodes(driver, label) {
  const records = await run(driver, `MATCH (n:${label}) RETURN count(n) AS c`);
  return records[0].get('c').toNumber();
}

describeOverBolt('transactions', { logLevel: 'debug' }, (ctx) => {
  beforeEach(async () => {
    await run(ctx.driver, 'MATCH (n) DETACH DELETE n');
  });

  test('auto-commit query returns rows and its write is visible to the next session', async () => {
    const session = ctx.driver.session();
    const result = await session.run('CREATE (n:Person {name: $name}) RETURN n.name AS name', { name: 'Ada' });
    await session.close();
    assert.deepEqual(result.records.map((r) => r.get('name')), ['Ada']);
    assert.deepEqual(result.records[0].keys, ['name']);
    assert.equal(await countNodes(ctx.driver, 'Person'), 1);
  });

  test('a write without RETURN streams no records and no columns', async () => {
    const session = ctx.driver.session();
    try {
      for (const q of ['CREATE (:NoReturn)', 'UNWIND range(1, 3) AS i CREATE (:NoReturn {i: i})',
        'MATCH (n:NoReturn) SET n.seen = true', 'MATCH (n:NoReturn) DETACH DELETE n']) {
        const r = await session.run(q);
        assert.equal(r.records.length, 0, `${q} returned records`);
        assert.deepEqual(r.records.length ? r.records[0].keys : [], []);
      }
    } finally {
      await session.close();
    }
  });

  test('auto-commit query with several columns keeps their order', async () => {
    const [record] = await run(ctx.driver, 'RETURN 1 AS z, 2 AS a, 3 AS m');
    assert.deepEqual(record.keys, ['z', 'a', 'm']);
    assert.deepEqual(record.toObject(), { z: neo4j.int(1), a: neo4j.int(2), m: neo4j.int(3) });
  });

  test('explicit transaction: commit makes every write visible', async () => {
    const session = ctx.driver.session();
    const tx = session.beginTransaction();
    await tx.run('CREATE (:Tx {i: 1})');
    await tx.run('CREATE (:Tx {i: 2})');
    const inside = await tx.run('MATCH (n:Tx) RETURN count(n) AS c');
    assert.equal(inside.records[0].get('c').toNumber(), 2, 'a transaction sees its own writes');
    await tx.commit();
    await session.close();
    assert.equal(await countNodes(ctx.driver, 'Tx'), 2);
  });

  test('explicit transaction: uncommitted writes are invisible to other sessions', async () => {
    const session = ctx.driver.session();
    const tx = session.beginTransaction();
    await tx.run('CREATE (:Hidden)');
    assert.equal(await countNodes(ctx.driver, 'Hidden'), 0);
    await tx.commit();
    await session.close();
    assert.equal(await countNodes(ctx.driver, 'Hidden'), 1);
  });

  test('explicit transaction: rollback discards every write', async () => {
    const session = ctx.driver.session();
    const tx = session.beginTransaction();
    await tx.run('CREATE (:Rolled {i: 1})');
    await tx.run('UNWIND range(1, 10) AS i CREATE (:Rolled {i: i})');
    await tx.rollback();
    await session.close();
    assert.equal(await countNodes(ctx.driver, 'Rolled'), 0);
  });

  test('explicit transaction: two results open at once (qid) are both readable', async () => {
    const session = ctx.driver.session();
    const tx = session.beginTransaction();
    const a = tx.run('UNWIND range(1, 3) AS i RETURN i');
    const b = tx.run('UNWIND range(10, 12) AS j RETURN j');
    const [ra, rb] = await Promise.all([a, b]);
    await tx.commit();
    await session.close();
    assert.deepEqual(ra.records.map((r) => r.get('i').toNumber()), [1, 2, 3]);
    assert.deepEqual(rb.records.map((r) => r.get('j').toNumber()), [10, 11, 12]);
  });

  test('managed transactions (executeWrite / executeRead) work', async () => {
    const session = ctx.driver.session();
    const created = await session.executeWrite(async (tx) => {
      const r = await tx.run('CREATE (n:Managed {v: $v}) RETURN n.v AS v', { v: neo4j.int(7) });
      return r.records[0].get('v');
    });
    const read = await session.executeRead(async (tx) => {
      const r = await tx.run('MATCH (n:Managed) RETURN n.v AS v');
      return r.records[0].get('v');
    });
    await session.close();
    assert.ok(neo4j.int(7).equals(created));
    assert.ok(neo4j.int(7).equals(read));
  });

  test('syntax error is reported with its code and the same session goes on', async () => {
    const session = ctx.driver.session();
    try {
      await rejectsWithCode(session.run('RETURN RETURN'), 'Neo.ClientError.Statement.SyntaxError');
      const r = await session.run('RETURN 42 AS answer');
      assert.equal(r.records[0].get('answer').toNumber(), 42);
      await rejectsWithCode(session.run('RETURN undefinedVariable'), 'Neo.ClientError.Statement.SyntaxError');
      const again = await session.run('RETURN 43 AS answer');
      assert.equal(again.records[0].get('answer').toNumber(), 43);
    } finally {
      await session.close();
    }
  });

  test('a failure does not close the connection: one connection serves the error and the recovery', async () => {
    // A dedicated driver with a pool of one; the server log (debug) names each accepted connection.
    const before = (ctx.server.log().match(/accepted/g) || []).length;
    const driver = neo4j.driver(ctx.server.boltUrl, undefined, driverConfig({ maxConnectionPoolSize: 1 }));
    try {
      const session = driver.session();
      await session.run('RETURN 1');
      await rejectsWithCode(session.run('RETURN 1 +'), 'Neo.ClientError.Statement.SyntaxError');
      await rejectsWithCode(session.run('UNWIND [1, 0] AS x RETURN 10 / x'), 'Neo.ClientError.Statement.ArithmeticError');
      await rejectsWithCode(session.run('RETURN $missing'), 'Neo.ClientError.Statement.ParameterMissing');
      const r = await session.run('RETURN 2 AS two');
      assert.equal(r.records[0].get('two').toNumber(), 2);
      await session.close();
    } finally {
      await driver.close();
    }
    const after = (ctx.server.log().match(/accepted/g) || []).length;
    assert.equal(after - before, 1, 'the driver needed a new connection after a FAILURE');
  });

  test('runtime error while streaming arrives after the first records', async () => {
    const session = ctx.driver.session();
    const seen = [];
    let error;
    await new Promise((resolve) => {
      session.run('UNWIND [1, 2, 0, 4] AS x RETURN 12 / x AS q').subscribe({
        onNext: (r) => seen.push(r.get('q').toNumber()),
        onCompleted: resolve,
        onError: (e) => { error = e; resolve(); },
      });
    });
    assert.ok(error, 'division by zero must fail');
    assert.equal(error.code, 'Neo.ClientError.Statement.ArithmeticError');
    assert.ok(seen.every((v) => v === 12 || v === 6), `unexpected rows ${seen}`);
    const r = await session.run('RETURN 1 AS one');
    assert.equal(r.records[0].get('one').toNumber(), 1);
    await session.close();
  });

  test('an error inside an explicit transaction rolls it back; the session can start another', async () => {
    const session = ctx.driver.session();
    const tx = session.beginTransaction();
    await tx.run('CREATE (:Doomed)');
    await rejectsWithCode(tx.run('RETURN 1 / 0'), 'Neo.ClientError.Statement.ArithmeticError');
    assert.equal(tx.isOpen(), false);
    const tx2 = session.beginTransaction();
    await tx2.run('CREATE (:Survivor)');
    await tx2.commit();
    await session.close();
    assert.equal(await countNodes(ctx.driver, 'Doomed'), 0);
    assert.equal(await countNodes(ctx.driver, 'Survivor'), 1);
  });

  test('a failed auto-commit write leaves no partial effects', async () => {
    await rejectsWithCode(run(ctx.driver, 'UNWIND [1, 1, 0] AS x CREATE (:Partial {v: 1 / x})'),
      'Neo.ClientError.Statement.ArithmeticError');
    assert.equal(await countNodes(ctx.driver, 'Partial'), 0);
  });

  test('summary counters: nodes, relationships, properties, labels', async () => {
    const session = ctx.driver.session();
    try {
      let s = (await session.run("CREATE (a:A:B {x: 1, y: 'two'})-[:R {w: 1.5}]->(b:C) RETURN a")).summary;
      assert.ok(['w', 'rw'].includes(s.queryType), `query type ${s.queryType}`);
      assert.ok(s.counters.containsUpdates());
      assert.deepEqual(pick(s.counters.updates()), {
        nodesCreated: 2, relationshipsCreated: 1, propertiesSet: 3, labelsAdded: 3,
      });

      s = (await session.run('MATCH (a:A) SET a.z = 3, a:D REMOVE a:B')).summary;
      assert.deepEqual(pick(s.counters.updates()), { propertiesSet: 1, labelsAdded: 1, labelsRemoved: 1 });
      assert.ok(['w', 'rw'].includes(s.queryType), `query type ${s.queryType}`);

      s = (await session.run('MATCH (n) DETACH DELETE n')).summary;
      assert.deepEqual(pick(s.counters.updates()), { nodesDeleted: 2, relationshipsDeleted: 1 });

      s = (await session.run('RETURN 1')).summary;
      assert.equal(s.counters.containsUpdates(), false);
      assert.deepEqual(pick(s.counters.updates()), {});
      assert.equal(s.queryType, 'r');
    } finally {
      await session.close();
    }
  });

  test('summary counters inside an explicit transaction', async () => {
    const session = ctx.driver.session();
    const tx = session.beginTransaction();
    const s = (await tx.run('UNWIND range(1, 5) AS i CREATE (:Counted {i: i})')).summary;
    await tx.commit();
    await session.close();
    assert.deepEqual(pick(s.counters.updates()), { nodesCreated: 5, propertiesSet: 5, labelsAdded: 5 });
  });

  test('summary carries the database name and the server agent', async () => {
    const session = ctx.driver.session();
    const r = await session.run('RETURN 1');
    await session.close();
    assert.equal(typeof r.summary.database.name, 'string');
    assert.ok(r.summary.database.name.length > 0);
    assert.match(r.summary.server.agent, /\S/);
    assert.equal(r.summary.server.protocolVersion, ctx.protocolVersion);
  });

  test('bookmarks chain a write and a read across sessions', async () => {
    const writer = ctx.driver.session();
    await writer.run('CREATE (:Bookmarked)');
    const bookmarks = writer.lastBookmarks();
    await writer.close();
    assert.ok(bookmarks.length > 0, 'a committed write returns a bookmark');
    const reader = ctx.driver.session({ bookmarks, defaultAccessMode: neo4j.session.READ });
    const r = await reader.run('MATCH (n:Bookmarked) RETURN count(n) AS c');
    await reader.close();
    assert.equal(r.records[0].get('c').toNumber(), 1);
  });

  test('neo4j:// URL: the driver fetches a routing table (ROUTE) and reads and writes through it', async () => {
    const driver = neo4j.driver(ctx.server.routingUrl, undefined, driverConfig());
    try {
      await driver.verifyConnectivity();
      const w = driver.session({ defaultAccessMode: neo4j.session.WRITE });
      await w.run('CREATE (:Routed {v: 1})');
      await w.close();
      const r = driver.session({ defaultAccessMode: neo4j.session.READ });
      const res = await r.run('MATCH (n:Routed) RETURN n.v AS v');
      await r.close();
      assert.equal(res.records[0].get('v').toNumber(), 1);
      const eq = await driver.executeQuery('MATCH (n:Routed) RETURN count(n) AS c', {}, { routing: neo4j.routing.READ });
      assert.equal(eq.records[0].get('c').toNumber(), 1);
    } finally {
      await driver.close();
    }
  });

  test('driver.executeQuery over bolt://', async () => {
    const { records, summary } = await ctx.driver.executeQuery('CREATE (n:Eq {v: $v}) RETURN n.v AS v', { v: 'x' });
    assert.equal(records[0].get('v'), 'x');
    assert.equal(summary.counters.updates().nodesCreated, 1);
  });
});

/** The non-zero counters of a driver `updates()` object. */
function pick(updates) {
  const out = {};
  for (const [k, v] of Object.entries(updates)) if (v !== 0) out[k] = v;
  return out;
}
