'use strict';
// Reads node's TAP output and prints leaf-test counts per Bolt version (the
// "[bolt X]" suffix of a top-level suite; other suites count as "any
// version"), then a closing "N passed, M failed" line. Exits 1 if a test
// failed. TODO tests (known gaps) are counted apart and never fail the run.
//
// Usage: node tools/summarize_tap.js results.tap

const fs = require('node:fs');

const lines = fs.readFileSync(process.argv[2], 'utf8').split('\n');
const stack = []; // subtest names by nesting level
const results = [];

for (let i = 0; i < lines.length; i++) {
  const subtest = /^(\s*)# Subtest: (.*)$/.exec(lines[i]);
  if (subtest) {
    const level = subtest[1].length / 4;
    stack.length = level;
    stack[level] = subtest[2];
    continue;
  }
  const m = /^(\s*)(not ok|ok) \d+ - (.*?)(?: # (TODO|SKIP)\b.*)?$/.exec(lines[i]);
  if (!m) continue;
  const level = m[1].length / 4;
  let isSuite = false;
  if (lines[i + 1] !== undefined && /^\s*---$/.test(lines[i + 1])) {
    for (let j = i + 2; j < lines.length && !/^\s*\.\.\.$/.test(lines[j]); j++) {
      if (/^\s*type: 'suite'$/.test(lines[j])) isSuite = true;
    }
  }
  results.push({ level, ok: m[2] === 'ok', directive: m[4], name: m[3], top: level === 0 ? m[3] : stack[0], isSuite });
}

const groups = new Map();
const failures = [];
const total = { passed: 0, failed: 0, todo: 0, skipped: 0 };
for (const r of results) {
  // A failing suite with no failing leaf (e.g. a before() hook failed) still counts as a failure.
  if (r.isSuite && r.ok) continue;
  const version = /\[bolt ([^\]]+)\]/.exec(r.top || '');
  const group = version ? `bolt ${version[1]}` : 'any version';
  if (!groups.has(group)) groups.set(group, { passed: 0, failed: 0, todo: 0, skipped: 0 });
  const g = groups.get(group);
  let key;
  if (r.directive === 'TODO') key = 'todo';
  else if (r.directive === 'SKIP') key = 'skipped';
  else if (r.ok) key = 'passed';
  else key = 'failed';
  g[key] += 1;
  total[key] += 1;
  if (key === 'failed') failures.push(`${r.top === r.name ? '' : `${r.top} > `}${r.name}`);
}

console.log('\ne2e driver/console tests by Bolt version:');
for (const [group, g] of [...groups.entries()].sort()) {
  console.log(`  ${group.padEnd(12)} ${g.passed} passed, ${g.failed} failed, ${g.todo} todo (known gaps)`);
}
for (const f of failures) console.log(`  FAILED: ${f}`);
console.log(`${total.passed} passed, ${total.failed} failed`);
process.exit(total.failed > 0 ? 1 : 0);
