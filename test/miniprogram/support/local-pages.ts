// Pages rendered by miniprogram-simulate against the real functions: the local cloud with the built functions
// (localShop), the services in local mode as one openid or another, and a `wx` that records what the person sees
// (dialogs, toasts, the page stack, the clipboard, photo previews) and in what order things happened. Test files
// using it run in ./jsdom-with-node.js (jsdom for the pages, Node's fetch for the cloud).
import { config } from '../../../miniprogram/config';
import { localShop, type LocalShop, type ShopUnderTest } from './local-shop';

/** The parts of test/functions/support's Shop the page tests call directly (acting as WeChat, the merchant, the buyer). */
export interface FullShop extends ShopUnderTest {
  ok<T = unknown>(name: string, data: unknown, openid?: string): Promise<T>;
  doc<T = Record<string, unknown>>(collection: string, id: string): Promise<T | undefined>;
  paidOrder(items?: Array<{ productId: string; quantity: number; skuId?: string }>, buyer?: string): Promise<string>;
  /** One run of the reconcile timer, as its trigger fires it. */
  reconcile(): Promise<unknown>;
}

export interface LocalScreen {
  dialogs: Array<{ title: string; content: string }>;
  toasts: string[];
  pages: string[];
  clipboard: string;
  previews: Array<{ current: string; urls: string[] }>;
  /** Dialogs and subscription requests as they happened: `dialog:<title>`, `subscribe:<templateIds>`. */
  order: string[];
  /** What the camera reads at the next wx.scanCode. */
  scans: string;
}

export interface LocalPages extends LocalShop {
  readonly full: FullShop;
  screen: LocalScreen;
}

export function localPages(options: { grants: number; settings?: Record<string, unknown> }): LocalPages {
  const local = localShop(options);
  const screen: LocalScreen = { dialogs: [], toasts: [], pages: [], clipboard: '', previews: [], order: [], scans: '' };
  const pages = local as LocalPages;
  Object.defineProperty(pages, 'full', { get: () => local.shop as unknown as FullShop });
  pages.screen = screen;
  beforeAll(() => {
    const g = globalThis as unknown as { wx: Record<string, unknown>; getCurrentPages?: unknown };
    const http = g.wx;
    const request = http.request as (opts: { url: string; data: { templateIds?: string[] } }) => void;
    g.wx = {
      ...http,
      request(opts: { url: string; data: { templateIds?: string[] } }) {
        if (opts.url.endsWith('/sandbox/subscriptions')) screen.order.push(`subscribe:${(opts.data.templateIds ?? []).join(',')}`);
        request(opts);
      },
      showModal(opts: { title: string; content?: string; success(res: { confirm: boolean; cancel: boolean }): void }) {
        screen.dialogs.push({ title: opts.title, content: opts.content ?? '' });
        screen.order.push(`dialog:${opts.title}`);
        const confirm = local.answerDialogs;
        setTimeout(() => opts.success({ confirm, cancel: !confirm }), 0);
      },
      showToast: (opts: { title: string }) => void screen.toasts.push(opts.title),
      navigateTo: (opts: { url: string }) => void screen.pages.push(opts.url),
      redirectTo: (opts: { url: string }) => void screen.pages.push(opts.url),
      stopPullDownRefresh: () => undefined,
      setClipboardData: (opts: { data: string }) => {
        screen.clipboard = opts.data;
      },
      previewImage: (opts: { current: string; urls: string[] }) => void screen.previews.push({ current: opts.current, urls: opts.urls }),
      scanCode: (opts: { success(res: { result: string }): void }) => setTimeout(() => opts.success({ result: screen.scans }), 0),
    };
    g.getCurrentPages = () => [];
    // Short waits: WeChat Pay's local stand-in settles a refund within a second or two.
    config.refundFollowWaitsMs = [300, 500, 800, 1000, 1500, 2000, 3000];
  });
  return pages;
}

/** Waits until the page shows `text` in `selector` (answers come over real HTTP), or fails saying what it shows. */
export async function until(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
