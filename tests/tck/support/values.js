'use strict';
// TCK values: parsing the expected-value notation of the feature files,
// converting driver results into the same typed form, and comparing them.
//
// A typed value is one of
//   {t: 'null'} {t: 'bool', v} {t: 'int', v: BigInt} {t: 'float', v: number}
//   {t: 'string', v} {t: 'list', v: [..]} {t: 'map', v: {k: typed}}
//   {t: 'node', labels: [sorted], props: {k: typed}}
//   {t: 'rel', type, props}
//   {t: 'path', start: node, steps: [{rel, forward: bool, node}]}
// so that 1 and 1.0 never compare equal.

const neo4j = require('neo4j-driver');

const kNull = Object.freeze({ t: 'null' });

// ------------------------------------------------------------ parsing

class Parser {
  constructor(text) {
    this.s = text;
    this.i = 0;
  }

  fail(what) {
    throw new Error(`cannot parse TCK value ${JSON.stringify(this.s)} at ${this.i}: ${what}`);
  }

  ws() {
    while (this.i < this.s.length && /\s/.test(this.s[this.i])) this.i++;
  }

  peek(str) {
    return this.s.startsWith(str, this.i);
  }

  expect(str) {
    this.ws();
    if (!this.peek(str)) this.fail(`expected '${str}'`);
    this.i += str.length;
  }

  eat(str) {
    this.ws();
    if (this.peek(str)) {
      this.i += str.length;
      return true;
    }
    return false;
  }

  parseAll() {
    const v = this.value();
    this.ws();
    if (this.i !== this.s.length) this.fail('trailing text');
    return v;
  }

  value() {
    this.ws();
    const c = this.s[this.i];
    if (c === "'") return this.string();
    if (c === '[') {
      // `[:T ...]` is a relationship, anything else a list.
      const save = this.i;
      this.i++;
      this.ws();
      const isRel = this.s[this.i] === ':';
      this.i = save;
      return isRel ? this.relationship() : this.list();
    }
    if (c === '{') return { t: 'map', v: this.mapBody() };
    if (c === '(') return this.node();
    if (c === '<') return this.path();
    const word = /^(?:null|true|false|NaN|-?Inf(?:inity)?)\b/.exec(this.s.slice(this.i));
    if (word) {
      this.i += word[0].length;
      switch (word[0]) {
        case 'null': return kNull;
        case 'true': return { t: 'bool', v: true };
        case 'false': return { t: 'bool', v: false };
        case 'NaN': return { t: 'float', v: NaN };
        default: return { t: 'float', v: word[0].startsWith('-') ? -Infinity : Infinity };
      }
    }
    const num = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(this.s.slice(this.i));
    if (num) {
      this.i += num[0].length;
      const text = num[0];
      if (/[.eE]/.test(text)) return { t: 'float', v: Number(text) };
      return { t: 'int', v: BigInt(text) };
    }
    return this.fail('unknown value');
  }

  string() {
    this.expect("'");
    let out = '';
    for (;;) {
      if (this.i >= this.s.length) this.fail('unterminated string');
      const c = this.s[this.i++];
      if (c === "'") break;
      if (c === '\\' && (this.s[this.i] === "'" || this.s[this.i] === '\\')) {
        out += this.s[this.i++];
      } else {
        out += c;
      }
    }
    return { t: 'string', v: out };
  }

  list() {
    this.expect('[');
    const items = [];
    if (this.eat(']')) return { t: 'list', v: items };
    do {
      items.push(this.value());
    } while (this.eat(','));
    this.expect(']');
    return { t: 'list', v: items };
  }

