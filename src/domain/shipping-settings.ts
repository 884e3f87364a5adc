// The shop's shipping and printer settings: `shipping` and `printer` in settings/shop (see docs/functions.md).
// Printer account secrets are not here: they come from the functions' environment variables (see providers/printer).

export interface ShippingSettings {
  /**
   * The mini-program is under WeChat's shipping management (发货信息管理 opened in the admin): shipments are
   * uploaded, and receipt is confirmed in WeChat's own component and re-checked with WeChat.
   */
  managed: boolean;
  /** SHIPPED orders not confirmed by then are completed by reconcile. */
  autoConfirmDays: number;
}

export const PRINTER_PROVIDERS = ['feie'] as const;
export type PrinterProviderName = (typeof PRINTER_PROVIDERS)[number];

export interface PrinterSettings {
  provider: PrinterProviderName;
  /** The printer's serial number (on its label), added to the printer account first. */
  sn: string;
  copies: number;
}

export const SHIPPING_DEFAULTS: ShippingSettings = { managed: true, autoConfirmDays: 10 };

const SN = /^[0-9A-Za-z]{4,32}$/;

export function parseShippingSettings(raw: unknown, problems: string[]): ShippingSettings {
  if (raw === undefined) return { ...SHIPPING_DEFAULTS };
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push('shipping must be {managed?, autoConfirmDays?}');
    return { ...SHIPPING_DEFAULTS };
  }
  const s = raw as Record<string, unknown>;
  const managed = s.managed ?? SHIPPING_DEFAULTS.managed;
  if (typeof managed !== 'boolean') problems.push('shipping.managed must be true or false');
  const days = s.autoConfirmDays ?? SHIPPING_DEFAULTS.autoConfirmDays;
  if (typeof days !== 'number' || !Number.isFinite(days) || days < 1 || days > 60) problems.push('shipping.autoConfirmDays must be a number in 1..60');
  return { managed: managed === true, autoConfirmDays: typeof days === 'number' && days >= 1 && days <= 60 ? days : SHIPPING_DEFAULTS.autoConfirmDays };
}

/** No `printer` (or `printer: null`) means the shop does not print. */
export function parsePrinterSettings(raw: unknown, problems: string[]): PrinterSettings | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push('printer must be {provider, sn, copies?}');
    return undefined;
  }
  const p = raw as Record<string, unknown>;
  if (!PRINTER_PROVIDERS.includes(p.provider as PrinterProviderName)) problems.push(`printer.provider must be one of ${PRINTER_PROVIDERS.join(', ')}`);
  if (typeof p.sn !== 'string' || !SN.test(p.sn)) problems.push('printer.sn must be the printer’s serial number (4-32 letters or digits)');
  const copies = p.copies ?? 1;
  if (typeof copies !== 'number' || !Number.isInteger(copies) || copies < 1 || copies > 5) problems.push('printer.copies must be a whole number in 1..5');
  return { provider: p.provider as PrinterProviderName, sn: String(p.sn), copies: typeof copies === 'number' ? copies : 1 };
}
