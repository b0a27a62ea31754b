'use strict';
// The server under hostile or unusual clients: version negotiation, the
// connection limit, garbage bytes, oversized messages, idle connections and
// SIGTERM, each checked alongside a driver session that must keep working.

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { driverConfig, run, rejectsWithCode, neo4j } = require('./lib/suite');
const { startServer, kBoltVersions } = require('./lib/server');
const { RawConnection, Sig, Int, chunk } = require('./lib/raw_bolt');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

describe('handshake', () => {
  let server;
  let capped;
  before(async () => {
    server = await startServer();
    capped = await startServer({ boltMaxVersion: '4.4' });
  });
  after(async () => {
    if (server) await server.stop();
    if (capped) await capped.stop();
  });

  async function negotiate(port, proposals) {
    const conn = await RawConnection.connect(port);
    try {
      return await conn.handshake(proposals);
    } finally {
      conn.close();
    }
  }

  test("the driver's proposals (manifest v1 marker first) get the manifest: 5.4-5.0, 4.4, 4.1, never 5.5", async () => {
    const driverOffer = [{ major: 255, minor: 1 }, { major: 5, minor: 8, range: 8 }, { major: 4, minor: 4, range: 2 }, { major: 3, minor: 0 }];
    // After the marker: a varint count, ranges [0, range, minor, major], capabilities 0.
    const manifests = [
      [server.port, '03' + '00040405' + '00000404' + '00000104' + '00', [5, 4]],
      [capped.port, '02' + '00000404' + '00000104' + '00', [4, 4]],
    ];
    for (const [port, listing, choice] of manifests) {
      const conn = await RawConnection.connect(port);
      try {
        assert.deepEqual(await conn.handshake(driverOffer), [255, 1]);
        await conn.waitFor(() => conn.data.length >= listing.length / 2, 5000, 'the manifest');
        assert.equal(conn.data.toString('hex'), listing);
        conn.data = Buffer.alloc(0);
        // The client's choice and its capabilities (none), then HELLO.
        conn.write(Buffer.from([0, 0, choice[1], choice[0], 0]));
        conn.send(Sig.HELLO, [{ user_agent: 'manifest/1.0', scheme: 'none' }]);
        assert.equal((await conn.receive()).signature, Sig.SUCCESS);
      } finally {
        conn.close();
      }
    }
  });

  test('a manifest choice the server did not offer closes the connection', async () => {
    const conn = await RawConnection.connect(capped.port);
    try {
      assert.deepEqual(await conn.handshake([{ major: 255, minor: 1 }, { major: 5, minor: 4, range: 4 }]), [255, 1]);
      conn.write(Buffer.from([0, 0, 4, 5, 0])); // 5.4, above --bolt-max-version 4.4
      await conn.waitClosed();
    } finally {
      conn.close();
    }
  });

  test("mgclient's proposals (4.1 exactly, then 1.0) get 4.1", async () => {
    const mgclient = [{ major: 4, minor: 1 }, { major: 1, minor: 0 }];
    assert.deepEqual(await negotiate(server.port, mgclient), [4, 1]);
    assert.deepEqual(await negotiate(capped.port, mgclient), [4, 1]);
  });

  test('ranges are expanded and the first acceptable proposal wins', async () => {
    assert.deepEqual(await negotiate(server.port, [{ major: 5, minor: 2, range: 2 }]), [5, 2]);
    assert.deepEqual(await negotiate(server.port, [{ major: 4, minor: 4 }, { major: 5, minor: 4 }]), [4, 4]);
    assert.deepEqual(await negotiate(server.port, [{ major: 5, minor: 9, range: 4 }, { major: 5, minor: 0 }]), [5, 0]);
  });

  test('no common version: 00 00 00 00 and the connection is closed', async () => {
    const conn = await RawConnection.connect(server.port);
    try {
      assert.equal(await conn.handshake([{ major: 3, minor: 0 }, { major: 2, minor: 0 }]), null);
      await conn.waitClosed();
    } finally {
      conn.close();
    }
    const capConn = await RawConnection.connect(capped.port);
    try {
      assert.equal(await capConn.handshake([{ major: 5, minor: 4, range: 4 }]), null);
      await capConn.waitClosed();
    } finally {
      capConn.close();
    }
  });
});

