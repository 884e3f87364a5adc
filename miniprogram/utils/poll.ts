// Looking again at something the server learns a moment later (WeChat Pay's payment or refund callback): a few
// reads with waits between them, never an endless loop.
import type { Outcome } from '../services/call';

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Reads before each wait of `waitsMs` (a wait of 0 reads at once) until the answer is no longer `pending`, a read
 * fails, or `stillWanted` says the person left. Answers the last read; `onRead` sees each one as it arrives.
 */
export async function pollWhile<T>(
  read: () => Promise<Outcome<T>>,
  pending: (data: T) => boolean,
  waitsMs: readonly number[],
  options: { stillWanted?: () => boolean; onRead?: (latest: Outcome<T>) => void } = {},
): Promise<Outcome<T>> {
  let latest: Outcome<T> = { ok: false, code: 'INTERNAL', message: 'not read' };
  for (const wait of waitsMs) {
    if (wait > 0) await pause(wait);
    if (options.stillWanted && !options.stillWanted()) break;
    latest = await read();
    options.onRead?.(latest);
    if (!latest.ok || !pending(latest.data)) break;
  }
  return latest;
}
