// npm run mutate [-- <filter>]: removes each guard of docs/race-tests.md (scripts/mutate/mutations.mjs), one at a
// time, in a temporary copy of the tree (never the working tree), builds it, runs the jest suites that protect the
// guard, and reports killed (a test failed) or survived. Slow (a build and a suite per mutation): not part of npm test.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MUTATIONS } from './mutations.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const filter = process.argv[2];
/** MUTATE_FROM=<n>: start at the n-th mutation (1-based), e.g. to finish a run that was stopped. */
const from = Number(process.env.MUTATE_FROM ?? 1) - 1;
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

const tree = copyTree();
const results = [];
try {
  // The unmutated tree must pass the same tests, or a "killed" would mean nothing.
  const baseline = run(tree, 'node', ['scripts/build.mjs', '--quiet']);
  if (!baseline.ok) throw new Error(`the unmutated tree does not build:\n${baseline.output}`);
  for (const m of chosen) {
    const path = join(tree, m.file);
    const original = readFileSync(path, 'utf8');
    const at = original.indexOf(m.find);
    if (at < 0 || original.indexOf(m.find, at + 1) >= 0) {
      results.push({ ...m, outcome: 'NOT APPLIED', detail: at < 0 ? 'text not found' : 'text found more than once', seconds: 0 });
      console.error(`NOT APPLIED ${m.guard}`);
      continue;
    }
    writeFileSync(path, original.slice(0, at) + m.replace + original.slice(at + m.find.length));
    try {
      const built = run(tree, 'node', ['scripts/build.mjs', '--quiet', '--functions-only']);
      if (!built.ok) {
        results.push({ ...m, outcome: 'KILLED', detail: 'does not build', seconds: built.seconds });
        console.error(`KILLED   ${m.guard} (does not build)`);
        continue;
      }
      const jest = run(tree, 'node', ['node_modules/jest/bin/jest.js', '--silent', ...(m.tests ? ['-t', m.tests] : []), ...m.suites]);
      const failed = (jest.output.match(/Tests:\s+(\d+) failed/) ?? [])[1];
      const passed = (jest.output.match(/(\d+) passed/) ?? [])[1];
      results.push({ ...m, outcome: jest.ok ? 'SURVIVED' : 'KILLED', detail: jest.ok ? `${passed ?? 0} passed` : `${failed ?? '?'} failed`, seconds: built.seconds + jest.seconds });
    } finally {
      writeFileSync(path, original);
    }
    const last = results[results.length - 1];
    console.error(`${last.outcome.padEnd(8)} ${m.guard} (${last.detail}, ${last.seconds} s)`);
  }
} finally {
  rmSync(tree, { recursive: true, force: true });
}

const killed = results.filter((r) => r.outcome === 'KILLED').length;
console.log('| guard removed | suites (tests) | outcome |');
console.log('| --- | --- | --- |');
for (const r of results) console.log(`| ${r.guard} | ${r.suites.map((s) => s.split('/').pop()).join(', ')}${r.tests ? ` (\`${r.tests}\`)` : ''} | ${r.outcome}: ${r.detail} |`);
console.log(`\n${killed} of ${results.length} killed (${results.length ? Math.round((100 * killed) / results.length) : 0} %)`);
process.exitCode = results.every((r) => r.outcome === 'KILLED') ? 0 : 1;