  key() {
    this.ws();
    if (this.s[this.i] === '`') {
      const end = this.s.indexOf('`', this.i + 1);
      if (end < 0) this.fail('unterminated `key`');
      const k = this.s.slice(this.i + 1, end);
      this.i = end + 1;
      return k;
    }
    const m = /^[^\s:,{}[\]()'`]+/.exec(this.s.slice(this.i));
    if (!m) this.fail('expected a key');
    this.i += m[0].length;
    return m[0];
  }

  mapBody() {
    this.expect('{');
    const out = {};
    if (this.eat('}')) return out;
    do {
      const k = this.key();
      this.expect(':');
      out[k] = this.value();
    } while (this.eat(','));
    this.expect('}');
    return out;
  }

  labels() {
    const labels = [];
    while (this.eat(':')) labels.push(this.key());
    return labels;
  }

  node() {
    this.expect('(');
    const labels = this.labels().sort();
    this.ws();
    const props = this.peek('{') ? this.mapBody() : {};
    this.expect(')');
    return { t: 'node', labels, props };
  }

  relationship() {
    this.expect('[');
    const types = this.labels();
    if (types.length !== 1) this.fail('a relationship has exactly one type');
    this.ws();
    const props = this.peek('{') ? this.mapBody() : {};
    this.expect(']');
    return { t: 'rel', type: types[0], props };
  }

  path() {
    this.expect('<');
    const start = this.node();
    const steps = [];
    for (;;) {
      this.ws();
      if (this.eat('>')) break;
      let forward;
      if (this.eat('<-')) {
        forward = false;
        const rel = this.relationship();
        this.expect('-');
        steps.push({ rel, forward, node: this.node() });
      } else {
        this.expect('-');
        const rel = this.relationship();
        this.expect('->');
        forward = true;
        steps.push({ rel, forward, node: this.node() });
      }
    }
    return { t: 'path', start, steps };
  }
}

/** Parses one cell of a TCK table (already unescaped by Gherkin) into a typed value. */
function parseValue(text) {
  return new Parser(text.trim()).parseAll();
}

// ------------------------------------------------------------ driver values

function isPlainObject(v) {
  return v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;
}

function mapOf(obj) {
  const out = {};
  for (const [k, v] of Object.entries(obj)) out[k] = fromDriver(v);
  return out;
}

// ------------------------------------------------------------ temporal strings

const pad = (n, w) => String(Math.abs(Number(n))).padStart(w, '0');

function yearString(y) {
  const n = Number(y);
  if (n > 9999) return `+${n}`;
  return n < 0 ? `-${pad(n, 4)}` : pad(n, 4);
}

/** java.time.LocalTime#toString: HH:mm[:ss[.SSS|.SSSSSS|.SSSSSSSSS]]. */
function timeString(h, m, s, ns) {
  let out = `${pad(h, 2)}:${pad(m, 2)}`;
  const sec = Number(s);
  const nano = Number(ns);
  if (sec !== 0 || nano !== 0) {
    out += `:${pad(sec, 2)}`;
    if (nano !== 0) {
      if (nano % 1000000 === 0) out += `.${pad(nano / 1000000, 3)}`;
      else if (nano % 1000 === 0) out += `.${pad(nano / 1000, 6)}`;
      else out += `.${pad(nano, 9)}`;
    }
  }
  return out;
}

function offsetString(seconds) {
  const o = Number(seconds);
  if (o === 0) return 'Z';
  const a = Math.abs(o);
  let out = `${o < 0 ? '-' : '+'}${pad(Math.floor(a / 3600), 2)}:${pad(Math.floor(a / 60) % 60, 2)}`;
  if (a % 60 !== 0) out += `:${pad(a % 60, 2)}`;
  return out;
}

/** Neo4j's DurationValue#toString: seconds and nanoseconds as one signed amount split into H, M, S. */
function durationString(d) {
  const months = BigInt(d.months.toString());
  const days = BigInt(d.days.toString());
  let out = 'P';
  if (months / 12n !== 0n) out += `${months / 12n}Y`;
  if (months % 12n !== 0n) out += `${months % 12n}M`;
  if (days !== 0n) out += `${days}D`;
  const total = BigInt(d.seconds.toString()) * 1000000000n + BigInt(d.nanoseconds.toString());
  if (total !== 0n || out === 'P') {
    out += 'T';
    const neg = total < 0n;
    let t = neg ? -total : total;
    const h = t / 3600000000000n;
    t -= h * 3600000000000n;
    const m = t / 60000000000n;
    t -= m * 60000000000n;
    const s = t / 1000000000n;
    const n = t % 1000000000n;
    const sign = neg ? '-' : '';
    if (h !== 0n) out += `${sign}${h}H`;
    if (m !== 0n) out += `${sign}${m}M`;
    if (s !== 0n || n !== 0n || (h === 0n && m === 0n)) {
      out += `${sign}${s}`;
      if (n !== 0n) out += `.${n.toString().padStart(9, '0').replace(/0+$/, '')}`;
      out += 'S';
    }
  }
  return out;
}

function neo4jString(v) {
  if (neo4j.isDate(v)) return `${yearString(v.year)}-${pad(v.month, 2)}-${pad(v.day, 2)}`;
  if (neo4j.isLocalTime(v)) return timeString(v.hour, v.minute, v.second, v.nanosecond);
  if (neo4j.isTime(v)) {
    return timeString(v.hour, v.minute, v.second, v.nanosecond) + offsetString(v.timeZoneOffsetSeconds);
  }
  const date = (x) => `${yearString(x.year)}-${pad(x.month, 2)}-${pad(x.day, 2)}`;
  if (neo4j.isLocalDateTime(v)) {
    return `${date(v)}T${timeString(v.hour, v.minute, v.second, v.nanosecond)}`;
  }
  if (neo4j.isDateTime(v)) {
    let out = `${date(v)}T${timeString(v.hour, v.minute, v.second, v.nanosecond)}`;
    if (v.timeZoneOffsetSeconds !== undefined && v.timeZoneOffsetSeconds !== null) {
      out += offsetString(v.timeZoneOffsetSeconds);
    }
    if (v.timeZoneId) out += `[${v.timeZoneId}]`;
    return out;
  }
  if (neo4j.isDuration(v)) return durationString(v);
  return v.toString();
}

/** Converts a value decoded by neo4j-driver into a typed value. */
function fromDriver(v) {
  if (v === null || v === undefined) return kNull;
  if (typeof v === 'boolean') return { t: 'bool', v };
  if (neo4j.isInt(v)) return { t: 'int', v: BigInt(v.toString()) };
  if (typeof v === 'bigint') return { t: 'int', v };
  if (typeof v === 'number') return { t: 'float', v };
  if (typeof v === 'string') return { t: 'string', v };
  if (Array.isArray(v)) return { t: 'list', v: v.map(fromDriver) };
  if (v instanceof neo4j.types.Node) {
    return { t: 'node', labels: [...v.labels].sort(), props: mapOf(v.properties), id: v.identity.toString() };
  }
  if (v instanceof neo4j.types.Relationship) {
    return { t: 'rel', type: v.type, props: mapOf(v.properties), id: v.identity.toString() };
  }
  if (v instanceof neo4j.types.Path) {
    const steps = v.segments.map((seg) => ({
      rel: fromDriver(seg.relationship),
      forward: seg.relationship.start.toString() === seg.start.identity.toString(),
      node: fromDriver(seg.end),
    }));
    return { t: 'path', start: fromDriver(v.start), steps };
  }
  if (neo4j.isDate(v) || neo4j.isDateTime(v) || neo4j.isLocalDateTime(v) || neo4j.isLocalTime(v) ||
      neo4j.isTime(v) || neo4j.isDuration(v) || neo4j.isPoint(v)) {
    // The TCK writes temporal values as strings in Neo4j's (java.time's) format,
    // which differs from the driver's toString() (e.g. '12:00' vs '12:00:00').
    return { t: 'string', v: neo4jString(v) };
  }
  if (v instanceof Int8Array || v instanceof Uint8Array) {
    return { t: 'list', v: Array.from(v, (b) => ({ t: 'int', v: BigInt(b) })) };
  }
  if (isPlainObject(v)) return { t: 'map', v: mapOf(v) };
  throw new Error(`unsupported driver value ${Object.prototype.toString.call(v)}`);
}

/** Converts a typed value into a driver parameter (ints as neo4j.int, floats as numbers). */
function toDriver(tv) {
  switch (tv.t) {
    case 'null': return null;
    case 'bool': case 'string': case 'float': return tv.v;
    case 'int': return neo4j.int(tv.v.toString());
    case 'list': return tv.v.map(toDriver);
    case 'map': {
      const out = {};
      for (const [k, v] of Object.entries(tv.v)) out[k] = toDriver(v);
      return out;
    }
    default: throw new Error(`a ${tv.t} cannot be a parameter`);
  }
}

// ------------------------------------------------------------ comparing

/** A canonical string for a typed value; equal strings mean equal values (1 and 1.0 differ). */
function canonical(tv) {
  switch (tv.t) {
    case 'null': return 'null';
    case 'bool': return String(tv.v);
    case 'int': return `${tv.v}`;
    case 'float': {
      if (Number.isNaN(tv.v)) return 'NaN';
      if (tv.v === Infinity) return 'Inf';
      if (tv.v === -Infinity) return '-Inf';
      const s = String(tv.v === 0 ? 0 : tv.v); // -0.0 equals 0.0
      return /[.eE]/.test(s) || /Infinity|NaN/.test(s) ? s : `${s}.0`;
    }
    case 'string': return `'${tv.v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    case 'list': return `[${tv.v.map(canonical).join(', ')}]`;
    case 'map': return `{${canonicalProps(tv.v)}}`;
    case 'node': {
      const props = canonicalProps(tv.props);
      return `(${tv.labels.map((l) => `:${l}`).join('')}${props ? ` {${props}}` : ''})`;
    }
    case 'rel': {
      const props = canonicalProps(tv.props);
      return `[:${tv.type}${props ? ` {${props}}` : ''}]`;
    }
    case 'path': {
      let out = `<${canonical(tv.start)}`;
      for (const s of tv.steps) {
        out += s.forward ? `-${canonical(s.rel)}->` : `<-${canonical(s.rel)}-`;
        out += canonical(s.node);
      }
      return `${out}>`;
    }
    default: throw new Error(`unknown typed value ${tv.t}`);
  }
}

function canonicalProps(props) {
  return Object.keys(props).sort().map((k) => `${k}: ${canonical(props[k])}`).join(', ');
}

/** The same value with every list sorted (recursively), for "ignoring element order for lists". */
function sortLists(tv) {
  switch (tv.t) {
    case 'list': {
      const items = tv.v.map(sortLists);
      items.sort((a, b) => (canonical(a) < canonical(b) ? -1 : canonical(a) > canonical(b) ? 1 : 0));
      return { t: 'list', v: items };
    }
    case 'map': {
      const out = {};
      for (const [k, v] of Object.entries(tv.v)) out[k] = sortLists(v);
      return { t: 'map', v: out };
    }
    default: return tv;
  }
}

module.exports = { parseValue, fromDriver, toDriver, canonical, sortLists, kNull };
