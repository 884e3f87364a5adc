// Faults the control API arms for the next N calls of one cloudPay API. Kept in memory on purpose: a fault is
// part of a test scenario, not provider state, and must not outlive the run that armed it.
export const PAY_APIS = ['unifiedOrder', 'queryOrder', 'closeOrder', 'refund', 'queryRefund'] as const;
export type PayApi = (typeof PAY_APIS)[number];

/**
 * SYSTEMERROR: WeChat answers `err_code: SYSTEMERROR` and does nothing.
 * TIMEOUT_AFTER_ACTING: WeChat does the work, but the caller never hears back (the gateway answers 504).
 * NOTENOUGH: refunds only; the merchant's balance cannot cover the refund, nothing changes.
 * TAMPERED: WeChat does the work and answers, but fields of the answer are replaced by `patch` (snake_case keys,
 *   e.g. `{"sub_mch_id": "1900000999"}` or `{"total_fee": 1}`): what a forged or broken answer would say. It tests
 *   the checks a function makes on what the provider tells it. APIv2/v3 answers are signed after the patch, as a
 *   broken WeChat would sign them.
 * BAD_SIGNATURE: WeChat does the work and answers honestly, but the answer's signature is wrong (APIv2/APIv3; a
 *   cloudPay answer's `sign` is changed too, though nothing reads it).
 */
export const FAULT_MODES = ['SYSTEMERROR', 'TIMEOUT_AFTER_ACTING', 'NOTENOUGH', 'TAMPERED', 'BAD_SIGNATURE'] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

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
