// The `wx` the pages call, as the WeChat client would answer it, backed by the local cloud:
//   wx.cloud.callFunction → the gateway (POST /functions/<name>, the phone holder's openid in x-wx-openid);
//   wx.requestPayment     → a cashier drawn like WeChat's, then the sandbox completes or cancels the trade;
//   wx.requestSubscribeMessage → a dialog, then the outbox grants the one-time quotas;
//   wx.chooseAddress      → the holder's one saved (demo) address; wx.scanCode → the code typed in a sheet;
//   wx.openBusinessView (weappOrderConfirm) → WeChat's 确认收货 window, answered by the local shipping service;
//   wx.cloud.uploadFile / getTempFileURL / deleteFile / downloadFile → the local cloud's storage, as the holder;
//   wx.chooseMedia / chooseImage → the browser's file dialog (files.ts keeps the picked photos);
//   navigation, toasts, modals and loading as WeChat shows them.
import { appJson } from 'preview:manifest';
import * as chrome from './chrome';
import { keepTemporary, pickImages, setFileHolder, temporaryBlob, tempUrlsFor } from './files';
import * as nav from './navigator';

export interface Holder {
  openid: string;
  label: string;
}

let holder: Holder = { openid: 'demo-buyer', label: '演示买家' };
setFileHolder(() => holder.openid);

export function setHolder(next: Holder): void {
  holder = next;
}

export function currentHolder(): Holder {
  return holder;
}

type Callbacks<T> = { success?: (res: T) => void; fail?: (err: { errMsg: string }) => void; complete?: (res: unknown) => void };

/** WeChat's calling convention: callbacks when given, otherwise a promise. */
function api<O extends object, T extends object>(name: string, run: (options: O) => Promise<T>) {
  return (options: O & Callbacks<T> = {} as O & Callbacks<T>): Promise<T> | undefined => {
    const promise = run(options).then(
      (res) => ({ ...res, errMsg: (res as { errMsg?: string }).errMsg ?? `${name}:ok` }) as T,
      (err: unknown) => {
        const message = err instanceof Error ? err.message : String((err as { errMsg?: string })?.errMsg ?? err);
        throw { errMsg: message.startsWith(`${name}:`) ? message : `${name}:fail ${message}` };
      },
    );
    if (!options.success && !options.fail && !options.complete) return promise;
    promise.then(
      (res) => {
        options.success?.(res);
        options.complete?.(res);
      },
      (err: { errMsg: string }) => {
        options.fail?.(err);
        options.complete?.(err);
      },
    );
    return undefined;
  };
}

async function postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; data: unknown }> {
  const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  let data: unknown = text;
  try {
    data = JSON.parse(text);
  } catch {
    // not JSON: handed over as text
  }
  return { status: res.status, data };
}

/** The sandbox's templates (GET /sandbox/templates), id → title, read once per page load. */
let titlesOnce: Promise<Map<string, string>> | undefined;
function templateTitles(): Promise<Map<string, string>> {
  titlesOnce ??= fetch('/sandbox/templates')
    .then((res) => (res.ok ? (res.json() as Promise<{ templates?: Array<{ id: string; title: string }> }>) : { templates: [] }))
    .then((body) => new Map((body.templates ?? []).map((t) => [t.id, t.title])))
    .catch(() => {
      titlesOnce = undefined;
      return new Map<string, string>();
    });
  return titlesOnce;
}

/** What WeChat shows as the mini-program's name in its dialogs; the app's title stands in for it. */
const appName = (): string => appJson.window?.navigationBarTitleText || '小程序';

function formatFen(fen: number): string {
  return `¥${(fen / 100).toFixed(2)}`;
}

const cloud = {
  init: () => undefined,
  callFunction: api('cloud.callFunction', async (options: { name: string; data?: unknown }) => {
    const answer = await postJson(`/functions/${encodeURIComponent(options.name)}`, { data: options.data ?? {} }, { 'x-wx-openid': holder.openid });
    const body = answer.data as { result?: unknown; errMsg?: string; errCode?: number } | undefined;
    if (answer.status !== 200 || !body || typeof body !== 'object' || !('result' in body)) {
      throw new Error(`cloud.callFunction:fail ${body?.errCode ?? answer.status} ${body?.errMsg ?? ''}`.trim());
    }
    return { result: body.result, requestID: (body as { requestID?: string }).requestID ?? '' };
  }),
  uploadFile: api('cloud.uploadFile', async (options: { cloudPath: string; filePath: string }) => {
    const blob = temporaryBlob(options.filePath) ?? (await (await fetch(options.filePath)).blob());
    const form = new FormData();
    form.append('cloudPath', options.cloudPath);
    form.append('file', blob, options.cloudPath.split('/').pop() ?? 'file');
    const res = await fetch('/storage/client/upload', { method: 'POST', headers: { 'x-wx-openid': holder.openid }, body: form });
    const body = (await res.json()) as { fileID?: string; errMsg?: string };
    if (!res.ok || !body.fileID) throw new Error(body.errMsg ?? `cloud.uploadFile:fail ${res.status}`);
    return { fileID: body.fileID, statusCode: 204 };
  }),
  getTempFileURL: api('cloud.getTempFileURL', async (options: { fileList: unknown[] }) => ({ fileList: await tempUrlsFor(options.fileList ?? []) })),
  deleteFile: api('cloud.deleteFile', async (options: { fileList: string[] }) => {
    const res = await fetch('/storage/client/delete', { method: 'POST', headers: { 'content-type': 'application/json', 'x-wx-openid': holder.openid }, body: JSON.stringify({ fileList: options.fileList }) });
    const body = (await res.json()) as { fileList?: unknown[]; errMsg?: string };
    if (!res.ok || !body.fileList) throw new Error(body.errMsg ?? `cloud.deleteFile:fail ${res.status}`);
    return { fileList: body.fileList };
  }),
  downloadFile: api('cloud.downloadFile', async (options: { fileID: string }) => {
    const [link] = await tempUrlsFor([options.fileID]);
    if (!link || link.status !== 0) throw new Error(`cloud.downloadFile:fail ${link?.errMsg ?? 'no such file'}`);
    const res = await fetch(link.tempFileURL);
    return { tempFilePath: keepTemporary(await res.blob()), statusCode: res.status };
  }),
};

