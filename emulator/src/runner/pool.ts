// The instances of one function: reuse an idle one (warm), start one when all are busy (cold), queue when
// the function is at its instance limit, retire instances that stay idle or run an outdated build.
import type { FunctionBundle } from './catalog';
import type { FunctionInstance } from './instance';

export interface Lease {
  instance: FunctionInstance;
  coldStart: boolean;
}

export interface PoolOptions {
  maxInstances: number;
  idleTimeoutMs: number;
  /** Starts an instance of the bundle (not yet ready). */
  spawn(bundle: FunctionBundle): FunctionInstance;
  onRetire(instance: FunctionInstance, reason: string): void;
}

interface Waiter {
  bundle: FunctionBundle;
  resolve(lease: Lease): void;
  reject(error: Error): void;
}

export class FunctionPool {
  private readonly instances = new Set<FunctionInstance>();
  private readonly queue: Waiter[] = [];
  private latestVersion = '';
  private releases = 0;
  private closed = false;

  constructor(private readonly options: PoolOptions) {}

  acquire(bundle: FunctionBundle): Promise<Lease> {
    if (this.closed) return Promise.reject(new Error('the function runner is closed'));
    this.noteVersion(bundle.version);
    return new Promise<Lease>((resolve, reject) => {
      this.queue.push({ bundle, resolve, reject });
      this.drain();
    });
  }

  /** The invocation ended normally: the instance waits for the next one. */
  release(instance: FunctionInstance): void {
    if (instance.state === 'dead') return this.forget(instance);
    if (instance.version !== this.latestVersion) {
      this.retire(instance, 'a newer build exists');
    } else {
      instance.state = 'idle';
      instance.lastReleased = ++this.releases;
      instance.idleTimer = setTimeout(() => {
        if (instance.state === 'idle') this.retire(instance, 'idle');
      }, this.options.idleTimeoutMs);
      instance.idleTimer.unref();
    }
    this.drain();
  }

  /** The instance died (crash, timeout, failed start): it no longer counts against the limit. */
  forget(instance: FunctionInstance): void {
    if (!this.instances.delete(instance)) return;
    this.drain();
  }

  counts(): { idle: number; busy: number } {
    let idle = 0;
    let busy = 0;
    for (const instance of this.instances) {
      if (instance.state === 'idle') idle += 1;
      else if (instance.state !== 'dead') busy += 1;
    }
    return { idle, busy };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.queue.splice(0)) waiter.reject(new Error('the function runner is closed'));
    const all = [...this.instances];
    this.instances.clear();
    await Promise.all(all.map((instance) => instance.terminate()));
  }

  private noteVersion(version: string): void {
    if (version === this.latestVersion) return;
    this.latestVersion = version;
    for (const instance of this.instances) {
      if (instance.state === 'idle' && instance.version !== version) this.retire(instance, 'a newer build exists');
    }
  }

  private retire(instance: FunctionInstance, reason: string): void {
    this.instances.delete(instance);
    this.options.onRetire(instance, reason);
    void instance.terminate();
  }

  /** Hands queued invocations to idle instances first (most recently used: keeps few instances warm), then new ones. */
  private drain(): void {
    while (this.queue.length > 0 && !this.closed) {
      const waiter = this.queue[0];
      const idle = this.mostRecentIdle(waiter.bundle.version);
      if (idle) {
        this.queue.shift();
        if (idle.idleTimer) clearTimeout(idle.idleTimer);
        idle.state = 'busy';
        waiter.resolve({ instance: idle, coldStart: false });
        continue;
      }
      if (this.instances.size >= this.options.maxInstances) {
        // At the limit: an idle instance of an older build makes room; otherwise wait for a release.
        const stale = [...this.instances].find((i) => i.state === 'idle');
        if (!stale) return;
        this.retire(stale, 'a newer build exists');
      }
      this.queue.shift();
      this.start(waiter);
    }
  }

  private start(waiter: Waiter): void {
    const instance = this.options.spawn(waiter.bundle);
    this.instances.add(instance);
    instance.ready().then(
      () => {
        instance.state = 'busy';
        waiter.resolve({ instance, coldStart: true });
      },
      (error: Error) => {
        this.forget(instance);
        waiter.reject(error);
      },
    );
  }

  private mostRecentIdle(version: string): FunctionInstance | undefined {
    let found: FunctionInstance | undefined;
    for (const instance of this.instances) {
      if (instance.state !== 'idle' || instance.version !== version) continue;
      if (!found || instance.lastReleased > found.lastReleased) found = instance;
    }
    return found;
  }
}
