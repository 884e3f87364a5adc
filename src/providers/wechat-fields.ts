// WeChat Pay's shared vocabulary, spoken alike by cloudPay, APIv2 and APIv3: the trade states of an order, how
// its text and numbers are sized and written. What only one protocol says stays in that provider's folder.
import { ProviderError, type PaymentState, type PaymentStatus, type RefundState } from './payment-provider';

/**
 * trade_state (cloudPay's tradeState) → our PaymentState. REFUND is still a paid order: its refunds are tracked
 * apart. APIv3 adds ACCEPT on top of these (see wechatpay-v3/provider.ts).
 */
export const TRADE_STATES: Readonly<Record<string, PaymentState>> = {
  SUCCESS: 'PAID',
  REFUND: 'PAID',
  NOTPAY: 'NOT_PAID',
  USERPAYING: 'PAYING',
  CLOSED: 'CLOSED',
  REVOKED: 'CLOSED',
  PAYERROR: 'FAILED',
};

/** Cuts text to at most `max` UTF-8 bytes without splitting a character (WeChat limits body/attach in bytes). */
export function fitBytes(text: string, max: number): string {
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (bytes + size > max) break;
    out += ch;
    bytes += size;
  }
  return out;
}

/** Cuts text to at most `max` characters (refund_desc / reason are limited in characters, not bytes). */
export function fitChars(text: string, max: number): string {
  return Array.from(text).slice(0, max).join('');
}

/** A fen amount as WeChat writes it, a number or a string of digits; anything else is undefined. */
export function integer(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^[0-9]{1,12}$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) ? n : undefined;
}

/** yyyyMMddHHmmss in China time (APIv2's and cloudPay's time_end). */
export function parseChinaTime(text: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number);
  return new Date(Date.UTC(y, mo - 1, d, h - 8, mi, s));
}

/**
 * refund_status as APIv2 and cloudPay write it → our RefundState (APIv3 words it differently: its own table).
 * CHANGE is not a failure: WeChat could not pay the money out and still counts it against the payment.
 */
export const REFUND_STATUSES: Readonly<Record<string, RefundState>> = {
  SUCCESS: 'SUCCEEDED',
  PROCESSING: 'PROCESSING',
  REFUNDCLOSE: 'FAILED',
  CHANGE: 'ABNORMAL',
};

/**
 * What an order query says about a payment, from the fields APIv2 and cloudPay share under their own names
 * (total_fee/totalFee, mch_id/subMchId, transaction_id, time_end, attach): a field that is absent or unreadable is left out.
 */
export function queriedPayment(
  state: PaymentState,
  outTradeNo: string,
  answer: { totalFee: unknown; merchantId: unknown; transactionId: unknown; timeEnd: unknown; attach: unknown },
): PaymentStatus {
  const status: PaymentStatus = { state, outTradeNo };
  const fee = integer(answer.totalFee);
  if (fee !== undefined) status.totalFee = fee;
  if (answer.merchantId) status.merchantId = String(answer.merchantId);
  if (answer.transactionId) status.transactionId = String(answer.transactionId);
  const paidAt = answer.timeEnd ? parseChinaTime(String(answer.timeEnd)) : undefined;
  if (paidAt) status.paidAt = paidAt;
  if (typeof answer.attach === 'string') status.attach = answer.attach;
  return status;
}

/** How a protocol spells the refusals of closing an order (APIv2 and cloudPay: ORDERPAID…; APIv3: ORDER_PAID…). */
export interface CloseRefusals {
  paid: string;
  closed: string;
  notExist: string;
}

export const V2_CLOSE_REFUSALS: CloseRefusals = { paid: 'ORDERPAID', closed: 'ORDERCLOSED', notExist: 'ORDERNOTEXIST' };

/**
 * Closes an order with `close`, and reads WeChat's refusal: paid already is ALREADY_PAID; closed already, or never
 * created at WeChat Pay (the order call failed), is CLOSED, since either way nobody can pay it. Anything else throws.
 */
export async function closeOrder(close: () => Promise<unknown>, refusals: CloseRefusals): Promise<'CLOSED' | 'ALREADY_PAID'> {
  try {
    await close();
    return 'CLOSED';
  } catch (err) {
    if (err instanceof ProviderError && err.code === refusals.paid) return 'ALREADY_PAID';
    if (err instanceof ProviderError && (err.code === refusals.closed || err.code === refusals.notExist)) return 'CLOSED';
    throw err;
  }
}
