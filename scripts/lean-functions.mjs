// An esbuild plugin that keeps the parts of wx-server-sdk our functions never run out of their bundles.
//
// V8 compiles every byte of a bundle when it is loaded, so a cold start pays for code that never runs; deferring a
// require() inside the same file does not help. Each module listed in DEFERRED is instead built into its own file,
// <function>/deferred/<name>.js, and the bundle gets a small stand-in that require()s that file the first time any
// of its exports is touched. Nothing changes for a caller: the same exports, the same behaviour, only later.
// docs/local-cloud-functions.md ("What a built function leaves out") lists them and why.
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * What leaves the bundle. `factories`: the module's default export is an object of factory functions that the SDK
 * calls while it initialises; each call is answered at once with an object that runs the real factory on first use.
 * `calledAtLoad`: the module is a factory function called while the SDK loads; same treatment for its result.
 * `subset`: only these exports, built from this file of the package; every module that requires it must use no other.
 */
export const DEFERRED = [
  { name: 'mime-db', why: 'a 137 KB MIME table, read only by uploadFile to check a contentType' },
  { name: 'axios', why: 'used only for Tencent Cloud metadata lookups and the requestClient shim of extensions' },
  { name: 'jsonwebtoken', why: 'used only by auth().createTicket (custom login tickets)' },
  { name: 'xml2js', why: 'used only by the storage calls (uploadFile, downloadFile, …)' },
  { name: 'form-data', why: 'used only by requests that upload form data (storage)' },
  { name: 'https-proxy-agent', why: 'used only when a proxy is configured' },
  { name: 'http-proxy-agent', why: 'used only when a proxy is configured' },
  { name: 'agentkeepalive', why: 'used only by requests that ask for keep-alive' },
  {
    name: 'bson',
    why: 'EJSON for database requests: loaded by the first database call, so a call that never reaches the database does not compile it',
    // The SDK uses bson's EJSON and nothing else: the file holds EJSON alone, without the binary (de)serializer,
    // whose module allocates a 17 MB buffer when it loads. The build checks every module that requires bson.
    subset: { file: 'lib/extended_json.js', keys: ['EJSON'] },
  },
  {
    name: 'json-bigint',
    why: 'JSON with big integers for openapi calls (subscribe messages): loaded by the first openapi call',
    calledAtLoad: true,
  },
  {
    name: 'fast-xml-parser',
    why: 'XML of APIv2 (payments, refunds, bills): loaded by the first APIv2 call, so a shop on cloudPay or APIv3 never compiles it',
  },
  { name: 'lodash.clonedeep', why: 'used only by database watch() (realtime listeners)' },
  { name: 'lodash.set', why: 'used only by database watch() (realtime listeners)' },
  { name: 'lodash.unset', why: 'used only by database watch() (realtime listeners)' },
  { name: '@cloudbase/ai', why: 'the AI client (cloud.ai())' },
  { name: '@cloudbase/app', why: 'the browser-style app core the AI client needs' },
  { name: 'web-streams-polyfill', why: 'streams for AI answers' },
  {
    name: '@cloudbase/wx-cloud-client-sdk',
    why: 'the data-model and MySQL clients (cloud.models, cloud.rdb); loading it also touches globalThis.Headers, which makes Node load its HTTP client',
    factories: true,
  },
];

const SHIM = 'lean-functions-shim';
const fileNameOf = (name) => name.replace(/^@/, '').replace(/[^A-Za-z0-9._-]+/g, '+');

