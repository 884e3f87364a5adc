// The local cloud's real UI page, run in jsdom against a real local cloud: tests assert the DOM a developer gets.
// jsdom's own typings would pull the DOM library into the whole (Node) program; the tests need only this much.
export interface UiElement {
  textContent: string | null;
  closest(selector: string): { textContent: string | null } | null;
  click?(): void;
}
export interface UiWindow {
  document: { querySelector(selector: string): UiElement | null };
  close(): void;
  pwned?: number;
  fetch?: typeof fetch;
}
export interface UiDom {
  window: UiWindow;
}

/** Fetches of each page still on their way: a page's script must not resume after its window closed. */
const inFlight = new WeakMap<UiWindow, { pending: number; stopped: boolean }>();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { JSDOM } = require('jsdom') as { JSDOM: new (html: string, options: { url: string; runScripts: 'dangerously'; beforeParse(window: UiWindow): void }) => UiDom };

/** Loads `/` of the local cloud at `url` and runs its script; close the window when done (it refreshes on a timer). */
export async function openUi(url: string): Promise<UiDom> {
  const html = await (await fetch(`${url}/`)).text();
  return new JSDOM(html, {
    url: `${url}/`,
    runScripts: 'dangerously',
    beforeParse(window) {
      const state = { pending: 0, stopped: false };
      inFlight.set(window, state);
      // jsdom has no fetch: the page's requests go to the real local cloud. Once closing, none is answered, so
      // the page's refresh waits forever instead of touching a document that is gone.
      window.fetch = async (path, init) => {
        if (state.stopped) return new Promise<Response>(() => undefined);
        state.pending++;
        try {
          return await fetch(new URL(String(path), url), init);
        } finally {
          state.pending--;
        }
      };
    },
  });
}

/** Closes the page once the requests it has in flight are answered and its script has moved on. */
export async function closeUi(dom: UiDom): Promise<void> {
  const state = inFlight.get(dom.window);
  if (state) {
    state.stopped = true;
    while (state.pending > 0) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50));
  }
  dom.window.close();
}

/** Clicks a tab (unless it is the one shown) and waits until `ready` matches an element. */
export async function showTab(dom: UiDom, tab: string, ready: string): Promise<UiElement> {
  const { document } = dom.window;
  document.querySelector(`#tabs button[data-tab="${tab}"]`)?.click?.();
  for (let i = 0; i < 600; i++) {
    const found = document.querySelector(ready);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`the ${tab} tab never showed ${ready}`);
}
