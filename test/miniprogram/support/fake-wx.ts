// A small in-memory `wx`: cloud calls and the local gateway answer from a FakeBackend, the cashier and the
// subscription dialog answer as the simulated person chooses, and what the person would see (toasts, dialogs,
// the page stack) is recorded for assertions.
import type { FakeBackend } from './fake-backend';

export interface SimulatedUser {
  openid: string;
  /** What the person does in WeChat's cashier ('pay-unconfirmed': paid, but WeChat's callback has not arrived). */
  pays: 'pay' | 'pay-unconfirmed' | 'cancel' | 'fail';
  /** What the person answers in the subscribe-message dialog ('fail' = the dialog could not open). */
  subscribes: 'accept' | 'reject' | 'fail';
  /** What the person answers in confirmation dialogs. */
  confirms: boolean;
  /** What the person types into an editable dialog (wx.showModal with editable: true) before confirming. */
  types?: string;
  /** What the person picks in WeChat's address picker ('cancel': closes it). */
  address: Record<string, string> | 'cancel';
  /** What the camera reads when the person scans ('cancel': closes the scanner). */
  scans: string | 'cancel';
  /** What the person does in WeChat's confirm-receipt window. */
  receipt: 'confirm' | 'cancel';
}

/** The address WeChat's picker answers by default, in its own field names. */
export const PICKED_ADDRESS: Record<string, string> = {
  errMsg: 'chooseAddress:ok',
  userName: '张三',
  telNumber: '13800138000',
  provinceName: '浙江省',
  cityName: '杭州市',
  countyName: '西湖区',
  streetName: '北山街道',
  detailInfo: '北山街 84 号',
  postalCode: '310000',
  nationalCode: '330106',
};

export interface Screen {
  toasts: string[];
  dialogs: Array<{ title: string; content: string }>;
  /** Page stack as URLs, the last one on top. */
  pages: string[];
  pullDownStops: number;
  /** Every subscription dialog shown, with the templates it asked for. */
  subscriptionDialogs: string[][];
  /** WeChat's own windows opened with wx.openBusinessView. */
  businessViews: Array<Record<string, string>>;
  /** What wx.setClipboardData copied, in order. */
  copied: string[];
}

/**
 * WeChat opens the subscription dialog only while a tap is being handled. The page harness marks the task in which
 * a tap is dispatched; a request made later (after an await on the network) fails as it does on a phone.
 */
export const gesture = { active: false };

type Callbacks<T> = { success?: (res: T) => void; fail?: (err: { errMsg: string }) => void; complete?: () => void };

function later<T>(cb: Callbacks<T>, outcome: { res: T } | { err: string }): void {
  setTimeout(() => {
    if ('res' in outcome) cb.success?.(outcome.res);
    else cb.fail?.({ errMsg: outcome.err });
    cb.complete?.();
  }, 0);
}

function json<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export interface FakeWx {
  wx: Record<string, unknown>;
  user: SimulatedUser;
  screen: Screen;
  /** The next cloud call to `name` (with this `action`) takes `ms` to answer: for answers that overtake each other. */
  slowNext(name: string, ms: number, action?: string): void;
}

