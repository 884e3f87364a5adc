// Child process for the compile gate: miniprogram-ci's getCompiledResult on one staged mini-program folder, offline.
// Runs apart from jest because miniprogram-ci leaves a compiler process and sockets open and logs to stdout.
// Usage: node scripts/compile-gate/ci-compile.cjs <folder>   → last stdout line: {"ok":true,"files":[...]} or {"ok":false,"message"}
'use strict';
const { generateKeyPairSync } = require('node:crypto');

async function main(stage) {
  const ci = require('miniprogram-ci');
  // Every request WeChat's servers would get goes to a closed local port: offline at once, not after DNS timeouts.
  ci.proxy('http://127.0.0.1:9');
  // The constructor insists on a private key; with the project's own attr() it is never used to sign anything.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const project = new ci.Project({
    appid: 'wx0000000000000000',
    type: 'miniProgram',
    projectPath: stage,
    privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
  });
  project.attr = async () => ci.DefaultProjectAttr;
  const result = await ci.getCompiledResult({ project, version: '0.0.0', setting: { es6: true }, onProgressUpdate: () => undefined });
  return Object.keys(result).sort();
}

const stage = process.argv[2];
if (!stage) {
  console.error('usage: ci-compile.cjs <staged mini-program folder>');
  process.exit(2);
}
main(stage).then(
  (files) => {
    process.stdout.write('\n' + JSON.stringify({ ok: true, files }) + '\n');
    process.exit(0);
  },
  (err) => {
    const message = err && err.message ? err.message : String(err);
    process.stdout.write('\n' + JSON.stringify({ ok: false, message }) + '\n');
    process.exit(1);
  },
);