for (const version of kBoltVersions) {
  describe(`hostile bytes [bolt ${version.name}]`, () => {
    let server;
    let driver;
    before(async () => {
      server = await startServer({ boltMaxVersion: version.boltMaxVersion, args: ['--max-message-size', '65536'] });
      driver = neo4j.driver(server.boltUrl, undefined, driverConfig());
    });
    after(async () => {
      if (driver) await driver.close();
      if (server) await server.stop();
    });

    /** Runs `attack` while a driver transaction is open, then checks the transaction and the server. */
    async function survives(attack) {
      const session = driver.session();
      const tx = session.beginTransaction();
      await tx.run('CREATE (:Bystander)');
      await attack();
      const r = await tx.run('MATCH (n:Bystander) RETURN count(n) AS c');
      assert.ok(r.records[0].get('c').toNumber() >= 1);
      await tx.commit();
      await session.close();
      const [again] = await run(driver, 'RETURN 1 AS one');
      assert.equal(again.get('one').toNumber(), 1);
      assert.ok(server.running, 'the server process died');
    }

    test('random garbage instead of a handshake closes only that connection', async () => {
      await survives(async () => {
        for (let i = 0; i < 5; i++) {
          const conn = await RawConnection.connect(server.port);
          conn.write(crypto.randomBytes(64 + i * 100));
          await conn.waitClosed();
          assert.equal(conn.data.length, 0, 'the server answered garbage');
        }
      });
    });

    test('an HTTP request instead of Bolt closes the connection', async () => {
      await survives(async () => {
        const conn = await RawConnection.connect(server.port);
        conn.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
        await conn.waitClosed();
      });
    });

    test('garbage after a valid handshake: FAILURE (or close) for that connection only', async () => {
      await survives(async () => {
        const conn = await RawConnection.connect(server.port);
        await conn.open();
        conn.write(chunk(crypto.randomBytes(300)));
        conn.write(crypto.randomBytes(5000));
        await conn.waitClosed();
        const m = conn.takeMessage();
        if (m !== undefined) assert.equal(m.signature, Sig.FAILURE);
      });
    });

    test('a structurally valid message with broken PackStream inside', async () => {
      await survives(async () => {
        const conn = await RawConnection.connect(server.port);
        await conn.open();
        // RUN whose string claims 2^31 bytes; a map whose size is absurd; an unknown marker.
        conn.write(chunk(Buffer.from([0xb3, 0x10, 0xd2, 0x7f, 0xff, 0xff, 0xff, 0x41])));
        await conn.waitClosed();
        const conn2 = await RawConnection.connect(server.port);
        await conn2.open();
        conn2.write(chunk(Buffer.from([0xb1, 0x10, 0xda, 0xff, 0xff, 0xff, 0xff])));
        await conn2.waitClosed();
        const conn3 = await RawConnection.connect(server.port);
        await conn3.open();
        conn3.write(chunk(Buffer.from([0xb1, 0x10, 0xe7])));
        await conn3.waitClosed();
      });
    });

    test('deeply nested lists do not crash the server', async () => {
      await survives(async () => {
        const conn = await RawConnection.connect(server.port);
        await conn.open();
        const depth = 60000;
        const body = Buffer.concat([Buffer.from([0xb3, 0x10, 0x81, 0x78]), Buffer.alloc(depth, 0x91), Buffer.from([0xa0, 0xa0])]);
        conn.write(chunk(body));
        // Either a FAILURE (and maybe a close) or a clean close; never a crash.
        await Promise.race([conn.waitClosed(10000), conn.receive(10000)]).catch(() => {});
        conn.close();
      });
    });

    test('an unknown message signature closes that connection', async () => {
      await survives(async () => {
        const conn = await RawConnection.connect(server.port);
        await conn.open();
        conn.send(0x55, []);
        await conn.waitClosed();
        const m = conn.takeMessage();
        if (m !== undefined) assert.equal(m.signature, Sig.FAILURE);
      });
    });

    test('a message before HELLO, and a second HELLO, are refused', async () => {
      await survives(async () => {
        const conn = await RawConnection.connect(server.port);
        const v = await conn.handshake([{ major: version.expectMajor, minor: 4 }]);
        assert.ok(v);
        conn.send(Sig.RUN, ['RETURN 1', {}, {}]);
        const m = await conn.receive();
        assert.equal(m.signature, Sig.FAILURE);
        await conn.waitClosed();
        const conn2 = await RawConnection.connect(server.port);
        await conn2.open();
        conn2.send(Sig.HELLO, [{ user_agent: 'again/1.0', scheme: 'none' }]);
        assert.equal((await conn2.receive()).signature, Sig.FAILURE);
        conn2.close();
      });
    });

    test('a client that disconnects in the middle of a large result', async () => {
      await survives(async () => {
        const conn = await RawConnection.connect(server.port);
        await conn.open();
        conn.send(Sig.RUN, ['UNWIND range(1, 300000) AS i RETURN i', {}, {}]);
        conn.send(Sig.PULL, [{ n: new Int(-1) }]);
        await conn.waitFor(() => conn.data.length > 10000, 10000, 'first records');
        conn.close();
      });
    });

    test('a message over --max-message-size fails the query; the driver session goes on', async () => {
      const session = driver.session();
      try {
        const error = await rejectsWithCode(session.run('RETURN $big AS big', { big: 'x'.repeat(200000) }),
          'Neo.ClientError.Request.Invalid');
        assert.match(error.message, /maximum message size/);
        const r = await session.run('RETURN size($ok) AS n', { ok: 'y'.repeat(1000) });
        assert.equal(r.records[0].get('n').toNumber(), 1000);
      } finally {
        await session.close();
      }
    });

    test('an oversized message of raw chunks is refused without buffering it; RESET recovers', async () => {
      await survives(async () => {
        const conn = await RawConnection.connect(server.port);
        await conn.open();
        const header = Buffer.alloc(2);
        header.writeUInt16BE(0xffff);
        for (let i = 0; i < 3; i++) conn.write(Buffer.concat([header, Buffer.alloc(0xffff, 0x41)]));
        conn.write(Buffer.from([0, 0]));
        const failure = await conn.receive();
        assert.equal(failure.signature, Sig.FAILURE);
        assert.match(failure.fields[0].message, /maximum message size/);
        conn.send(Sig.RESET, []);
        assert.equal((await conn.receive()).signature, Sig.SUCCESS);
        conn.send(Sig.RUN, ['RETURN 3 AS three', {}, {}]);
        conn.send(Sig.PULL, [{ n: new Int(-1) }]);
        await conn.receive();
        assert.deepEqual((await conn.receiveSummary()).records, [[3n]]);
        conn.close();
      });
    });
  });
}

