// The official WeChat compilers as a gate, on any Linux machine and offline:
//   - wcc (WXML) and wcsc (WXSS) from `miniprogram-compiler`, file by file, so an error names its file and line;
//   - `miniprogram-ci`'s getCompiledResult over the whole mini-program (app.json checks, page files, components).
// DevTools compiles the pages' TypeScript itself; here esbuild does it file by file first, as DevTools' TypeScript
// plugin would, into a staging folder that miniprogram-ci then reads.
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { transformSync } from 'esbuild';

export const MINIPROGRAM_ROOT = resolve(__dirname, '../../miniprogram');

export interface CompileOutcome {
  file: string;
  ok: boolean;
  /** The compiler's own message (e.g. "pages/x/index.wxml:2:1: unexpected end"), empty when ok. */
  message: string;
}

/** Every file under `root` (relative, forward slashes) with the given extension, sorted. */
export function filesWithExtension(root: string, extension: string): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) return [];
      const full = join(dir, entry.name);
      return entry.isDirectory() ? walk(full) : entry.name.endsWith(extension) ? [full] : [];
    });
  return walk(root)
    .map((file) => relative(root, file).split('\\').join('/'))
    .sort();
}

function compilerBinary(name: 'wcc' | 'wcsc'): string {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`the official ${name} ships for linux-x64 here (this is ${process.platform}-${process.arch})`);
  }
  const binary = join(dirname(require.resolve('miniprogram-compiler/package.json')), 'bin/linux', name);
  // npm does not keep the package's executable bit on every install path.
  try {
    accessSync(binary, constants.X_OK);
  } catch {
    chmodSync(binary, 0o755);
  }
  return binary;
}

function run(binary: string, args: string[], cwd: string): { ok: boolean; stdout: string; message: string } {
  const result = spawnSync(binary, args, { cwd, maxBuffer: 32 * 1024 * 1024, encoding: 'utf8' });
  if (result.error) return { ok: false, stdout: '', message: result.error.message };
  const message = `${result.stderr ?? ''}`.trim();
  return { ok: result.status === 0, stdout: result.stdout ?? '', message: result.status === 0 ? '' : message || `exit ${result.status}` };
}

/** The components a page's .json declares, as wcc takes them: "<page>.wxml <count> <tag>...". */
function componentArgs(root: string, wxml: string): string[] {
  const jsonFile = join(root, wxml.replace(/\.wxml$/, '.json'));
  let using: Record<string, string> = {};
  try {
    using = (JSON.parse(readFileSync(jsonFile, 'utf8')) as { usingComponents?: Record<string, string> }).usingComponents ?? {};
  } catch {
    // A template without a .json uses no components.
  }
  const tags = Object.keys(using);
  return tags.length ? ['1', wxml, String(tags.length), ...tags] : ['0'];
}

/** Compiles one .wxml with the official wcc; the answer carries wcc's message on failure. */
export function compileWxml(root: string, wxml: string): CompileOutcome {
  const outcome = run(compilerBinary('wcc'), ['-d', '-cc', componentArgs(root, wxml).join(' '), wxml, '-gn', '$gwx'], root);
  if (outcome.ok && !outcome.stdout.includes('$gwx')) return { file: wxml, ok: false, message: 'wcc produced no template function' };
  return { file: wxml, ok: outcome.ok, message: outcome.message };
}

/** Compiles one .wxss with the official wcsc (as a component style when a .json sits next to it). */
export function compileWxss(root: string, wxss: string): CompileOutcome {
  const isComponent = (() => {
    try {
      readFileSync(join(root, wxss.replace(/\.wxss$/, '.json')));
      return true;
    } catch {
      return false;
    }
  })();
  const outcome = run(compilerBinary('wcsc'), ['-db', '-pc', isComponent ? '1' : '0', wxss], root);
  if (outcome.ok && !outcome.stdout.includes('setCssToHead')) return { file: wxss, ok: false, message: 'wcsc produced no style sheet' };
  return { file: wxss, ok: outcome.ok, message: outcome.message };
}

/**
 * Copies the mini-program into a fresh folder with each .ts compiled to .js (one file at a time, like DevTools'
 * TypeScript plugin), ready for miniprogram-ci. `edit` may change a file on the way (tests break one on purpose).
 */
export function stageMiniprogram(root = MINIPROGRAM_ROOT, edit?: (file: string, text: string) => string): string {
  const stage = mkdtempSync(join(tmpdir(), 'miniprogram-gate-'));
  for (const file of filesWithExtension(root, '')) {
    if (file === 'tsconfig.json' || file.endsWith('.d.ts')) continue;
    const target = join(stage, file);
    mkdirSync(dirname(target), { recursive: true });
    const text = readFileSync(join(root, file), 'utf8');
    const edited = edit ? edit(file, text) : text;
    if (file.endsWith('.ts')) {
      const js = transformSync(edited, { loader: 'ts', format: 'cjs', target: 'es2018', sourcefile: file });
      writeFileSync(target.replace(/\.ts$/, '.js'), js.code);
    } else if (edited === text) {
      copyFileSync(join(root, file), target);
    } else {
      writeFileSync(target, edited);
    }
  }
  writeFileSync(
    join(stage, 'project.config.json'),
    JSON.stringify({ appid: THROWAWAY_APPID, compileType: 'miniprogram', setting: { es6: true, minified: false } }),
  );
  return stage;
}

const THROWAWAY_APPID = 'wx0000000000000000';

export type CiOutcome = { ok: true; files: string[] } | { ok: false; message: string };

/**
 * Runs miniprogram-ci's whole-program compile on a staged folder, offline, in a child process (ci-compile.cjs):
 * the project gets its own attr() (so nothing asks WeChat for the project's attributes) and a throwaway key
 * (required by the constructor, never used). miniprogram-ci still asks servicewechat.com for an extension
 * whitelist; offline that fails, is logged, and the compile goes on.
 */
export function compileWithMiniprogramCi(stage: string): Promise<CiOutcome> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [join(__dirname, 'ci-compile.cjs'), stage], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      try {
        resolvePromise(JSON.parse(last) as CiOutcome);
      } catch {
        resolvePromise({ ok: false, message: `miniprogram-ci exited ${code}: ${(err || out).slice(-2000)}` });
      }
    });
  });
}
