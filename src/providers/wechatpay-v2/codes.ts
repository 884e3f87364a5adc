// What an APIv2 `err_code` (with result_code=FAIL) means for the caller: the call may have taken effect (repeat it
// with the same numbers, or query), nothing happened but a later try may work, or WeChat Pay said a definite no.
// Sources: WeChat Pay's per-API error tables (unifiedorder, orderquery, closeorder, refund, refundquery).
import { ProviderError, ProviderOutcomeUnknown } from '../payment-provider';

/** "请使用相同参数再次调用": WeChat may or may not have acted. A refund answered so stays open, never ends. */
const OUTCOME_UNKNOWN = new Set(['SYSTEMERROR', 'BIZERR_NEED_RETRY']);

/**
 * Definite answers about the request itself. Anything not listed here (a rate limit, an empty balance, a code
 * WeChat adds tomorrow) is taken as "try again later": nothing is marked failed on a guess.
 */
const FINAL = new Set([
  'ORDERPAID',
  'ORDERCLOSED',
  'ORDERNOTEXIST',
  'REFUNDNOTEXIST',
  'OUT_TRADE_NO_USED',
  'INVALID_REQUEST',
  'TRADE_OVERDUE',
  'INVALID_TRANSACTIONID',
  'PARAM_ERROR',
  'REFUND_FEE_MISMATCH',
  'LACK_PARAMS',
  'NOAUTH',
  // The buyer's account is closed or frozen: "退款申请失败，商户可自行处理". Retrying cannot help; the refund fails
  // and its money is released, for the merchant to return another way.
  'USER_ACCOUNT_ABNORMAL',
]);

/** The same call, repeated later, may succeed; the caller keeps the request open (a refund stays PROCESSING). */
export const RETRY_LATER = ['FREQUENCY_LIMITED', 'INVALID_REQ_TOO_MUCH', 'NOTENOUGH', 'ORDER_NOT_READY'] as const;

/**
 * The typed error for a FAIL result. `acts`: the call changes something at WeChat Pay (unifiedorder, closeorder,
 * refund), so an unknown outcome must be resolved by repeating or querying, never by assuming nothing happened.
 */
export function v2Failure(api: string, acts: boolean, errCode: string | undefined, description: string | undefined): ProviderError {
  const code = errCode && /^[A-Z0-9_]{2,64}$/.test(errCode) ? errCode : 'UNCLASSIFIED';
  const message = `wechatpay-v2 ${api}: ${code}${description ? ` ${description.slice(0, 120)}` : ''}`;
  if (OUTCOME_UNKNOWN.has(code)) return acts ? new ProviderOutcomeUnknown(code, message) : new ProviderError(code, message, true);
  return new ProviderError(code, message, !FINAL.has(code));
}
