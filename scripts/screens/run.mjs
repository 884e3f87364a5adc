// `npm run screens`: bundles scripts/screens/index.ts (esbuild, packages left external) and runs it.
import { build } from 'esbuild';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const outfile = join(root, 'dist/screens/index.js');
await build({
  entryPoints: [join(root, 'scripts/screens/index.ts')],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  outfile,
  logLevel: 'warning',
});
const require = createRequire(import.meta.url);
await require(outfile).main(process.argv.slice(2));
