// The shop's configuration: one document, `settings/shop`, read by every function (and cached per warm instance).
// Validated here so a typo in the console shows up as a clear error instead of a wrong refund window.
import type { MessagePurpose } from './documents';
import { parseAfterSaleSettings, type AfterSaleSettings } from './aftersale-settings';
import { parseStockSettings, type StockSettings } from './stock-settings';
import { parsePrinterSettings, parseShippingSettings, type PrinterSettings, type ShippingSettings } from './shipping-settings';

export interface TemplateSetting {
  templateId: string;
  /** The mini-program page the message opens, e.g. `pages/order-detail/index?orderId={orderId}`. */
  page?: string;
  /** Template field key (its type is the prefix: `thing1`, `amount2`, `character_string3`) → fact name. */
  data: Record<string, string>;
}

/** How the shop takes WeChat Pay; each has its own folder under src/providers/. */
export const PAYMENT_PROVIDERS = ['cloudpay', 'v2', 'v3'] as const;
export type PaymentProviderName = (typeof PAYMENT_PROVIDERS)[number];

/** APIv2's two signature algorithms; the shop picks one and WeChat answers with the same. */
export const V2_SIGN_TYPE_SETTINGS = ['MD5', 'HMAC-SHA256'] as const;

/** A channel a shop has configured: how WeChat Pay is asked, and as which merchant. */
export interface ChannelSetting {
  provider: PaymentProviderName;
  subMchId: string;
}

export interface Settings {
  shopName: string;
  /** The channel new orders are paid through (with `subMchId`). Orders keep the channel they were created with. */
  provider: PaymentProviderName;
  /**
   * Channels that took earlier orders and stay configured for them (query, close, refund, callbacks) after a switch
   * of `provider`: docs/migrate-cloudpay-to-v3.md. Never the same provider as `provider`.
   */
  formerChannels: ChannelSetting[];
  /**
   * The channel of orders and refunds that record none (created before orders recorded their channel): the one
   * former channel if there is exactly one, else `provider`; must be named when there are several former channels.
   */
  legacyProvider: PaymentProviderName;
  /** Openids allowed to approve refunds and read the refund queue; they also receive the merchant messages. */
  merchantOpenids: string[];
  /** The WeChat Pay merchant id payments must be made to: cloudPay's `subMchId`, APIv2's `mch_id`, APIv3's `mchid`. */
  subMchId: string;
  /** The mini-program's appid; WeChat Pay checks it against the merchant (APIv2, APIv3). */
  appid?: string;
  /** The full URLs of payNotify's and refundNotify's HTTP access paths (APIv2, APIv3). */
  payNotifyUrl?: string;
  refundNotifyUrl?: string;
  v2SignType: (typeof V2_SIGN_TYPE_SETTINGS)[number];
  /** Cloud environment id for cloudPay callbacks; defaults to the environment the function runs in. */
  envId?: string;
  refundWindowDays: number;
  unpaidTimeoutSeconds: number;
  /** reconcile asks the provider about PENDING orders older than this (a notify that never came). */
  notifyGraceSeconds: number;
  /** reconcile asks the provider about PROCESSING refunds not updated for this long. */
  refundPollSeconds: number;
  /**
   * reconcile sends a message (or prints a receipt) its transition made owed once it is owed for this long: longer
   * than the slowest function that sends one runs (reconcile, 60 s), so the invocation that made it owed is done.
   */
  messageRetrySeconds: number;
  miniprogramState: 'developer' | 'trial' | 'formal';
  templates: Partial<Record<MessagePurpose, TemplateSetting>>;
  shipping: ShippingSettings;
  /** Timers of after-sale requests and the return address (aftersale-settings.ts). */
  afterSale: AfterSaleSettings;
  /** Absent: the shop prints no receipts. */
  printer?: PrinterSettings;
  /** Restocking confirmed returns, the low-stock alert (stock-settings.ts). */
  stock: StockSettings;
  /** The fee rate agreed with WeChat Pay in basis points (0.6 % = 60): the daily bill check compares each fee with it. Absent: fees are not checked. */
  billFeeRateBasisPoints?: number;
}

