// Main package size of the mini-program, as DevTools would upload it: every .ts compiled to .js (esbuild, one
// file at a time, like DevTools' TypeScript plugin), plus the .wxml, .wxss and .json files. Type-only imports
// (typings/api.d.ts) vanish in compilation, so nothing outside miniprogram/ is counted or shipped.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { transform } from 'esbuild';
import { markdownTable, round, type BenchContext, type BenchSection } from '../lib/section';

/** WeChat's limit for the main package (and for a whole package without subpackages). */
const MAIN_PACKAGE_LIMIT = 2 * 1024 * 1024;
/** Files DevTools does not upload (project.config.json packOptions.ignore). */
const IGNORED = new Set(['tsconfig.json']);

interface Tally {
  files: number;
  bytes: number;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

export async function measureMiniprogram(root: string): Promise<Record<string, Tally>> {
  const tallies: Record<string, Tally> = {};
  const add = (kind: string, bytes: number) => {
    const t = (tallies[kind] ??= { files: 0, bytes: 0 });
    t.files += 1;
    t.bytes += bytes;
  };
  for (const file of walk(join(root, 'miniprogram'))) {
    const name = relative(root, file);
    if (IGNORED.has(file.split(/[\\/]/).pop() ?? '') || file.endsWith('.d.ts') || file.endsWith('.test.ts')) continue;
    const ext = extname(file);
    const source = readFileSync(file, 'utf8');
    if (ext === '.ts') {
      const base = { loader: 'ts' as const, format: 'cjs' as const, target: 'es2018', sourcefile: name };
      add('js', Buffer.byteLength((await transform(source, base)).code));
      add('jsMinified', Buffer.byteLength((await transform(source, { ...base, minify: true })).code));
    } else if (ext === '.wxml' || ext === '.wxss' || ext === '.json') {
      add(ext.slice(1), Buffer.byteLength(source));
    } else {
      add('other', Buffer.byteLength(source));
    }
  }
  return tallies;
}

const kb = (bytes: number) => round(bytes / 1024, 1);

export const miniprogramSizeSection: BenchSection = {
  id: 'miniprogram-size',
  title: 'Mini-program main package size',
  async run(ctx: BenchContext) {
    ctx.note('compiling miniprogram/**/*.ts file by file');
    const t = await measureMiniprogram(ctx.projectRoot);
    const get = (k: string): Tally => t[k] ?? { files: 0, bytes: 0 };
    const assets = get('wxml').bytes + get('wxss').bytes + get('json').bytes + get('other').bytes;
    const total = get('js').bytes + assets;
    const totalMin = get('jsMinified').bytes + assets;
    const rows: Array<Array<string | number>> = [
      ['compiled .js (from .ts)', get('js').files, get('js').bytes, kb(get('js').bytes)],
      ['  same, minified (DevTools "minified" upload setting)', get('jsMinified').files, get('jsMinified').bytes, kb(get('jsMinified').bytes)],
      ['.wxml', get('wxml').files, get('wxml').bytes, kb(get('wxml').bytes)],
      ['.wxss', get('wxss').files, get('wxss').bytes, kb(get('wxss').bytes)],
      ['.json', get('json').files, get('json').bytes, kb(get('json').bytes)],
      ['**main package** (compiled js)', '', total, kb(total)],
      ['**main package** (minified js)', '', totalMin, kb(totalMin)],
    ];
    if (get('other').files) rows.splice(5, 0, ['other files', get('other').files, get('other').bytes, kb(get('other').bytes)]);
    const share = round((total / MAIN_PACKAGE_LIMIT) * 100, 1);
    return {
      markdown: `${markdownTable(['what', 'files', 'bytes', 'KB'], rows)}\n\n${share}% of WeChat's 2 MB main-package limit (uncompressed, before minification).`,
      figures: {
        'miniprogram.js.bytes': get('js').bytes,
        'miniprogram.jsMinified.bytes': get('jsMinified').bytes,
        'miniprogram.assets.bytes': assets,
        'miniprogram.mainPackage.bytes': total,
        'miniprogram.mainPackageMinified.bytes': totalMin,
      },
    };
  },
};