export function createFakeWx(backend: FakeBackend, user: Partial<SimulatedUser> = {}): FakeWx {
  const who: SimulatedUser = { openid: 'buyer-1', pays: 'pay', subscribes: 'accept', confirms: true, address: PICKED_ADDRESS, scans: 'SF1234567890', receipt: 'confirm', ...user };
  const screen: Screen = { toasts: [], dialogs: [], pages: ['/pages/shop/index'], pullDownStops: 0, subscriptionDialogs: [], businessViews: [], copied: [] };
  const slow: Array<{ name: string; action?: string; ms: number }> = [];
  const latencyOf = (name: string, data: Record<string, unknown>): number => {
    const i = slow.findIndex((s) => s.name === name && (s.action === undefined || s.action === data.action));
    return i < 0 ? 0 : slow.splice(i, 1)[0].ms;
  };

  function serve(name: string, data: Record<string, unknown>, openid: string): { ok: true; result: unknown } | { ok: false; errMsg: string } {
    const injected = backend.takeFailure(name, typeof data.action === 'string' ? data.action : undefined);
    if (injected === 'network') return { ok: false, errMsg: 'cloud.callFunction:fail network error' };
    if (injected && injected !== 'answer-lost') return { ok: true, result: json(injected) };
    const result = json(backend.handle(name, json(data), openid));
    if (injected === 'answer-lost') return { ok: false, errMsg: 'cloud.callFunction:fail timeout' };
    return { ok: true, result };
  }

  function localHttp(url: string, body: Record<string, unknown>, header: Record<string, string>): { statusCode: number; data: unknown } {
    const path = new URL(url).pathname;
    let m = /^\/functions\/([A-Za-z]+)$/.exec(path);
    if (m) {
      const answer = serve(m[1], (body.data ?? {}) as Record<string, unknown>, header['x-wx-openid']);
      return answer.ok ? { statusCode: 200, data: { result: answer.result } } : { statusCode: 502, data: { message: answer.errMsg } };
    }
    m = /^\/sandbox\/payments\/([^/]+)\/(complete|cancel)$/.exec(path);
    if (m) {
      const orderId = decodeURIComponent(m[1]);
      if (!backend.orders.has(orderId)) return { statusCode: 404, data: { message: 'unknown trade' } };
      if (m[2] === 'complete') {
        if (body.openid !== backend.orders.get(orderId)!.buyer) return { statusCode: 409, data: { message: 'payer is not the buyer' } };
        backend.markPaid(orderId);
      }
      return { statusCode: 200, data: { ok: true } };
    }
    if (path === '/sandbox/subscriptions') {
      const ids = body.templateIds as string[];
      ids.forEach((id) => backend.grant(String(body.openid), id));
      return { statusCode: 200, data: { ok: true } };
    }
    return { statusCode: 404, data: { message: 'no route' } };
  }

  const wx = {
    cloud: {
      init: () => undefined,
      callFunction: ({ name, data }: { name: string; data: Record<string, unknown> }) =>
        new Promise((resolve, reject) => {
          // The function runs when the call arrives; only its answer is late.
          const answer = serve(name, data ?? {}, who.openid);
          setTimeout(() => {
            if (answer.ok) resolve({ result: answer.result, errMsg: 'cloud.callFunction:ok' });
            else reject({ errMsg: answer.errMsg });
          }, latencyOf(name, data ?? {}));
        }),
    },
    request: (opts: { url: string; data: Record<string, unknown>; header: Record<string, string> } & Callbacks<unknown>) => {
      later(opts, { res: json(localHttp(opts.url, json(opts.data ?? {}), opts.header ?? {})) });
    },
    requestPayment: (opts: { package: string } & Callbacks<unknown>) => {
      const orderId = opts.package.replace(/^prepay_id=/, '');
      if (who.pays === 'pay') {
        // WeChat Pay confirms to the server through the callback; the fake backend takes it at once.
        backend.markPaid(orderId);
        later(opts, { res: { errMsg: 'requestPayment:ok' } });
      } else if (who.pays === 'pay-unconfirmed') later(opts, { res: { errMsg: 'requestPayment:ok' } });
      else if (who.pays === 'cancel') later(opts, { err: 'requestPayment:fail cancel' });
      else later(opts, { err: 'requestPayment:fail system error' });
    },
    requestSubscribeMessage: (opts: { tmplIds: string[] } & Callbacks<Record<string, string>>) => {
      if (!gesture.active) {
        later(opts, { err: 'requestSubscribeMessage:fail can only be invoked by user TAP gesture.' });
        return;
      }
      screen.subscriptionDialogs.push([...opts.tmplIds]);
      if (who.subscribes === 'fail') {
        later(opts, { err: 'requestSubscribeMessage:fail can only be invoked by user TAP gesture.' });
        return;
      }
      const res: Record<string, string> = { errMsg: 'requestSubscribeMessage:ok' };
      opts.tmplIds.forEach((id) => {
        res[id] = who.subscribes;
        if (who.subscribes === 'accept') backend.grant(who.openid, id);
      });
      later(opts, { res });
    },
    setClipboardData: (opts: { data: string } & Callbacks<unknown>) => {
      screen.copied.push(opts.data);
      // WeChat confirms a copy with its own toast.
      screen.toasts.push('内容已复制');
      later(opts, { res: { errMsg: 'setClipboardData:ok' } });
    },
    showToast: (opts: { title: string }) => {
      screen.toasts.push(opts.title);
    },
    showModal: (opts: { title: string; content?: string; editable?: boolean } & Callbacks<{ confirm: boolean; cancel: boolean; content?: string }>) => {
      screen.dialogs.push({ title: opts.title, content: opts.content ?? '' });
      const res = { confirm: who.confirms, cancel: !who.confirms, ...(opts.editable ? { content: who.confirms ? who.types ?? '' : '' } : {}) };
      // The dialog's buttons are taps: while its callback runs, WeChat lets it ask for message permission.
      setTimeout(() => {
        gesture.active = true;
        try {
          opts.success?.(res);
        } finally {
          gesture.active = false;
        }
        opts.complete?.();
      }, 0);
    },
    navigateTo: (opts: { url: string } & Callbacks<unknown>) => {
      screen.pages.push(opts.url);
      later(opts, { res: { errMsg: 'navigateTo:ok' } });
    },
    redirectTo: (opts: { url: string } & Callbacks<unknown>) => {
      screen.pages[screen.pages.length - 1] = opts.url;
      later(opts, { res: { errMsg: 'redirectTo:ok' } });
    },
    reLaunch: (opts: { url: string } & Callbacks<unknown>) => {
      screen.pages.splice(0, screen.pages.length, opts.url);
      later(opts, { res: { errMsg: 'reLaunch:ok' } });
    },
    navigateBack: (opts: Callbacks<unknown> = {}) => {
      if (screen.pages.length > 1) screen.pages.pop();
      later(opts, { res: { errMsg: 'navigateBack:ok' } });
    },
    stopPullDownRefresh: () => {
      screen.pullDownStops += 1;
    },
    chooseAddress: (opts: Callbacks<Record<string, string>>) => {
      if (who.address === 'cancel') later(opts, { err: 'chooseAddress:fail cancel' });
      else later(opts, { res: { ...who.address } });
    },
    scanCode: (opts: Callbacks<{ result: string; scanType: string }>) => {
      if (who.scans === 'cancel') later(opts, { err: 'scanCode:fail cancel' });
      else later(opts, { res: { result: who.scans, scanType: 'CODE_128' } });
    },
    openBusinessView: (opts: { businessType: string; extraData: Record<string, string> } & Callbacks<unknown>) => {
      screen.businessViews.push({ businessType: opts.businessType, ...opts.extraData });
      // WeChat records the buyer's confirmation itself; the server asks WeChat afterwards.
      if (who.receipt === 'confirm') (backend as unknown as { confirmInWeChat?(transactionId: string): void }).confirmInWeChat?.(opts.extraData.transaction_id);
      later(opts, who.receipt === 'confirm' ? { res: { errMsg: 'openBusinessView:ok' } } : { err: 'openBusinessView:fail cancel' });
    },
  };
  return { wx, user: who, screen, slowNext: (name, ms, action) => slow.push({ name, action, ms }) };
}

/** Installs the fake as the global `wx` the mini-program code reads at call time. */
export function installFakeWx(backend: FakeBackend, user: Partial<SimulatedUser> = {}): FakeWx {
  const fake = createFakeWx(backend, user);
  (globalThis as { wx?: unknown }).wx = fake.wx;
  // The page stack as WeChat reports it: the screen's pages, the one on top last.
  (globalThis as { getCurrentPages?: unknown }).getCurrentPages = () => fake.screen.pages.map((url) => ({ route: url.replace(/^\//, '').split('?')[0] }));
  return fake;
}
