// The check every merchant-only page makes before loading: who is this, and are they the merchant? The server
// refuses anyone else regardless; this only decides what the page shows instead of its content.
import type { MeData } from '../../typings/api';
import { errorText } from '../domain/errors';
import { fetchMe } from '../services/session';
import { failed, type LoadState } from '../view-models/load-state';

export type MerchantGate = { ok: true; me: MeData } | { ok: false; state: LoadState };

/** `forbiddenText` is what a buyer who opened the page sees, worded for that page. */
export async function checkMerchant(forbiddenText: string): Promise<MerchantGate> {
  const me = await fetchMe();
  if (!me.ok) return { ok: false, state: failed(me.code, errorText(me.code)) };
  if (!me.data.isMerchant) return { ok: false, state: failed('FORBIDDEN', forbiddenText) };
  return { ok: true, me: me.data };
}
