'use strict';
// Authentication on (--auth-file) and off, over Bolt 5.x (LOGON) and 4.4
// (credentials inside HELLO).

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { driverConfig, run, rejectsWithCode, neo4j } = require('./lib/suite');
const { startServer, addUser, kBoltVersions } = require('./lib/server');

const kUnauthorized = 'Neo.ClientError.Security.Unauthorized';

/** Opens a driver, runs one query, closes the driver; resolves with the returned value. */
async function tryQuery(url, auth) {
  const driver = neo4j.driver(url, auth, driverConfig({ maxConnectionPoolSize: 2 }));
  try {
    const [r] = await run(driver, 'RETURN "in" AS x');
    return r.get('x');
  } finally {
    await driver.close();
  }
}

for (const version of kBoltVersions) {
  describe(`auth on [bolt ${version.name}]`, () => {
    let server;
    let dir;
    before(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-e2e-auth-'));
      const file = path.join(dir, 'users');
      addUser(file, 'alice', 'correct horse battery staple');
      addUser(file, 'bob', 'pässwörd ünicode');
      server = await startServer({ boltMaxVersion: version.boltMaxVersion, args: ['--auth-file', file] });
    });
    after(async () => {
      if (server) await server.stop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    test('the startup log says authentication is required', () => {
      assert.match(server.log(), /authentication required/i);
    });

    test('correct username and password are accepted', async () => {
      assert.equal(await tryQuery(server.boltUrl, neo4j.auth.basic('alice', 'correct horse battery staple')), 'in');
      assert.equal(await tryQuery(server.boltUrl, neo4j.auth.basic('bob', 'pässwörd ünicode')), 'in');
    });

    test('a wrong password fails with Unauthorized', async () => {
      await rejectsWithCode(tryQuery(server.boltUrl, neo4j.auth.basic('alice', 'wrong')), kUnauthorized);
    });

    test("another user's password fails with Unauthorized", async () => {
      await rejectsWithCode(tryQuery(server.boltUrl, neo4j.auth.basic('bob', 'correct horse battery staple')), kUnauthorized);
    });

    test('an unknown user fails with Unauthorized', async () => {
      await rejectsWithCode(tryQuery(server.boltUrl, neo4j.auth.basic('mallory', 'x')), kUnauthorized);
    });

    test('no credentials (scheme none) fail with Unauthorized', async () => {
      await rejectsWithCode(tryQuery(server.boltUrl, undefined), kUnauthorized);
    });

    test('an empty password fails with Unauthorized', async () => {
      await rejectsWithCode(tryQuery(server.boltUrl, neo4j.auth.basic('alice', '')), kUnauthorized);
    });

    test('failed logins do not affect a logged-in connection', async () => {
      const good = neo4j.driver(server.boltUrl, neo4j.auth.basic('alice', 'correct horse battery staple'), driverConfig());
      try {
        const session = good.session();
        const tx = session.beginTransaction();
        await tx.run('CREATE (:AuthProbe)');
        for (let i = 0; i < 3; i++) {
          await rejectsWithCode(tryQuery(server.boltUrl, neo4j.auth.basic('alice', `bad${i}`)), kUnauthorized);
        }
        await tx.commit();
        const r = await session.run('MATCH (n:AuthProbe) RETURN count(n) AS c');
        assert.equal(r.records[0].get('c').toNumber(), 1);
        await session.close();
      } finally {
        await good.close();
      }
    });

    test('verifyAuthentication and session-level auth switch users (LOGOFF/LOGON on 5.1+)', async () => {
      const driver = neo4j.driver(server.boltUrl, neo4j.auth.basic('alice', 'correct horse battery staple'), driverConfig());
      try {
        if (version.expectMajor === 5) {
          // Wrong first: after a successful LOGON with no query since, the driver (6.3.0)
          // answers the next verifyAuthentication from its own state without asking the server.
          assert.equal(await driver.verifyAuthentication({ auth: neo4j.auth.basic('bob', 'wrong') }), false);
          assert.equal(await driver.verifyAuthentication({ auth: neo4j.auth.basic('bob', 'pässwörd ünicode') }), true);
          const session = driver.session({ auth: neo4j.auth.basic('bob', 'pässwörd ünicode') });
          const r = await session.run('RETURN 1 AS one');
          assert.equal(r.records[0].get('one').toNumber(), 1);
          await session.close();
        }
        // The driver's own user still works afterwards.
        const [again] = await run(driver, 'RETURN 2 AS two');
        assert.equal(again.get('two').toNumber(), 2);
      } finally {
        await driver.close();
      }
    });

    test('neo4j:// routing URL with credentials', async () => {
      assert.equal(await tryQuery(server.routingUrl, neo4j.auth.basic('alice', 'correct horse battery staple')), 'in');
      await rejectsWithCode(tryQuery(server.routingUrl, neo4j.auth.basic('alice', 'nope')), kUnauthorized);
    });
  });

  describe(`auth off [bolt ${version.name}]`, () => {
    let server;
    before(async () => {
      server = await startServer({ boltMaxVersion: version.boltMaxVersion });
    });
    after(async () => {
      if (server) await server.stop();
    });

    test('the startup log says authentication is disabled', () => {
      assert.match(server.log(), /authentication is disabled/i);
    });

    test('scheme none is accepted', async () => {
      assert.equal(await tryQuery(server.boltUrl, undefined), 'in');
    });

    test('basic auth with any credentials is accepted', async () => {
      assert.equal(await tryQuery(server.boltUrl, neo4j.auth.basic('anyone', 'anything')), 'in');
    });
  });
}
