// The machinery of a list paged by cursor, shared by the pages that show one: the first page (with its loading,
// empty and error states), more pages on reaching the bottom, pull-down refresh, and the one row the person opened
// re-read when they come back. A page spreads `data` and `methods` into its Component() and keeps only what is its
// own. Plain methods rather than a Behavior: the lifecycle handlers (`onShow`, `onReachBottom`…) are then the page's
// own methods, without relying on how behaviors merge them, and `fetchPage` sees the page's data typed.
import type { Page } from '../../typings/api';
import { errorText } from '../domain/errors';
import type { Outcome } from '../services/call';
import { EMPTY, failed, LOADING, READY, type LoadState, type MoreState } from '../view-models/load-state';
import { toastFailure } from './feedback';
import { instanceState } from './instance-state';
import { appendPaths, changedPaths } from './set-data';

export interface PagedListData<Row> {
  state: LoadState;
  list: Row[];
  more: MoreState;
}

/** What the list needs of the page: its data (the list's own and whatever `fetchPage` reads, `Extra`) and setData. */
export interface PagedListHost<Row, Extra> {
  data: PagedListData<Row> & Extra;
  setData(patch: Record<string, unknown>): void;
}

export interface PagedListSource<Item, Row, Extra> {
  /** One page: the first without a cursor, the next ones with the cursor the previous page answered. */
  fetchPage(host: PagedListHost<Row, Extra>, cursor?: string): Promise<Outcome<Page<Item>>>;
  toRow(item: Item): Row;
  /** The id a row is found by, for dropping rows already shown and for re-reading one row. */
  rowId(row: Row): string;
  /** One item as it is now; undefined when it cannot be read (the row then stays as shown). */
  fetchItem(id: string): Promise<Item | undefined>;
  /**
   * What coming back from another page does: re-read the row opened (default: rows stay where they are), or reload
   * the first page (a work queue: what was dealt with elsewhere leaves it, what arrived meanwhile joins it).
   */
  onReturn?: 'row' | 'reload';
}

export type PagedListMethods<Row, Extra> = {
  /** Coming back: re-reads the row opened last, if any, or reloads the list (`onReturn`). */
  onShow(this: PagedListHost<Row, Extra>): void;
  /** Another page covers this one. */
  onHide(this: PagedListHost<Row, Extra>): void;
  onPullDownRefresh(this: PagedListHost<Row, Extra>): Promise<void>;
  onReachBottom(this: PagedListHost<Row, Extra>): void;
  /** The footer's "tap to retry" after a page failed to load. */
  onMoreTap(this: PagedListHost<Row, Extra>): void;
  /** `keepVisible`: a pull-down refresh leaves the old rows on screen until the new ones arrive. */
  loadFirstPage(this: PagedListHost<Row, Extra>, keepVisible: boolean): Promise<void>;
  loadMore(this: PagedListHost<Row, Extra>): Promise<void>;
  /** Re-reads one row and sends only the fields that changed; answers the row as now shown. */
  refreshRow(this: PagedListHost<Row, Extra>, id: string): Promise<Row | undefined>;
  /** Notes the row being opened, for `onShow` to re-read it on the way back. */
  rememberOpened(this: PagedListHost<Row, Extra>, id: string): void;
};

export interface PagedList<Row, Extra> {
  data: PagedListData<Row>;
  methods: PagedListMethods<Row, Extra>;
}

interface ListPrivate {
  cursor?: string;
  /** Answers to an older request (another tab, an earlier refresh) are dropped. */
  seq: number;
  openedId: string;
  /** Another page covered this one since it was last shown (the first onShow follows onLoad, which loads). */
  covered: boolean;
}

/** A row's fields, for comparing two versions of it. */
function fieldsOf(row: object): Record<string, unknown> {
  return { ...row };
}

