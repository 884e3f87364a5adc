// Loads a CommonJS bundle the way require() does, with V8's code cache kept on disk: compiling a 1 MB bundle is
// most of a cold start, and the cache (made after the first invocation, so it covers the code that ran) roughly
// halves it. Only speed changes; a missing, stale or unreadable cache just means compiling from source.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

export interface LoadedBundle {
  exports: unknown;
  /** Writes the code cache if there was none usable; call once the bundle has done some work. */
  saveCache(): void;
}

const WRAPPER_PARAMS = '(function (exports, require, module, __filename, __dirname) { ';

export function loadBundle(bundlePath: string, cacheDir: string | undefined): LoadedBundle {
  const source = readFileSync(bundlePath, 'utf8');
  const cacheFile = cacheDir ? join(cacheDir, `${basename(dirname(bundlePath))}-${cacheKey(source)}.v8`) : undefined;
  const cachedData = cacheFile ? readOptional(cacheFile) : undefined;
  // The columnOffset keeps stack-trace columns on line 1 (most of a minified bundle) those of the file itself.
  const script = new Script(`${WRAPPER_PARAMS}${source}\n})`, {
    filename: bundlePath,
    columnOffset: -WRAPPER_PARAMS.length,
    cachedData,
  });
  const wrapper = script.runInThisContext() as (...args: unknown[]) => unknown;
  const mod = new Module(bundlePath);
  mod.filename = bundlePath;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(bundlePath));
  const require = createRequire(bundlePath);
  wrapper.call(mod.exports, mod.exports, require, mod, bundlePath, dirname(bundlePath));
  mod.loaded = true;

  let saved = cachedData !== undefined && !script.cachedDataRejected;
  return {
    exports: mod.exports,
    saveCache() {
      if (saved || !cacheFile) return;
      saved = true;
      try {
        writeCache(cacheFile, script.createCachedData());
      } catch {
        // A read-only or full disk only costs speed.
      }
    },
  };
}

function cacheKey(source: string): string {
  return createHash('sha256').update(process.version).update(process.arch).update(source).digest('hex').slice(0, 24);
}

function readOptional(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Atomic (several test processes may write the same cache), and drops this function's older caches. */
function writeCache(file: string, data: Buffer): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true });
  const prefix = `${basename(file).replace(/-[0-9a-f]+\.v8$/, '')}-`;
  for (const old of readdirSync(dir)) {
    if (old.startsWith(prefix) && old.endsWith('.v8') && join(dir, old) !== file && /^[0-9a-f]+\.v8$/.test(old.slice(prefix.length))) {
      rmSync(join(dir, old), { force: true });
    }
  }
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temp, data);
  renameSync(temp, file);
}
