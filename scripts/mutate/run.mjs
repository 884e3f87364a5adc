// npm run mutate [-- <filter>]: removes each guard of docs/race-tests.md (scripts/mutate/mutations.mjs), one at a
// time, in a temporary copy of the tree (never the working tree), builds it, runs the jest suites that protect the
// guard, and reports killed (a test failed) or survived. Slow (a build and a suite per mutation): not part of npm test.
// Each suite (with its test-name pattern) first runs on the unmutated copy: a test that already fails there cannot
// kill anything, and its mutations are reported BASELINE FAILS, not counted. A mutation that does not build is
// reported BROKEN (a mistake in its definition), not killed. Mutations marked `equivalent` are expected to survive
// and are left out of the score, with the reason printed. MUTATE_LOGS=<dir> keeps each jest run's output there.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MUTATIONS } from './mutations.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const filter = process.argv.slice(2).join(' ');
/** MUTATE_FROM=<n>: start at the n-th mutation (1-based), e.g. to finish a run that was stopped. */
const from = Number(process.env.MUTATE_FROM ?? 1) - 1;
const logs = process.env.MUTATE_LOGS ? resolve(process.env.MUTATE_LOGS) : undefined;
if (logs) mkdirSync(logs, { recursive: true });
const chosen = MUTATIONS.filter((m) => !filter || m.guard.includes(filter) || m.file.includes(filter)).slice(from);

/** A copy of every tracked and untracked (not ignored) file, with node_modules linked, not copied. */
function copyTree() {
  const dir = mkdtempSync(join(tmpdir(), 'mutate-'));
  const listed = spawnSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    try {
      cpSync(join(root, file), join(dir, file));
    } catch {
      // deleted in the working tree but still tracked
    }
  }
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

function run(cwd, command, args) {
  const started = Date.now();
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { ok: r.status === 0, output: `${r.stdout}\n${r.stderr}`, seconds: Math.round((Date.now() - started) / 1000) };
}

/** Runs a mutation's suites; `label` names the kept log. */
function jest(tree, m, label) {
  const r = run(tree, 'node', ['node_modules/jest/bin/jest.js', '--silent', ...(m.tests ? ['-t', m.tests] : []), ...m.suites]);
  if (logs) writeFileSync(join(logs, `${label.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80)}.log`), r.output);
  const failed = (r.output.match(/Tests:\s+(\d+) failed/) ?? [])[1];
  const passed = (r.output.match(/(\d+) passed/) ?? [])[1];
  // The first failing test's name (jest prints "● describe › test" for each failure).
  const first = (r.output.match(/●\s+(.+?)\n/) ?? [])[1];
  return { ...r, failed, passed, first };
}

const tree = copyTree();
const results = [];
try {
  const baseline = run(tree, 'node', ['scripts/build.mjs', '--quiet']);
  if (!baseline.ok) throw new Error(`the unmutated tree does not build:\n${baseline.output}`);
  // The unmutated tree must pass the same tests, or a "killed" would mean nothing.
  const baselineOf = new Map();
  for (const m of chosen) {
    const key = JSON.stringify([m.suites, m.tests ?? '']);
    if (baselineOf.has(key)) continue;
    const b = jest(tree, m, `baseline ${m.suites.join(' ')} ${m.tests ?? ''}`);
    baselineOf.set(key, b);
    console.error(`${b.ok ? 'BASELINE' : 'BASELINE FAILS'} ${m.suites.join(', ')}${m.tests ? ` (${m.tests})` : ''}: ${b.ok ? `${b.passed ?? 0} passed` : `${b.failed ?? '?'} failed, first: ${b.first ?? '?'}`} (${b.seconds} s)`);
  }
  for (const m of chosen) {
    const path = join(tree, m.file);
    const original = readFileSync(path, 'utf8');
    const at = original.indexOf(m.find);
    if (at < 0 || original.indexOf(m.find, at + 1) >= 0) {
      results.push({ ...m, outcome: 'NOT APPLIED', detail: at < 0 ? 'text not found' : 'text found more than once', seconds: 0 });
      console.error(`NOT APPLIED ${m.guard}`);
      continue;
    }
    const base = baselineOf.get(JSON.stringify([m.suites, m.tests ?? '']));
    if (!base.ok) {
      results.push({ ...m, outcome: 'BASELINE FAILS', detail: `${base.failed ?? '?'} failed unmutated`, seconds: 0 });
      continue;
    }
    writeFileSync(path, original.slice(0, at) + m.replace + original.slice(at + m.find.length));
    try {
      const built = run(tree, 'node', ['scripts/build.mjs', '--quiet', '--functions-only']);
      if (!built.ok) {
        results.push({ ...m, outcome: 'BROKEN', detail: `does not build: ${built.output.trim().split('\n').slice(0, 3).join(' ')}`, seconds: built.seconds });
        console.error(`BROKEN   ${m.guard} (does not build)\n${built.output}`);
        continue;
      }
      const r = jest(tree, m, m.guard);
      const detail = r.ok ? `${r.passed ?? 0} passed` : `${r.failed ?? '?'} failed${r.first ? `, first: ${r.first.trim()}` : ''}`;
      results.push({ ...m, outcome: r.ok ? 'SURVIVED' : 'KILLED', detail, seconds: built.seconds + r.seconds });
    } finally {
      writeFileSync(path, original);
    }
    const last = results[results.length - 1];
    console.error(`${last.outcome.padEnd(8)} ${m.guard} (${last.detail}, ${last.seconds} s)`);
  }
} finally {
  rmSync(tree, { recursive: true, force: true });
}

const counted = results.filter((r) => !r.equivalent && (r.outcome === 'KILLED' || r.outcome === 'SURVIVED'));
const killed = counted.filter((r) => r.outcome === 'KILLED').length;
console.log('| guard removed | suites (tests) | outcome |');
console.log('| --- | --- | --- |');
for (const r of results) {
  const outcome = r.equivalent ? `${r.outcome} (equivalent: ${r.equivalent})` : `${r.outcome}: ${r.detail}`;
  console.log(`| ${r.guard} | ${r.suites.map((s) => s.split('/').pop()).join(', ')}${r.tests ? ` (\`${r.tests}\`)` : ''} | ${outcome} |`);
}
const uncounted = results.length - counted.length;
console.log(`\n${killed} of ${counted.length} non-equivalent mutations killed (${counted.length ? Math.round((100 * killed) / counted.length) : 0} %)${uncounted ? `; ${uncounted} not counted (equivalent, not applied, broken or baseline failing)` : ''}`);
process.exitCode = counted.every((r) => r.outcome === 'KILLED') && results.every((r) => r.equivalent || r.outcome === 'KILLED') ? 0 : 1;
