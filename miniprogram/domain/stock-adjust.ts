// The stock page's three ways to change a SKU's shelf count, apart from the page: 入库 (put in), 出库 (take out,
// never more than is on the shelf; held stock is the orders', not the merchant's), 盘点 (set the count counted, from
// the count shown, so an order meanwhile makes it refused instead of overwritten).
import { cleanText, textLength } from './limits';

export type AdjustMode = 'IN' | 'OUT' | 'COUNT';

export const ADJUST_MODES: ReadonlyArray<{ key: AdjustMode; label: string; reason: string; placeholder: string }> = [
  { key: 'IN', label: '入库', reason: '到货入库', placeholder: '入库数量' },
  { key: 'OUT', label: '出库', reason: '损耗出库', placeholder: '出库数量' },
  { key: 'COUNT', label: '盘点', reason: '盘点', placeholder: '盘点后的数量' },
];

export const REASON_MAX = 200;
const MAX = 1_000_000;

export type AdjustRequest = { reason: string } & ({ delta: number } | { to: number; from: number });

/** The request for what was typed, or why it cannot be sent. `shelf`: the count the page shows. */
export function adjustRequest(mode: AdjustMode, quantityText: string, reasonText: string, shelf: number): { ok: true; request: AdjustRequest } | { ok: false; error: string } {
  const t = quantityText.trim();
  const n = /^\d{1,7}$/.test(t) ? Number(t) : NaN;
  if (!Number.isInteger(n) || n > MAX || (mode !== 'COUNT' && n === 0)) return { ok: false, error: mode === 'COUNT' ? '请填写盘点后的数量（0 或正整数）' : '请填写数量（正整数）' };
  if (mode === 'OUT' && n > shelf) return { ok: false, error: `货架上只有 ${shelf} 件，待付款订单占用的不能出库` };
  if (mode === 'COUNT' && n === shelf) return { ok: false, error: '数量和现在一样，不用调整' };
  const reason = cleanText(reasonText) || (ADJUST_MODES.find((m) => m.key === mode)?.reason ?? '');
  if (textLength(reason) > REASON_MAX) return { ok: false, error: `原因最多 ${REASON_MAX} 字` };
  if (mode === 'COUNT') return { ok: true, request: { to: n, from: shelf, reason } };
  return { ok: true, request: { delta: mode === 'IN' ? n : -n, reason } };
}
