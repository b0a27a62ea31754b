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

  // Engine gaps at the time of writing: the engine has no Bytes, temporal or spatial values.
  // `todo` keeps these running and visible without failing the suite; drop the marker when they pass.
  test('bytes', { todo: 'engine: "Parameters of type Bytes are not supported"' }, async () => {
    const bytes = new Int8Array([0, 1, -1, 127, -128]);
    assertSameValue(await roundTrip(bytes), bytes);
  });

  test('temporal and spatial parameters', { todo: 'engine: no temporal/spatial values ("Parameters of type Structure are not supported")' }, async () => {
    const date = new neo4j.types.Date(2024, 2, 29);
    const back = await roundTrip(date);
    assert.equal(back.toString(), date.toString());
    const duration = new neo4j.types.Duration(1, 2, 3, 4);
    assert.equal((await roundTrip(duration)).toString(), duration.toString());
    const point = new neo4j.types.Point(7203, 1.5, -2.5);
    assert.equal((await roundTrip(point)).toString(), point.toString());
  });

  test('many parameters of every type at once', async () => {
    const params = {
      n: null, t: true, i: neo4j.int(-42), f: -0.25, s: 'text', l: [neo4j.int(1), 'two'], m: { k: [null] },
    };
    const [r] = await run(ctx.driver, 'RETURN $n AS n, $t AS t, $i AS i, $f AS f, $s AS s, $l AS l, $m AS m', params);
    for (const k of Object.keys(params)) assertSameValue(r.get(k), params[k], k);
  });
});

module.exports = { assertSameValue };
