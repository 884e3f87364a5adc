// Faults the control API arms for the next N calls of one cloudPay API. Kept in memory on purpose: a fault is
// part of a test scenario, not provider state, and must not outlive the run that armed it.
export const PAY_APIS = ['unifiedOrder', 'queryOrder', 'closeOrder', 'refund', 'queryRefund'] as const;
export type PayApi = (typeof PAY_APIS)[number];

/**
 * SYSTEMERROR: WeChat answers `err_code: SYSTEMERROR` and does nothing.
 * FREQUENCY_LIMITED: any API; WeChat's rate limit ("频率限制", APIv3 429), nothing changes.
 * USER_ACCOUNT_ABNORMAL: refunds only; the buyer's account is closed or frozen, WeChat refuses the refund for good
 *   ("退款申请失败，商户可自行处理"), nothing changes.
 * TIMEOUT_AFTER_ACTING: WeChat does the work, but the caller never hears back (the gateway answers 504).
 * NOTENOUGH: refunds only; the merchant's balance cannot cover the refund, nothing changes.
 * TAMPERED: WeChat does the work and answers, but fields of the answer are replaced by `patch` (snake_case keys,
 *   e.g. `{"sub_mch_id": "1900000999"}` or `{"total_fee": 1}`): what a forged or broken answer would say. It tests
 *   the checks a function makes on what the provider tells it. APIv2/v3 answers are signed after the patch, as a
 *   broken WeChat would sign them.
 * BAD_SIGNATURE: WeChat does the work and answers honestly, but the answer's signature is wrong (APIv2/APIv3; a
 *   cloudPay answer's `sign` is changed too, though nothing reads it).
 */
export const FAULT_MODES = ['SYSTEMERROR', 'FREQUENCY_LIMITED', 'TIMEOUT_AFTER_ACTING', 'NOTENOUGH', 'USER_ACCOUNT_ABNORMAL', 'TAMPERED', 'BAD_SIGNATURE'] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

/**
 * The faults that are WeChat saying no before it does anything: the `err_code` every protocol tells (APIv3 maps it
 * to its status and code), and the APIs that can answer it (all when unlisted).
 */
export const REFUSAL_FAULTS: Readonly<Partial<Record<FaultMode, { errCode: string; errCodeDes: string; apis?: readonly PayApi[] }>>> = {
  SYSTEMERROR: { errCode: 'SYSTEMERROR', errCodeDes: '系统超时，请使用相同参数再次调用' },
  FREQUENCY_LIMITED: { errCode: 'FREQUENCY_LIMITED', errCodeDes: '接口调用频率过高，请降低频率后重试' },
  NOTENOUGH: { errCode: 'NOTENOUGH', errCodeDes: '基本账户余额不足，请充值后重新发起', apis: ['refund'] },
  USER_ACCOUNT_ABNORMAL: { errCode: 'USER_ACCOUNT_ABNORMAL', errCodeDes: '用户账户异常或已注销，不能原路退回，请使用其他方式进行退款', apis: ['refund'] },
};

/** The refusal an armed fault stands for, if it is one. */
export function refusalOf(fault: ArmedFault | undefined): { errCode: string; errCodeDes: string } | undefined {
  const refusal = fault ? REFUSAL_FAULTS[fault.mode] : undefined;
  return refusal ? { errCode: refusal.errCode, errCodeDes: refusal.errCodeDes } : undefined;
}

/** Why `mode` cannot be armed for `api`, or undefined when it can. */
export function faultMisfit(api: PayApi, mode: FaultMode): string | undefined {
  const apis = REFUSAL_FAULTS[mode]?.apis;
  return apis && !apis.includes(api) ? `${mode} is a ${apis.join('/')} fault` : undefined;
}

export interface ArmedFault {
  api: PayApi;
  mode: FaultMode;
  remaining: number;
  /** TAMPERED only: the fields that replace the honest answer's. */
  patch?: Record<string, string | number>;
}

/** A patch may replace scalar answer fields only; `return_code` stays honest so the SDK still reads the answer. */
export function checkPatch(value: unknown): Record<string, string | number> | string {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return '"patch" must be an object of answer fields (snake_case)';
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '"patch" must name at least one field';
  for (const [key, v] of entries) {
    if (!/^[a-z][a-z0-9_]{0,40}$/.test(key) || key === 'return_code') return `"patch" cannot replace "${key}"`;
    if (typeof v !== 'string' && !(typeof v === 'number' && Number.isFinite(v))) return `"patch.${key}" must be a string or a number`;
  }
  return Object.fromEntries(entries) as Record<string, string | number>;
}

export function isPayApi(value: unknown): value is PayApi {
  return typeof value === 'string' && (PAY_APIS as readonly string[]).includes(value);
}

export function isFaultMode(value: unknown): value is FaultMode {
  return typeof value === 'string' && (FAULT_MODES as readonly string[]).includes(value);
}

export class Faults {
  private armed: ArmedFault[] = [];

  /** Queues a fault behind any already armed for the same API. */
  arm(api: PayApi, mode: FaultMode, count: number, patch?: Record<string, string | number>): void {
    this.armed.push({ api, mode, remaining: count, ...(patch ? { patch } : {}) });
  }

  /** The fault for this call, if one is armed; each call uses up one. */
  take(api: PayApi): ArmedFault | undefined {
    const fault = this.armed.find((f) => f.api === api && f.remaining > 0);
    if (!fault) return undefined;
    fault.remaining -= 1;
    this.armed = this.armed.filter((f) => f.remaining > 0);
    return { ...fault };
  }

  list(): ArmedFault[] {
    return this.armed.map((f) => ({ ...f }));
  }

  reset(): void {
    this.armed = [];
  }
}
