'use strict';
// Large results paged by fetchSize, PULL {n} honoured exactly, and 50
// sessions at once, over Bolt 5.x and 4.4.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { describeOverBolt, driverConfig, run, neo4j } = require('./lib/suite');
const { RawConnection, Sig, Int } = require('./lib/raw_bolt');
const { kBoltVersions } = require('./lib/server');

const kRows = 100000;

describeOverBolt('volume', (ctx) => {
  test(`a ${kRows}-row result paged by fetchSize 1000 arrives complete and in order`, async () => {
    const session = ctx.driver.session({ fetchSize: 1000 });
    let count = 0;
    let sum = 0n;
    let inOrder = true;
    try {
      const result = session.run('UNWIND range(1, $n) AS i RETURN i, toString(i) AS s', { n: neo4j.int(kRows) });
      for await (const record of result) {
        count += 1;
        const i = record.get('i');
        if (i.toNumber() !== count || record.get('s') !== String(count)) inOrder = false;
        sum += BigInt(i.toString());
      }
      const summary = await result.summary();
      assert.equal(summary.queryType, 'r');
    } finally {
      await session.close();
    }
    assert.equal(count, kRows);
    assert.ok(inOrder, 'rows arrived out of order');
    assert.equal(sum, BigInt(kRows) * BigInt(kRows + 1) / 2n);
  });

  test('a large result inside an explicit transaction, paged, then committed', async () => {
    const session = ctx.driver.session({ fetchSize: 500 });
    const tx = session.beginTransaction();
    await tx.run('UNWIND range(1, 2000) AS i CREATE (:Paged {i: i})');
    let count = 0;
    for await (const record of tx.run('MATCH (n:Paged) RETURN n.i AS i')) {
      assert.ok(neo4j.isInt(record.get('i')));
      count += 1;
    }
    await tx.commit();
    await session.close();
    assert.equal(count, 2000);
    const [r] = await run(ctx.driver, 'MATCH (n:Paged) DELETE n RETURN count(*) AS c');
    assert.equal(r.get('c').toNumber(), 2000);
  });

  test('a result abandoned half-way (session closed early) does not break the connection', async () => {
    const driver = neo4j.driver(ctx.server.boltUrl, undefined, driverConfig({ maxConnectionPoolSize: 1 }));
    try {
      const session = driver.session({ fetchSize: 100 });
      let seen = 0;
      for await (const record of session.run('UNWIND range(1, 50000) AS i RETURN i')) {
        seen += record ? 1 : 0;
        if (seen === 250) break;
      }
      await session.close();
      const [r] = await run(driver, 'RETURN 7 AS seven');
      assert.equal(r.get('seven').toNumber(), 7);
    } finally {
      await driver.close();
    }
  });

  test('50 concurrent sessions each run a transaction', async () => {
    const driver = neo4j.driver(ctx.server.boltUrl, undefined, driverConfig({ maxConnectionPoolSize: 60 }));
    await run(driver, 'MATCH (n:Worker) DETACH DELETE n');
    try {
      const workers = Array.from({ length: 50 }, async (_, w) => {
        const session = driver.session();
        try {
          const tx = session.beginTransaction();
          await tx.run('UNWIND range(1, 20) AS j CREATE (:Worker {w: $w, j: j})', { w: neo4j.int(w) });
          const mine = await tx.run('MATCH (n:Worker {w: $w}) RETURN count(n) AS c', { w: neo4j.int(w) });
          await tx.commit();
          const rows = await session.run('UNWIND range(1, 1000) AS i RETURN sum(i) AS s');
          return [mine.records[0].get('c').toNumber(), rows.records[0].get('s').toNumber()];
        } finally {
          await session.close();
        }
      });
      const results = await Promise.all(workers);
      for (const [mine, s] of results) {
        assert.equal(mine, 20, 'each transaction sees exactly its own 20 nodes');
        assert.equal(s, 500500);
      }
      const [r] = await run(driver, 'MATCH (n:Worker) RETURN count(n) AS c, count(DISTINCT n.w) AS w');
      assert.equal(r.get('c').toNumber(), 1000);
      assert.equal(r.get('w').toNumber(), 50);
    } finally {
      await driver.close();
    }
  });

  test('50 concurrent sessions reading while others write', async () => {
    const driver = neo4j.driver(ctx.server.boltUrl, undefined, driverConfig({ maxConnectionPoolSize: 60 }));
    try {
      await run(driver, 'MATCH (n:Counter) DELETE n');
      const jobs = Array.from({ length: 50 }, async (_, k) => {
        const session = driver.session({ fetchSize: 100 });
        try {
          if (k % 2 === 0) {
            await session.run('CREATE (:Counter {k: $k})', { k: neo4j.int(k) });
            return -1;
          }
          let n = 0;
          for await (const record of session.run('UNWIND range(1, 5000) AS i RETURN i')) n += record ? 1 : 0;
          return n;
        } finally {
          await session.close();
        }
      });
      const counts = await Promise.all(jobs);
      for (const n of counts) if (n !== -1) assert.equal(n, 5000);
      const [r] = await run(driver, 'MATCH (n:Counter) RETURN count(n) AS c');
      assert.equal(r.get('c').toNumber(), 25);
    } finally {
      await driver.close();
    }
  });
});

