'use strict';
// Starts `tributary serve` for one test file and guarantees it is gone
// afterwards, whether the tests pass, fail or the runner is interrupted.
//
// The server binds 127.0.0.1:0 and we read the port it chose from its
// startup log ("Tributary is serving Bolt on 127.0.0.1:PORT"), so two test
// files running at once can never race for the same port.

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const kStartTimeoutMs = 20000;
const kStopTimeoutMs = 10000;

/** Every live child process, killed synchronously when this process exits. */
const live = new Set();

function killAllNow() {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

process.on('exit', killAllNow);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    killAllNow();
    process.exit(128 + (os.constants.signals[signal] || 1));
  });
}

/** Path of the tributary binary under test (env TRIBUTARY_BIN). */
function tributaryBin() {
  const bin = process.env.TRIBUTARY_BIN;
  if (!bin) throw new Error('set TRIBUTARY_BIN to the tributary binary');
  if (!fs.existsSync(bin)) throw new Error(`TRIBUTARY_BIN ${bin} does not exist`);
  return path.resolve(bin);
}

/** Resolves once a TCP connection to 127.0.0.1:port succeeds (then closes it). */
function waitForPort(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', (err) => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`port ${port} never accepted: ${err.message}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

class TributaryServer {
  constructor(child, exited, port, logRef) {
    this.child = child;
    this.exited = exited;
    this.port = port;
    this.logRef = logRef;
  }

  /** bolt://127.0.0.1:PORT */
  get boltUrl() {
    return `bolt://127.0.0.1:${this.port}`;
  }

  /** neo4j://127.0.0.1:PORT (the driver sends ROUTE first) */
  get routingUrl() {
    return `neo4j://127.0.0.1:${this.port}`;
  }

  /** Everything the server wrote to stderr so far. */
  log() {
    return this.logRef.text;
  }

  /** True while the process runs. */
  get running() {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGTERM, then SIGKILL if it has not exited in time. Resolves with the exit code/signal. */
  async stop() {
    if (this.running) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), kStopTimeoutMs);
      await this.exited;
      clearTimeout(timer);
    }
    live.delete(this.child);
    return this.exited;
  }
}

/**
 * Starts `tributary serve --in-memory-only` on 127.0.0.1 with an OS-chosen port.
 * options.args: extra serve flags; options.boltMaxVersion: e.g. '4.4';
 * options.logLevel: the server's --log-level (default info).
 * Resolves once the port accepts connections.
 */
async function startServer(options = {}) {
  const args = ['--log-level', options.logLevel || 'info', 'serve', '--in-memory-only', '--bolt-address', '127.0.0.1:0'];
  if (options.boltMaxVersion) args.push('--bolt-max-version', options.boltMaxVersion);
  args.push(...(options.args || []));
  const child = spawn(tributaryBin(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve(code ?? signal);
    });
  });
  const logRef = { text: '' };
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not report its port within ${kStartTimeoutMs} ms:\n${logRef.text}`));
    }, kStartTimeoutMs);
    const onData = (chunk) => {
      logRef.text += chunk.toString();
      const m = /serving Bolt on [^\s]*:(\d+)/.exec(logRef.text);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout.on('data', (chunk) => { logRef.text += chunk.toString(); });
    child.stderr.on('data', onData);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    exited.then((status) => {
      clearTimeout(timer);
      reject(new Error(`server exited early (${status}):\n${logRef.text}`));
    });
  });
  await waitForPort(port, kStartTimeoutMs);
  return new TributaryServer(child, exited, port, logRef);
}

/** Bolt versions the suite runs over: the server's default (5.x) and a 4.4 cap. */
const kBoltVersions = [
  { name: '5.x', boltMaxVersion: undefined, expectMajor: 5 },
  { name: '4.4', boltMaxVersion: '4.4', expectMajor: 4 },
];

/** Creates a users file with one user via `tributary user add` (password on stdin). */
function addUser(authFile, name, password) {
  const r = spawnSync(tributaryBin(), ['user', 'add', '--auth-file', authFile, name], {
    input: `${password}\n`,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`user add failed (${r.status}): ${r.stderr}`);
}

module.exports = { startServer, tributaryBin, waitForPort, addUser, kBoltVersions };
