// The check every merchant-only page makes before loading: who is this, and are they the merchant? The server
// refuses anyone else regardless; this only decides what the page shows instead of its content.
import type { MeData } from '../../typings/api';
import { errorText } from '../domain/errors';
import { fetchMe } from '../services/session';
import { failed, LOADING, type LoadState } from '../view-models/load-state';

export type MerchantGate = { ok: true; me: MeData } | { ok: false; state: LoadState };

/** `forbiddenText` is what a buyer who opened the page sees, worded for that page. */
export async function checkMerchant(forbiddenText: string): Promise<MerchantGate> {
  const me = await fetchMe();
  if (!me.ok) return { ok: false, state: failed(me.code, errorText(me.code)) };
  if (!me.data.isMerchant) return { ok: false, state: failed('FORBIDDEN', forbiddenText) };
  return { ok: true, me: me.data };
}

/** What a merchant-only list page must offer for `merchantOnlyList` to start it. */
export interface MerchantListHost {
  data: { isMerchant: boolean };
  setData(patch: Record<string, unknown>): void;
  loadFirstPage(keepVisible: boolean): Promise<void>;
}

/**
 * The start of a merchant-only paged list (the desk, the refund queue): check the person, then load the first page;
 * a retry after a failure repeats only what failed. `admitted` keeps what the page needs of the person's MeData.
 */
export function merchantOnlyList(forbiddenText: string, admitted?: (host: MerchantListHost, me: MeData) => void) {
  async function start(host: MerchantListHost): Promise<void> {
    const gate = await checkMerchant(forbiddenText);
    if (!gate.ok) {
      host.setData({ state: gate.state });
      return;
    }
    admitted?.(host, gate.me);
    host.setData({ isMerchant: true });
    await host.loadFirstPage(false);
  }
  return {
    onLoad(this: MerchantListHost) {
      void start(this);
    },
    onRetry(this: MerchantListHost) {
      this.setData({ state: LOADING });
      // Once the merchant check passed, only the list is left to load.
      void (this.data.isMerchant ? this.loadFirstPage(false) : start(this));
    },
  };
}
