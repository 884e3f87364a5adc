// Test barriers: make two function invocations interleave on purpose. A barrier holds the admin requests it names
// (by action, collection, document, calling function) until every one of its parties has arrived, then lets them
// run one after another in the order the parties are listed, each to its end before the next starts. A race test
// can so put two invocations' reads before either's write, every time, instead of hoping that cold starts overlap.
// In-process code (tests) reaches them as `cloud.barriers`; the HTTP control route exists only when the local cloud
// was started with `testBarriers: true` (`--test-barriers`), so no web page or stray process can stall requests.
import type { AdminCaller, AdminParams, LocalCloudHost } from './contracts';
import { json, parseJsonBody } from './http/router';

/** What a barrier can tell about an admin request. */
export interface AdminRequestInfo {
  action: string;
  collection?: string;
  /** The function whose invocation sent the request (absent for tools and tests calling /admin directly). */
  functionName?: string;
  /** The `_id` a query names (`doc(id)` or `where({_id: id, …})`), or the first inserted document's. */
  docId?: string;
  inTransaction: boolean;
}

/** Every given field must equal the request's; an empty match takes any request. */
export interface RequestMatch {
  action?: string;
  collection?: string;
  functionName?: string;
  docId?: string;
  inTransaction?: boolean;
}

export interface BarrierSpec {
  /** Shown in errors and in the control API; default `barrier-<n>`. */
  name?: string;
  /** One request per entry is held; once all have arrived they run in this order. */
  parties: RequestMatch[];
  /** When not all parties arrive in this time, the ones held run anyway and the barrier reports `timed-out`. Default 10 s. */
  timeoutMs?: number;
}

export type BarrierState = 'waiting' | 'released' | 'timed-out' | 'cancelled';

export interface Barrier {
  readonly name: string;
  state(): BarrierState;
  /** How many parties have arrived so far. */
  arrived(): number;
  /** Settles when the barrier stops holding: `released` means the race really happened. */
  readonly settled: Promise<BarrierState>;
}

export interface BarrierView {
  name: string;
  state: BarrierState;
  arrived: number;
  parties: RequestMatch[];
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** A held request whose invocation ended while it waited (see TestBarriers.pass). */
export class HeldRequestDropped extends Error {
  constructor(request: AdminRequestInfo) {
    super(`${request.action} of ${request.functionName ?? 'a caller'} was held past the end of its invocation and dropped`);
    this.name = 'HeldRequestDropped';
  }
}
const MATCH_KEYS = ['action', 'collection', 'functionName', 'docId', 'inTransaction'] as const;

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

interface Slot {
  match: RequestMatch;
  filled: boolean;
  turn: Deferred;
  finished: Deferred;
}

class HeldBarrier implements Barrier {
  private current: BarrierState = 'waiting';
  private readonly timer: NodeJS.Timeout;
  private settle!: (state: BarrierState) => void;
  readonly settled = new Promise<BarrierState>((r) => (this.settle = r));

  constructor(
    readonly name: string,
    readonly slots: Slot[],
    timeoutMs: number,
  ) {
    this.timer = setTimeout(() => this.open('timed-out'), timeoutMs);
    this.timer.unref();
  }

  state(): BarrierState {
    return this.current;
  }

  arrived(): number {
    return this.slots.filter((s) => s.filled).length;
  }

  /** The free slot this request fills, if the barrier is still waiting for it. */
  take(request: AdminRequestInfo): Slot | undefined {
    if (this.current !== 'waiting') return undefined;
    const slot = this.slots.find((s) => !s.filled && matches(s.match, request));
    if (!slot) return undefined;
    slot.filled = true;
    if (this.slots.every((s) => s.filled)) this.open('released');
    return slot;
  }

  open(state: Exclude<BarrierState, 'waiting'>): void {
    if (this.current !== 'waiting') return;
    this.current = state;
    clearTimeout(this.timer);
    this.settle(state);
    void this.runInOrder();
  }

  private async runInOrder(): Promise<void> {
    for (const slot of this.slots) {
      if (!slot.filled) continue;
      slot.turn.resolve();
      await slot.finished.promise;
    }
  }

  view(): BarrierView {
    return { name: this.name, state: this.current, arrived: this.arrived(), parties: this.slots.map((s) => s.match) };
  }
}

function matches(match: RequestMatch, request: AdminRequestInfo): boolean {
  return MATCH_KEYS.every((k) => match[k] === undefined || match[k] === request[k]);
}

const RECENT_KEPT = 50;

export class TestBarriers {
  private readonly barriers: HeldBarrier[] = [];
  /** Barriers that stopped holding, newest last, so the control API can tell how they ended. */
  private readonly recent: HeldBarrier[] = [];
  private count = 0;

  hold(spec: BarrierSpec): Barrier {
    const parties = validParties(spec.parties);
    const timeoutMs = spec.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!(Number.isFinite(timeoutMs) && timeoutMs > 0 && timeoutMs <= 600_000)) throw new Error('timeoutMs must be a number of milliseconds in 1..600000');
    const name = spec.name ?? `barrier-${++this.count}`;
    const slots = parties.map((match) => ({ match, filled: false, turn: deferred(), finished: deferred() }));
    const barrier = new HeldBarrier(name, slots, timeoutMs);
    this.barriers.push(barrier);
    void barrier.settled.then(() => this.forget(barrier));
    return barrier;
  }

