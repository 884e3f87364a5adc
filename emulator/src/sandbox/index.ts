// The WeChat Pay sandbox: answers cloudPay (`wx.wxPayApi`) and, on its own HTTPS port, WeChat Pay's APIv2 (and
// APIv3) like WeChat Pay; keeps the provider's trades and refunds in the local cloud's SQLite file, one ledger
// whichever protocol asks; delivers results on WeChat's retry schedule (cloudPay: to functions by name; APIv2/v3:
// to the notify_url); and offers a control API under /sandbox. See docs/local-cloud-sandbox.md.
import type { LocalCloudHost } from '../contracts';
import type { MerchantMaterial } from '../pki';
import { wxPayApiHandler } from './api';
import { TradeBills } from './bills';
import { registerBillRoutes } from './bills/control';
import { cloudPayBill } from './bills/routes';
import { registerControlRoutes } from './control';
import { Faults } from './faults';
import { wechatpayFunctionEnv, type V3Verify } from './function-env';
import { createPayHttpsServer, type PayHttpsServer } from './https-server';
import { PROVIDER, type PayProtocol } from './model';
import { Notifier, type HttpNotifyProtocol } from './notifier';
import type { NotifyForger, ProtocolInstaller, SandboxParts } from './parts';
import { decodeRequestData } from './api';
import { SandboxService } from './service';
import { SandboxStore, type SandboxSettings } from './store';
import { installV2 } from './v2';
import { installV3 } from './v3';

export type { PayHttpsServer } from './https-server';

/** The HTTP protocols the sandbox speaks besides cloudPay; each installs its routes, notifications and forgeries. */
const PROTOCOLS: ProtocolInstaller[] = [installV2, installV3];

export interface PaySandboxOptions {
  /** Refunds succeed as soon as they are accepted (default true); off, they stay PROCESSING until settled. */
  autoSettleRefunds?: boolean;
  /** The mini-program's appid, when neither a request nor the calling invocation names one; the APIv2/v3 merchant's appid. */
  appid?: string;
  /** The merchant's keys and certificates (pki/); the HTTPS server and the APIv2/v3 signatures use them. */
  material: MerchantMaterial;
  /** Which provider the shop uses (shown by GET /sandbox/merchant; every protocol is served whatever it is). */
  provider?: PayProtocol;
  /** How APIv3 answers and notifies are signed (default: WeChat Pay's public key). */
  v3Verify?: V3Verify;
}

export interface PaySandbox {
  /** Current settings (auto-settle, the schedule's time factor). */
  settings(): SandboxSettings;
  /** Forgets every trade, refund, pending callback, fault and setting. */
  reset(): void;
  /** Resolves when no callback is being delivered at this moment. */
  idle(): Promise<void>;
  /** WeChat Pay's HTTPS endpoint (APIv2, APIv3); listening once the local cloud is. */
  readonly https: PayHttpsServer;
  readonly material: MerchantMaterial;
  /**
   * The WECHATPAY_* variables a function instance starts with (docs/deploy.md): the merchant's material pointing at
   * the HTTPS server, with what the protocols change (e.g. the APIv3 keys the shop has configured after a rotation).
   */
  functionEnv(): Record<string, string>;
  /** Stops retry timers and the HTTPS server; the local cloud calls this before closing the database. */
  close(): Promise<void>;
}

/** `wx` and 16 hex digits, as WeChat's appids are (the functions check the form for APIv2/v3). */
export const DEFAULT_APPID = 'wx10ca1c10d0000000';
const CLOSE_GRACE_MS = 2_000;

