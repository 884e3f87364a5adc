// APIv3 errors are an HTTP status plus a JSON `{code, message}`. What a caller may do next is decided from the
// status and the code only; `message` is human text (Chinese, and WeChat rewords it) and is never read here.

export type ErrorClass =
  /** The call may have taken effect: repeat it with the same numbers, or ask with a query. */
  | 'unknown'
  /** Nothing happened, and the same call may succeed later. */
  | 'retryable'
  /** Repeating the same call will not help. */
  | 'final';

/** WeChat failed on its side while acting: SYSTEM_ERROR (500), BANK_ERROR (500). */
const OUTCOME_UNKNOWN = new Set(['SYSTEM_ERROR', 'SYSTEMERROR', 'BANK_ERROR']);
/**
 * Nothing happened; later may work: rate limit (429), merchant balance (403 NOT_ENOUGH), a close while the buyer is
 * entering the password (202 USER_PAYING). Not USER_ACCOUNT_ABNORMAL: the buyer's account is closed or frozen, "退款申请
 * 失败，商户可自行处理", a final answer like any other 4xx.
 */
const RETRY_LATER = new Set(['FREQUENCY_LIMITED', 'NOT_ENOUGH', 'USER_PAYING']);
/** Answered with a 5xx status, but a verdict on the request itself, not a failure of WeChat's. */
const FINAL_DESPITE_STATUS = new Set(['INVALID_TRANSACTIONID', 'OPENID_MISMATCH']);

/** `acts`: the call changes something at WeChat Pay (order, close, refund); a failed query never has side effects. */
export function classifyV3Error(status: number, code: string | undefined, acts: boolean): ErrorClass {
  if (code && FINAL_DESPITE_STATUS.has(code)) return 'final';
  if (code && RETRY_LATER.has(code)) return 'retryable';
  // Another 2xx than the documented 200/204 (such as 202) did not do what was asked; what it did is not known.
  if (status >= 200 && status < 300) return acts ? 'unknown' : 'retryable';
  if ((code && OUTCOME_UNKNOWN.has(code)) || status >= 500) return acts ? 'unknown' : 'retryable';
  if (status === 429) return 'retryable';
  return 'final';
}

export interface V3ErrorBody {
  code: string;
  message: string;
}

/** Reads `{code, message}` from an error answer; a body that is not one gives the status as the code. */
export function errorBody(status: number, body: Buffer): V3ErrorBody {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (parsed && typeof parsed === 'object') {
      const { code, message } = parsed as { code?: unknown; message?: unknown };
      if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{0,63}$/.test(code)) {
        return { code, message: typeof message === 'string' ? message.slice(0, 200) : '' };
      }
    }
  } catch {
    // Not JSON: a gateway page, not WeChat Pay's API.
  }
  return { code: `HTTP_${status}`, message: '' };
}
