'use strict';
// Every PackStream value type as a parameter and as a result, over Bolt 5.x
// and 4.4, with the integer/float distinction checked on both sides: the
// server must compute with the type the driver sent and send back the type
// it computed.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { describeOverBolt, run, neo4j } = require('./lib/suite');

const { isInt } = neo4j;

/** Recursively checks that `actual` (from the driver) equals `expected` including int vs float. */
function assertSameValue(actual, expected, where = 'value') {
  if (expected === null) {
    assert.equal(actual, null, `${where}: expected null`);
  } else if (isInt(expected)) {
    assert.ok(isInt(actual), `${where}: expected an Integer, got ${typeof actual} ${actual}`);
    assert.equal(actual.toString(), expected.toString(), where);
  } else if (typeof expected === 'number') {
    assert.equal(typeof actual, 'number', `${where}: expected a Float, got ${isInt(actual) ? 'Integer' : typeof actual} ${actual}`);
    assert.ok(Object.is(actual, expected), `${where}: expected ${expected}, got ${actual}`);
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${where}: expected a List`);
    assert.equal(actual.length, expected.length, `${where}: list length`);
    expected.forEach((e, i) => assertSameValue(actual[i], e, `${where}[${i}]`));
  } else if (expected instanceof Int8Array) {
    assert.ok(actual instanceof Int8Array, `${where}: expected bytes`);
    assert.deepEqual(Array.from(actual), Array.from(expected), where);
  } else if (typeof expected === 'object') {
    assert.equal(typeof actual, 'object', `${where}: expected a Map`);
    assert.ok(actual !== null && !Array.isArray(actual) && !isInt(actual), `${where}: expected a Map`);
    assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${where}: map keys`);
    for (const k of Object.keys(expected)) assertSameValue(actual[k], expected[k], `${where}.${k}`);
  } else {
    assert.equal(actual, expected, where);
  }
}

const kIntegers = [
  '0', '1', '-1', '15', '-16', '-17', '127', '128', '-128', '-129', '32767', '32768', '-32768', '-32769',
  '2147483647', '2147483648', '-2147483648', '-2147483649', '9007199254740993',
  '9223372036854775807', '-9223372036854775808',
];

const kFloats = [0.0, -0.0, 1.0, -1.5, 3.141592653589793, 1e-300, 5e-324, 1.7976931348623157e308,
  Number.MAX_SAFE_INTEGER, NaN, Infinity, -Infinity];

const kStrings = [
  '', 'a', 'hello world', 'x'.repeat(15), 'x'.repeat(16), 'y'.repeat(255), 'y'.repeat(256),
  'z'.repeat(65535), 'z'.repeat(65536), 'q'.repeat(200000),
  'héllo wörld', 'Ελληνικά', '日本語のテキスト', 'emoji 🚀🎉 and 𝄞', 'quote \' and " and \\ and \n newline',
  '\u0000 nul inside', 'tab\tand\r\nCRLF',
];