export function installPaySandbox(host: LocalCloudHost, options: PaySandboxOptions): PaySandbox {
  const store = new SandboxStore(host.db.sqlite());
  const defaults: SandboxSettings = { autoSettleRefunds: options.autoSettleRefunds ?? true };
  const settings = () => store.settings(defaults);
  const timeScale = () => settings().timeScale ?? host.timeScale;
  const now = () => Date.now();
  const appid = options.appid ?? DEFAULT_APPID;
  const faults = new Faults();
  const httpProtocols = new Map<PayProtocol, HttpNotifyProtocol>();
  const forgers = new Map<PayProtocol, NotifyForger>();
  const notifier = new Notifier({ store, runner: host.runner, env: host.env, now, timeScale, ready: () => host.port > 0, log: host.log, httpProtocols });
  const service = new SandboxService({
    store,
    notifier,
    now,
    timeScale,
    autoSettleRefunds: () => settings().autoSettleRefunds,
    defaultAppid: appid,
  });
  const https = createPayHttpsServer(options.material, host.log);
  const bills = new TradeBills({
    store,
    now,
    merchants: {
      // cloudPay: the service provider's account, the shop its sub-merchant; APIv2/v3: the shop's own account.
      cloudpay: { mchId: PROVIDER.mchId, subMchId: (t) => t.subMchId, appid: (t) => t.subAppid || appid },
      direct: { mchId: options.material.mchId, subMchId: () => '0', appid: (t) => t.subAppid || appid },
    },
  });
  const parts: SandboxParts = { host, service, store, faults, notifier, https, material: options.material, appid, httpProtocols, forgers, merchantInfo: [], v3Verify: options.v3Verify ?? 'publicKey', functionEnv: [], bills };
  for (const install of PROTOCOLS) install(parts);

  const reset = () => {
    notifier.cancelAll();
    faults.reset();
    bills.reset();
    store.reset();
    host.log('sandbox.reset');
  };

  const payApi = wxPayApiHandler(service, faults, host.runner);
  host.registerAction('wx.wxPayApi', (params, caller) =>
    params.apiName === 'downloadBill' ? cloudPayBill(bills, decodeRequestData(params.requestData) ?? {}) : payApi(params, caller));
  registerBillRoutes(host, bills);
  registerControlRoutes({
    host,
    service,
    store,
    notifier,
    faults,
    settings,
    saveSettings: (change) => {
      if (change.autoSettleRefunds !== undefined) store.saveSetting('autoSettleRefunds', change.autoSettleRefunds);
      if (change.timeScale === null) store.saveSetting('timeScale', undefined);
      else if (change.timeScale !== undefined) store.saveSetting('timeScale', change.timeScale);
    },
    reset,
    forgers,
    httpProtocols,
    merchant: () => merchantView(parts, options.provider ?? 'cloudpay'),
  });
  // Callbacks that were still due when the local cloud stopped are delivered again, on schedule.
  notifier.resume();

  return {
    settings,
    reset,
    idle: () => notifier.idle(),
    https,
    material: options.material,
    functionEnv() {
      let env = wechatpayFunctionEnv(options.material, https.url, parts.v3Verify);
      for (const add of parts.functionEnv) env = { ...env, ...add() };
      return env;
    },
    async close() {
      notifier.close();
      // Let deliveries under way finish their bookkeeping, but never hold the shutdown for a slow function.
      await Promise.race([notifier.idle(), new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref())]);
      await https.close();
    },
  };
}

/**
 * GET /sandbox/merchant: what a developer or a test needs to talk to the local WeChat Pay as the demo merchant.
 * The keys are the local cloud's own, made on this machine; they open nothing anywhere else.
 */
function merchantView(parts: SandboxParts, provider: PayProtocol): Record<string, unknown> {
  const m = parts.material;
  let view: Record<string, unknown> = {
    provider,
    appid: parts.appid,
    mchId: m.mchId,
    baseUrl: parts.https.url,
    caCert: m.ca.cert,
    merchantCert: m.merchant.cert,
    merchantKey: m.merchant.key,
    merchantSerial: m.merchant.serial,
  };
  for (const add of parts.merchantInfo) view = { ...view, ...add() };
  return view;
}
