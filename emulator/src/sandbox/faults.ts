// Faults the control API arms for the next N calls of one cloudPay API. Kept in memory on purpose: a fault is
// part of a test scenario, not provider state, and must not outlive the run that armed it.
export const PAY_APIS = ['unifiedOrder', 'queryOrder', 'closeOrder', 'refund', 'queryRefund'] as const;
export type PayApi = (typeof PAY_APIS)[number];

/**
 * SYSTEMERROR: WeChat answers `err_code: SYSTEMERROR` and does nothing.
 * TIMEOUT_AFTER_ACTING: WeChat does the work, but the caller never hears back (the gateway answers 504).
 * NOTENOUGH: refunds only; the merchant's balance cannot cover the refund, nothing changes.
 */
export const FAULT_MODES = ['SYSTEMERROR', 'TIMEOUT_AFTER_ACTING', 'NOTENOUGH'] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

export interface ArmedFault {
  api: PayApi;
  mode: FaultMode;
  remaining: number;
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
  arm(api: PayApi, mode: FaultMode, count: number): void {
    this.armed.push({ api, mode, remaining: count });
  }

  /** The fault for this call, if one is armed; each call uses up one. */
  take(api: PayApi): FaultMode | undefined {
    const fault = this.armed.find((f) => f.api === api && f.remaining > 0);
    if (!fault) return undefined;
    fault.remaining -= 1;
    this.armed = this.armed.filter((f) => f.remaining > 0);
    return fault.mode;
  }

  list(): ArmedFault[] {
    return this.armed.map((f) => ({ ...f }));
  }

  reset(): void {
    this.armed = [];
  }
}
