// Renders a mini-program page (built with Component()) from its TypeScript source with miniprogram-simulate,
// records every setData payload, and acts on it like a person: tap, type, pull down, scroll to the bottom.
import * as fs from 'fs';
import * as path from 'path';
import simulate = require('miniprogram-simulate');
import { gesture } from './fake-wx';

export const MINIPROGRAM_ROOT = path.resolve(__dirname, '../../../miniprogram');

type Definition = Record<string, unknown>;
const definitions = new Map<string, Definition>();
const registered = new Map<string, string>();

/** Runs the page's module once and keeps what it handed to Component(). */
function definitionOf(file: string): Definition {
  const known = definitions.get(file);
  if (known) return known;
  const g = globalThis as { Component?: (def: Definition) => void };
  const real = g.Component;
  let captured: Definition | undefined;
  g.Component = (def) => {
    captured = def;
  };
  try {
    require(file);
  } finally {
    g.Component = real;
  }
  if (!captured) throw new Error(`${file} did not call Component()`);
  definitions.set(file, captured);
  return captured;
}

/** Registers a page or component and the custom components its .json uses, like the framework would. */
function register(route: string): string {
  const known = registered.get(route);
  if (known) return known;
  const base = path.join(MINIPROGRAM_ROOT, route);
  const json = JSON.parse(fs.readFileSync(`${base}.json`, 'utf8')) as { usingComponents?: Record<string, string> };
  const usingComponents: Record<string, string> = {};
  for (const [tag, target] of Object.entries(json.usingComponents ?? {})) {
    const childRoute = target.startsWith('/') ? target.slice(1) : path.join(path.dirname(route), target);
    usingComponents[tag] = register(childRoute);
  }
  const load = simulate.load as unknown as (definition: Definition) => string;
  const id = load({ ...definitionOf(base), template: fs.readFileSync(`${base}.wxml`, 'utf8'), usingComponents });
  registered.set(route, id);
  return id;
}

/** Lets every pending callback, promise and timer of the fake `wx` run. */
export async function settle(rounds = 12): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

type SetDataPayload = Record<string, unknown>;

interface Node {
  dom: { textContent: string | null };
  toJSON(): unknown;
  dispatchEvent(name: string, options?: Record<string, unknown>): void;
  querySelector(selector: string): Node | undefined;
  querySelectorAll(selector: string): Node[];
}

export interface RenderedPage {
  /** The page's `this`, for the lifecycle calls the framework would make. */
  instance: Record<string, unknown> & { data: Record<string, unknown> };
  /** Every setData payload since render, in order. */
  setDataCalls: SetDataPayload[];
  text(selector?: string): string;
  texts(selector: string): string[];
  exists(selector: string): boolean;
  tap(selector: string, index?: number): Promise<void>;
  /** A tap whose consequences are not waited for (for taps in quick succession). */
  tapQuickly(selector: string, index?: number): void;
  type(selector: string, value: string, index?: number): Promise<void>;
  pick(selector: string, value: number): Promise<void>;
  lifecycle(name: 'onLoad' | 'onShow' | 'onHide' | 'onUnload' | 'onPullDownRefresh' | 'onReachBottom', arg?: unknown): Promise<void>;
  /** The rendered tree, for miniprogram-simulate's snapshot serializer. */
  markup(): unknown;
}

function clean(text: string | null | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}

/** Finds a node in the page or inside the load-state component (class "state-view"): selectors do not cross shadow roots. */
function findAll(root: Node, selector: string): Node[] {
  const own = root.querySelectorAll(selector);
  const nested = root.querySelectorAll('.state-view').flatMap((child) => child.querySelectorAll(selector));
  return [...own, ...nested];
}

/** Pages rendered by the current test: detached after it, as closing them would, so no timer outlives its test. */
const rendered: Array<{ detach(): void }> = [];
afterEach(() => {
  rendered.splice(0).forEach((comp) => comp.detach());
});

export async function renderPage(route: string, query: Record<string, string> = {}): Promise<RenderedPage> {
  const comp = simulate.render(register(route)) as unknown as Node & { instance: RenderedPage['instance']; attach(el: unknown): void; detach(): void };
  const doc = (globalThis as unknown as { document: { createElement(tag: string): unknown } }).document;
  comp.attach(doc.createElement('div'));
  rendered.push(comp);
  const setDataCalls: SetDataPayload[] = [];
  const instance = comp.instance;
  const original = instance.setData as (data: SetDataPayload, cb?: () => void) => void;
  instance.setData = (data: SetDataPayload, cb?: () => void) => {
    setDataCalls.push(JSON.parse(JSON.stringify(data)) as SetDataPayload);
    original.call(instance, data, cb);
  };

  const nodeAt = (selector: string, index: number): Node => {
    const node = findAll(comp, selector)[index];
    if (!node) throw new Error(`nothing matches ${selector} [${index}] on ${route}; page shows: ${clean(comp.dom.textContent)}`);
    return node;
  };

  const page: RenderedPage = {
    instance,
    setDataCalls,
    text: (selector) => (selector ? findAll(comp, selector).map((n) => clean(n.dom.textContent)).join(' ') : clean(comp.dom.textContent)),
    texts: (selector) => findAll(comp, selector).map((n) => clean(n.dom.textContent)),
    exists: (selector) => findAll(comp, selector).length > 0,
    markup: () => comp.toJSON(),
    async tap(selector, index = 0) {
      page.tapQuickly(selector, index);
      await settle();
    },
    tapQuickly(selector, index = 0) {
      // The handler runs in a microtask of this task; the gesture ends with the task, as on a phone.
      gesture.active = true;
      nodeAt(selector, index).dispatchEvent('tap');
      setTimeout(() => {
        gesture.active = false;
      }, 0);
    },
    async type(selector, value, index = 0) {
      nodeAt(selector, index).dispatchEvent('input', { detail: { value } });
      await settle();
    },
    async pick(selector, value) {
      nodeAt(selector, 0).dispatchEvent('change', { detail: { value } });
      await settle();
    },
    async lifecycle(name, arg) {
      const fn = instance[name] as ((arg?: unknown) => unknown) | undefined;
      if (typeof fn !== 'function') throw new Error(`${route} has no ${name}`);
      await fn.call(instance, arg);
      await settle();
    },
  };
  await page.lifecycle('onLoad', query);
  return page;
}

/** The keys of every setData payload, flattened: what crossed to the render thread. */
export function sentKeys(calls: SetDataPayload[]): string[] {
  return calls.flatMap((c) => Object.keys(c));
}