// PULL {n} paging observed on the wire, with a raw client, for each Bolt version.
for (const version of kBoltVersions) {
  const { describe, before, after } = require('node:test');
  const { startServer } = require('./lib/server');
  describe(`PULL n on the wire [bolt ${version.name}]`, () => {
    let server;
    before(async () => { server = await startServer({ boltMaxVersion: version.boltMaxVersion }); });
    after(async () => { if (server) await server.stop(); });

    test('PULL {n: 7} returns exactly 7 records and has_more until the stream ends', async () => {
      const conn = await RawConnection.connect(server.port);
      try {
        const v = await conn.open();
        assert.equal(v[0], version.expectMajor);
        conn.send(Sig.RUN, ['UNWIND range(1, 17) AS i RETURN i', {}, {}]);
        const runReply = await conn.receive();
        assert.equal(runReply.signature, Sig.SUCCESS);
        assert.deepEqual(runReply.fields[0].fields, ['i']);
        const got = [];
        for (const expected of [7, 7, 3]) {
          conn.send(Sig.PULL, [{ n: new Int(7) }]);
          const { records, summary } = await conn.receiveSummary();
          assert.equal(summary.signature, Sig.SUCCESS);
          assert.equal(records.length, expected);
          got.push(...records.map((r) => r[0]));
          if (expected === 7) {
            assert.equal(summary.fields[0].has_more, true);
          } else {
            assert.equal(summary.fields[0].has_more, undefined);
            assert.equal(summary.fields[0].type, 'r');
          }
        }
        assert.deepEqual(got, Array.from({ length: 17 }, (_, i) => BigInt(i + 1)));
        // DISCARD of a partly pulled result ends it; the connection is READY again.
        conn.send(Sig.RUN, ['UNWIND range(1, 100) AS i RETURN i', {}, {}]);
        conn.send(Sig.PULL, [{ n: new Int(10) }]);
        conn.send(Sig.DISCARD, [{ n: new Int(-1) }]);
        assert.equal((await conn.receive()).signature, Sig.SUCCESS);
        const pulled = await conn.receiveSummary();
        assert.equal(pulled.records.length, 10);
        assert.equal(pulled.summary.fields[0].has_more, true);
        const discarded = await conn.receiveSummary();
        assert.equal(discarded.records.length, 0);
        assert.equal(discarded.summary.signature, Sig.SUCCESS);
        assert.equal(discarded.summary.fields[0].has_more, undefined);
        conn.send(Sig.RUN, ['RETURN 1 AS one', {}, {}]);
        conn.send(Sig.PULL, [{ n: new Int(-1) }]);
        await conn.receive();
        const last = await conn.receiveSummary();
        assert.deepEqual(last.records, [[1n]]);
      } finally {
        conn.close();
      }
    });

    test('after a FAILURE every message is IGNORED until RESET', async () => {
      const conn = await RawConnection.connect(server.port);
      try {
        await conn.open();
        conn.send(Sig.RUN, ['RETURN RETURN', {}, {}]);
        conn.send(Sig.PULL, [{ n: new Int(-1) }]);
        conn.send(Sig.RUN, ['RETURN 1', {}, {}]);
        conn.send(Sig.PULL, [{ n: new Int(-1) }]);
        const failure = await conn.receive();
        assert.equal(failure.signature, Sig.FAILURE);
        assert.equal(failure.fields[0].code, 'Neo.ClientError.Statement.SyntaxError');
        assert.equal(typeof failure.fields[0].message, 'string');
        for (let i = 0; i < 3; i++) assert.equal((await conn.receive()).signature, Sig.IGNORED);
        conn.send(Sig.RESET, []);
        assert.equal((await conn.receive()).signature, Sig.SUCCESS);
        conn.send(Sig.RUN, ['RETURN 2 AS two', {}, {}]);
        conn.send(Sig.PULL, [{ n: new Int(-1) }]);
        assert.equal((await conn.receive()).signature, Sig.SUCCESS);
        const { records } = await conn.receiveSummary();
        assert.deepEqual(records, [[2n]]);
      } finally {
        conn.close();
      }
    });

    test('explicit transaction on the wire: RUN carries qid, PULL by qid, COMMIT returns a bookmark', async () => {
      const conn = await RawConnection.connect(server.port);
      try {
        await conn.open();
        conn.send(Sig.BEGIN, [{}]);
        assert.equal((await conn.receive()).signature, Sig.SUCCESS);
        conn.send(Sig.RUN, ['UNWIND [1, 2] AS i RETURN i', {}, {}]);
        const r0 = await conn.receive();
        conn.send(Sig.RUN, ['RETURN "b" AS b', {}, {}]);
        const r1 = await conn.receive();
        assert.equal(r0.fields[0].qid, 0n);
        assert.equal(r1.fields[0].qid, 1n);
        conn.send(Sig.PULL, [{ n: new Int(-1), qid: new Int(0) }]);
        assert.deepEqual((await conn.receiveSummary()).records, [[1n], [2n]]);
        conn.send(Sig.PULL, [{ n: new Int(-1), qid: new Int(1) }]);
        assert.deepEqual((await conn.receiveSummary()).records, [['b']]);
        conn.send(Sig.COMMIT, []);
        const commit = await conn.receive();
        assert.equal(commit.signature, Sig.SUCCESS);
        assert.equal(typeof commit.fields[0].bookmark, 'string');
      } finally {
        conn.close();
      }
    });
  });
}
