// One warm-able function instance: a worker thread running the bundle, one invocation at a time.
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { parseWorkerMessage, type InvokeMessage, type WireError, type WorkerData } from './protocol';
import type { FunctionBundle } from './catalog';

export type RunResult =
  | { kind: 'result'; json: string }
  /** main() threw or rejected; the instance is still usable, as in SCF. */
  | { kind: 'error'; error: WireError }
  /** The instance died during the invocation (uncaught exception, process.exit, out of memory). */
  | { kind: 'crash'; message: string }
  /** Past the time limit; the instance has been terminated. */
  | { kind: 'timeout' };

export type InstanceState = 'starting' | 'idle' | 'busy' | 'dead';

export interface InstanceOptions {
  workerScript: string;
  bundle: FunctionBundle;
  env: Record<string, string>;
  memoryMb: number;
  codeCacheDir?: string;
  /** How long loading the bundle may take before the instance is given up. */
  initTimeoutMs: number;
  onOutput(stream: 'stdout' | 'stderr', text: string, requestId: string | undefined): void;
  onDeath(instance: FunctionInstance, reason: string): void;
}

interface Running {
  requestId: string;
  settle(result: RunResult): void;
}

export class InitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InitError';
  }
}

export class FunctionInstance {
  readonly id = randomUUID();
  readonly version: string;
  state: InstanceState = 'starting';
  /** Set by the pool while the instance waits for work. */
  idleTimer: NodeJS.Timeout | undefined;
  /** Order of the last release, so the pool reuses the most recently used instance and lets others go idle. */
  lastReleased = 0;
  private readonly worker: Worker;
  private readonly readyPromise: Promise<void>;
  private running: Running | undefined;
  private markReady!: () => void;
  private failInit!: (error: InitError) => void;

  constructor(private readonly options: InstanceOptions) {
    this.version = options.bundle.version;
    this.readyPromise = new Promise<void>((resolve, reject) => {
      this.markReady = resolve;
      this.failInit = reject;
    });
    // Nobody may be waiting when an instance dies before its first invocation; that must not be unhandled.
    this.readyPromise.catch(() => undefined);
    const workerData: WorkerData = { bundlePath: options.bundle.bundlePath, functionName: options.bundle.name, codeCacheDir: options.codeCacheDir };
    this.worker = new Worker(options.workerScript, {
      workerData,
      env: options.env,
      stdout: true,
      stderr: true,
      // Like an SCF instance's memory size: a function that exceeds it dies alone, not the local cloud.
      resourceLimits: { maxOldGenerationSizeMb: options.memoryMb },
    });
    const initTimer = setTimeout(() => {
      this.die(`the instance did not finish loading within ${options.initTimeoutMs} ms`);
    }, options.initTimeoutMs);
    initTimer.unref();
    this.readyPromise.then(() => clearTimeout(initTimer), () => clearTimeout(initTimer));
    this.worker.stdout.on('data', (chunk: Buffer) => options.onOutput('stdout', chunk.toString(), this.running?.requestId));
    this.worker.stderr.on('data', (chunk: Buffer) => options.onOutput('stderr', chunk.toString(), this.running?.requestId));
    this.worker.on('message', (raw: unknown) => this.onMessage(raw));
    this.worker.on('error', (error: Error) => this.die(`${error.name}: ${error.message}`));
    this.worker.on('exit', (code: number) => this.die(`the instance exited with code ${code}`));
  }

  /** Resolves once the bundle is loaded; rejects with an InitError when it cannot be. */
  ready(): Promise<void> {
    return this.readyPromise;
  }

  run(message: InvokeMessage, timeoutMs: number): Promise<RunResult> {
    if (this.state === 'dead') return Promise.resolve({ kind: 'crash', message: 'the instance is no longer running' });
    if (this.running) throw new Error('an instance runs one invocation at a time');
    return new Promise<RunResult>((resolve) => {
      const timer = setTimeout(() => {
        settle({ kind: 'timeout' });
        this.die('timed out');
      }, timeoutMs);
      const settle = (result: RunResult) => {
        if (this.running?.requestId !== message.requestId) return;
        clearTimeout(timer);
        this.running = undefined;
        resolve(result);
      };
      this.running = { requestId: message.requestId, settle };
      try {
        this.worker.postMessage(message);
      } catch (e) {
        settle({ kind: 'error', error: { name: 'TypeError', message: `the event cannot be sent: ${(e as Error).message}` } });
      }
    });
  }

  terminate(): Promise<unknown> {
    this.die('retired');
    return this.worker.terminate();
  }

  private onMessage(raw: unknown): void {
    const message = parseWorkerMessage(raw);
    if (!message) return;
    switch (message.type) {
      case 'ready':
        this.markReady();
        return;
      case 'init-error':
        this.die(`${message.error.name}: ${message.error.message}`);
        return;
      case 'result':
        if (this.running?.requestId === message.requestId) this.running.settle({ kind: 'result', json: message.json });
        return;
      case 'error':
        if (this.running?.requestId === message.requestId) this.running.settle({ kind: 'error', error: message.error });
        return;
    }
  }

  /** Idempotent: the first reason wins, whatever event (error, exit, timeout, retirement) comes first. */
  private die(reason: string): void {
    if (this.state === 'dead') return;
    this.state = 'dead';
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.failInit(new InitError(reason));
    this.running?.settle({ kind: 'crash', message: reason });
    void this.worker.terminate();
    this.options.onDeath(this, reason);
  }
}
