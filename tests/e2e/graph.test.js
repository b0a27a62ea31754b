'use strict';
// Nodes, relationships and paths as the driver decodes them, over Bolt 5.x
// (with element ids) and 4.4 (numeric ids only).

const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const { describeOverBolt, run, neo4j } = require('./lib/suite');

const { Node, Relationship, Path, UnboundRelationship } = neo4j.types;

describeOverBolt('graph values', (ctx) => {
  let ada;
  let bob;
  let cy;
  let knows;
  let likes;

  before(async () => {
    await run(ctx.driver, 'MATCH (n) DETACH DELETE n');
    const [r] = await run(ctx.driver, `
      CREATE (a:Person:Admin {name: 'Ada', age: 36, score: 1.5})
      CREATE (b:Person {name: 'Bob'})
      CREATE (c:Robot {name: 'Cy', tags: ['x', 'y']})
      CREATE (a)-[k:KNOWS {since: 2020, weight: 0.5}]->(b)
      CREATE (c)-[l:LIKES]->(b)
      RETURN a, b, c, k, l`);
    ada = r.get('a');
    bob = r.get('b');
    cy = r.get('c');
    knows = r.get('k');
    likes = r.get('l');
  });

  test('a node has its identity, labels and typed properties', () => {
    assert.ok(ada instanceof Node);
    assert.ok(neo4j.isInt(ada.identity));
    assert.deepEqual([...ada.labels].sort(), ['Admin', 'Person']);
    assert.deepEqual(Object.keys(ada.properties).sort(), ['age', 'name', 'score']);
    assert.equal(ada.properties.name, 'Ada');
    assert.ok(neo4j.isInt(ada.properties.age) && ada.properties.age.toNumber() === 36);
    assert.equal(ada.properties.score, 1.5);
    assert.deepEqual(cy.properties.tags, ['x', 'y']);
    assert.deepEqual(bob.labels, ['Person']);
    assert.notEqual(ada.identity.toString(), bob.identity.toString());
  });

  test('element ids: strings from the server on 5.x, the numeric id on 4.4', () => {
    for (const e of [ada, bob, cy, knows, likes]) {
      assert.equal(typeof e.elementId, 'string');
      assert.ok(e.elementId.length > 0);
    }
    if (ctx.version.expectMajor === 4) {
      // Bolt 4.4 has no element ids; the driver derives them from the numeric id.
      assert.equal(ada.elementId, ada.identity.toString());
      assert.equal(knows.elementId, knows.identity.toString());
    }
    assert.equal(new Set([ada, bob, cy].map((n) => n.elementId)).size, 3);
    assert.notEqual(knows.elementId, likes.elementId);
  });

  test('a relationship has its type, properties and both endpoints', () => {
    assert.ok(knows instanceof Relationship);
    assert.equal(knows.type, 'KNOWS');
    assert.ok(neo4j.isInt(knows.properties.since));
    assert.equal(knows.properties.since.toNumber(), 2020);
    assert.equal(knows.properties.weight, 0.5);
    assert.equal(knows.start.toString(), ada.identity.toString());
    assert.equal(knows.end.toString(), bob.identity.toString());
    assert.equal(knows.startNodeElementId, ada.elementId);
    assert.equal(knows.endNodeElementId, bob.elementId);
    assert.deepEqual(likes.properties, {});
    assert.equal(likes.start.toString(), cy.identity.toString());
  });

  test('the same entity has the same ids in later queries', async () => {
    const [r] = await run(ctx.driver, "MATCH (a {name: 'Ada'})-[k:KNOWS]->(b) RETURN a, k, b");
    assert.equal(r.get('a').identity.toString(), ada.identity.toString());
    assert.equal(r.get('a').elementId, ada.elementId);
    assert.equal(r.get('k').elementId, knows.elementId);
    assert.equal(r.get('b').elementId, bob.elementId);
  });

  test('id() in a query matches the id the driver decoded', async () => {
    const [r] = await run(ctx.driver, "MATCH (a {name: 'Ada'})-[k]->() RETURN id(a) AS na, id(k) AS nk");
    assert.equal(r.get('na').toString(), ada.identity.toString());
    assert.equal(r.get('nk').toString(), knows.identity.toString());
  });

  test('a path with a forward and a backward relationship', async () => {
    const [r] = await run(ctx.driver,
      "MATCH p = (a:Person {name: 'Ada'})-[:KNOWS]->(b)<-[:LIKES]-(c) RETURN p");
    const p = r.get('p');
    assert.ok(p instanceof Path);
    assert.equal(p.length, 2);
    assert.equal(p.start.properties.name, 'Ada');
    assert.equal(p.end.properties.name, 'Cy');
    const [s1, s2] = p.segments;
    assert.equal(s1.start.properties.name, 'Ada');
    assert.equal(s1.end.properties.name, 'Bob');
    assert.equal(s1.relationship.type, 'KNOWS');
    // The driver orients each relationship by the sign of its path index.
    assert.equal(s1.relationship.start.toString(), ada.identity.toString());
    assert.equal(s1.relationship.end.toString(), bob.identity.toString());
    assert.equal(s2.start.properties.name, 'Bob');
    assert.equal(s2.end.properties.name, 'Cy');
    assert.equal(s2.relationship.type, 'LIKES');
    assert.equal(s2.relationship.start.toString(), cy.identity.toString(), 'LIKES goes from Cy to Bob');
    assert.equal(s2.relationship.end.toString(), bob.identity.toString());
    assert.equal(s2.relationship.elementId, likes.elementId);
    assert.equal(s2.relationship.startNodeElementId, cy.elementId);
    assert.equal(s2.relationship.endNodeElementId, bob.elementId);
  });

  test('a zero-length path is a single node', async () => {
    const [r] = await run(ctx.driver, "MATCH p = (a {name: 'Bob'}) RETURN p");
    const p = r.get('p');
    assert.ok(p instanceof Path);
    assert.equal(p.length, 0);
    assert.equal(p.start.elementId, bob.elementId);
    assert.equal(p.end.elementId, bob.elementId);
  });

  test('a variable-length path traversed against the stored direction', async () => {
    const [r] = await run(ctx.driver, "MATCH p = (b {name: 'Bob'})<-[*1..1]-(a {name: 'Ada'}) RETURN p, nodes(p) AS ns, relationships(p) AS rs");
    const p = r.get('p');
    assert.equal(p.length, 1);
    assert.equal(p.start.elementId, bob.elementId);
    assert.equal(p.end.elementId, ada.elementId);
    assert.equal(p.segments[0].relationship.start.toString(), ada.identity.toString());
    assert.deepEqual(r.get('ns').map((n) => n.elementId), [bob.elementId, ada.elementId]);
    assert.deepEqual(r.get('rs').map((x) => x.elementId), [knows.elementId]);
  });

  test('graph values nested in lists and maps', async () => {
    const [r] = await run(ctx.driver,
      "MATCH (a {name: 'Ada'})-[k]->(b) RETURN [a, b] AS pair, {from: a, rel: k} AS m, collect(b) AS bs");
    const pair = r.get('pair');
    assert.ok(pair[0] instanceof Node && pair[1] instanceof Node);
    assert.equal(pair[1].elementId, bob.elementId);
    const m = r.get('m');
    assert.ok(m.from instanceof Node);
    assert.ok(m.rel instanceof Relationship);
    assert.equal(m.rel.elementId, knows.elementId);
    assert.equal(r.get('bs').length, 1);
  });

  test('properties and labels of deleted-then-recreated nodes get new ids', async () => {
    const [first] = await run(ctx.driver, 'CREATE (n:Temp) RETURN n');
    const n1 = first.get('n');
    await run(ctx.driver, 'MATCH (n:Temp) DELETE n');
    const [second] = await run(ctx.driver, 'CREATE (n:Temp) RETURN n');
    const n2 = second.get('n');
    assert.notEqual(n2.elementId, n1.elementId);
    await run(ctx.driver, 'MATCH (n:Temp) DELETE n');
  });

  test('elementId() in a query matches the driver on 5.x', async () => {
    const [r] = await run(ctx.driver, "MATCH (a {name: 'Ada'})-[k]->() RETURN elementId(a) AS ea, elementId(k) AS ek");
    if (ctx.version.expectMajor === 5) {
      assert.equal(r.get('ea'), ada.elementId);
      assert.equal(r.get('ek'), knows.elementId);
    } else {
      assert.equal(typeof r.get('ea'), 'string');
    }
  });

  test('unbound relationship type is exported', () => {
    // Guards the import above: paths are built from UnboundRelationship structures.
    assert.equal(typeof UnboundRelationship, 'function');
  });
});
