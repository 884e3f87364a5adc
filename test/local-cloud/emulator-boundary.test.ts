// The local cloud plays WeChat (Pay, shipping, the printer vendor) to judge the product: if it borrowed the
// product's signer, XML codec or constants, a mistake in the product would be mirrored by its judge and pass. So no
// file of the emulator may import the product (src/); its tests may (they compare the two on purpose).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const EMULATOR = join(ROOT, 'emulator', 'src');
const PRODUCT = join(ROOT, 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === '__test__' || entry.name === 'node_modules' ? [] : sources(path);
    return /\.(ts|tsx|js|mjs|cjs)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name) ? [path] : [];
  });
}

/** Every module a file names: static imports and re-exports, `import()` and `require()`. */
function specifiers(code: string): string[] {
  const found: string[] = [];
  const patterns = [/\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const pattern of patterns) for (const m of code.matchAll(pattern)) found.push(m[1] as string);
  return found;
}

function intoProduct(file: string, specifier: string): boolean {
  if (!specifier.startsWith('.')) return false;
  const target = resolve(dirname(file), specifier);
  return target === PRODUCT || target.startsWith(PRODUCT + sep);
}

it('no emulator source imports the product', () => {
  const files = sources(EMULATOR);
  expect(files.length).toBeGreaterThan(50);
  const borrowed = files.flatMap((file) => specifiers(readFileSync(file, 'utf8')).filter((s) => intoProduct(file, s)).map((s) => `${relative(ROOT, file)} → ${s}`));
  expect(borrowed).toEqual([]);
});

it('the scan sees every form of import (so the check above cannot pass by missing one)', () => {
  const code = [
    "import { a } from '../../../src/providers/x';",
    "import type { B } from '../../src/domain/y';",
    "export { c } from '../src/z';",
    "import '../../../src/side-effect';",
    "const d = require('../../src/server/w');",
    "const e = await import('../../src/server/v');",
    "import {\n  f,\n  g,\n} from '../../src/multi';",
  ].join('\n');
  expect(specifiers(code)).toEqual(expect.arrayContaining(['../../../src/providers/x', '../../src/domain/y', '../src/z', '../../../src/side-effect', '../../src/server/w', '../../src/server/v', '../../src/multi']));
  const file = join(EMULATOR, 'sandbox', 'v2', 'api.ts');
  expect(intoProduct(file, '../../../../src/providers/wechatpay-v2/sign')).toBe(true);
  expect(intoProduct(file, '../wechat-crypto/v2-sign')).toBe(false);
  expect(intoProduct(file, 'node:crypto')).toBe(false);
});
