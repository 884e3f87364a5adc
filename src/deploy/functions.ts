// The one table of what each product function needs from a CloudBase environment besides its code: runtime,
// memory, HTTP access path, and the environment variables per payment channel and printer. Timeout, timer
// triggers and openapi permissions stay in each function's config.json (src/functions/<name>/config.json), because
// WeChat DevTools reads that file too; the deploy reads them from the built folder, so each fact has one home.
import type { PaymentProviderName } from '../domain/settings';

export const PRODUCT_FUNCTIONS = ['pay', 'payNotify', 'applyRefund', 'approveRefund', 'refundNotify', 'orders', 'reconcile', 'ship', 'bill', 'wxPush', 'products'] as const;
export type ProductFunction = (typeof PRODUCT_FUNCTIONS)[number];

/** The runtime every bundle is built for (scripts/build.mjs targets node16, so any Node ≥ 16 runtime runs it). */
export const FUNCTION_RUNTIME = 'Nodejs18.15';
export const FUNCTION_MEMORY_MB = 256;

/**
 * Reached over HTTP access: WeChat Pay calls the notify functions when the shop uses its own merchant account
 * (APIv2, APIv3; cloudPay calls them by name); WeChat's message push calls wxPush under shipping management.
 */
export const HTTP_PATHS: Readonly<Partial<Record<ProductFunction, string>>> = {
  payNotify: '/wechatpay/payNotify',
  refundNotify: '/wechatpay/refundNotify',
  wxPush: '/wxPush',
};

export function httpPathsFor(s: EnvSubjects): Partial<Record<ProductFunction, string>> {
  const direct = s.channels.some((c) => c !== 'cloudpay');
  return Object.fromEntries(
    Object.entries(HTTP_PATHS).filter(([fn]) => (fn === 'wxPush' ? s.push : direct)),
  ) as Partial<Record<ProductFunction, string>>;
}

/** A requirement is met when every variable of at least one group is set on each function listed. */
export interface EnvRequirement {
  what: string;
  functions: readonly ProductFunction[];
  anyOf: ReadonlyArray<readonly string[]>;
}

/** Deployed when a value is given (pointing the functions elsewhere, e.g. at the local cloud); never required. */
export interface EnvPassThrough {
  functions: readonly ProductFunction[];
  names: readonly string[];
}

/** The functions that call WeChat Pay themselves (src/server/provider.ts). */
const CALLS_WECHATPAY: readonly ProductFunction[] = ['pay', 'payNotify', 'refundNotify', 'orders', 'approveRefund', 'reconcile', 'bill'];
/** The functions that submit refunds (APIv2's refund needs mutual TLS). */
const SUBMITS_REFUNDS: readonly ProductFunction[] = ['approveRefund', 'reconcile'];
const DECRYPTS_NOTIFIES: readonly ProductFunction[] = ['payNotify', 'refundNotify'];
/** The functions that may print a receipt (docs/shipping.md). */
const PRINTS: readonly ProductFunction[] = ['pay', 'payNotify', 'orders', 'reconcile'];

export type EnvSubject = PaymentProviderName | 'printer' | 'push';

