// What the mini-program's local-mode end-to-end suites start from: the real local cloud with the built functions
// (test/functions/support's openShop), a `wx` whose requests go over real HTTP, and the services pointed at that
// cloud as one person or another. Registers its own beforeAll/afterAll.
import { config } from '../../../miniprogram/config';

export interface ShopUnderTest {
  cloud: { url: string };
  close(): Promise<void>;
  sent(filter?: { touser?: string; templateId?: string }): Promise<Array<{ touser: string; templateId: string; status: string }>>;
}

// Loaded at run time, not imported: the server-side modules are type-checked by the root tsconfig, and their
// wx-server-sdk types cannot share a program with miniprogram-api-typings.
export const support = require('../../functions/support') as {
  openShop(options?: { grants?: number; settings?: Record<string, unknown> }): Promise<ShopUnderTest>;
  BUYER: string;
  MERCHANT: string;
  TEMPLATES: { orderPaid: string; refundRequested: string; refundResult: string };
};

export interface LocalShop {
  readonly shop: ShopUnderTest;
  /** Points the services at the local cloud as this openid. */
  actAs(openid: string): void;
  /** What every wx.showModal is answered with (confirm or cancel). */
  answerDialogs: boolean;
}

export function localShop(options: { grants: number; settings?: Record<string, unknown> }): LocalShop {
  let shop: ShopUnderTest | undefined;
  const session: LocalShop = {
    get shop() {
      if (!shop) throw new Error('the shop is not open (used outside a test?)');
      return shop;
    },
    actAs(openid) {
      config.localCloud = { enabled: true, url: session.shop.cloud.url, openid };
    },
    answerDialogs: true,
  };
  beforeAll(async () => {
    shop = await support.openShop({ grants: options.grants, ...(options.settings ? { settings: options.settings } : {}) });
    installHttpWx(() => session.answerDialogs);
    config.paymentConfirmWaitsMs = [0, 200, 400, 800];
  });
  afterAll(async () => {
    config.localCloud = { ...config.localCloud, enabled: false };
    await shop?.close();
  });
  return session;
}

/** wx.request over real HTTP, and a dialog answered by the test: all that local mode needs from `wx`. */
function installHttpWx(answer: () => boolean): void {
  (globalThis as { wx?: unknown }).wx = {
    request(opts: {
      url: string;
      method: string;
      data: unknown;
      header: Record<string, string>;
      success(res: { statusCode: number; data: unknown }): void;
      fail(err: { errMsg: string }): void;
    }) {
      fetch(opts.url, { method: opts.method, headers: opts.header, body: JSON.stringify(opts.data) })
        .then(async (res) => {
          const text = await res.text();
          let data: unknown = text;
          try {
            data = JSON.parse(text);
          } catch {
            // not JSON: handed over as text, as wx.request does
          }
          opts.success({ statusCode: res.status, data });
        })
        .catch((err: Error) => opts.fail({ errMsg: `request:fail ${err.message}` }));
    },
    showModal(opts: { success(res: { confirm: boolean; cancel: boolean }): void }) {
      const confirm = answer();
      setTimeout(() => opts.success({ confirm, cancel: !confirm }), 0);
    },
  };
}

/** The data of a successful outcome; a failed one fails the test with its code and message. */
export function unwrap<T>(outcome: { ok: true; data: T } | { ok: false; code: string; message: string }): T {
  if (!outcome.ok) throw new Error(`${outcome.code}: ${outcome.message}`);
  return outcome.data;
}
