'use strict';
// A deliberately small Bolt client over a raw socket, for what the official
// driver cannot show: handshake replies, exact PULL paging, and hostile
// byte streams. Only the PackStream subset the tests need is implemented.

const net = require('node:net');

const kMagic = Buffer.from([0x60, 0x60, 0xb0, 0x17]);

/** Message signatures (Bolt). */
const Sig = {
  HELLO: 0x01, GOODBYE: 0x02, RESET: 0x0f, RUN: 0x10, BEGIN: 0x11, COMMIT: 0x12,
  ROLLBACK: 0x13, DISCARD: 0x2f, PULL: 0x3f, LOGON: 0x6a,
  SUCCESS: 0x70, RECORD: 0x71, IGNORED: 0x7e, FAILURE: 0x7f,
};

/** Wraps a JS number that must be sent as a PackStream Integer. */
class Int {
  constructor(value) { this.value = BigInt(value); }
}

function encode(value, out) {
  if (value === null || value === undefined) {
    out.push(Buffer.from([0xc0]));
  } else if (value === true || value === false) {
    out.push(Buffer.from([value ? 0xc3 : 0xc2]));
  } else if (value instanceof Int || typeof value === 'bigint') {
    const b = Buffer.alloc(9);
    b[0] = 0xcb;
    b.writeBigInt64BE(value instanceof Int ? value.value : value, 1);
    out.push(b);
  } else if (typeof value === 'number') {
    const b = Buffer.alloc(9);
    b[0] = 0xc1;
    b.writeDoubleBE(value, 1);
    out.push(b);
  } else if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    out.push(sizedHeader(0x80, 0xd0, bytes.length), bytes);
  } else if (Array.isArray(value)) {
    out.push(sizedHeader(0x90, 0xd4, value.length));
    for (const v of value) encode(v, out);
  } else if (typeof value === 'object') {
    const keys = Object.keys(value);
    out.push(sizedHeader(0xa0, 0xd8, keys.length));
    for (const k of keys) {
      encode(k, out);
      encode(value[k], out);
    }
  } else {
    throw new Error(`cannot encode ${typeof value}`);
  }
}

// Tiny marker (size < 16) or the 32-bit sized form (8/16-bit forms are not needed to test a server).
function sizedHeader(tiny, sized32, size) {
  if (size < 16) return Buffer.from([tiny | size]);
  const b = Buffer.alloc(5);
  b[0] = sized32 + 2;
  b.writeUInt32BE(size, 1);
  return b;
}

/** Encodes one message (a structure) and splits it into chunks with the 00 00 terminator. */
function encodeMessage(signature, fields) {
  const parts = [Buffer.from([0xb0 | fields.length, signature])];
  for (const f of fields) encode(f, parts);
  return chunk(Buffer.concat(parts));
}

function chunk(body) {
  const parts = [];
  for (let i = 0; i < body.length; i += 0xffff) {
    const piece = body.subarray(i, Math.min(body.length, i + 0xffff));
    const h = Buffer.alloc(2);
    h.writeUInt16BE(piece.length);
    parts.push(h, piece);
  }
  parts.push(Buffer.from([0, 0]));
  return Buffer.concat(parts);
}

class Decoder {
  constructor(buf) { this.buf = buf; this.pos = 0; }
  u8() { return this.buf[this.pos++]; }
  take(n) { const s = this.buf.subarray(this.pos, this.pos + n); this.pos += n; return s; }
  size(marker, base) {
    const k = marker - base;
    if (k === 0) return this.u8();
    if (k === 1) { const v = this.buf.readUInt16BE(this.pos); this.pos += 2; return v; }
    const v = this.buf.readUInt32BE(this.pos); this.pos += 4; return v;
  }
  value() {
    const m = this.u8();
    if (m < 0x80) return BigInt(m);
    if (m >= 0xf0) return BigInt(m - 0x100);
    const hi = m & 0xf0;
    if (hi === 0x80) return this.take(m & 0x0f).toString('utf8');
    if (hi === 0x90) return this.list(m & 0x0f);
    if (hi === 0xa0) return this.map(m & 0x0f);
    if (hi === 0xb0) return this.struct(m & 0x0f);
    switch (m) {
      case 0xc0: return null;
      case 0xc1: { const v = this.buf.readDoubleBE(this.pos); this.pos += 8; return v; }
      case 0xc2: return false;
      case 0xc3: return true;
      case 0xc8: { const v = this.buf.readInt8(this.pos); this.pos += 1; return BigInt(v); }
      case 0xc9: { const v = this.buf.readInt16BE(this.pos); this.pos += 2; return BigInt(v); }
      case 0xca: { const v = this.buf.readInt32BE(this.pos); this.pos += 4; return BigInt(v); }
      case 0xcb: { const v = this.buf.readBigInt64BE(this.pos); this.pos += 8; return v; }
      case 0xcc: case 0xcd: case 0xce: return Buffer.from(this.take(this.size(m, 0xcc)));
      case 0xd0: case 0xd1: case 0xd2: return this.take(this.size(m, 0xd0)).toString('utf8');
      case 0xd4: case 0xd5: case 0xd6: return this.list(this.size(m, 0xd4));
      case 0xd8: case 0xd9: case 0xda: return this.map(this.size(m, 0xd8));
      default: throw new Error(`unknown PackStream marker 0x${m.toString(16)}`);
    }
  }
  list(n) { const l = []; for (let i = 0; i < n; i++) l.push(this.value()); return l; }
  map(n) { const o = {}; for (let i = 0; i < n; i++) { const k = this.value(); o[k] = this.value(); } return o; }
  struct(n) {
    const tag = this.u8();
    return { tag, fields: this.list(n) };
  }
}

