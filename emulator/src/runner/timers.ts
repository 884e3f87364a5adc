// Runs the timer triggers that functions declare in config.json, like CloudBase does: at each time the cron
// expression matches, the function is invoked with a Timer event and SOURCE wx_trigger; its answer goes nowhere.
import type { FunctionRunner, InvokeOutcome } from '../contracts';
import { nextFire, parseCron } from './cron';

export interface TimerEvent {
  Type: 'Timer';
  TriggerName: string;
  /** When it fired, ISO 8601 in UTC to the second. */
  Time: string;
  Message: string;
}

export function timerEvent(triggerName: string, at: Date): TimerEvent {
  return { Type: 'Timer', TriggerName: triggerName, Time: `${at.toISOString().slice(0, 19)}Z`, Message: '' };
}

export interface TimerOptions {
  log?(event: string, fields?: Record<string, unknown>): void;
  /** Called with each firing's outcome (the page can show the last one). */
  onFired?(functionName: string, triggerName: string, outcome: InvokeOutcome): void;
}

export interface TimerTriggers {
  /** Every trigger that is scheduled, with its next time. */
  scheduled(): Array<{ functionName: string; triggerName: string; config: string; next: string }>;
  stop(): void;
}

/** Longest single setTimeout; later fires are reached in hops. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** Schedules the triggers of the functions built when it starts (restart the local cloud after adding one). */
export function startTimerTriggers(runner: FunctionRunner, options: TimerOptions = {}): TimerTriggers {
  const log = options.log ?? (() => undefined);
  const timers = new Set<NodeJS.Timeout>();
  const entries: Array<{ functionName: string; triggerName: string; config: string; next?: Date }> = [];
  let stopped = false;

  function schedule(entry: (typeof entries)[number], fire: (at: Date) => void, next: Date | undefined): void {
    entry.next = next;
    if (!next || stopped) return;
    const delay = Math.min(Math.max(next.getTime() - Date.now(), 0), MAX_DELAY_MS);
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (Date.now() < next.getTime()) schedule(entry, fire, next);
      else fire(next);
    }, delay);
    timer.unref();
    timers.add(timer);
  }

  for (const functionName of runner.names()) {
    for (const trigger of runner.config(functionName)?.triggers ?? []) {
      const parsed = parseCron(trigger.config);
      if (!parsed.ok) {
        log('function.timer.invalid', { name: functionName, trigger: trigger.name, message: parsed.message });
        continue;
      }
      const entry = { functionName, triggerName: trigger.name, config: trigger.config, next: undefined as Date | undefined };
      entries.push(entry);
      const fire = (at: Date): void => {
        // Schedule the next one first: a slow invocation does not delay the timetable, as in the cloud.
        schedule(entry, fire, nextFire(parsed.cron, at));
        void runner.invoke({ name: functionName, event: timerEvent(trigger.name, at), source: 'wx_trigger' }).then((outcome) => {
          log('function.timer', { name: functionName, trigger: trigger.name, outcome: outcome.ok ? 'ok' : outcome.code, requestId: outcome.requestId });
          options.onFired?.(functionName, trigger.name, outcome);
        });
      };
      schedule(entry, fire, nextFire(parsed.cron, new Date()));
    }
  }

  return {
    scheduled: () =>
      entries.filter((e) => e.next).map((e) => ({ functionName: e.functionName, triggerName: e.triggerName, config: e.config, next: (e.next as Date).toISOString() })),
    stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
