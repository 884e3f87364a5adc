// The page stack: navigateTo pushes, navigateBack pops, redirectTo replaces, reLaunch starts over, with the page
// lifecycle WeChat runs (onLoad(query), onShow, onHide, onUnload, onPullDownRefresh, onReachBottom).
import * as jComponent from 'j-component';
import { appJson, modules } from 'preview:manifest';
import { renderTabBar, setNavigationBar } from './chrome';
import { componentId } from './components';

interface OpenPage {
  route: string;
  query: Record<string, string>;
  component: jComponent.RootComponent;
  element: HTMLElement;
  scroller: HTMLElement;
}

type Lifecycle = 'onLoad' | 'onShow' | 'onHide' | 'onUnload' | 'onPullDownRefresh' | 'onReachBottom';

const stack: OpenPage[] = [];
const MAX_STACK = 10;

export function parseUrl(url: string, from?: string): { route: string; query: Record<string, string> } {
  const [path, search = ''] = url.split('?');
  let route = path.startsWith('/') ? path.slice(1) : path;
  if (!path.startsWith('/') && from) {
    const parts = from.split('/').slice(0, -1);
    for (const part of path.split('/')) {
      if (part === '..') parts.pop();
      else if (part !== '.') parts.push(part);
    }
    route = parts.join('/');
  }
  const query: Record<string, string> = {};
  // Values are handed over as written, still URI-encoded: WeChat does not decode them either.
  for (const pair of search.split('&').filter(Boolean)) {
    const at = pair.indexOf('=');
    query[at === -1 ? pair : pair.slice(0, at)] = at === -1 ? '' : pair.slice(at + 1);
  }
  return { route, query };
}

function call(page: OpenPage, name: Lifecycle, arg?: unknown): void {
  const method = page.component.instance[name];
  if (typeof method === 'function') {
    try {
      const result = (method as (arg?: unknown) => unknown).call(page.component.instance, arg);
      if (result && typeof (result as Promise<unknown>).catch === 'function') (result as Promise<unknown>).catch(console.error);
    } catch (err) {
      console.error(`${page.route} ${name} failed`, err);
    }
  }
}

export function currentPage(): OpenPage | undefined {
  return stack[stack.length - 1];
}

export function currentPages(): OpenPage['component']['instance'][] {
  return stack.map((p) => Object.assign(p.component.instance, { route: p.route, options: p.query }));
}

function titleOf(route: string): string {
  return modules[route]?.json.navigationBarTitleText ?? appJson.window?.navigationBarTitleText ?? '';
}

function refreshChrome(): void {
  const top = currentPage();
  if (!top) return;
  setNavigationBar(titleOf(top.route), stack.length > 1);
  renderTabBar(appJson.tabBar?.list ?? [], top.route, (pagePath) => void switchTab(`/${pagePath}`));
  for (const page of stack) page.element.hidden = page !== top;
}

function open(url: string): OpenPage {
  const { route, query } = parseUrl(url, currentPage()?.route);
  if (!modules[route] || !appJson.pages.includes(route)) throw new Error(`navigate:fail page "${route}" is not found`);
  const element = document.createElement('div');
  element.className = 'wxpage';
  element.dataset.route = route;
  const scroller = document.createElement('div');
  scroller.className = 'wxpage-scroll';
  element.appendChild(scroller);
  document.getElementById('pages')?.appendChild(element);
  const component = jComponent.create(componentId(route));
  component.attach(scroller);
  const page: OpenPage = { route, query, component, element, scroller };
  watchScrolling(page);
  return page;
}

function watchScrolling(page: OpenPage): void {
  let armedAt = -1;
  page.scroller.addEventListener('scroll', () => {
    const { scrollTop, clientHeight, scrollHeight } = page.scroller;
    // onReachBottom fires once per content height, like WeChat's onReachBottomDistance (50px).
    if (scrollTop + clientHeight >= scrollHeight - 50 && armedAt !== scrollHeight) {
      armedAt = scrollHeight;
      call(page, 'onReachBottom');
    }
  });
  let lastPull = 0;
  page.scroller.addEventListener('wheel', (event) => {
    if (!modules[page.route]?.json.enablePullDownRefresh) return;
    if (page.scroller.scrollTop <= 0 && event.deltaY < -40 && Date.now() - lastPull > 1000) {
      lastPull = Date.now();
      pullDownRefresh();
    }
  });
}

export function pullDownRefresh(): void {
  const top = currentPage();
  if (!top) return;
  document.getElementById('pull-indicator')?.removeAttribute('hidden');
  call(top, 'onPullDownRefresh');
}

export function stopPullDownRefresh(): void {
  document.getElementById('pull-indicator')?.setAttribute('hidden', '');
}

function show(page: OpenPage, loaded: boolean): void {
  refreshChrome();
  if (!loaded) call(page, 'onLoad', page.query);
  call(page, 'onShow');
}

function unload(page: OpenPage): void {
  call(page, 'onUnload');
  page.component.detach();
  page.element.remove();
}

export async function navigateTo(url: string): Promise<void> {
  if (stack.length >= MAX_STACK) throw new Error('navigateTo:fail webview count limit exceed');
  const previous = currentPage();
  const page = open(url);
  if (previous) call(previous, 'onHide');
  stack.push(page);
  show(page, false);
}

export async function redirectTo(url: string): Promise<void> {
  const page = open(url);
  const previous = stack.pop();
  if (previous) unload(previous);
  stack.push(page);
  show(page, false);
}

export async function navigateBack(delta = 1): Promise<void> {
  if (stack.length <= 1) return;
  const count = Math.min(Math.max(1, delta), stack.length - 1);
  for (let i = 0; i < count; i++) {
    const page = stack.pop();
    if (page) unload(page);
  }
  const top = currentPage();
  if (top) show(top, true);
}

export async function reLaunch(url: string): Promise<void> {
  const page = open(url);
  while (stack.length) {
    const old = stack.pop();
    if (old) unload(old);
  }
  stack.push(page);
  show(page, false);
}

export async function switchTab(url: string): Promise<void> {
  const { route } = parseUrl(url);
  if (!(appJson.tabBar?.list ?? []).some((t) => t.pagePath === route)) throw new Error(`switchTab:fail can not switch to no-tabBar page`);
  await reLaunch(`/${route}`);
}
