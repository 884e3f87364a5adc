// jsdom for the pages plus what the local cloud needs from Node (page tests against the real functions start one in
// the same process): jsdom's environment hides Node's TextDecoder, fetch and setImmediate, and its timers have no
// unref(), which the local cloud's function runner uses.
const { TestEnvironment } = require('jest-environment-jsdom');

const NODE_GLOBALS = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'queueMicrotask', 'TextDecoder', 'TextEncoder', 'fetch', 'Headers', 'Request', 'Response', 'FormData', 'Blob', 'AbortController', 'AbortSignal', 'setImmediate', 'clearImmediate', 'structuredClone', 'ReadableStream', 'URL', 'URLSearchParams', 'performance', 'crypto'];

class JsdomWithNode extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of NODE_GLOBALS) if (globalThis[name] !== undefined) this.global[name] = globalThis[name];
  }
}

module.exports = JsdomWithNode;