/** Facts each message purpose can show; a template maps its fields onto these names. */
export const MESSAGE_FACTS: Readonly<Record<MessagePurpose, readonly string[]>> = {
  orderPaid: ['orderId', 'title', 'totalFee', 'paidAt', 'itemCount', 'shopName'],
  refundRequested: ['orderId', 'refundId', 'title', 'refundFee', 'reason', 'requestedAt', 'shopName'],
  refundResult: ['orderId', 'refundId', 'title', 'refundFee', 'result', 'note', 'decidedAt', 'shopName'],
  orderShipped: ['orderId', 'title', 'logistics', 'expressCompany', 'trackingNo', 'shippedAt', 'receiver', 'shopName'],
  /** The merchant's morning line on yesterday's bill: `summary` is e.g. 「12笔 ¥680.00，2处不符」. */
  billSummary: ['billDate', 'channel', 'payments', 'paidFee', 'refundFee', 'differences', 'summary', 'shopName'],
  /** To the merchants when an order left a SKU at or below `stock.lowStockThreshold`: `summary` is e.g. 「正山小种 250g 仅剩2件」. */
  lowStock: ['productId', 'productName', 'spec', 'stock', 'threshold', 'summary', 'shopName'],
};

export const SETTINGS_DEFAULTS = {
  shopName: '小店',
  provider: 'cloudpay',
  v2SignType: 'HMAC-SHA256',
  refundWindowDays: 7,
  unpaidTimeoutSeconds: 30 * 60,
  notifyGraceSeconds: 60,
  refundPollSeconds: 60,
  messageRetrySeconds: 120,
  miniprogramState: 'formal',
} as const;

export type SettingsResult = { ok: true; settings: Settings } | { ok: false; problems: string[] };

