'use strict';
// The server under test and the per-scenario lifecycle: one `tributary serve`
// for the whole run, the graph emptied before every scenario, and the server
// restarted if it died or could not be emptied. Results are collected here
// and written to the report at the end.

const neo4j = require('neo4j-driver');
const { setWorldConstructor, BeforeAll, AfterAll, Before, After, Status } = require('@cucumber/cucumber');
const { startServer } = require('../../e2e/lib/server');
const { writeReport } = require('./report');

const kQueryTimeoutMs = '5000';
// A scenario slower than this (a runaway query stopped by --query-timeout)
// leaves the server slow for every later scenario (its aborted writes linger
// in storage), so the next scenario gets a fresh server.
const kRestartAfterMs = 4000;

const state = {
  server: null, driver: null, results: [], crashes: [], restarts: 0, started: Date.now(), restartReason: null,
  fixturesRegistered: false,
};

async function start() {
  // --tck-fixture-procedures: `there exists a procedure ...` registers a
  // fixture procedure on the server (test-only, off by default).
  state.server = await startServer({ args: ['--query-timeout', kQueryTimeoutMs, '--tck-fixture-procedures'] });
  state.fixturesRegistered = false;
  state.driver = neo4j.driver(state.server.boltUrl, undefined, {
    maxConnectionPoolSize: 4,
    connectionAcquisitionTimeout: 20000,
    logging: { level: 'error', logger: () => {} },
  });
}

async function stop() {
  if (state.driver) await state.driver.close().catch(() => {});
  if (state.server) await state.server.stop();
  state.driver = null;
  state.server = null;
}

async function restart(reason) {
  state.restarts += 1;
  process.stderr.write(`tck: restarting the server (${reason})\n`);
  await stop();
  await start();
}

/** Empties the graph (and drops fixture procedures); false if the server could not do it. */
async function clearGraph() {
  const session = state.driver.session();
  try {
    if (state.fixturesRegistered) {
      await session.run('CALL tributary.tck.clearProcedures()');
      state.fixturesRegistered = false;
    }
    await session.run('MATCH (n) DETACH DELETE n');
    const r = await session.run('MATCH (n) RETURN count(n) AS c');
    return r.records[0].get('c').toNumber() === 0;
  } catch {
    return false;
  } finally {
    await session.close().catch(() => {});
  }
}

class TckWorld {
  constructor() {
    this.driver = state.driver;
    this.params = {};
    this.outcome = null;
    this.sideEffects = null;
  }
}
setWorldConstructor(TckWorld);

BeforeAll({ timeout: 60000 }, async function () {
  await start();
});

Before({ timeout: 60000 }, async function () {
  if (!state.server.running) {
    await restart('it was not running');
  } else if (state.restartReason) {
    await restart(state.restartReason);
  }
  state.restartReason = null;
  if (!(await clearGraph())) {
    await restart('the graph could not be emptied');
    if (!(await clearGraph())) throw new Error('[runner] a fresh server could not empty its graph');
  }
  this.driver = state.driver;
  this.startedAt = Date.now();
});

After(function ({ pickle, result }) {
  let status = result.status;
  // Cucumber prefixes the thrown error's class ("Error: [category] ...").
  let message = (result.message || '').replace(/^\w*Error: /, '');
  if (state.server && !state.server.running) {
    state.crashes.push(`${pickle.uri}: ${pickle.name}`);
    status = Status.FAILED;
    message = `[server crash] the server exited during this scenario\n${message}`;
  }
  if (status === Status.UNDEFINED) message = '[undefined step] a step has no definition';
  if (this.fixtureProcedures) state.fixturesRegistered = true;
  const line = pickle.location ? pickle.location.line : undefined;
  const ms = this.startedAt ? Date.now() - this.startedAt : 0;
  if (ms > kRestartAfterMs) state.restartReason = `the previous scenario took ${ms} ms`;
  state.results.push({ uri: pickle.uri, line, name: pickle.name, status, message, ms });
});

AfterAll({ timeout: 60000 }, async function () {
  await stop();
  writeReport(state);
});
