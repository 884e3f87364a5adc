// Settings come from one document, settings/shop (see docs/functions.md). Warm instances reuse them for a short
// while: one database round trip fewer per call, and a console edit still takes effect within a minute.
import { parseSettings, type Settings } from '../domain/settings';
import { AppError } from '../domain/errors';
import { COLLECTIONS, type Store } from './store';
import { log } from './logger';

export const SETTINGS_DOC_ID = 'shop';
const CACHE_MS = 30_000;
let cached: { settings: Settings; until: number } | undefined;

export async function loadSettings(store: Store, now = Date.now()): Promise<Settings> {
  if (cached && cached.until > now) return cached.settings;
  const { data } = await store.collection(COLLECTIONS.settings).where({ _id: SETTINGS_DOC_ID }).limit(1).get();
  const result = parseSettings(data[0]);
  if (!result.ok) {
    log('error', 'settings.invalid', { problems: result.problems });
    throw new AppError('INTERNAL', `the shop is not configured correctly: ${result.problems.join('; ')}`);
  }
  cached = { settings: result.settings, until: now + CACHE_MS };
  return result.settings;
}