describeOverBolt('values', (ctx) => {
  async function roundTrip(value) {
    const [record] = await run(ctx.driver, 'RETURN $v AS v', { v: value });
    return record.get('v');
  }

  test('null', async () => {
    assertSameValue(await roundTrip(null), null);
    const [r] = await run(ctx.driver, 'RETURN null AS n, $missing IS NULL AS isnull', { missing: null });
    assert.equal(r.get('n'), null);
    assert.equal(r.get('isnull'), true);
  });

  test('booleans', async () => {
    assert.equal(await roundTrip(true), true);
    assert.equal(await roundTrip(false), false);
    const [r] = await run(ctx.driver, 'RETURN $t AND NOT $f AS both', { t: true, f: false });
    assert.equal(r.get('both'), true);
  });

  test('integers of every PackStream width, including the int64 extremes', async () => {
    for (const text of kIntegers) {
      assertSameValue(await roundTrip(neo4j.int(text)), neo4j.int(text), `int ${text}`);
    }
  });

  test('integer literals in results come back as Integers at every width', async () => {
    const [r] = await run(ctx.driver, `RETURN [${kIntegers.filter((t) => t !== '-9223372036854775808').join(', ')}] AS l, -9223372036854775807 - 1 AS min`);
    const l = r.get('l');
    assert.equal(l.length, kIntegers.length - 1);
    kIntegers.filter((t) => t !== '-9223372036854775808').forEach((t, i) => assertSameValue(l[i], neo4j.int(t), `literal ${t}`));
    assertSameValue(r.get('min'), neo4j.int('-9223372036854775808'));
  });

  test('BigInt parameters are Integers', async () => {
    assertSameValue(await roundTrip(9223372036854775807n), neo4j.int('9223372036854775807'));
    assertSameValue(await roundTrip(-5n), neo4j.int(-5));
  });

  test('floats, including -0.0, subnormals, NaN and the infinities', async () => {
    for (const f of kFloats) assertSameValue(await roundTrip(f), f, `float ${f}`);
  });

  test('float literals in results stay Floats even when integral', async () => {
    const [r] = await run(ctx.driver, 'RETURN 1.0 AS one, 0.0 AS zero, -2.0 AS neg, 1e3 AS exp, 0.0 / 0.0 AS nan, 1.0 / 0.0 AS inf');
    assertSameValue(r.get('one'), 1.0);
    assertSameValue(r.get('zero'), 0.0);
    assertSameValue(r.get('neg'), -2.0);
    assertSameValue(r.get('exp'), 1000.0);
    assertSameValue(r.get('nan'), NaN);
    assertSameValue(r.get('inf'), Infinity);
  });

  test('the server computes with the type the driver sent (7 / 2 vs 7.0 / 2)', async () => {
    const [r] = await run(ctx.driver,
      'RETURN $i / 2 AS idiv, $f / 2 AS fdiv, $i + $f AS mixed, $i = $f AS eq, $big + 0 AS big',
      { i: neo4j.int(7), f: 7.0, big: neo4j.int('9223372036854775807') });
    assertSameValue(r.get('idiv'), neo4j.int(3));
    assertSameValue(r.get('fdiv'), 3.5);
    assertSameValue(r.get('mixed'), 14.0);
    assert.equal(r.get('eq'), true);
    assertSameValue(r.get('big'), neo4j.int('9223372036854775807'));
  });

  test('strings: empty, size boundaries, chunked (>64 KiB) and unicode', async () => {
    for (const s of kStrings) {
      const back = await roundTrip(s);
      assert.equal(back, s, `string of length ${s.length}: ${JSON.stringify(s.slice(0, 30))}`);
    }
    const [r] = await run(ctx.driver, 'RETURN size($s) AS n, $s + "!" AS t', { s: '日本🚀' });
    assertSameValue(r.get('n'), neo4j.int(3));
    assert.equal(r.get('t'), '日本🚀!');
  });

  test('unicode string literals in the query text', async () => {
    const [r] = await run(ctx.driver, "RETURN 'ünïcödé ✓ 🚀' AS s");
    assert.equal(r.get('s'), 'ünïcödé ✓ 🚀');
  });

  test('lists: empty, mixed, nested, and large', async () => {
    const cases = [
      [],
      [neo4j.int(1), neo4j.int(2), neo4j.int(3)],
      [neo4j.int(1), 1.0, 'one', null, true, [neo4j.int(2), [2.5]], { k: 'v' }],
      [[[[]]]],
      Array.from({ length: 15 }, (_, i) => neo4j.int(i)),
      Array.from({ length: 16 }, (_, i) => i + 0.5),
      Array.from({ length: 70000 }, (_, i) => neo4j.int(i)),
    ];
    for (const l of cases) assertSameValue(await roundTrip(l), l, `list of length ${l.length}`);
  });

  test('list results built by the server', async () => {
    const [r] = await run(ctx.driver, 'RETURN range(1, 20000) AS l, [1, 2.0, "x", null, [true]] AS m');
    const l = r.get('l');
    assert.equal(l.length, 20000);
    assertSameValue(l[0], neo4j.int(1));
    assertSameValue(l[19999], neo4j.int(20000));
    assertSameValue(r.get('m'), [neo4j.int(1), 2.0, 'x', null, [true]]);
  });

  test('maps: empty, flat, nested, many keys, unicode keys', async () => {
    const many = {};
    for (let i = 0; i < 40; i++) many[`key${i}`] = neo4j.int(i);
    const cases = [
      {},
      { a: neo4j.int(1), b: 'x', c: 2.5, d: null, e: false },
      { outer: { inner: { deepest: [neo4j.int(1), { leaf: 'yes' }] } }, sibling: [] },
      many,
      { 'ключ': 'значение', '🔑': neo4j.int(1), 'with space': 1.0 },
    ];
    for (const m of cases) assertSameValue(await roundTrip(m), m, `map with ${Object.keys(m).length} keys`);
  });

  test('map results built by the server, and property access on a map parameter', async () => {
    const [r] = await run(ctx.driver, "RETURN {a: 1, b: {c: [1.5, 'x']}} AS m, $p.x.y AS y", { p: { x: { y: neo4j.int(5) } } });
    assertSameValue(r.get('m'), { a: neo4j.int(1), b: { c: [1.5, 'x'] } });
    assertSameValue(r.get('y'), neo4j.int(5));
  });

  test('values survive storage as node properties', async () => {
    const props = {
      i: neo4j.int('-9223372036854775808'),
      j: neo4j.int('9223372036854775807'),
      f: 1.0,
      nan: NaN,
      inf: -Infinity,
      s: 'über 🚀',
      b: true,
      li: [neo4j.int(1), neo4j.int(2)],
      lf: [1.0, 2.5],
      ls: ['a', 'b'],
    };
    const session = ctx.driver.session();
    try {
      await session.run('CREATE (n:Stored) SET n = $props', { props });
      const r = await session.run('MATCH (n:Stored) RETURN properties(n) AS p, n.i AS i, n.f AS f');
      assertSameValue(r.records[0].get('p'), props, 'properties(n)');
      assertSameValue(r.records[0].get('i'), props.i);
      assertSameValue(r.records[0].get('f'), 1.0);
      await session.run('MATCH (n:Stored) DELETE n');
    } finally {
      await session.close();
    }
  });

  // Bytes, temporal and spatial values (ADR 014). DateTime travels as 'I'/'i' (UTC seconds) on
  // Bolt 5.x and as the legacy 'F'/'f' (local seconds) on 4.4, which the driver decodes into the
  // same DateTime objects, so the same assertions hold over both.
  const { Date: CDate, LocalTime, Time, LocalDateTime, DateTime, Duration, Point } = neo4j.types;

  /** Asserts a driver temporal/spatial value by class and by its ISO rendering. */
  function assertSameTemporal(actual, expected, where) {
    assert.ok(actual instanceof expected.constructor,
      `${where}: expected a ${expected.constructor.name}, got ${actual && actual.constructor.name}`);
    assert.equal(actual.toString(), expected.toString(), where);
  }

  test('bytes: empty, signed values, every PackStream size and as a stored property', async () => {
    const cases = [
      new Int8Array([]),
      new Int8Array([0, 1, -1, 127, -128]),
      Int8Array.from({ length: 255 }, (_, i) => i - 128),
      Int8Array.from({ length: 256 }, (_, i) => i % 7),
      Int8Array.from({ length: 70000 }, (_, i) => (i * 31) % 256 - 128),
    ];
    for (const b of cases) assertSameValue(await roundTrip(b), b, `bytes of length ${b.length}`);
    const bytes = new Int8Array([5, -6, 7]);
    await run(ctx.driver, 'CREATE (:BytesHolder {b: $b})', { b: bytes });
    const [r] = await run(ctx.driver,
      'MATCH (n:BytesHolder) RETURN n.b AS b, n.b = $b AS same, n.b = $other AS differ, n.b = [5, -6, 7] AS asList',
      { b: bytes, other: new Int8Array([5, -6]) });
    assertSameValue(r.get('b'), bytes, 'stored bytes');
    assert.equal(r.get('same'), true);
    assert.equal(r.get('differ'), false);
    assert.equal(r.get('asList'), false, 'bytes are not a list of integers');
  });

  const kTemporals = () => [
    new CDate(2024, 2, 29),
    new CDate(1969, 12, 31),
    new CDate(-44, 3, 15),
    new CDate(9999, 12, 31),
    new LocalTime(0, 0, 0, 0),
    new LocalTime(23, 59, 59, 999999999),
    new LocalTime(12, 30, 5, 500000000),
    new Time(10, 15, 30, 1, 3600),
    new Time(23, 0, 0, 0, -12 * 3600),
    new Time(0, 0, 0, 0, 0),
    new LocalDateTime(2024, 5, 1, 12, 30, 0, 123456789),
    new LocalDateTime(1900, 1, 1, 0, 0, 0, 0),
    new DateTime(2024, 5, 1, 12, 30, 0, 5, 7200),
    new DateTime(1969, 12, 31, 23, 59, 59, 999999999, -5 * 3600),
    new DateTime(2000, 1, 1, 0, 0, 0, 0, 0),
    new Duration(14, 3, 3723, 500000000),
    new Duration(0, 0, 0, 0),
    new Duration(-1, -2, -3, 4),
    new Point(neo4j.int(7203), 1.5, -2.5),
    new Point(neo4j.int(4326), 12.994823, 55.612191),
    new Point(neo4j.int(9157), 1.0, 2.0, 3.0),
    new Point(neo4j.int(4979), -0.5, 51.25, 100.0),
  ];

  test('temporal and spatial parameters come back as the same type and value', async () => {
    for (const v of kTemporals()) assertSameTemporal(await roundTrip(v), v, `${v.constructor.name} ${v}`);
    const [r] = await run(ctx.driver, 'RETURN $l AS l, $m AS m',
      { l: kTemporals(), m: { d: new CDate(2024, 1, 2), p: new Point(neo4j.int(7203), 0.0, 0.0) } });
    const expected = kTemporals();
    assert.equal(r.get('l').length, expected.length);
    r.get('l').forEach((v, i) => assertSameTemporal(v, expected[i], `list[${i}]`));
    assertSameTemporal(r.get('m').d, new CDate(2024, 1, 2), 'map.d');
    assertSameTemporal(r.get('m').p, new Point(neo4j.int(7203), 0.0, 0.0), 'map.p');
  });

  test('a DateTime with a zone id keeps its zone and local time', async () => {
    const dt = new DateTime(2024, 5, 1, 12, 30, 15, 250, undefined, 'Europe/Stockholm');
    const back = await roundTrip(dt);
    assert.ok(back instanceof DateTime, `got ${back && back.constructor.name}`);
    assert.equal(back.timeZoneId, 'Europe/Stockholm');
    for (const f of ['year', 'month', 'day', 'hour', 'minute', 'second', 'nanosecond']) {
      assert.equal(Number(back[f]), Number(dt[f]), `field ${f}`);
    }
    await run(ctx.driver, 'CREATE (:Zoned {t: $t})', { t: dt });
    const [r] = await run(ctx.driver, 'MATCH (n:Zoned) RETURN n.t AS t, n.t = $t AS same', { t: dt });
    assert.equal(r.get('t').timeZoneId, 'Europe/Stockholm');
    assert.equal(Number(r.get('t').hour), 12);
    assert.equal(r.get('same'), true);
  });

  test('temporal and spatial values are stored as properties and read back', async () => {
    const values = kTemporals();
    await run(ctx.driver, 'UNWIND range(0, size($vs) - 1) AS i CREATE (:Temporal {i: i, v: $vs[i]})', { vs: values });
    const records = await run(ctx.driver, 'MATCH (n:Temporal) RETURN n.i AS i, n.v AS v, n AS node ORDER BY i');
    assert.equal(records.length, values.length);
    records.forEach((r, i) => {
      assertSameTemporal(r.get('v'), values[i], `property ${i}`);
      assertSameTemporal(r.get('node').properties.v, values[i], `node property ${i}`);
    });
    // Equality against a parameter finds the stored value (also through an index).
    await run(ctx.driver, 'CREATE INDEX ON :Temporal(v)');
    const [hit] = await run(ctx.driver, 'MATCH (n:Temporal {v: $v}) RETURN n.i AS i', { v: new CDate(1969, 12, 31) });
    assertSameValue(hit.get('i'), neo4j.int(1));
    const [hit2] = await run(ctx.driver, 'MATCH (n:Temporal) WHERE n.v = $v RETURN count(n) AS c', { v: new Point(neo4j.int(9157), 1.0, 2.0, 3.0) });
    assertSameValue(hit2.get('c'), neo4j.int(1));
  });

  test('comparisons: temporal values order by instant, durations and points only by equality', async () => {
    const [r] = await run(ctx.driver,
      'RETURN $d1 < $d2 AS dates, $t1 = $t2 AS sameTime, $t1 < $t3 AS times, $z1 < $z2 AS instants, ' +
      '$dur < $dur AS durLess, $dur = $dur AS durEq, $p < $p AS pointLess, $p = $p AS pointEq, $d1 < $lt AS mixed',
      {
        d1: new CDate(2024, 1, 1), d2: new CDate(2024, 1, 2),
        t1: new Time(10, 0, 0, 0, 7200), t2: new Time(10, 0, 0, 0, 7200), t3: new Time(9, 0, 0, 0, 0),
        z1: new DateTime(2024, 1, 1, 12, 0, 0, 0, 3600), z2: new DateTime(2024, 1, 1, 11, 30, 0, 0, 0),
        dur: new Duration(1, 0, 0, 0), p: new Point(neo4j.int(7203), 1.0, 2.0), lt: new LocalTime(1, 0, 0, 0),
      });
    assert.equal(r.get('dates'), true);
    assert.equal(r.get('sameTime'), true);
    assert.equal(r.get('times'), true, '10:00+02:00 is 08:00Z, before 09:00Z');
    assert.equal(r.get('instants'), true, '12:00+01:00 is 11:00Z, before 11:30Z');
    assert.equal(r.get('durLess'), null);
    assert.equal(r.get('durEq'), true);
    assert.equal(r.get('pointLess'), null);
    assert.equal(r.get('pointEq'), true);
    assert.equal(r.get('mixed'), null);
  });

  test('ORDER BY places each kind as Cypher orders types, and sorts within a kind', async () => {
    const values = {
      map: { a: neo4j.int(1) }, list: [neo4j.int(1)], bytes: new Int8Array([1]), point: new Point(neo4j.int(7203), 0.0, 0.0),
      datetime: new DateTime(2024, 1, 1, 0, 0, 0, 0, 0), localdatetime: new LocalDateTime(2024, 1, 1, 0, 0, 0, 0),
      date: new CDate(2024, 1, 1), time: new Time(1, 0, 0, 0, 0), localtime: new LocalTime(1, 0, 0, 0),
      duration: new Duration(0, 1, 0, 0), string: 's', boolean: true, number: neo4j.int(1),
    };
    const names = Object.keys(values);
    const shuffled = [...names].reverse();
    const records = await run(ctx.driver,
      'UNWIND $names AS name RETURN name ORDER BY $values[name]', { names: shuffled, values });
    assert.deepEqual(records.map((r) => r.get('name')), names);
    const dates = [new CDate(2024, 3, 1), new CDate(1969, 1, 1), new CDate(2024, 2, 29)];
    const sorted = await run(ctx.driver, 'UNWIND $ds AS d RETURN d ORDER BY d DESC', { ds: dates });
    assert.deepEqual(sorted.map((r) => r.get('d').toString()), ['2024-03-01', '2024-02-29', '1969-01-01']);
  });

  test('DISTINCT and grouping treat equal temporal values as one', async () => {
    const [r] = await run(ctx.driver,
      'UNWIND $vs AS v WITH DISTINCT v RETURN count(v) AS c',
      { vs: [new CDate(2024, 1, 1), new CDate(2024, 1, 1), new Duration(1, 0, 0, 0), new Duration(1, 0, 0, 0), new Point(neo4j.int(7203), 1.0, 1.0)] });
    assertSameValue(r.get('c'), neo4j.int(3));
  });

  test('many parameters of every type at once', async () => {
    const params = {
      n: null, t: true, i: neo4j.int(-42), f: -0.25, s: 'text', l: [neo4j.int(1), 'two'], m: { k: [null] },
      b: new Int8Array([1, 2]),
    };
    const [r] = await run(ctx.driver,
      'RETURN $n AS n, $t AS t, $i AS i, $f AS f, $s AS s, $l AS l, $m AS m, $b AS b, $d AS d, $p AS p',
      { ...params, d: new CDate(2020, 2, 2), p: new Point(neo4j.int(7203), 3.0, 4.0) });
    for (const k of Object.keys(params)) assertSameValue(r.get(k), params[k], k);
    assertSameTemporal(r.get('d'), new CDate(2020, 2, 2), 'd');
    assertSameTemporal(r.get('p'), new Point(neo4j.int(7203), 3.0, 4.0), 'p');
  });
});

module.exports = { assertSameValue };