describe('connection limit', () => {
  let server;
  before(async () => {
    server = await startServer({ args: ['--max-connections', '3'] });
  });
  after(async () => {
    if (server) await server.stop();
  });

  test('past --max-connections new clients are refused clearly; a freed slot is reused', async () => {
    const held = [];
    for (let i = 0; i < 3; i++) {
      const c = await RawConnection.connect(server.port);
      await c.open();
      held.push(c);
    }
    // The fourth client, on the wire: a FAILURE with a Neo4j code answers HELLO, then the close.
    const fourth = await RawConnection.connect(server.port);
    assert.ok(await fourth.handshake([{ major: 5, minor: 4, range: 4 }]));
    fourth.send(Sig.HELLO, [{ user_agent: 'fourth/1.0', scheme: 'none' }]);
    const refusal = await fourth.receive();
    assert.equal(refusal.signature, Sig.FAILURE);
    assert.equal(refusal.fields[0].code, 'Neo.TransientError.Request.ResourceExhaustion');
    assert.match(refusal.fields[0].message, /connection limit of 3/);
    await fourth.waitClosed();
    // Through the driver: it reports the server's message (it files a FAILURE
    // during connection setup under its own code, ProtocolError).
    const extra = neo4j.driver(server.boltUrl, undefined, driverConfig({ maxConnectionPoolSize: 1 }));
    try {
      await assert.rejects(run(extra, 'RETURN 1'), /connection limit of 3 has been reached/);
    } finally {
      await extra.close();
    }
    // The held connections still work.
    held[0].send(Sig.RUN, ['RETURN 5 AS five', {}, {}]);
    held[0].send(Sig.PULL, [{ n: new Int(-1) }]);
    assert.equal((await held[0].receive()).signature, Sig.SUCCESS);
    assert.deepEqual((await held[0].receiveSummary()).records, [[5n]]);
    // Free one slot; a new client gets in (allow the server a moment to notice the close).
    held.pop().close();
    let ok = false;
    for (let attempt = 0; attempt < 50 && !ok; attempt++) {
      const d = neo4j.driver(server.boltUrl, undefined, driverConfig({ maxConnectionPoolSize: 1 }));
      try {
        await run(d, 'RETURN 1');
        ok = true;
      } catch (e) {
        assert.match(e.message, /connection limit/);
        await sleep(100);
      } finally {
        await d.close();
      }
    }
    assert.ok(ok, 'a freed slot was never reused');
    for (const c of held) c.close();
  });

  // The server gives a slot back when it closes a connection, before the
  // client can see the close; a close started by the client frees it only
  // once the server has read that close, and TCP does not order that read
  // before the client's next connect (measured 5-45 ms under load 12). So a
  // client that reconnects at once may be refused: wait for a free slot with
  // a bounded poll. A probe that gets in and is closed by the server (after
  // GOODBYE) leaves exactly the slot it took free again. Refused connections
  // take no slot, so probing does not disturb the count.
  async function waitForFreeSlot(timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const probe = await RawConnection.connect(server.port);
      try {
        await probe.open();
        probe.send(Sig.GOODBYE, []);
        await probe.waitClosed();
        return;
      } catch (e) {
        if (!/connection limit/.test(e.message) || Date.now() > deadline) throw e;
      } finally {
        probe.close();
      }
      await sleep(10);
    }
  }

  test('connections that end in every way give their slot back', async () => {
    for (let i = 0; i < 25; i++) {
      // Each connection below must hold a slot (not be refused) to test
      // that it gives it back.
      await waitForFreeSlot();
      const c = await RawConnection.connect(server.port);
      switch (i % 5) {
        case 0: c.write(crypto.randomBytes(50)); break;
        case 1: await c.open(); c.write(chunk(crypto.randomBytes(100))); break;
        case 2: await c.handshake([{ major: 3, minor: 0 }]); break;
        case 3:
          await c.open();
          c.send(Sig.RUN, ['UNWIND range(1, 100000) AS i RETURN i', {}, {}]);
          c.send(Sig.PULL, [{ n: new Int(-1) }]);
          await c.waitFor(() => c.data.length > 1000, 5000, 'records');
          break;
        default: await c.open(); c.send(Sig.GOODBYE, []); break;
      }
      c.close();
    }
    // All three slots must be usable again (the server may need a moment to see the closes).
    let held = [];
    for (let attempt = 0; attempt < 50 && held.length < 3; attempt++) {
      held.forEach((c) => c.close());
      held = [];
      for (let i = 0; i < 3; i++) {
        const c = await RawConnection.connect(server.port);
        try {
          await c.open();
          held.push(c);
        } catch {
          c.close();
          break;
        }
      }
      if (held.length < 3) await sleep(100);
    }
    assert.equal(held.length, 3, 'a connection slot leaked');
    held.forEach((c) => c.close());
  });
});