export function pagedList<Item, Row extends object, Extra = object>(source: PagedListSource<Item, Row, Extra>): PagedList<Row, Extra> {
  const priv = instanceState<ListPrivate>(() => ({ seq: 0, openedId: '', covered: false }));
  const moreAfter = (cursor: string | undefined): MoreState => (cursor ? 'idle' : 'end');

  type Host = PagedListHost<Row, Extra>;

  async function loadFirstPage(host: Host, keepVisible: boolean): Promise<void> {
    const s = priv(host);
    const seq = ++s.seq;
    s.cursor = undefined;
    if (!keepVisible) host.setData({ state: LOADING, list: [], more: 'idle' });
    const res = await source.fetchPage(host);
    if (seq !== s.seq) return;
    if (!res.ok) {
      if (keepVisible && host.data.list.length > 0) toastFailure(res);
      else host.setData({ state: failed(res.code, errorText(res.code)), list: [], more: 'idle' });
      return;
    }
    s.cursor = res.data.nextCursor;
    const rows = res.data.items.map((item) => source.toRow(item));
    host.setData({ list: rows, state: rows.length ? READY : EMPTY, more: moreAfter(s.cursor) });
  }

  async function loadMore(host: Host): Promise<void> {
    const s = priv(host);
    if (host.data.state.kind !== 'ready' || host.data.more === 'loading' || host.data.more === 'end' || !s.cursor) return;
    const seq = s.seq;
    host.setData({ more: 'loading' });
    const res = await source.fetchPage(host, s.cursor);
    if (seq !== s.seq) return;
    if (!res.ok) {
      host.setData({ more: 'error' });
      return;
    }
    s.cursor = res.data.nextCursor;
    // A row may already be shown if items were added between two pages: keep the first copy.
    const shown = new Set(host.data.list.map((row) => source.rowId(row)));
    const rows = res.data.items.map((item) => source.toRow(item)).filter((row) => !shown.has(source.rowId(row)));
    host.setData({ ...appendPaths('list', host.data.list.length, rows), more: moreAfter(s.cursor) });
  }

  async function refreshRow(host: Host, id: string): Promise<Row | undefined> {
    const index = host.data.list.findIndex((row) => source.rowId(row) === id);
    if (index < 0) return undefined;
    const item = await source.fetchItem(id);
    // The list may have been replaced (a tab, a refresh) while the item was read.
    const current = host.data.list[index];
    if (item === undefined || current === undefined || source.rowId(current) !== id) return current;
    const next = source.toRow(item);
    const patch = changedPaths(`list[${index}]`, fieldsOf(current), fieldsOf(next));
    if (Object.keys(patch).length) host.setData(patch);
    return next;
  }

  const methods: PagedListMethods<Row, Extra> = {
    onHide() {
      priv(this).covered = true;
    },
    onShow() {
      const s = priv(this);
      const back = s.covered;
      s.covered = false;
      if (source.onReturn === 'reload') {
        // Only a list that loaded (not one behind an error or a merchant check) is reloaded.
        if (back && (this.data.state.kind === 'ready' || this.data.state.kind === 'empty')) void loadFirstPage(this, true);
        return;
      }
      if (!s.openedId) return;
      const id = s.openedId;
      s.openedId = '';
      void refreshRow(this, id);
    },
    async onPullDownRefresh() {
      await loadFirstPage(this, true);
      wx.stopPullDownRefresh();
    },
    onReachBottom() {
      void loadMore(this);
    },
    onMoreTap() {
      if (this.data.more === 'error') void loadMore(this);
    },
    loadFirstPage(keepVisible) {
      return loadFirstPage(this, keepVisible);
    },
    loadMore() {
      return loadMore(this);
    },
    refreshRow(id) {
      return refreshRow(this, id);
    },
    rememberOpened(id) {
      priv(this).openedId = id;
    },
  };

  return { data: { state: LOADING, list: [], more: 'idle' }, methods };
}

/** A `fetchItem` from a service call: the item `pick`ed from its answer, undefined (row left as shown) on failure. */
export function itemFrom<Data, Item>(fetch: (id: string) => Promise<Outcome<Data>>, pick: (data: Data) => Item): (id: string) => Promise<Item | undefined> {
  return async (id) => {
    const res = await fetch(id);
    return res.ok ? pick(res.data) : undefined;
  };
}
