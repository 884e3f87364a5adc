// The WeChat Pay sandbox: answers cloudPay (`wx.wxPayApi`) like WeChat Pay, keeps the provider's trades and refunds
// in the local cloud's SQLite file, delivers results to functions on WeChat's retry schedule, and offers a control
// API under /sandbox. See docs/local-cloud-sandbox.md.
import type { LocalCloudHost } from '../contracts';
import { wxPayApiHandler } from './api';
import { registerControlRoutes } from './control';
import { Faults } from './faults';
import { Notifier } from './notifier';
import { SandboxService } from './service';
import { SandboxStore, type SandboxSettings } from './store';

export interface PaySandboxOptions {
  /** Refunds succeed as soon as they are accepted (default true); off, they stay PROCESSING until settled. */
  autoSettleRefunds?: boolean;
  /** The mini-program's appid, when neither a request nor the calling invocation names one. */
  appid?: string;
}

export interface PaySandbox {
  /** Current settings (auto-settle, the schedule's time factor). */
  settings(): SandboxSettings;
  /** Forgets every trade, refund, pending callback, fault and setting. */
  reset(): void;
  /** Resolves when no callback is being delivered at this moment. */
  idle(): Promise<void>;
  /** Stops retry timers; the local cloud calls this before closing the database. */
  close(): Promise<void>;
}

const DEFAULT_APPID = 'wxlocalcloud000000';
const CLOSE_GRACE_MS = 2_000;

export function installPaySandbox(host: LocalCloudHost, options: PaySandboxOptions = {}): PaySandbox {
  const store = new SandboxStore(host.db.sqlite());
  const defaults: SandboxSettings = { autoSettleRefunds: options.autoSettleRefunds ?? true };
  const settings = () => store.settings(defaults);
  const timeScale = () => settings().timeScale ?? host.timeScale;
  const now = () => Date.now();
  const faults = new Faults();
  const notifier = new Notifier({ store, runner: host.runner, env: host.env, now, timeScale, ready: () => host.port > 0, log: host.log });
  const service = new SandboxService({
    store,
    notifier,
    now,
    timeScale,
    autoSettleRefunds: () => settings().autoSettleRefunds,
    defaultAppid: options.appid ?? DEFAULT_APPID,
  });

  const reset = () => {
    notifier.cancelAll();
    faults.reset();
    store.reset();
    host.log('sandbox.reset');
  };

  host.registerAction('wx.wxPayApi', wxPayApiHandler(service, faults, host.runner));
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
  });
  // Callbacks that were still due when the local cloud stopped are delivered again, on schedule.
  notifier.resume();

  return {
    settings,
    reset,
    idle: () => notifier.idle(),
    async close() {
      notifier.close();
      // Let deliveries under way finish their bookkeeping, but never hold the shutdown for a slow function.
      await Promise.race([notifier.idle(), new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref())]);
    },
  };
}
