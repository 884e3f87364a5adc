// The build moves the protobuf messages out of wx-server-sdk's own bundle (scripts/sdk-protobuf.mjs) only while the
// SDK still has the shape that makes it safe; any other shape fails the build with the reason, never a slow or
// broken bundle. (test/local-cloud/lean-bundles.test.ts checks the built functions; the function suites make the
// cloudPay and openapi calls that use the messages.)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './runner-helpers';

const sdkPath = join(projectRoot, 'node_modules/wx-server-sdk/index.js');
const sdk = readFileSync(sdkPath, 'utf8');

/** Runs splitSdk on `source` in a fresh Node (the plugin is an ES module); answers what it kept, or its error. */
function split(source: string): { stays?: string; deferred?: string; error?: string } {
  const script = `
    import { splitSdk } from ${JSON.stringify(join(projectRoot, 'scripts/sdk-protobuf.mjs'))};
    import { readFileSync } from 'node:fs';
    try { process.stdout.write(JSON.stringify(splitSdk(readFileSync(0, 'utf8')))); }
    catch (e) { process.stdout.write(JSON.stringify({ error: e.message })); }`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { input: source, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 })) as ReturnType<typeof split>;
}

test('the installed SDK splits: every message goes to the deferred file, a stand-in stays', () => {
  const { stays, deferred, error } = split(sdk);
  expect(error).toBeUndefined();
  expect(deferred).toContain('$root.CommApiData = (function() {');
  expect(deferred).toContain('require("protobufjs/minimal")');
  expect(stays).not.toContain('$root.CommApiData');
  expect(stays).toContain('./deferred/wx-server-sdk+protobuf.js');
  expect(stays).not.toContain('require("protobufjs/minimal")');
  // Everything else of the SDK is kept as it was.
  expect((stays ?? '').length + (deferred ?? '').length).toBeGreaterThan(sdk.length - 2000);
});

test.each([
  ['the module is renamed', (s: string) => s.replace('"./src/protobuf/openapi.js":', '"./src/protobuf/api.js":'), /does not have exactly one module/],
  ['a message is used while a module loads', (s: string) => s.replace('const cloud_1 = __webpack_require__', 'openapi_1.ApiOptions.create();\nconst cloud_1 = __webpack_require__'), /at the top level of a module/],
  ['the messages need another module', (s: string) => s.replace('var $Reader = $protobuf.Reader', 'var other = __webpack_require__("crypto");\nvar $Reader = $protobuf.Reader'), /needs more than protobufjs/],
  ['protobufjs is used elsewhere', (s: string) => s.replace('const cloud_1 = __webpack_require__', 'const pb = __webpack_require__(/*! protobufjs/minimal */ "protobufjs/minimal");\nconst cloud_1 = __webpack_require__'), /outside .\/src\/protobuf\/openapi.js/],
  ['the module exports something else', (s: string) => s.replace('module.exports = $root;', 'module.exports = { root: $root };'), /no longer ends with/],
])('a new SDK where %s fails the build', (_, change, reason) => {
  const changed = change(sdk);
  expect(changed).not.toBe(sdk);
  const { error } = split(changed);
  expect(error).toMatch(reason);
  expect(error).toMatch(/must be looked at again/);
});