export const ENV_TABLE: Readonly<Record<EnvSubject, { required: readonly EnvRequirement[]; passThrough: readonly EnvPassThrough[] }>> = {
  cloudpay: { required: [], passThrough: [] },
  v2: {
    required: [
      { what: 'the APIv2 key', functions: CALLS_WECHATPAY, anyOf: [['WECHATPAY_V2_KEY']] },
      { what: 'the merchant certificate and its key (refunds over mutual TLS)', functions: SUBMITS_REFUNDS, anyOf: [['WECHATPAY_MERCHANT_CERT', 'WECHATPAY_MERCHANT_KEY']] },
    ],
    passThrough: [{ functions: CALLS_WECHATPAY, names: ['WECHATPAY_BASE_URL', 'WECHATPAY_CA_CERT'] }],
  },
  v3: {
    required: [
      {
        what: 'the merchant API key and certificate serial (or certificate)',
        functions: CALLS_WECHATPAY,
        anyOf: [
          ['WECHATPAY_MERCHANT_KEY', 'WECHATPAY_MERCHANT_SERIAL'],
          ['WECHATPAY_MERCHANT_KEY', 'WECHATPAY_MERCHANT_CERT'],
        ],
      },
      {
        what: "WeChat Pay's public key and its id (or platform certificates)",
        functions: CALLS_WECHATPAY,
        anyOf: [['WECHATPAY_PUBLIC_KEY', 'WECHATPAY_PUBLIC_KEY_ID'], ['WECHATPAY_PLATFORM_CERTS']],
      },
      { what: 'the APIv3 key (decrypts notifies)', functions: DECRYPTS_NOTIFIES, anyOf: [['WECHATPAY_V3_KEY']] },
    ],
    passThrough: [{ functions: CALLS_WECHATPAY, names: ['WECHATPAY_BASE_URL', 'WECHATPAY_CA_CERT'] }],
  },
  printer: {
    required: [{ what: 'the Feie cloud printer account', functions: PRINTS, anyOf: [['FEIE_USER', 'FEIE_UKEY']] }],
    passThrough: [{ functions: PRINTS, names: ['FEIE_API_URL'] }],
  },
  // Under shipping management: the message-push Token (and the EncodingAESKey in safe mode), src/server/push-env.ts.
  push: {
    required: [{ what: 'the message-push Token (开发设置 → 消息推送)', functions: ['wxPush'], anyOf: [['WECHAT_PUSH_TOKEN']] }],
    passThrough: [{ functions: ['wxPush'], names: ['WECHAT_PUSH_AES_KEY'] }],
  },
};

/** What a shop configures that decides its variables: each payment channel it takes, and whether it prints. */
export interface EnvSubjects {
  channels: readonly PaymentProviderName[];
  printer: boolean;
  /** Under shipping management: WeChat's order-management pushes reach wxPush. */
  push: boolean;
}

function subjectsOf(s: EnvSubjects): EnvSubject[] {
  return [...new Set<EnvSubject>([...s.channels, ...(s.printer ? (['printer'] as const) : []), ...(s.push ? (['push'] as const) : [])])];
}

/** Each function's requirements for the shop's channels and printer (functions with none are left out). */
export function envRequirements(s: EnvSubjects): Map<ProductFunction, EnvRequirement[]> {
  const out = new Map<ProductFunction, EnvRequirement[]>();
  for (const subject of subjectsOf(s)) {
    for (const req of ENV_TABLE[subject].required) {
      for (const fn of req.functions) out.set(fn, [...(out.get(fn) ?? []), req]);
    }
  }
  return out;
}

/** Each function's optional variables for the shop's channels and printer. */
export function envPassThrough(s: EnvSubjects): Map<ProductFunction, Set<string>> {
  const out = new Map<ProductFunction, Set<string>>();
  for (const subject of subjectsOf(s)) {
    for (const p of ENV_TABLE[subject].passThrough) {
      for (const fn of p.functions) {
        const set = out.get(fn) ?? new Set<string>();
        for (const n of p.names) set.add(n);
        out.set(fn, set);
      }
    }
  }
  return out;
}

/** Every variable name a requirement may use (to pick values from the secret source). */
export function requirementNames(req: EnvRequirement): string[] {
  return [...new Set(req.anyOf.flat())];
}

/** The first group fully present in `has`, or undefined: what a requirement is satisfied by. */
export function satisfiedBy(req: EnvRequirement, has: (name: string) => boolean): readonly string[] | undefined {
  return req.anyOf.find((group) => group.every(has));
}

/** CloudBase keeps at most 4 KB of environment variables per function (keys and values). */
export const ENV_BYTES_LIMIT = 4096;

/**
 * What points the functions at the local cloud's WeChat Pay and printer: a real shop never sets these, so the local
 * cloud does not count them against the 4 KB (its CA alone takes 1.3 KB, which would push APIv2's refund functions
 * over a limit a real shop stays under).
 */
export const LOCAL_POINTERS: readonly string[] = ['WECHATPAY_BASE_URL', 'WECHATPAY_CA_CERT', 'FEIE_API_URL'];

export function envBytes(vars: Readonly<Record<string, string>>, exempt: readonly string[] = []): number {
  return Object.entries(vars).reduce((sum, [k, v]) => (exempt.includes(k) ? sum : sum + Buffer.byteLength(k) + Buffer.byteLength(v)), 0);
}
