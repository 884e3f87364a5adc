// An esbuild plugin that moves the protobuf messages inside wx-server-sdk's own bundle (and protobufjs with them)
// out of each function bundle, into <function>/deferred/wx-server-sdk+protobuf.js, loaded on first use.
//
// wx-server-sdk/index.js is a webpack bundle; one of its modules, ./src/protobuf/openapi.js, is ~180 KB of generated
// protobuf message classes (a third of a function bundle once protobufjs and long are counted). Only cloudPay calls
// (ApiOptions) and openapi calls (subscribe messages: CommOpenApiResp) use them, always inside a call, never while the
// SDK loads. A function whose first request is a database read (the notify functions and reconcile read their
// settings first) or that refuses its event at the edge compiled and ran all of it for nothing. The module's body is
// replaced by a stand-in that require()s the deferred file the first time one of its messages is touched: the same
// object, the same messages, only later. Same approach as scripts/lean-functions.mjs, for a module inside a file.
//
// The SDK is never changed on disk. The build fails if the SDK's bundle no longer has this module in the shape
// checked below (a new SDK version is looked at again rather than silently left slow, or broken).
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const DEFERRED_FILE = 'wx-server-sdk+protobuf.js';
const MODULE_KEY = '"./src/protobuf/openapi.js":';
const FACTORY_OPEN = '/***/ (function(module, exports, __webpack_require__) {\n';
const FACTORY_CLOSE = '\n/***/ }),';
const PROTOBUF_REQUIRE = '__webpack_require__(/*! protobufjs/minimal */ "protobufjs/minimal")';
const EXPORT = 'module.exports = $root;';
/** The webpack module that hands protobufjs to the one above: nothing else asks for it. */
const EXTERNAL = 'module.exports = require("protobufjs/minimal");';
/** Every webpack module that holds the messages must use them inside its functions only, never at its top level. */
const USE = /^([ \t]*).*\bopenapi_1\./gm;

const STAND_IN = [
  `let real;`,
  `const load = () => real || (real = require(${JSON.stringify(`./deferred/${DEFERRED_FILE}`)}));`,
  `module.exports = new Proxy({}, {`,
  `  get: (_, k) => load()[k], has: (_, k) => k in load(), ownKeys: () => Reflect.ownKeys(load()),`,
  `  getOwnPropertyDescriptor: (_, k) => { const d = Reflect.getOwnPropertyDescriptor(load(), k); return d && { ...d, configurable: true }; },`,
  `});`,
].join('\n');

/** Splits the SDK's bundle into what stays (with the stand-in) and the module's own source; throws when it does not fit. */
export function splitSdk(source, file = 'wx-server-sdk/index.js') {
  const fail = (why) => {
    throw new Error(`sdk-protobuf: ${file} ${why}; scripts/sdk-protobuf.mjs must be looked at again for this SDK version`);
  };
  if (source.split(MODULE_KEY).length !== 2) fail(`does not have exactly one module ${MODULE_KEY}`);
  const key = source.indexOf(MODULE_KEY);
  const open = source.indexOf(FACTORY_OPEN, key);
  if (open < 0 || source.slice(key, open).includes('/***/ "')) fail('has no factory right after the module key');
  const start = open + FACTORY_OPEN.length;
  const end = source.indexOf(FACTORY_CLOSE, start);
  if (end < 0) fail('has no end to the module');
  const body = source.slice(start, end);
  if (body.split('__webpack_require__(').length !== 2 || !body.includes(PROTOBUF_REQUIRE)) fail('module needs more than protobufjs/minimal');
  if (!body.trimEnd().endsWith(EXPORT)) fail(`module no longer ends with ${EXPORT}`);
  const rest = source.slice(0, start) + source.slice(end);
  for (const m of rest.matchAll(USE)) if (m[1].length === 0) fail(`uses the protobuf messages at the top level of a module: ${m[0].trim().slice(0, 80)}`);
  if (rest.split(EXTERNAL).length !== 2) fail(`has not exactly one ${EXTERNAL}`);
  if (rest.split('"protobufjs/minimal")').length !== 2) fail('asks for protobufjs/minimal outside ./src/protobuf/openapi.js');
  // Left in, the external would keep protobufjs in the bundle although nothing requires it any more.
  const stays = `${source.slice(0, start)}${STAND_IN}${source.slice(end)}`.replace(EXTERNAL, 'module.exports = undefined; // moved to the deferred file with ./src/protobuf/openapi.js');
  return { stays, deferred: body.replace(PROTOBUF_REQUIRE, 'require("protobufjs/minimal")') };
}

/** One instance per build run; `plugin(outDir)` is the esbuild plugin for the function built into outDir. */
export function sdkProtobuf() {
  let split; // Promise<{ stays, code }>, once per build
  const splitOnce = (path) => {
    if (!split) {
      split = readFile(path, 'utf8').then(async (source) => {
        const { stays, deferred } = splitSdk(source, path);
        const bundled = await build({
          stdin: { contents: deferred, resolveDir: dirname(path), sourcefile: 'wx-server-sdk/src/protobuf/openapi.js', loader: 'js' },
          bundle: true,
          platform: 'node',
          target: 'node16',
          format: 'cjs',
          minify: true,
          legalComments: 'none',
          write: false,
          logLevel: 'error',
        });
        return { stays, code: bundled.outputFiles[0].text };
      });
    }
    return split;
  };
  return (outDir) => ({
    name: 'sdk-protobuf',
    setup(b) {
      b.onLoad({ filter: /[\\/]node_modules[\\/]wx-server-sdk[\\/]index\.js$/ }, async (args) => {
        const { stays, code } = await splitOnce(args.path);
        mkdirSync(join(outDir, 'deferred'), { recursive: true });
        writeFileSync(join(outDir, 'deferred', DEFERRED_FILE), code);
        return { contents: stays, loader: 'js' };
      });
    },
  });
}
