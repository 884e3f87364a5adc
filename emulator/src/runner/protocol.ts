// Messages between the runner (main thread) and a function instance (worker thread). Both sides validate
// what they receive: the worker runs user code, so nothing it sends is trusted to have the right shape.

export interface WorkerData {
  bundlePath: string;
  functionName: string;
  /** Where compiled code is cached between cold starts; none means always compile. */
  codeCacheDir?: string;
}

/** An error as it crosses the thread boundary (Error objects lose their class on the way). */
export interface WireError {
  name: string;
  message: string;
  stack?: string;
}

export interface InvokeMessage {
  type: 'invoke';
  requestId: string;
  event: unknown;
  /** The SCF-style context object handed to main(event, context). */
  context: Record<string, unknown>;
  /** This invocation's context variables; the worker removes the previous invocation's first. */
  env: Record<string, string>;
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'init-error'; error: WireError }
  | { type: 'result'; requestId: string; json: string }
  | { type: 'error'; requestId: string; error: WireError };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asWireError(value: unknown): WireError | undefined {
  if (!isRecord(value) || typeof value.name !== 'string' || typeof value.message !== 'string') return undefined;
  return { name: value.name, message: value.message, stack: typeof value.stack === 'string' ? value.stack : undefined };
}

export function parseWorkerMessage(value: unknown): WorkerMessage | undefined {
  if (!isRecord(value)) return undefined;
  switch (value.type) {
    case 'ready':
      return { type: 'ready' };
    case 'init-error': {
      const error = asWireError(value.error);
      return error && { type: 'init-error', error };
    }
    case 'result':
      return typeof value.requestId === 'string' && typeof value.json === 'string'
        ? { type: 'result', requestId: value.requestId, json: value.json }
        : undefined;
    case 'error': {
      const error = asWireError(value.error);
      return typeof value.requestId === 'string' && error ? { type: 'error', requestId: value.requestId, error } : undefined;
    }
    default:
      return undefined;
  }
}

export function parseInvokeMessage(value: unknown): InvokeMessage | undefined {
  if (!isRecord(value) || value.type !== 'invoke' || typeof value.requestId !== 'string') return undefined;
  if (!isRecord(value.context) || !isRecord(value.env)) return undefined;
  const env: Record<string, string> = {};
  for (const [key, v] of Object.entries(value.env)) {
    if (typeof v !== 'string') return undefined;
    env[key] = v;
  }
  return { type: 'invoke', requestId: value.requestId, event: value.event, context: value.context, env };
}

/** Whatever a function throws (an Error, a string, anything) becomes a WireError. */
export function toWireError(thrown: unknown): WireError {
  if (thrown instanceof Error) return { name: thrown.name, message: thrown.message, stack: thrown.stack };
  if (isRecord(thrown) && typeof thrown.message === 'string') {
    return { name: typeof thrown.name === 'string' ? thrown.name : 'Error', message: thrown.message };
  }
  return { name: 'Error', message: typeof thrown === 'string' ? thrown : safeString(thrown) };
}

function safeString(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
