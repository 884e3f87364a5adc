// The after-sale form's rules, apart from the page: which lines and how many, what that costs, which reasons fit.
import type { Fen, OrderDetail, ReceiptState, RefundLineRequest, RefundType } from '../../typings/api';
import { formatFen, parseYuanText } from '../utils/money';
import { AFTERSALE } from './aftersale-contract';
import { cleanText, textLength } from './limits';

export interface LineState {
  /** The order line: product and SKU (orderLineKey on the server); two SKUs of one product are two lines. */
  key: string;
  productId: string;
  skuId?: string;
  name: string;
  /** The spec bought, e.g. 500g; '' without specs. */
  spec: string;
  unitPrice: Fen;
  /** What may still be asked back of this line. */
  max: number;
  quantity: number;
}

const lineKey = (l: { productId: string; skuId?: string | undefined }): string => (l.skuId ? `${l.productId}/${l.skuId}` : l.productId);

/** Lines with what is left of each (other open or refunded requests took the rest); all of it by default. */
export function initialLines(order: Pick<OrderDetail, 'items' | 'refunds'>): LineState[] {
  const taken = new Map<string, number>();
  for (const r of order.refunds) {
    if (r.status === 'REJECTED' || r.status === 'CANCELLED' || r.status === 'FAILED') continue;
    // A refund from before SKU-level lines names only the product: it took from that product's (single) line.
    for (const l of r.items ?? []) {
      const key = lineKey(l.skuId ? l : (order.items.find((i) => i.productId === l.productId) ?? l));
      taken.set(key, (taken.get(key) ?? 0) + l.quantity);
    }
  }
  return order.items
    .map((i) => ({
      key: lineKey(i),
      productId: i.productId,
      ...(i.skuId ? { skuId: i.skuId } : {}),
      name: i.name,
      spec: i.spec ?? '',
      unitPrice: i.unitPrice,
      max: Math.max(0, i.quantity - (taken.get(lineKey(i)) ?? 0)),
      quantity: 0,
    }))
    .filter((l) => l.max > 0)
    .map((l) => ({ ...l, quantity: l.max }));
}

/** What the chosen lines cost, never more than the order still holds. */
export function linesMax(lines: readonly LineState[], refundable: Fen): Fen {
  return Math.min(refundable, lines.reduce((sum, l) => sum + l.unitPrice * l.quantity, 0));
}

/** The receipt state the order decides, or undefined when the buyer must say (shipped, not confirmed). */
export function fixedReceipt(status: OrderDetail['status'], shipped: boolean): ReceiptState | undefined {
  if (!shipped) return 'NOT_RECEIVED';
  if (status === 'COMPLETED') return 'RECEIVED';
  return undefined;
}

export function reasonsFor(receipt: ReceiptState): readonly string[] {
  return AFTERSALE.reasons[receipt];
}

export interface AfterSaleFormInput {
  type: RefundType;
  receipt: ReceiptState;
  lines: LineState[];
  amountText: string;
  reasonIndex: number;
  note: string;
}

export type AfterSaleFormCheck =
  | { ok: true; request: { type: RefundType; receipt: ReceiptState; items: RefundLineRequest[]; refundFee: Fen; reason: string; note?: string } }
  | { ok: false; errors: { items?: string; amount?: string; reason?: string; note?: string } };

export function checkAfterSaleForm(input: AfterSaleFormInput, refundable: Fen): AfterSaleFormCheck {
  const errors: { items?: string; amount?: string; reason?: string; note?: string } = {};
  const chosen = input.lines.filter((l) => l.quantity > 0);
  if (chosen.length === 0) errors.items = '请选择要退的商品';
  const max = linesMax(chosen, refundable);
  const fee = parseYuanText(input.amountText);
  if (fee === null) errors.amount = '请填写正确的金额，最多两位小数';
  else if (fee <= 0) errors.amount = '退款金额必须大于 0';
  else if (fee > max) errors.amount = `最多可退 ${formatFen(max)}`;
  const reason = reasonsFor(input.receipt)[input.reasonIndex];
  const note = cleanText(input.note);
  if (!reason) errors.reason = '请选择原因';
  if (textLength(note) > AFTERSALE.noteMaxLength) errors.note = `补充说明最多 ${AFTERSALE.noteMaxLength} 字`;
  else if (reason === AFTERSALE.otherReason && note === '') errors.note = '选择“其他原因”时请写明原因';
  if (errors.items || errors.amount || errors.reason || errors.note || fee === null || !reason) return { ok: false, errors };
  return {
    ok: true,
    request: { type: input.type, receipt: input.receipt, items: chosen.map((l) => ({ productId: l.productId, ...(l.skuId ? { skuId: l.skuId } : {}), quantity: l.quantity })), refundFee: fee, reason, ...(note ? { note } : {}) },
  };
}
