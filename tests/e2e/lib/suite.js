'use strict';
// Runs a block of driver tests once per Bolt version (5.x and 4.4), each
// against its own server process started for that block.

const { describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const neo4j = require('neo4j-driver');
const { startServer, kBoltVersions } = require('./server');

/** Driver config shared by the tests: quiet, short timeouts so a hang fails fast. */
function driverConfig(extra = {}) {
  return {
    connectionAcquisitionTimeout: 15000,
    connectionTimeout: 10000,
    maxTransactionRetryTime: 5000,
    logging: { level: 'error', logger: () => {} },
    ...extra,
  };
}

/**
 * describe(`${title} [bolt X]`) for each Bolt version. `body(ctx, version)` declares
 * tests; ctx.server and ctx.driver are set in a before() hook and torn down in after().
 * options.serverArgs: extra `serve` flags; options.logLevel: server log level; options.auth: driver auth token.
 */
function describeOverBolt(title, options, body) {
  if (typeof options === 'function') {
    body = options;
    options = {};
  }
  for (const version of kBoltVersions) {
    describe(`${title} [bolt ${version.name}]`, () => {
      const ctx = { version };
      before(async () => {
        ctx.server = await startServer({
          boltMaxVersion: version.boltMaxVersion, args: options.serverArgs, logLevel: options.logLevel,
        });
        ctx.driver = neo4j.driver(ctx.server.boltUrl, options.auth, driverConfig(options.driverConfig));
        const info = await ctx.driver.getServerInfo();
        // The suite is only meaningful if the version cap really took effect.
        assert.equal(Math.floor(info.protocolVersion), version.expectMajor,
          `negotiated Bolt ${info.protocolVersion}, expected ${version.expectMajor}.x`);
        ctx.protocolVersion = info.protocolVersion;
      });
      after(async () => {
        if (ctx.driver) await ctx.driver.close();
        if (ctx.server) await ctx.server.stop();
      });
      body(ctx, version);
    });
  }
}

/** Runs `query` in a fresh auto-commit session and returns the records. */
async function run(driver, query, params, sessionConfig) {
  const session = driver.session(sessionConfig);
  try {
    const result = await session.run(query, params);
    return result.records;
  } finally {
    await session.close();
  }
}

/** Asserts that `promise` rejects with a Neo4jError whose code is `code`; returns the error. */
async function rejectsWithCode(promise, code) {
  let error;
  await assert.rejects(promise, (e) => {
    error = e;
    return true;
  });
  assert.equal(error.code, code, `expected ${code}, got ${error.code}: ${error.message}`);
  return error;
}

module.exports = { describeOverBolt, driverConfig, run, rejectsWithCode, neo4j };
