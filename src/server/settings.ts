// Settings come from one document, settings/shop (see docs/functions.md). Warm instances reuse them for a short
// while: one database round trip fewer per call, and a console edit still takes effect within a minute.
import { parseSettings, type Settings } from '../domain/settings';
import { AppError } from '../domain/errors';
import { COLLECTIONS, type Store } from './store';
import { log } from './logger';

export const SETTINGS_DOC_ID = 'shop';
const CACHE_MS = 30_000;
let cached: { settings: Settings; until: number } | undefined;

/**
 * How long a warm instance reuses settings: 30 s, or the function's SETTINGS_CACHE_SECONDS (0..300; 0 reads them on
 * every call, e.g. a test that edits settings/shop between calls, as the channel-switch tests do).
 */
export function settingsCacheMs(variable = process.env.SETTINGS_CACHE_SECONDS): number {
  if (variable === undefined || variable.trim() === '') return CACHE_MS;
  const seconds = Number(variable);
  return Number.isInteger(seconds) && seconds >= 0 && seconds <= 300 ? seconds * 1000 : CACHE_MS;
}

export async function loadSettings(store: Store, now = Date.now()): Promise<Settings> {
  if (cached && cached.until > now) return cached.settings;
  const { data } = await store.collection(COLLECTIONS.settings).where({ _id: SETTINGS_DOC_ID }).limit(1).get();
  const result = parseSettings(data[0]);
  if (!result.ok) {
    log('error', 'settings.invalid', { problems: result.problems });
    throw new AppError('INTERNAL', `the shop is not configured correctly: ${result.problems.join('; ')}`);
  }
  cached = { settings: result.settings, until: now + settingsCacheMs() };
  return result.settings;
}
