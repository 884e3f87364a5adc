// When WeChat Pay delivers a result again: after a first attempt that was not acknowledged, it retries after
// 15s/15s/30s/3m/10m/20m/30m/30m/30m/60m/3h/3h/3h/6h/6h (24h4m in all), then gives up.
const S = 1000;
const M = 60 * S;
const H = 60 * M;

export const RETRY_DELAYS_MS: readonly number[] = [15 * S, 15 * S, 30 * S, 3 * M, 10 * M, 20 * M, 30 * M, 30 * M, 30 * M, 60 * M, 3 * H, 3 * H, 3 * H, 6 * H, 6 * H];

/** Attempts in all: the first one plus every retry. */
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/**
 * The wait before the next attempt after `attemptsMade` unacknowledged attempts, scaled by `timeScale`;
 * undefined once the schedule is exhausted.
 */
export function nextRetryDelay(attemptsMade: number, timeScale: number): number | undefined {
  if (attemptsMade < 1 || attemptsMade > RETRY_DELAYS_MS.length) return undefined;
  return Math.max(0, Math.round(RETRY_DELAYS_MS[attemptsMade - 1] * timeScale));
}

/** Whether a callback's answer acknowledges it: exactly `{ errcode: 0 }` (a number), as cloudPay requires. */
export function isAcknowledged(result: unknown): boolean {
  return typeof result === 'object' && result !== null && (result as { errcode?: unknown }).errcode === 0;
}
