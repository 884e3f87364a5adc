// One function instance: a worker thread that loads a built bundle once and runs one invocation at a time.
// A worker thread has its own process.env and module registry, so cloud.init() and getWXContext() behave
// as in a CloudBase instance. Built to dist/local-cloud/worker.js.
import { parentPort, workerData } from 'node:worker_threads';
import { loadBundle, type LoadedBundle } from './code-cache';
import { parseInvokeMessage, toWireError, type InvokeMessage, type WorkerData, type WorkerMessage } from './protocol';

type Main = (event: unknown, context: Record<string, unknown>) => unknown;

function readWorkerData(value: unknown): WorkerData {
  const data = value as Partial<WorkerData> | null;
  if (!data || typeof data.bundlePath !== 'string' || typeof data.functionName !== 'string') {
    throw new Error('worker started without a bundle path');
  }
  const codeCacheDir = typeof data.codeCacheDir === 'string' ? data.codeCacheDir : undefined;
  return { bundlePath: data.bundlePath, functionName: data.functionName, codeCacheDir };
}

function send(message: WorkerMessage): void {
  parentPort?.postMessage(message);
}

function mainOf(bundle: LoadedBundle, bundlePath: string): Main {
  const main = (bundle.exports as { main?: unknown } | null)?.main;
  if (typeof main !== 'function') throw new Error(`${bundlePath} does not export a function named main`);
  return main as Main;
}

/** Keys set for the invocation in progress, removed before the next one so nothing leaks between callers. */
let contextKeys: string[] = [];

function applyContext(env: Record<string, string>): void {
  for (const key of contextKeys) delete process.env[key];
  for (const [key, value] of Object.entries(env)) process.env[key] = value;
  contextKeys = Object.keys(env);
}

function serialise(result: unknown): string {
  // The cloud answers JSON: undefined becomes null, and a value JSON cannot carry is the function's failure.
  const json = JSON.stringify(result === undefined ? null : result);
  if (json === undefined) throw new TypeError('the function returned a value that cannot be sent as JSON');
  return json;
}

async function run(main: Main, message: InvokeMessage, afterwards: () => void): Promise<void> {
  applyContext(message.env);
  try {
    const result = await main(message.event, message.context);
    send({ type: 'result', requestId: message.requestId, json: serialise(result) });
  } catch (thrown) {
    send({ type: 'error', requestId: message.requestId, error: toWireError(thrown) });
  }
  afterwards();
}

function start(): void {
  const data = readWorkerData(workerData);
  let bundle: LoadedBundle;
  let main: Main;
  try {
    bundle = loadBundle(data.bundlePath, data.codeCacheDir);
    main = mainOf(bundle, data.bundlePath);
  } catch (thrown) {
    send({ type: 'init-error', error: toWireError(thrown) });
    return;
  }
  parentPort?.on('message', (raw: unknown) => {
    const message = parseInvokeMessage(raw);
    // The code cache is written after the answer is sent, so it never delays an invocation.
    if (message) void run(main, message, () => setImmediate(() => bundle.saveCache()));
  });
  send({ type: 'ready' });
}

start();
