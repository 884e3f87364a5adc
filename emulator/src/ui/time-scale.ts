// `--time-scale F` with `--demo` also shortens the shop's own timers, so a developer sees an unpaid order closed,
// a late payment callback waited for and a refund polled in seconds: the demo settings' unpaidTimeoutSeconds,
// notifyGraceSeconds and refundPollSeconds are multiplied by F (at least 1 second; 0 stays 0), and timer triggers
// (reconcile) fire on a timetable scaled the same way. Only the CLI does this: tests choose their settings themselves.
import type { FunctionRunner, LocalCloudHost } from '../contracts';
import { nextFire, parseCron } from '../runner/cron';
import { timerEvent } from '../runner/timers';
import { DEMO_SETTINGS, putDocument } from '../demo';

export const SHOP_TIMERS = ['unpaidTimeoutSeconds', 'notifyGraceSeconds', 'refundPollSeconds'] as const;

export function scaleShopTimers<T extends Record<(typeof SHOP_TIMERS)[number], number>>(settings: T, timeScale: number): T {
  const scaled = { ...settings };
  for (const key of SHOP_TIMERS) {
    const seconds = settings[key];
    scaled[key] = (seconds === 0 ? 0 : Math.max(1, Math.round(seconds * timeScale))) as T[typeof key];
  }
  return scaled;
}

/** Rewrites the demo settings with scaled timers; answers the values now in effect. */
export function applyDemoTimeScale(host: Pick<LocalCloudHost, 'db'>, timeScale: number): Record<string, number> {
  const scaled = scaleShopTimers(DEMO_SETTINGS, timeScale);
  putDocument(host, 'settings', scaled);
  return Object.fromEntries(SHOP_TIMERS.map((k) => [k, scaled[k]]));
}

/**
 * Timer triggers on a scaled timetable: a trigger due every P (from its cron expression) fires every P × F, at
 * least once a second. The CLI runs these instead of the real-time ones when --time-scale is not 1, so reconcile
 * (every 5 minutes) runs every 3 s at 0.01 and closes an order whose scaled unpaid timeout ran out.
 */
export function startScaledTimers(
  runner: FunctionRunner,
  timeScale: number,
  log: (event: string, fields: Record<string, unknown>) => void = () => undefined,
): { stop(): void; schedule: { function: string; trigger: string; everyMs: number }[] } {
  const intervals: NodeJS.Timeout[] = [];
  const schedule: { function: string; trigger: string; everyMs: number }[] = [];
  for (const name of runner.names()) {
    for (const trigger of runner.config(name)?.triggers ?? []) {
      if (trigger.type !== 'timer') continue;
      const parsed = parseCron(trigger.config);
      if (!parsed.ok) continue;
      const first = nextFire(parsed.cron, new Date());
      const second = first && nextFire(parsed.cron, first);
      if (!first || !second) continue;
      const everyMs = Math.max(1000, Math.round((second.getTime() - first.getTime()) * timeScale));
      schedule.push({ function: name, trigger: trigger.name, everyMs });
      const timer = setInterval(() => {
        void runner.invoke({ name, event: timerEvent(trigger.name, new Date()), source: 'wx_trigger' }).then((outcome) => {
          log('function.timer', { name, trigger: trigger.name, outcome: outcome.ok ? 'ok' : outcome.code, requestId: outcome.requestId, scaled: timeScale });
        });
      }, everyMs);
      timer.unref();
      intervals.push(timer);
    }
  }
  return { stop: () => intervals.forEach(clearInterval), schedule };
}