describe('idle timeout', () => {
  let server;
  before(async () => {
    server = await startServer({ args: ['--idle-timeout', '2'] });
  });
  after(async () => {
    if (server) await server.stop();
  });

  test('an idle connection is closed after --idle-timeout; an active one is not', async () => {
    const idle = await RawConnection.connect(server.port);
    await idle.open();
    const active = await RawConnection.connect(server.port);
    await active.open();
    const started = Date.now();
    // Requests every 250 ms keep `active` alive across several idle periods.
    for (let i = 0; i < 14; i++) {
      await sleep(250);
      active.send(Sig.RUN, ['RETURN 1', {}, {}]);
      active.send(Sig.PULL, [{ n: new Int(-1) }]);
      await active.receive();
      await active.receiveSummary();
    }
    await idle.waitClosed(8000);
    assert.ok(Date.now() - started >= 1900, 'closed before the timeout');
    assert.equal(active.closed, false);
    idle.close();
    active.close();
  });
});

describe('shutdown', () => {
  test('SIGTERM with an open transaction: the server exits cleanly and promptly', async () => {
    const server = await startServer();
    const driver = neo4j.driver(server.boltUrl, undefined, driverConfig());
    try {
      const session = driver.session();
      const tx = session.beginTransaction();
      await tx.run('CREATE (:Unfinished)');
      const t0 = Date.now();
      const status = await server.stop();
      assert.equal(status, 0, `exit status ${status}\n${server.log()}`);
      assert.ok(Date.now() - t0 < 8000, 'shutdown took too long');
      await assert.rejects(tx.commit());
      await session.close().catch(() => {});
    } finally {
      await driver.close().catch(() => {});
      await server.stop();
    }
  });
});