/** Decodes one dechunked message into {signature, fields}. */
function decodeMessage(body) {
  const s = new Decoder(body).value();
  return { signature: s.tag, fields: s.fields };
}

/** Handshake bytes: magic + up to four [reserved, range, minor, major] proposals. */
function handshakeBytes(proposals) {
  const b = Buffer.alloc(20);
  kMagic.copy(b, 0);
  proposals.slice(0, 4).forEach((p, i) => {
    b[4 + 4 * i + 1] = p.range || 0;
    b[4 + 4 * i + 2] = p.minor;
    b[4 + 4 * i + 3] = p.major;
  });
  return b;
}

/**
 * A raw connection. Collects the bytes the server sends and knows when the
 * server closed its side.
 */
class RawConnection {
  static connect(port) {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.once('connect', () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  constructor(socket) {
    this.socket = socket;
    this.data = Buffer.alloc(0);
    this.closed = false;
    this.waiters = [];
    socket.on('data', (d) => { this.data = Buffer.concat([this.data, d]); this.wake(); });
    socket.on('error', () => {}); // ECONNRESET after a server-side close is expected
    socket.on('close', () => { this.closed = true; this.wake(); });
  }

  wake() {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolves when pred() is true; rejects after timeoutMs. */
  async waitFor(pred, timeoutMs = 5000, what = 'condition') {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  write(bytes) {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** Sends the handshake and resolves with the 4-byte reply as [major, minor] or null for 00000000. */
  async handshake(proposals) {
    this.write(handshakeBytes(proposals));
    await this.waitFor(() => this.data.length >= 4 || this.closed, 5000, 'handshake reply');
    if (this.data.length < 4) throw new Error('connection closed during the handshake');
    const reply = this.data.subarray(0, 4);
    this.data = this.data.subarray(4);
    if (reply.readUInt32BE(0) === 0) return null;
    return [reply[3], reply[2]];
  }

  send(signature, fields) {
    this.write(encodeMessage(signature, fields));
  }

  /** Takes one complete message from the received bytes, or undefined if none is complete yet. */
  takeMessage() {
    const parts = [];
    let pos = 0;
    for (;;) {
      if (this.data.length < pos + 2) return undefined;
      const n = this.data.readUInt16BE(pos);
      pos += 2;
      if (n === 0) {
        if (parts.length === 0) continue; // NOOP keep-alive chunk
        break;
      }
      if (this.data.length < pos + n) return undefined;
      parts.push(this.data.subarray(pos, pos + n));
      pos += n;
    }
    this.data = this.data.subarray(pos);
    return decodeMessage(Buffer.concat(parts));
  }

  /** Resolves with the next message; rejects if the server closes first. */
  async receive(timeoutMs = 5000) {
    let m;
    await this.waitFor(() => (m = this.takeMessage()) !== undefined || this.closed, timeoutMs, 'a message');
    if (m === undefined) m = this.takeMessage();
    if (m === undefined) throw new Error('connection closed by the server');
    return m;
  }

  /** Resolves with all messages up to and including the next SUCCESS/FAILURE/IGNORED. */
  async receiveSummary(timeoutMs = 5000) {
    const records = [];
    for (;;) {
      const m = await this.receive(timeoutMs);
      if (m.signature === Sig.RECORD) records.push(m.fields[0]);
      else return { records, summary: m };
    }
  }

  /** Resolves once the server closed the connection. */
  waitClosed(timeoutMs = 5000) {
    return this.waitFor(() => this.closed, timeoutMs, 'the server to close the connection');
  }

  close() {
    this.socket.destroy();
  }

  /** Handshake + HELLO (+ LOGON on 5.1+) with no authentication; returns the negotiated [major, minor]. */
  async open(proposals = [{ major: 5, minor: 4, range: 4 }, { major: 4, minor: 4 }]) {
    const version = await this.handshake(proposals);
    if (!version) throw new Error('no common version');
    this.send(Sig.HELLO, [{ user_agent: 'tributary-e2e-raw/1.0', scheme: 'none' }]);
    let m = await this.receive();
    if (m.signature !== Sig.SUCCESS) throw new Error(`HELLO failed: ${JSON.stringify(m.fields)}`);
    if (version[0] === 5 && version[1] >= 1) {
      this.send(Sig.LOGON, [{ scheme: 'none' }]);
      m = await this.receive();
      if (m.signature !== Sig.SUCCESS) throw new Error(`LOGON failed: ${JSON.stringify(m.fields)}`);
    }
    this.version = version;
    return version;
  }
}

module.exports = { RawConnection, Sig, Int, encodeMessage, handshakeBytes, chunk };
