'use strict';
// Writes tests/tck/last-report.txt (pass counts per directory and feature,
// failure categories, every failing scenario) and prints the summary.

const fs = require('node:fs');
const path = require('node:path');
const { kReportFile, kTckDir } = require('./env');

/** "features/clauses/match/Match1.feature" -> "clauses/match/Match1.feature" */
function featurePath(uri) {
  const abs = path.resolve(uri);
  const features = path.join(kTckDir, 'features') + path.sep;
  if (abs.startsWith(features)) return abs.slice(features.length);
  return uri;
}

function tally(map, key, passed) {
  if (!map.has(key)) map.set(key, { passed: 0, total: 0 });
  const t = map.get(key);
  t.total += 1;
  if (passed) t.passed += 1;
}

function pct(passed, total) {
  return total === 0 ? '0.0' : ((100 * passed) / total).toFixed(1);
}

/** The first line of a failure, with positions and ids blanked so similar failures group. */
function reason(message) {
  const first = (message || '').split('\n')[0].trim();
  return first.slice(0, 300);
}

function categoryOf(message) {
  const m = /^\[([^\]]+)\]/.exec(message || '');
  return m ? m[1] : 'other';
}

/** Groups unexpected errors by their status code and detail, e.g. "SyntaxError [UnexpectedSyntax]". */
function errorKey(message) {
  const first = reason(message).replace(/^\[[^\]]+\]\s*/, '');
  const code = /^Neo\.\w+\.\w+\.(\w+)/.exec(first);
  const detail = /\[(\w+)\] \((?:compile time|runtime)\)$/.exec(first);
  const unknownFn = /Unknown function '([^']+)'/.exec(first);
  let key = code ? code[1] : first.slice(0, 60);
  if (detail) key += ` [${detail[1]}]`;
  if (unknownFn) key += ` ${unknownFn[1]}()`;
  return key;
}

function writeReport(state) {
  const byDir = new Map();
  const byFeature = new Map();
  const categories = new Map();
  const errorKinds = new Map();
  const failures = [];
  let passed = 0;
  for (const r of state.results) {
    const feature = featurePath(r.uri);
    const ok = r.status === 'PASSED';
    if (ok) passed += 1;
    tally(byDir, path.dirname(feature), ok);
    tally(byFeature, feature, ok);
    if (!ok) {
      const cat = categoryOf(r.message);
      categories.set(cat, (categories.get(cat) || 0) + 1);
      if (cat === 'unexpected error' || cat === 'setup failed') {
        const k = `${cat}: ${errorKey(r.message)}`;
        errorKinds.set(k, (errorKinds.get(k) || 0) + 1);
      }
      failures.push(`${feature}${r.line ? `:${r.line}` : ''}: ${r.name}\n    ${reason(r.message)}`);
    }
  }
  const total = state.results.length;
  const failed = total - passed;
  const lines = [];
  lines.push('openCypher TCK over Bolt (neo4j-driver 6.3.0) against tributary serve');
  lines.push(`TCK: ${kTckDir}`);
  lines.push(`TOTAL: ${passed} passed, ${failed} failed of ${total} scenarios (${pct(passed, total)}%)`);
  if (state.crashes.length) lines.push(`server crashes: ${state.crashes.length} (${state.crashes.join('; ')})`);
  if (state.restarts) lines.push(`server restarts: ${state.restarts}`);
  lines.push('', 'By directory (passed/total):');
  for (const [dir, t] of [...byDir.entries()].sort()) {
    lines.push(`  ${dir.padEnd(44)} ${String(t.passed).padStart(4)}/${String(t.total).padEnd(4)} ${pct(t.passed, t.total).padStart(5)}%`);
  }
  lines.push('', 'Failure categories:');
  for (const [cat, n] of [...categories.entries()].sort((a, b) => b[1] - a[1])) {
    lines.push(`  ${String(n).padStart(5)}  ${cat}`);
  }
  lines.push('', 'Errors raised where results were expected (by code and detail):');
  for (const [k, n] of [...errorKinds.entries()].sort((a, b) => b[1] - a[1])) {
    lines.push(`  ${String(n).padStart(5)}  ${k}`);
  }
  lines.push('', 'Slowest scenarios:');
  for (const r of [...state.results].sort((a, b) => b.ms - a.ms).slice(0, 15)) {
    lines.push(`  ${String(r.ms).padStart(7)} ms  ${featurePath(r.uri)}${r.line ? `:${r.line}` : ''}: ${r.name}`);
  }
  lines.push('', 'By feature (passed/total):');
  for (const [f, t] of [...byFeature.entries()].sort()) {
    lines.push(`  ${f.padEnd(60)} ${String(t.passed).padStart(3)}/${t.total}`);
  }
  lines.push('', 'Failing scenarios:');
  for (const f of failures.sort()) lines.push(`  ${f}`);
  lines.push('', `${passed} passed, ${failed} failed`, '');
  fs.writeFileSync(kReportFile, lines.join('\n'));

  const seconds = ((Date.now() - state.started) / 1000).toFixed(1);
  const newFailures = newlyFailing(failures);
  const out = [];
  out.push(`TCK: ${passed}/${total} scenarios passed (${pct(passed, total)}%) in ${seconds} s; report: ${kReportFile}`);
  for (const [dir, t] of [...byDir.entries()].sort()) out.push(`  ${dir.padEnd(44)} ${t.passed}/${t.total}`);
  if (newFailures) {
    out.push(`scenarios failing now that pass in ${process.env.TCK_PREVIOUS_REPORT}: ${newFailures.length}`);
    for (const f of newFailures.slice(0, 50)) out.push(`  NEW FAILURE ${f}`);
  }
  out.push(`${passed} passed, ${failed} failed`);
  process.stdout.write(`${out.join('\n')}\n`);
  if (process.env.TCK_COUNT_FILE) fs.writeFileSync(process.env.TCK_COUNT_FILE, `${passed} ${total}\n`);
}

/** The failing scenarios ("feature:line: name") that the committed report did not list, or null. */
function newlyFailing(failures) {
  const previous = process.env.TCK_PREVIOUS_REPORT;
  if (!previous || path.resolve(previous) === kReportFile || !fs.existsSync(previous)) return null;
  const text = fs.readFileSync(previous, 'utf8');
  const start = text.indexOf('\nFailing scenarios:\n');
  if (start < 0) return null;
  const known = new Set(text.slice(start).split('\n').filter((l) => /^  \S/.test(l)).map((l) => l.trim()));
  return failures.map((f) => f.split('\n')[0]).filter((f) => !known.has(f));
}

module.exports = { writeReport };