/** The shape of each module's exports (function or object, its keys, __esModule), read once in a child process. */
function readShapes(resolved) {
  const script = `
    const out = {};
    for (const [name, file] of JSON.parse(process.argv[1])) {
      const m = require(file);
      const keys = m === null || (typeof m !== 'object' && typeof m !== 'function') ? [] : Object.keys(m);
      const def = m && m.__esModule && m.default && typeof m.default === 'object' ? m.default : undefined;
      out[name] = { type: typeof m, keys, esModule: Boolean(m && m.__esModule),
        defaultFunctions: def ? Object.keys(def).filter((k) => typeof def[k] === 'function') : [] };
    }
    process.stdout.write(JSON.stringify(out));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script, JSON.stringify(resolved)], { encoding: 'utf8' }));
}

function shimSource(file, shape, entry) {
  const factories = entry.factories === true;
  const lines = [
    `let real;`,
    `const load = () => real || (real = require(${JSON.stringify(`./deferred/${file}`)}));`,
  ];
  if (shape.keys.length > 64) {
    // A big table (mime-db): only read by key.
    lines.push(
      `module.exports = new Proxy({}, {`,
      `  get: (_, k) => load()[k], has: (_, k) => k in load(), ownKeys: () => Reflect.ownKeys(load()),`,
      `  getOwnPropertyDescriptor: (_, k) => { const d = Reflect.getOwnPropertyDescriptor(load(), k); return d && { ...d, configurable: true }; },`,
      `});`,
    );
    return lines.join('\n');
  }
  const later = [
    `const later = (make) => { let made; const it = () => made || (made = make());`,
    `  return new Proxy({}, { get: (_, k) => it()[k], has: (_, k) => k in it(), set: (_, k, v) => { it()[k] = v; return true; },`,
    `    ownKeys: () => Reflect.ownKeys(it()), getOwnPropertyDescriptor: (_, k) => { const d = Reflect.getOwnPropertyDescriptor(it(), k); return d && { ...d, configurable: true }; } }); };`,
  ];
  if (entry.calledAtLoad) {
    // The SDK calls it while loading and keeps the result as an object of methods: the real call happens on first use.
    lines.push(...later, `const shim = function (...args) { return later(() => load().apply(this, args)); };`);
  } else if (shape.type === 'function') {
    lines.push(`const shim = function (...args) { return new.target ? Reflect.construct(load(), args) : load().apply(this, args); };`);
  } else lines.push(`const shim = {};`);
  if (shape.esModule) lines.push(`Object.defineProperty(shim, '__esModule', { value: true });`);
  const lazyKeys = factories ? shape.keys.filter((k) => k !== 'default') : shape.keys;
  lines.push(
    `for (const k of ${JSON.stringify(lazyKeys)}) Object.defineProperty(shim, k, { enumerable: true, configurable: true, get: () => load()[k] });`,
  );
  if (factories) {
    // The SDK calls these while it initialises; the real factory runs when its product is first used.
    if (!entry.calledAtLoad) lines.push(...later);
    lines.push(
      `const def = {};`,
      `for (const k of ${JSON.stringify(shape.defaultFunctions)}) def[k] = (...args) => later(() => load().default[k](...args));`,
      `Object.defineProperty(shim, 'default', { enumerable: true, configurable: true, value: def });`,
    );
  }
  lines.push(`module.exports = shim;`);
  return lines.join('\n');
}

/** The package folder of `resolved` (its main file), checked to hold `file`. */
function packageDir(resolved, file) {
  let dir = dirname(resolved);
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  if (!existsSync(join(dir, file))) throw new Error(`lean-functions: ${dir} has no ${file}; scripts/lean-functions.mjs must be looked at again`);
  return dir;
}

/**
 * A module that requires a package of which only `subset.keys` are kept must use nothing else of it: each
 * `const x = require("<name>")` only as `x.<key>`, and no other kind of require of it. Anything else fails the build.
 */
export function checkSubsetUse(entry, importer, source = readFileSync(importer, 'utf8')) {
  const fail = (why) => {
    throw new Error(`lean-functions: ${importer} ${why}; only ${entry.subset.keys.join(', ')} of ${entry.name} is kept (scripts/lean-functions.mjs)`);
  };
  const quoted = `require\\(["']${entry.name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}["']\\)`;
  const requires = source.match(new RegExp(quoted, 'g')) ?? [];
  const bound = [...source.matchAll(new RegExp(`(?:const|let|var)\\s+([A-Za-z_$][\\w$]*)\\s*=\\s*${quoted}`, 'g'))].map((m) => m[1]);
  if (requires.length === 0) fail(`imports ${entry.name} in a form this check does not read`);
  if (bound.length !== requires.length) fail(`requires ${entry.name} other than as \`const x = require(...)\``);
  for (const name of bound) {
    const uses = [...source.matchAll(new RegExp(`(?<![\\w$.])${name.replace(/\$/g, '\\$')}(\\.[A-Za-z_$][\\w$]*)?`, 'g'))];
    for (const use of uses.slice(1)) if (!use[1] || !entry.subset.keys.includes(use[1].slice(1))) fail(`uses ${name}${use[1] ?? ' itself'}`);
  }
}

/**
 * One instance per build run: resolves, inspects and bundles each deferred module once, then writes its file next
 * to every function bundle that needs it. `plugin(outDir)` is the esbuild plugin for the function built into outDir.
 */
export function leanFunctions() {
  const byName = new Map(DEFERRED.map((d) => [d.name, d]));
  const shapes = new Map(); // resolved path → Promise<shape>
  const bundles = new Map(); // resolved path → Promise<code>

  const shapeOf = (resolved) => {
    if (!shapes.has(resolved)) shapes.set(resolved, Promise.resolve().then(() => readShapes([['m', resolved]]).m));
    return shapes.get(resolved);
  };
  const codeOf = (resolved) => {
    if (!bundles.has(resolved)) {
      bundles.set(
        resolved,
        build({
          entryPoints: [resolved],
          bundle: true,
          platform: 'node',
          target: 'node16',
          format: 'cjs',
          minify: true,
          legalComments: 'none',
          write: false,
          logLevel: 'error',
        }).then((r) => r.outputFiles[0].text),
      );
    }
    return bundles.get(resolved);
  };

  const subsets = new Map(); // resolved path → Promise<code>
  const subsetCodeOf = (resolved, subset) => {
    if (!subsets.has(resolved)) {
      const dir = packageDir(resolved, subset.file);
      const contents = `const m = require(${JSON.stringify(join(dir, subset.file))});\nmodule.exports = { ${subset.keys.map((k) => `${k}: m.${k}`).join(', ')} };`;
      subsets.set(
        resolved,
        build({ stdin: { contents, resolveDir: dir, loader: 'js' }, bundle: true, platform: 'node', target: 'node16', format: 'cjs', minify: true, legalComments: 'none', write: false, logLevel: 'error' }).then(
          (r) => r.outputFiles[0].text,
        ),
      );
    }
    return subsets.get(resolved);
  };

  return (outDir) => ({
    name: 'lean-functions',
    setup(b) {
      const written = new Map(); // file → resolved path, so two versions of one package never share a file
      const filter = new RegExp(`^(${DEFERRED.map((d) => d.name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`);
      b.onResolve({ filter }, async (args) => {
        if (args.pluginData === SHIM) return undefined;
        const real = await b.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, pluginData: SHIM });
        if (real.errors.length > 0) return { errors: real.errors };
        const entry = byName.get(args.path);
        if (entry.subset) checkSubsetUse(entry, args.importer);
        return { path: real.path, namespace: SHIM, pluginData: { name: args.path } };
      });
      b.onResolve({ filter: /^\.\/deferred\// }, (args) => ({ path: args.path, external: true }));
      b.onLoad({ filter: /.*/, namespace: SHIM }, async (args) => {
        const entry = byName.get(args.pluginData.name);
        const file = `${fileNameOf(entry.name)}.js`;
        if ((written.get(file) ?? args.path) !== args.path) throw new Error(`two copies of ${entry.name} in one bundle: ${written.get(file)} and ${args.path}`);
        written.set(file, args.path);
        const [shape, code] = entry.subset
          ? [{ ...(await shapeOf(args.path)), keys: entry.subset.keys }, await subsetCodeOf(args.path, entry.subset)]
          : await Promise.all([shapeOf(args.path), codeOf(args.path)]);
        mkdirSync(join(outDir, 'deferred'), { recursive: true });
        writeFileSync(join(outDir, 'deferred', file), code);
        return { contents: shimSource(file, shape, entry), loader: 'js', resolveDir: outDir };
      });
    },
  });
}
