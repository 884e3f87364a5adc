import type { Page } from '../../../typings/api';
import type { Outcome } from '../../../miniprogram/services/call';
import { pagedList, type PagedListData, type PagedListHost } from '../../../miniprogram/utils/paged-list';

interface Item {
  id: string;
  label: string;
}
interface Row {
  id: string;
  text: string;
}

/** A request the test answers when it chooses, so answers can arrive in any order. */
interface Pending {
  cursor?: string;
  answer(outcome: Outcome<Page<Item>>): Promise<void>;
}

function items(...ids: string[]): Item[] {
  return ids.map((id) => ({ id, label: `item ${id}` }));
}

function ok(list: Item[], nextCursor?: string): Outcome<Page<Item>> {
  return { ok: true, data: { items: list, nextCursor } };
}

/** Lets the awaits inside the list run. */
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function setup() {
  const requests: Pending[] = [];
  const current = new Map<string, Item>();
  const toasts: string[] = [];
  (globalThis as { wx?: unknown }).wx = {
    showToast: (o: { title: string }) => toasts.push(o.title),
    stopPullDownRefresh: () => undefined,
  };
  const list = pagedList<Item, Row>({
    fetchPage: (_host, cursor) =>
      new Promise((resolve) => {
        requests.push({
          cursor,
          answer: async (outcome) => {
            resolve(outcome);
            await flush();
          },
        });
      }),
    toRow: (item) => ({ id: item.id, text: item.label }),
    rowId: (row) => row.id,
    fetchItem: async (id) => current.get(id),
  });

  // Applies setData keys as the framework does: a top-level key replaces, `list[n]` and `list[n].field` patch.
  const sent: Array<Record<string, unknown>> = [];
  const data: PagedListData<Row> = JSON.parse(JSON.stringify(list.data)) as PagedListData<Row>;
  const host: PagedListHost<Row, object> = {
    data,
    setData(patch) {
      sent.push(patch);
      for (const [key, value] of Object.entries(patch)) {
        const path = /^list\[(\d+)\](?:\.(\w+))?$/.exec(key);
        if (!path) (data as unknown as Record<string, unknown>)[key] = value;
        else if (path[2] === undefined) data.list[Number(path[1])] = value as Row;
        else (data.list[Number(path[1])] as unknown as Record<string, unknown>)[path[2]] = value;
      }
    },
  };
  const m = list.methods;
  /** Loads the first page and answers it with these items. */
  const showFirstPage = async (first: Item[], nextCursor?: string) => {
    const loading = m.loadFirstPage.call(host, false);
    await requests[requests.length - 1].answer(ok(first, nextCursor));
    await loading;
    sent.length = 0;
  };
  return { host, data, sent, requests, current, toasts, m, showFirstPage };
}

describe('paged list', () => {
  it('appends the next page by index, without rows already shown', async () => {
    const { host, data, sent, requests, m, showFirstPage } = setup();
    await showFirstPage(items('a', 'b'), 'c1');
    expect(data.state).toEqual({ kind: 'ready' });

    m.onReachBottom.call(host);
    expect(requests[1].cursor).toBe('c1');
    // 'b' is repeated: an item was added at the top between the two pages.
    await requests[1].answer(ok(items('b', 'c')));
    expect(data.list.map((r) => r.id)).toEqual(['a', 'b', 'c']);
    expect(sent).toEqual([{ more: 'loading' }, { 'list[2]': { id: 'c', text: 'item c' }, more: 'end' }]);

    m.onReachBottom.call(host);
    expect(requests).toHaveLength(2);
  });

  it('drops a next page that answers after a refresh replaced the list', async () => {
    const { host, data, requests, m, showFirstPage } = setup();
    await showFirstPage(items('a'), 'c1');

    m.onReachBottom.call(host);
    const refresh = m.onPullDownRefresh.call(host);
    await requests[2].answer(ok(items('n', 'a'), 'r1'));
    await refresh;
    await requests[1].answer(ok(items('old')));

    expect(data.list.map((r) => r.id)).toEqual(['n', 'a']);
    expect(data.more).toBe('idle');
  });

  it('a failed next page offers a retry that picks up from the same cursor', async () => {
    const { host, data, requests, m, showFirstPage } = setup();
    await showFirstPage(items('a'), 'c1');

    m.onReachBottom.call(host);
    await requests[1].answer({ ok: false, code: 'NETWORK', message: 'offline' });
    expect(data.more).toBe('error');
    expect(data.list.map((r) => r.id)).toEqual(['a']);

    m.onMoreTap.call(host);
    expect(requests[2].cursor).toBe('c1');
    await requests[2].answer(ok(items('b')));
    expect(data.list.map((r) => r.id)).toEqual(['a', 'b']);
    expect(data.more).toBe('end');
  });

  it('a failed first page shows the error; a failed refresh keeps the rows and says why', async () => {
    const { host, data, requests, toasts, m, showFirstPage } = setup();
    const first = m.loadFirstPage.call(host, false);
    await requests[0].answer({ ok: false, code: 'NETWORK', message: 'offline' });
    await first;
    expect(data.state).toMatchObject({ kind: 'error', code: 'NETWORK' });

    await showFirstPage(items('a'));
    const refresh = m.onPullDownRefresh.call(host);
    await requests[2].answer({ ok: false, code: 'NETWORK', message: 'offline' });
    await refresh;
    expect(data.state).toEqual({ kind: 'ready' });
    expect(data.list.map((r) => r.id)).toEqual(['a']);
    expect(toasts).toHaveLength(1);
  });

  it('on coming back, re-reads only the row that was opened and sends only its changed fields', async () => {
    const { host, data, sent, current, m, showFirstPage } = setup();
    await showFirstPage(items('a', 'b'));

    current.set('b', { id: 'b', label: 'changed' });
    m.onShow.call(host);
    await flush();
    expect(sent).toEqual([]);

    m.rememberOpened.call(host, 'b');
    m.onShow.call(host);
    await flush();
    expect(sent).toEqual([{ 'list[1].text': 'changed' }]);
    expect(data.list[1]).toEqual({ id: 'b', text: 'changed' });

    // Only once: the next show with nothing opened re-reads nothing.
    current.set('b', { id: 'b', label: 'again' });
    m.onShow.call(host);
    await flush();
    expect(sent).toHaveLength(1);
  });

  it('leaves a row alone when the list was replaced while it was being re-read', async () => {
    const { host, data, sent, current, m, showFirstPage } = setup();
    await showFirstPage(items('a'));
    current.set('a', { id: 'a', label: 'changed' });

    const reading = m.refreshRow.call(host, 'a');
    data.list = [{ id: 'z', text: 'other tab' }];
    expect(await reading).toEqual({ id: 'z', text: 'other tab' });
    expect(sent).toEqual([]);
    expect(await m.refreshRow.call(host, 'missing')).toBeUndefined();
  });
});
