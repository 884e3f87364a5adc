// Builds everything that runs outside jest:
//   - each cloud function in src/functions/<name>/ → cloudfunctions/<name>/{index.js,package.json,config.json}
//   - each test-only function in test/fixtures/functions/<name>/ → dist/test-functions/<name>/ (same shape)
//   - the local cloud (emulator/src/cli.ts and its worker) → dist/local-cloud/
//   - the benchmarks (scripts/bench/*.ts) → dist/bench/
// Usage: node scripts/build.mjs [--quiet]
import { build } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { leanFunctions } from './lean-functions.mjs';
import { signatureKeyOrder } from './signature-key-order.mjs';
import { sdkProtobuf } from './sdk-protobuf.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');
const log = (...a) => { if (!quiet) console.log(...a); };

function functionDirs(base) {
  if (!existsSync(base)) return [];
  return readdirSync(base)
    .filter((n) => !n.startsWith('_') && !n.startsWith('.'))
    .map((n) => join(base, n))
    .filter((d) => statSync(d).isDirectory() && existsSync(join(d, 'index.ts')));
}

const lean = leanFunctions();
const protobuf = sdkProtobuf();

async function buildFunction(srcDir, outRoot) {
  const name = srcDir.split(/[\\/]/).pop();
  const outDir = join(outRoot, name);
  rmSync(join(outDir, 'deferred'), { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [join(srcDir, 'index.ts')],
    bundle: true,
    platform: 'node',
    target: 'node16', // the oldest runtime CloudBase offers for Node functions that wx-server-sdk 4 supports
    format: 'cjs',
    minify: true,
    legalComments: 'none',
    outfile: join(outDir, 'index.js'),
    // What the functions never run leaves the bundle for files loaded on first use (scripts/lean-functions.mjs).
    // The SDK's protobuf messages wait for the first cloudPay or openapi call (scripts/sdk-protobuf.mjs).
    // The request signer sorts names without building ICU's collator (scripts/signature-key-order.mjs).
    plugins: [lean(outDir), protobuf(outDir), signatureKeyOrder()],
    logLevel: 'warning',
  });
  const configPath = join(srcDir, 'config.json');
  if (existsSync(configPath)) copyFileSync(configPath, join(outDir, 'config.json'));
  else writeFileSync(join(outDir, 'config.json'), JSON.stringify({ permissions: { openapi: [] } }, null, 2) + '\n');
  // The bundle carries its dependencies, so the deployed package.json lists none.
  writeFileSync(
    join(outDir, 'package.json'),
    JSON.stringify({ name, version: '1.0.0', private: true, main: 'index.js', dependencies: {} }, null, 2) + '\n',
  );
  return name;
}

async function buildNodeEntry(entry, outfile) {
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    outfile,
    external: ['better-sqlite3', 'wx-server-sdk', 'esbuild', '@cloudbase/manager-node'],
    logLevel: 'warning',
  });
}

const started = Date.now();
const product = await Promise.all(functionDirs(join(root, 'src/functions')).map((d) => buildFunction(d, join(root, 'cloudfunctions'))));
// `--functions-only`: the cloud functions alone (npm run mutate rebuilds them after each change of src/).
if (process.argv.includes('--functions-only')) {
  log(`built ${product.length} cloud functions in ${Date.now() - started} ms`);
  process.exit(0);
}
const testOnly = await Promise.all(
  functionDirs(join(root, 'test/fixtures/functions')).map((d) => buildFunction(d, join(root, 'dist/test-functions'))),
);
const emulatorEntries = [
  ['emulator/src/cli.ts', 'dist/local-cloud/cli.js'],
  ['emulator/src/runner/worker.ts', 'dist/local-cloud/worker.js'],
  // npm run deploy / doctor (src/deploy/): tooling, not a product function.
  ['src/deploy/cli.ts', 'dist/deploy/cli.js'],
];
for (const [entry, out] of emulatorEntries) {
  if (existsSync(join(root, entry))) await buildNodeEntry(join(root, entry), join(root, out));
}
const benchDir = join(root, 'scripts/bench');
if (existsSync(benchDir)) {
  for (const f of readdirSync(benchDir).filter((f) => f.endsWith('.ts'))) {
    await buildNodeEntry(join(benchDir, f), join(root, 'dist/bench', f.replace(/\.ts$/, '.js')));
  }
}
log(`built ${product.length} cloud functions [${product.join(', ')}], ${testOnly.length} test functions, local cloud, in ${Date.now() - started} ms`);
