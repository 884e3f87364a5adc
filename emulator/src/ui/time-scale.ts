// `--time-scale F` with `--demo` also shortens the shop's own timers, so a developer sees an unpaid order closed,
// a late payment callback waited for and a refund polled in seconds: the demo settings' unpaidTimeoutSeconds,
// notifyGraceSeconds and refundPollSeconds are multiplied by F (at least 1 second; 0 stays 0). Only the CLI does
// this: tests choose their settings themselves.
import type { LocalCloudHost } from '../contracts';
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