async function choosePhotos(count: number) {
  const files = await pickImages(count);
  if (files.length === 0) throw new Error('cancel');
  return files.map((file) => ({ tempFilePath: keepTemporary(file), size: file.size, fileType: 'image' as const }));
}

/** The address a preview holder has saved in WeChat: what wx.chooseAddress answers. */
export const DEMO_ADDRESS = {
  userName: '陈小明',
  telNumber: '13912345678',
  postalCode: '510220',
  provinceName: '广东省',
  cityName: '广州市',
  countyName: '海珠区',
  detailInfo: '新港中路397号 3栋1201',
  nationalCode: '440105',
};

/** A courier label's code, as the scanner would read it (SF Express: SF + 13 digits). */
function sampleTrackingNo(): string {
  let digits = '';
  for (let i = 0; i < 13; i++) digits += Math.floor(Math.random() * 10);
  return `SF${digits}`;
}

/** What wx.setClipboardData copied last (the browser may refuse to let the page read its clipboard). */
let lastClipboard = '';

interface TradeView {
  totalFee: number;
  body?: string;
  subMchId?: string;
}

export const wx = {
  cloud,
  request: api('request', async (options: { url: string; method?: string; data?: unknown; header?: Record<string, string> }) => {
    const method = (options.method ?? 'GET').toUpperCase();
    const res = await fetch(options.url, {
      method,
      headers: options.header,
      body: method === 'GET' ? undefined : typeof options.data === 'string' ? options.data : JSON.stringify(options.data ?? {}),
    });
    const text = await res.text();
    let data: unknown = text;
    try {
      data = JSON.parse(text);
    } catch {
      // text answer
    }
    return { statusCode: res.status, data, header: Object.fromEntries(res.headers.entries()) };
  }),
  requestPayment: api('requestPayment', async (options: { package: string }) => {
    const prepay = encodeURIComponent(options.package.replace(/^prepay_id=/, ''));
    const tradeAnswer = await fetch(`/sandbox/payments/by-prepay/${prepay}`);
    if (!tradeAnswer.ok) throw new Error(`requestPayment:fail ${tradeAnswer.status} no such prepay_id`);
    const trade = (await tradeAnswer.json()) as TradeView;
    const pay = await chrome.showCashier({ merchant: appName(), description: trade.body ?? '', amountText: formatFen(trade.totalFee) });
    if (!pay) {
      await postJson(`/sandbox/payments/by-prepay/${prepay}/cancel`, {});
      throw new Error('requestPayment:fail cancel');
    }
    chrome.showToast('支付中', 'loading', 0, true);
    try {
      const done = await postJson(`/sandbox/payments/by-prepay/${prepay}/complete`, { openid: holder.openid });
      if (done.status !== 200) throw new Error(`requestPayment:fail ${(done.data as { message?: string })?.message ?? done.status}`);
    } finally {
      chrome.hideToast();
    }
    return {};
  }),
  requestSubscribeMessage: api('requestSubscribeMessage', async (options: { tmplIds: string[] }) => {
    const ids = options.tmplIds ?? [];
    const titles = await templateTitles();
    // WeChat lists each message by its template's title; an id the sandbox does not know is shown as it is.
    const accept = await chrome.showSubscribeDialog(appName(), ids.map((id) => titles.get(id) ?? id));
    if (accept) {
      const granted = await postJson('/sandbox/subscriptions', { openid: holder.openid, templateIds: ids });
      if (granted.status >= 300) throw new Error(`requestSubscribeMessage:fail ${granted.status}`);
    }
    return Object.fromEntries(ids.map((id) => [id, accept ? 'accept' : 'reject']));
  }),
  chooseAddress: api('chooseAddress', async () => {
    const a = DEMO_ADDRESS;
    const use = await chrome.showAddressSheet({ who: `${a.userName} ${a.telNumber}`, where: `${a.provinceName}${a.cityName}${a.countyName}${a.detailInfo}` });
    if (!use) throw new Error('chooseAddress:fail cancel');
    return { ...a };
  }),
  scanCode: api('scanCode', async () => {
    const code = await chrome.showScanSheet(sampleTrackingNo());
    if (code === undefined) throw new Error('scanCode:fail cancel');
    return { result: code, scanType: 'CODE_128', charSet: 'utf-8', rawData: btoa(code) };
  }),
  openBusinessView: api('openBusinessView', async (o: { businessType: string; extraData?: Record<string, string> }) => {
    const transactionId = o.extraData?.transaction_id ?? '';
    if (o.businessType !== 'weappOrderConfirm' || !transactionId) throw new Error(`openBusinessView:fail the preview opens only weappOrderConfirm with a transaction_id`);
    if (!(await chrome.showReceiptConfirm(appName()))) throw new Error('openBusinessView:fail cancel');
    const done = await postJson(`/sandbox/shipping/by-transaction/${encodeURIComponent(transactionId)}/confirm`, {});
    if (done.status !== 200) throw new Error(`openBusinessView:fail ${(done.data as { message?: string })?.message ?? done.status}`);
    return { extraData: (done.data as { referrerInfo?: { extraData?: unknown } }).referrerInfo?.extraData ?? {} };
  }),
  chooseMedia: api('chooseMedia', async (o: { count?: number }) => ({ tempFiles: await choosePhotos(o.count ?? 9), type: 'image' })),
  chooseImage: api('chooseImage', async (o: { count?: number }) => {
    const files = await choosePhotos(o.count ?? 9);
    return { tempFilePaths: files.map((f) => f.tempFilePath), tempFiles: files.map((f) => ({ path: f.tempFilePath, size: f.size })) };
  }),
  previewImage: api('previewImage', async (o: { urls: string[]; current?: string }) => (await chrome.showImagePreview(o.urls ?? [], o.current), {})),
  setClipboardData: api('setClipboardData', async (o: { data: string }) => {
    await navigator.clipboard?.writeText(o.data).catch(() => undefined);
    lastClipboard = o.data;
    chrome.showToast('内容已复制', 'none', 1500);
    return {};
  }),
  getClipboardData: api('getClipboardData', async () => ({ data: lastClipboard })),
  showActionSheet: api('showActionSheet', async (o: { itemList: string[]; alertText?: string }) => {
    const tapIndex = await chrome.showOptionSheet(o.itemList ?? [], o.alertText);
    if (tapIndex === undefined) throw new Error('showActionSheet:fail cancel');
    return { tapIndex };
  }),
  showToast: api('showToast', async (o: { title: string; icon?: 'success' | 'error' | 'loading' | 'none'; duration?: number; mask?: boolean }) => {
    chrome.showToast(o.title, o.icon ?? 'success', o.duration ?? 1500, o.mask);
    return {};
  }),
  hideToast: api('hideToast', async () => (chrome.hideToast(), {})),
  showLoading: api('showLoading', async (o: { title: string; mask?: boolean }) => (chrome.showToast(o.title, 'loading', 0, o.mask), {})),
  hideLoading: api('hideLoading', async () => (chrome.hideToast(), {})),
  showModal: api('showModal', async (o: chrome.ModalOptions) => {
    const confirm = await chrome.showModal(o);
    return { confirm, cancel: !confirm };
  }),
  navigateTo: api('navigateTo', async (o: { url: string }) => (await nav.navigateTo(o.url), {})),
  redirectTo: api('redirectTo', async (o: { url: string }) => (await nav.redirectTo(o.url), {})),
  navigateBack: api('navigateBack', async (o: { delta?: number }) => (await nav.navigateBack(o.delta), {})),
  reLaunch: api('reLaunch', async (o: { url: string }) => (await nav.reLaunch(o.url), {})),
  switchTab: api('switchTab', async (o: { url: string }) => (await nav.switchTab(o.url), {})),
  stopPullDownRefresh: api('stopPullDownRefresh', async () => (nav.stopPullDownRefresh(), {})),
  startPullDownRefresh: api('startPullDownRefresh', async () => (nav.pullDownRefresh(), {})),
  setNavigationBarTitle: api('setNavigationBarTitle', async (o: { title: string }) => {
    const title = document.getElementById('nav-title');
    if (title) title.textContent = o.title;
    return {};
  }),
  getSystemInfoSync: () => ({ windowWidth: 375, windowHeight: 667, screenWidth: 375, pixelRatio: 2, platform: 'devtools', SDKVersion: '3.6.0' }),
  getWindowInfo: () => ({ windowWidth: 375, windowHeight: 667, screenWidth: 375, pixelRatio: 2, statusBarHeight: 20 }),
  getStorageSync: (key: string) => {
    const raw = localStorage.getItem(`${holder.openid}:${key}`);
    return raw === null ? '' : (JSON.parse(raw) as unknown);
  },
  setStorageSync: (key: string, value: unknown) => localStorage.setItem(`${holder.openid}:${key}`, JSON.stringify(value)),
  removeStorageSync: (key: string) => localStorage.removeItem(`${holder.openid}:${key}`),
  vibrateShort: api('vibrateShort', async () => ({})),
};
