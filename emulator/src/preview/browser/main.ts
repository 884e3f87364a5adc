// The preview's entry in the browser: puts `wx`, `App`, `getApp` and `getCurrentPages` where the mini-program
// expects them, applies its styles, turns clicks into WeChat taps, runs app.ts and opens the first page as
// whoever holds the phone (?as=<openid>, &page=<route?query> to open a page directly, as a message link does).
import * as exparser from 'miniprogram-exparser';
import { appCss, appJson, loadApp, modules } from 'preview:manifest';
import * as nav from './navigator';
import { currentHolder, setHolder, wx, type Holder } from './wx';

export const HOLDERS: Holder[] = [
  { openid: 'demo-buyer', label: '演示买家' },
  { openid: 'demo-buyer-2', label: '另一位买家' },
  { openid: 'demo-merchant', label: '商家' },
];

let appInstance: Record<string, unknown> = {};
const g = globalThis as Record<string, unknown>;
g.wx = wx;
g.App = (definition: Record<string, unknown>) => {
  appInstance = { globalData: {}, ...definition };
};
g.getApp = () => appInstance;
g.getCurrentPages = () => nav.currentPages();

function applyStyles(): void {
  const style = document.createElement('style');
  style.id = 'miniprogram-styles';
  style.textContent = [appCss, ...Object.values(modules).map((m) => m.css)].join('\n');
  document.head.appendChild(style);
}

/** A click on a page is a tap on the innermost mini-program element under it, bubbling as WeChat's tap does. */
function bridgeTaps(): void {
  document.getElementById('pages')?.addEventListener('click', (event) => {
    let node = event.target as (Node & { __wxElement?: unknown }) | null;
    while (node && !node.__wxElement) node = node.parentNode as (Node & { __wxElement?: unknown }) | null;
    if (!node) return;
    const mouse = event as MouseEvent;
    const point = { x: mouse.clientX, y: mouse.clientY };
    exparser.Event.dispatchEvent(
      node.__wxElement,
      exparser.Event.create('tap', point, {
        originalEvent: event,
        bubbles: true,
        capturePhase: true,
        composed: true,
        extraFields: { touches: [], changedTouches: [{ ...point, clientX: point.x, clientY: point.y }] },
      }),
    );
  });
}

function renderHolderSwitch(): void {
  const bar = document.getElementById('holders');
  if (!bar) return;
  bar.innerHTML = '';
  for (const holder of HOLDERS) {
    const button = document.createElement('button');
    button.textContent = `${holder.label}`;
    button.title = holder.openid;
    button.dataset.openid = holder.openid;
    button.className = holder.openid === currentHolder().openid ? 'holder selected' : 'holder';
    button.addEventListener('click', () => void holdPhone(holder.openid));
    bar.appendChild(button);
  }
}

/** Hands the phone to someone else: their own session, starting from the first page (or `page`). */
export async function holdPhone(openid: string, page?: string): Promise<void> {
  setHolder(HOLDERS.find((h) => h.openid === openid) ?? { openid, label: openid });
  renderHolderSwitch();
  const params = new URLSearchParams(location.search);
  params.set('as', openid);
  if (page) params.set('page', page);
  else params.delete('page');
  history.replaceState(null, '', `${location.pathname}?${params.toString()}`);
  await nav.reLaunch(`/${page ?? appJson.pages[0]}`);
}

async function boot(): Promise<void> {
  applyStyles();
  bridgeTaps();
  document.getElementById('nav-back')?.addEventListener('click', () => void nav.navigateBack(1));
  const params = new URLSearchParams(location.search);
  loadApp();
  const onLaunch = appInstance.onLaunch;
  if (typeof onLaunch === 'function') onLaunch.call(appInstance, { path: appJson.pages[0], query: {} });
  await holdPhone(params.get('as') ?? HOLDERS[0].openid, params.get('page') ?? undefined);
  document.body.dataset.ready = 'true';
}

(g as { __preview?: unknown }).__preview = { holdPhone, pullDownRefresh: nav.pullDownRefresh, navigateBack: nav.navigateBack };
boot().catch((err: unknown) => {
  console.error(err);
  const pages = document.getElementById('pages');
  if (pages) pages.textContent = `preview failed to start: ${err instanceof Error ? err.message : String(err)}`;
});
