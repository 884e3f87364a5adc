// What a payment protocol (APIv2, APIv3) gets to plug itself into the sandbox: the one ledger and its rules, the
// faults, the notifier, the HTTPS server, the merchant's keys, and registries for its notifications, forgeries and
// public material. The protocol installers are listed in sandbox/index.ts.
import type { LocalCloudHost } from '../contracts';
import type { MerchantMaterial } from '../pki';
import type { TradeBills } from './bills';
import type { Faults } from './faults';
import type { V3Verify } from './function-env';
import type { PayHttpsServer } from './https-server';
import type { PayProtocol, Refund, Trade } from './model';
import type { HttpNotifyProtocol, Notifier } from './notifier';
import type { SandboxService } from './service';
import type { SandboxStore } from './store';

/** Builds forged notifications of one protocol, for tests of the receiving functions (POST …/forge). */
export interface NotifyForger {
  paymentForgeries: readonly string[];
  refundForgeries: readonly string[];
  /** `event`: the trade's honest payment event (a made-up transaction for an unpaid trade). */
  payment(event: Record<string, unknown>, trade: Trade, forgery: string): { headers: Record<string, string>; body: string | Buffer };
  /** `event`: the refund's honest event (status SUCCESS for a refund still processing). */
  refund(event: Record<string, unknown>, refund: Refund, forgery: string): { headers: Record<string, string>; body: string | Buffer };
}

export interface SandboxParts {
  host: LocalCloudHost;
  service: SandboxService;
  store: SandboxStore;
  faults: Faults;
  notifier: Notifier;
  https: PayHttpsServer;
  material: MerchantMaterial;
  /** The mini-program's appid: the merchant's appid for APIv2/v3. */
  appid: string;
  httpProtocols: Map<PayProtocol, HttpNotifyProtocol>;
  forgers: Map<PayProtocol, NotifyForger>;
  /** Each adds fields to GET /sandbox/merchant. */
  merchantInfo: Array<() => Record<string, unknown>>;
  /** How APIv3 answers and notifies are signed: WeChat Pay's public key or a platform certificate. */
  v3Verify: V3Verify;
  /** The daily trade bills every protocol downloads (bills/). */
  bills: TradeBills;
  /** Each adds (or replaces) WECHATPAY_* variables of function instances started from now on. */
  functionEnv: Array<() => Record<string, string>>;
}

export type ProtocolInstaller = (parts: SandboxParts) => void;
