// The shop's after-sale settings: `afterSale` in settings/shop (docs/functions.md "After-sales"). The timers default
// to WeChat's own shop (merchant 48 h to answer, buyer 7 days to send a return back, merchant 10 days to confirm it).
import type { ReturnAddress } from '../../typings/api';

export interface AfterSaleSettings {
  /** How long the merchant has to answer a request before reconcile acts (when the auto-approval for its type is on). */
  merchantResponseHours: number;
  /** A refund-only request the merchant leaves unanswered is approved (refunded) by reconcile. */
  autoApproveRefunds: boolean;
  /** A return request the merchant leaves unanswered is agreed by reconcile (needs returnAddress). Off by default. */
  autoApproveReturns: boolean;
  /** The buyer has this long to give the return's tracking number, then the request closes. */
  returnShipDays: number;
  /** The merchant has this long to confirm the returned parcel, then it is refunded. */
  returnReceiveDays: number;
  /** Shown to the buyer once a return is agreed; a return cannot be agreed without it. */
  returnAddress?: ReturnAddress;
}

export const AFTERSALE_DEFAULTS: Omit<AfterSaleSettings, 'returnAddress'> = {
  merchantResponseHours: 48,
  autoApproveRefunds: true,
  autoApproveReturns: false,
  returnShipDays: 7,
  returnReceiveDays: 10,
};

const KEYS = ['merchantResponseHours', 'autoApproveRefunds', 'autoApproveReturns', 'returnShipDays', 'returnReceiveDays', 'returnAddress'];

export function parseAfterSaleSettings(raw: unknown, problems: string[]): AfterSaleSettings {
  if (raw === undefined) return { ...AFTERSALE_DEFAULTS };
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push(`afterSale must be an object with ${KEYS.join(', ')}`);
    return { ...AFTERSALE_DEFAULTS };
  }
  const s = raw as Record<string, unknown>;
  for (const key of Object.keys(s)) if (!KEYS.includes(key)) problems.push(`afterSale.${key.slice(0, 40)}: unknown setting (expected ${KEYS.join(', ')})`);
  // 0 is allowed: the step happens at the next reconcile (useful in tests and for shops that want it so).
  const number = (key: keyof typeof AFTERSALE_DEFAULTS, max: number): number => {
    const value = s[key] ?? AFTERSALE_DEFAULTS[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > max) {
      problems.push(`afterSale.${key} must be a number in 0..${max}`);
      return AFTERSALE_DEFAULTS[key] as number;
    }
    return value;
  };
  const flag = (key: 'autoApproveRefunds' | 'autoApproveReturns'): boolean => {
    const value = s[key] ?? AFTERSALE_DEFAULTS[key];
    if (typeof value !== 'boolean') problems.push(`afterSale.${key} must be true or false`);
    return value === true;
  };
  const returnAddress = parseReturnAddress(s.returnAddress, problems);
  const settings: AfterSaleSettings = {
    merchantResponseHours: number('merchantResponseHours', 30 * 24),
    autoApproveRefunds: flag('autoApproveRefunds'),
    autoApproveReturns: flag('autoApproveReturns'),
    returnShipDays: number('returnShipDays', 60),
    returnReceiveDays: number('returnReceiveDays', 60),
    ...(returnAddress ? { returnAddress } : {}),
  };
  if (settings.autoApproveReturns && !returnAddress) problems.push('afterSale.autoApproveReturns needs afterSale.returnAddress (the buyer must know where to send the goods)');
  return settings;
}

function parseReturnAddress(raw: unknown, problems: string[]): ReturnAddress | undefined {
  if (raw === undefined) return undefined;
  const help = 'afterSale.returnAddress must be {name, phone, address}: non-empty texts of at most 20, 20 and 120 characters';
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push(help);
    return undefined;
  }
  const a = raw as Record<string, unknown>;
  const ok = (v: unknown, max: number) => typeof v === 'string' && v.trim() !== '' && Array.from(v).length <= max;
  if (!ok(a.name, 20) || !ok(a.phone, 20) || !ok(a.address, 120) || Object.keys(a).some((k) => !['name', 'phone', 'address'].includes(k))) {
    problems.push(help);
    return undefined;
  }
  return { name: String(a.name).trim(), phone: String(a.phone).trim(), address: String(a.address).trim() };
}