export function parseSettings(raw: unknown): SettingsResult {
  const problems: string[] = [];
  if (!raw || typeof raw !== 'object') return { ok: false, problems: ['the settings document settings/shop is missing'] };
  const doc = raw as Record<string, unknown>;

  const merchantOpenids = doc.merchantOpenids;
  if (!Array.isArray(merchantOpenids) || !merchantOpenids.every((o) => typeof o === 'string' && o.length > 0)) {
    problems.push('merchantOpenids must be a list of openids');
  }
  const subMchId = doc.subMchId;
  if (typeof subMchId !== 'string' || !/^[0-9]{8,12}$/.test(subMchId)) problems.push('subMchId must be the 8-12 digit WeChat Pay merchant id');
  const envId = doc.envId;
  if (envId !== undefined && (typeof envId !== 'string' || envId === '')) problems.push('envId, when set, must be the cloud environment id');
  const provider = doc.provider ?? SETTINGS_DEFAULTS.provider;
  if (!PAYMENT_PROVIDERS.includes(provider as PaymentProviderName)) problems.push(`provider must be one of ${PAYMENT_PROVIDERS.join(', ')}`);
  const formerChannels = parseFormerChannels(doc.formerChannels, provider, problems);
  const legacyProvider = parseLegacyProvider(doc.legacyProvider, provider as PaymentProviderName, formerChannels, problems);
  // The merchant's own APIs (APIv2, APIv3) need the app, and the URLs WeChat Pay calls back; cloudPay knows both.
  const direct = provider !== 'cloudpay' || formerChannels.some((c) => c.provider !== 'cloudpay');
  const appid = doc.appid;
  if (appid !== undefined || direct) {
    if (typeof appid !== 'string' || !/^wx[0-9a-f]{16}$/.test(appid)) problems.push(`appid must be the mini-program's appid (wx followed by 16 hex digits)${direct ? ' when an APIv2 or APIv3 channel is configured' : ''}`);
  }
  const payNotifyUrl = notifyUrl(doc, 'payNotifyUrl', direct, problems);
  const refundNotifyUrl = notifyUrl(doc, 'refundNotifyUrl', direct, problems);
  const v2SignType = doc.v2SignType ?? SETTINGS_DEFAULTS.v2SignType;
  if (!V2_SIGN_TYPE_SETTINGS.includes(v2SignType as Settings['v2SignType'])) problems.push(`v2SignType must be one of ${V2_SIGN_TYPE_SETTINGS.join(', ')}`);
  const shopName = doc.shopName ?? SETTINGS_DEFAULTS.shopName;
  if (typeof shopName !== 'string' || shopName.trim() === '') problems.push('shopName must be a non-empty string');

  const number = (key: string, fallback: number, min: number, max: number): number => {
    const value = doc[key] ?? fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      problems.push(`${key} must be a number in ${min}..${max}`);
      return fallback;
    }
    return value;
  };
  const refundWindowDays = number('refundWindowDays', SETTINGS_DEFAULTS.refundWindowDays, 0, 365);
  const unpaidTimeoutSeconds = number('unpaidTimeoutSeconds', SETTINGS_DEFAULTS.unpaidTimeoutSeconds, 1, 7 * 24 * 3600);
  const notifyGraceSeconds = number('notifyGraceSeconds', SETTINGS_DEFAULTS.notifyGraceSeconds, 0, 24 * 3600);
  const refundPollSeconds = number('refundPollSeconds', SETTINGS_DEFAULTS.refundPollSeconds, 0, 24 * 3600);
  const messageRetrySeconds = number('messageRetrySeconds', SETTINGS_DEFAULTS.messageRetrySeconds, 0, 24 * 3600);
  const state = doc.miniprogramState ?? SETTINGS_DEFAULTS.miniprogramState;
  const feeRate = doc.billFeeRateBasisPoints;
  if (feeRate !== undefined && (typeof feeRate !== 'number' || !Number.isInteger(feeRate) || feeRate < 0 || feeRate > 1000)) {
    problems.push('billFeeRateBasisPoints must be a whole number of basis points in 0..1000 (0.6 % = 60)');
  }
  if (state !== 'developer' && state !== 'trial' && state !== 'formal') problems.push('miniprogramState must be developer, trial or formal');

  const templates: Settings['templates'] = {};
  const rawTemplates = doc.templates ?? {};
  if (typeof rawTemplates !== 'object' || rawTemplates === null || Array.isArray(rawTemplates)) problems.push('templates must be an object');
  else {
    for (const [purpose, value] of Object.entries(rawTemplates as Record<string, unknown>)) {
      if (!Object.prototype.hasOwnProperty.call(MESSAGE_FACTS, purpose)) {
        problems.push(`templates.${purpose}: unknown purpose (expected ${Object.keys(MESSAGE_FACTS).join(', ')})`);
        continue;
      }
      const parsed = parseTemplate(purpose as MessagePurpose, value, problems);
      if (parsed) templates[purpose as MessagePurpose] = parsed;
    }
  }

  const shipping = parseShippingSettings(doc.shipping, problems);
  const printer = parsePrinterSettings(doc.printer, problems);
  const afterSale = parseAfterSaleSettings(doc.afterSale, problems);
  const stock = parseStockSettings(doc.stock, problems);

  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    settings: {
      shopName: shopName as string,
      provider: provider as PaymentProviderName,
      formerChannels,
      legacyProvider,
      merchantOpenids: merchantOpenids as string[],
      subMchId: subMchId as string,
      ...(envId ? { envId: envId as string } : {}),
      ...(typeof appid === 'string' ? { appid } : {}),
      ...(payNotifyUrl ? { payNotifyUrl } : {}),
      ...(refundNotifyUrl ? { refundNotifyUrl } : {}),
      v2SignType: v2SignType as Settings['v2SignType'],
      refundWindowDays,
      unpaidTimeoutSeconds,
      notifyGraceSeconds,
      refundPollSeconds,
      messageRetrySeconds,
      miniprogramState: state as Settings['miniprogramState'],
      templates,
      shipping,
      afterSale,
      stock,
      ...(printer ? { printer } : {}),
      ...(typeof feeRate === 'number' ? { billFeeRateBasisPoints: feeRate } : {}),
    },
  };
}