  /** Lets every held request go and drops every barrier (the local cloud calls this when it closes). */
  clear(): void {
    for (const b of [...this.barriers]) b.open('cancelled');
  }

  /** Whether any barrier is waiting (only then is a request described and checked). */
  holding(): boolean {
    return this.barriers.length > 0;
  }

  /** Waiting barriers, then the last ones that stopped holding. */
  list(): BarrierView[] {
    return [...this.barriers, ...this.recent].map((b) => b.view());
  }

  /**
   * Runs an admin request, first waiting at the barrier that holds it, if any. A held request whose sender is gone
   * by its turn (`senderGone`: its invocation timed out and the runner terminated the instance) is dropped, not run:
   * a held request so plays a crash right before it, as a crash test wants (docs/race-tests.md).
   */
  async pass<T>(request: AdminRequestInfo, run: () => Promise<T>, senderGone?: () => boolean): Promise<T> {
    let slot: Slot | undefined;
    for (const b of this.barriers) {
      slot = b.take(request);
      if (slot) break;
    }
    if (!slot) return run();
    await slot.turn.promise;
    try {
      if (senderGone?.()) throw new HeldRequestDropped(request);
      return await run();
    } finally {
      slot.finished.resolve();
    }
  }

  private forget(barrier: HeldBarrier): void {
    const i = this.barriers.indexOf(barrier);
    if (i >= 0) this.barriers.splice(i, 1);
    this.recent.push(barrier);
    if (this.recent.length > RECENT_KEPT) this.recent.shift();
  }
}

function validParties(parties: unknown): RequestMatch[] {
  if (!Array.isArray(parties) || parties.length === 0 || parties.length > 50) throw new Error('parties must be a list of 1..50 request matches');
  return parties.map((p, i) => {
    if (!p || typeof p !== 'object' || Array.isArray(p)) throw new Error(`parties[${i}] must be an object`);
    const match: RequestMatch = {};
    for (const [k, v] of Object.entries(p as Record<string, unknown>)) {
      if (k === 'inTransaction') {
        if (typeof v !== 'boolean') throw new Error(`parties[${i}].inTransaction must be true or false`);
        match.inTransaction = v;
      } else if ((MATCH_KEYS as readonly string[]).includes(k)) {
        if (typeof v !== 'string' || v === '') throw new Error(`parties[${i}].${k} must be a non-empty string`);
        match[k as Exclude<keyof RequestMatch, 'inTransaction'>] = v;
      } else {
        throw new Error(`parties[${i}] has an unknown field ${JSON.stringify(k)} (known: ${MATCH_KEYS.join(', ')})`);
      }
    }
    return match;
  });
}

/** Reads what a barrier may match on from an admin request, without trusting its shape. */
export function describeAdminRequest(params: AdminParams, caller: AdminCaller): AdminRequestInfo {
  const info: AdminRequestInfo = { action: typeof params.action === 'string' ? params.action : '', inTransaction: typeof params.transactionId === 'string' && params.transactionId !== '' };
  if (typeof params.collectionName === 'string') info.collection = params.collectionName;
  if (caller.functionName) info.functionName = caller.functionName;
  const named = idOf(params.query) ?? (Array.isArray(params.data) ? idOf(params.data[0]) : undefined);
  if (named !== undefined) info.docId = named;
  return info;
}

function idOf(ejson: unknown): string | undefined {
  if (typeof ejson !== 'string' || ejson.length > 100_000) return undefined;
  try {
    const parsed: unknown = JSON.parse(ejson);
    const id = parsed && typeof parsed === 'object' ? (parsed as { _id?: unknown })._id : undefined;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

/** The control API, for a local cloud started with `testBarriers: true`: same specs as `hold`, as JSON. */
export function installBarrierRoutes(registerRoute: LocalCloudHost['registerRoute'], barriers: TestBarriers): void {
  registerRoute('GET', /^\/test\/barriers$/, () => json(200, { barriers: barriers.list() }));
  registerRoute('POST', /^\/test\/barriers$/, (req) => {
    const body = parseJsonBody(req);
    if (!body.ok) return body.reply;
    const spec = (body.value ?? {}) as { name?: unknown; parties?: unknown; timeoutMs?: unknown };
    try {
      if (spec.name !== undefined && typeof spec.name !== 'string') throw new Error('name must be a string');
      if (spec.timeoutMs !== undefined && typeof spec.timeoutMs !== 'number') throw new Error('timeoutMs must be a number');
      // `hold` checks the parties themselves, whatever their shape.
      const barrier = barriers.hold({ name: spec.name, parties: spec.parties as RequestMatch[], timeoutMs: spec.timeoutMs });
      return json(201, { name: barrier.name, state: barrier.state() });
    } catch (err) {
      return json(400, { code: 'INVALID_BARRIER', message: err instanceof Error ? err.message : String(err) });
    }
  });
  registerRoute('DELETE', /^\/test\/barriers$/, () => {
    barriers.clear();
    return json(200, { barriers: barriers.list() });
  });
}