describe('slow readers', () => {
  // Counts RECORD messages up to the next other message and returns its
  // signature, without decoding them: decoding 3,000,000 records in this
  // client takes far longer than the server needs to send them.
  async function skipRecords(conn, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    let records = 0;
    let inMessage = false;
    let signature;
    for (;;) {
      const d = conn.data;
      let pos = 0;
      while (d.length >= pos + 2) {
        const n = d.readUInt16BE(pos);
        if (n === 0) { // end of a message (or a NOOP between messages)
          pos += 2;
          if (inMessage) {
            inMessage = false;
            if (signature !== Sig.RECORD) {
              conn.data = d.subarray(pos);
              return { records, signature };
            }
            records++;
          }
          continue;
        }
        if (d.length < pos + 2 + n) break;
        if (!inMessage) {
          inMessage = true;
          signature = d[pos + 3]; // after the structure marker
        }
        pos += 2 + n;
      }
      conn.data = d.subarray(pos);
      const have = conn.data.length;
      if (conn.closed) throw new Error(`connection closed after ${records} records`);
      await conn.waitFor(() => conn.data.length > have || conn.closed, deadline - Date.now(), 'records');
    }
  }

  // Handler calls run on the execution pool and a PULL pauses, holding no
  // thread, while its output waits to be written; so with one I/O thread and
  // one execution thread a client that stops reading stalls only itself.
  test('a client that stops reading a large result does not stall other clients', async () => {
    const server = await startServer({ args: ['--workers', '1', '--execution-threads', '1'] });
    const stalled = [];
    const driver = neo4j.driver(server.boltUrl, undefined, driverConfig({ connectionTimeout: 3000 }));
    try {
      for (let i = 0; i < 2; i++) {
        const conn = await RawConnection.connect(server.port);
        stalled.push(conn);
        await conn.open();
        conn.send(Sig.RUN, ["UNWIND range(1, 3000000) AS i RETURN i, 'some padding to fill buffers' AS p", {}, {}]);
        conn.send(Sig.PULL, [{ n: new Int(-1) }]);
        await conn.waitFor(() => conn.data.length > 0, 5000, 'first bytes');
        conn.socket.pause();
      }
      await sleep(1500);
      for (let i = 0; i < 3; i++) {
        const answer = await Promise.race([
          run(driver, 'RETURN $i AS x', { i: neo4j.int(i) }).then((r) => r[0].get('x').toNumber()),
          sleep(5000).then(() => 'stalled'),
        ]);
        assert.equal(answer, i);
      }
      // A stalled reader that reads again gets its whole result.
      const conn = stalled[0];
      conn.socket.resume();
      assert.equal((await conn.receive()).signature, Sig.SUCCESS); // RUN's
      const { records, signature } = await skipRecords(conn, 120000);
      assert.equal(signature, Sig.SUCCESS);
      assert.equal(records, 3000000);
    } finally {
      stalled.forEach((c) => c.close());
      await driver.close().catch(() => {});
      await server.stop();
    }
  });

  test('a client that stops reading is disconnected after --write-timeout; others go on', async () => {
    const server = await startServer({ args: ['--write-timeout', '2', '--max-connections', '2'] });
    const conn = await RawConnection.connect(server.port);
    const driver = neo4j.driver(server.boltUrl, undefined, driverConfig({ maxConnectionPoolSize: 1 }));
    try {
      await conn.open();
      conn.send(Sig.RUN, ["UNWIND range(1, 3000000) AS i RETURN i, 'some padding to fill buffers' AS p", {}, {}]);
      conn.send(Sig.PULL, [{ n: new Int(-1) }]);
      await conn.waitFor(() => conn.data.length > 0, 5000, 'first bytes');
      conn.socket.pause();
      const started = Date.now();
      assert.equal((await run(driver, 'RETURN 1 AS x'))[0].get('x').toNumber(), 1);
      while (!/a write did not complete within 2000 ms/.test(server.log())) {
        assert.ok(Date.now() - started < 15000, 'the stalled connection was never closed');
        await sleep(100);
      }
      assert.ok(Date.now() - started >= 1900, 'closed before the write timeout');
      // Its slot is free again (given back before the log line): with the
      // driver's connection that makes two.
      const other = await RawConnection.connect(server.port);
      try {
        await other.open();
      } finally {
        other.close();
      }
      // Reading again, the client finds the connection closed before the result's end.
      conn.socket.resume();
      await conn.waitClosed(10000);
      assert.equal((await run(driver, 'RETURN 2 AS x'))[0].get('x').toNumber(), 2);
    } finally {
      conn.close();
      await driver.close().catch(() => {});
      await server.stop();
    }
  });
});