function parseFormerChannels(raw: unknown, provider: unknown, problems: string[]): ChannelSetting[] {
  if (raw === undefined) return [];
  const help = 'formerChannels must be a list of {provider, subMchId}: the channels that took earlier orders';
  if (!Array.isArray(raw)) {
    problems.push(help);
    return [];
  }
  const channels: ChannelSetting[] = [];
  for (const [i, entry] of raw.entries()) {
    const c = (entry && typeof entry === 'object' ? entry : {}) as Record<string, unknown>;
    if (!PAYMENT_PROVIDERS.includes(c.provider as PaymentProviderName)) problems.push(`formerChannels[${i}].provider must be one of ${PAYMENT_PROVIDERS.join(', ')}`);
    else if (c.provider === provider) problems.push(`formerChannels[${i}] is ${String(c.provider)}, the provider new orders use: list only the channels you switched away from`);
    else if (channels.some((o) => o.provider === c.provider)) problems.push(`formerChannels names ${String(c.provider)} twice`);
    if (typeof c.subMchId !== 'string' || !/^[0-9]{8,12}$/.test(c.subMchId)) problems.push(`formerChannels[${i}].subMchId must be the 8-12 digit merchant id that channel took money for`);
    else if (PAYMENT_PROVIDERS.includes(c.provider as PaymentProviderName)) channels.push({ provider: c.provider as PaymentProviderName, subMchId: c.subMchId });
  }
  return channels;
}

function parseLegacyProvider(raw: unknown, provider: PaymentProviderName, former: readonly ChannelSetting[], problems: string[]): PaymentProviderName {
  const configured = [provider, ...former.map((c) => c.provider)];
  if (raw === undefined) {
    if (former.length > 1) problems.push(`legacyProvider must name the channel (${configured.join(', ')}) that took the orders created before orders recorded their channel`);
    return former.length === 1 ? (former[0] as ChannelSetting).provider : provider;
  }
  if (!configured.includes(raw as PaymentProviderName)) {
    problems.push(`legacyProvider must be one of the configured channels: ${configured.join(', ')}`);
    return provider;
  }
  return raw as PaymentProviderName;
}

/**
 * WeChat Pay calls notify URLs over https only. Plain http is allowed for 127.0.0.1 and localhost so the local
 * cloud can deliver to its own HTTP access service.
 */
function notifyUrl(doc: Record<string, unknown>, key: string, required: boolean, problems: string[]): string | undefined {
  const value = doc[key];
  if (value === undefined && !required) return undefined;
  const help = `${key} must be the full https URL of the function's HTTP access path (http only for 127.0.0.1 or localhost)`;
  if (typeof value !== 'string') {
    problems.push(required ? `${help}; it is required for this provider` : help);
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problems.push(help);
    return undefined;
  }
  const local = url.hostname === '127.0.0.1' || url.hostname === 'localhost';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) problems.push(help);
  else if (url.search || url.hash || url.username || url.password || value.length > 256) problems.push(`${key} must be a plain URL of at most 256 characters, without query, fragment or credentials`);
  else return value;
  return undefined;
}

const FIELD_KEY = /^(thing|number|letter|symbol|character_string|time|date|amount|phone_number|car_number|name|phrase)[0-9]{1,2}$/;

function parseTemplate(purpose: MessagePurpose, value: unknown, problems: string[]): TemplateSetting | undefined {
  const where = `templates.${purpose}`;
  if (!value || typeof value !== 'object') {
    problems.push(`${where} must be {templateId, page?, data}`);
    return undefined;
  }
  const t = value as Record<string, unknown>;
  if (typeof t.templateId !== 'string' || t.templateId === '') problems.push(`${where}.templateId must be the template id from the console`);
  if (t.page !== undefined && typeof t.page !== 'string') problems.push(`${where}.page must be a page path`);
  const data: Record<string, string> = {};
  if (!t.data || typeof t.data !== 'object') problems.push(`${where}.data must map template fields to facts`);
  else {
    for (const [key, fact] of Object.entries(t.data as Record<string, unknown>)) {
      if (!FIELD_KEY.test(key)) problems.push(`${where}.data.${key}: not a subscribe-message field key (e.g. thing1, amount2)`);
      else if (typeof fact !== 'string' || !MESSAGE_FACTS[purpose].includes(fact)) {
        problems.push(`${where}.data.${key}: "${String(fact)}" is not one of ${MESSAGE_FACTS[purpose].join(', ')}`);
      } else data[key] = fact;
    }
  }
  return { templateId: String(t.templateId), ...(typeof t.page === 'string' ? { page: t.page } : {}), data };
}

export function isMerchant(settings: Settings, openid: string): boolean {
  return settings.merchantOpenids.includes(openid);
}
