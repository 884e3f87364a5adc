// subscribeMessage.send through the real SDK (protobuf in and out): permissions, template rules, one-time quotas,
// and what GET /sandbox/messages shows.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { control, startHarness, type Harness } from '../sandbox/support';
import type { WxServerSdk } from '../helpers/local-cloud';

const BUYER = 'oBuyer_outbox_1';
const OTHER = 'oBuyer_outbox_2';
const TEMPLATE = 'LOCAL_TMPL_REFUND_RESULT';

const message = (touser = BUYER, over: Record<string, unknown> = {}) => ({
  touser,
  templateId: TEMPLATE,
  page: 'pages/order/detail/index?id=O1',
  data: { character_string1: { value: 'O20260102abc' }, amount2: { value: '¥12.00' }, phrase3: { value: '退款成功' }, time4: { value: '2026-01-02 10:00' } },
  ...over,
});

interface MessageView {
  status: string;
  touser: string;
  templateId: string;
  errcode: number;
  errmsg: string;
  msgid?: number;
  sender?: string;
  data: Record<string, unknown>;
}

const send = (sdk: WxServerSdk, data: Record<string, unknown>) => sdk.openapi.subscribeMessage.send(data as never) as Promise<Record<string, unknown>>;
const grant = (h: Harness, openid: string, templateIds: string[]) => control.post<{ result: Record<string, string>; quotas: Record<string, number> }>(h, '/sandbox/subscriptions', { openid, templateIds });
const messages = (h: Harness, query = '') => control.get<{ total: number; messages: MessageView[] }>(h, `/sandbox/messages${query}`);

describe('subscribeMessage.send', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.cloud.close();
  });
  afterEach(async () => {
    await control.post(h, '/sandbox/outbox/reset');
  });

  it('refuses a user who did not subscribe (43101) and records the refusal', async () => {
    await expect(send(h.sdk, message())).rejects.toMatchObject({ errCode: 43101 });
    const listed = await messages(h);
    expect(listed.messages).toEqual([expect.objectContaining({ status: 'REFUSED', touser: BUYER, templateId: TEMPLATE, errcode: 43101 })]);
  });

  it('sends once per subscription: each acceptance allows one message', async () => {
    const granted = await grant(h, BUYER, [TEMPLATE, TEMPLATE]);
    expect(granted.body).toEqual({ result: { errMsg: 'requestSubscribeMessage:ok', [TEMPLATE]: 'accept' }, quotas: { [TEMPLATE]: 2 } });
    const first = await send(h.sdk, message());
    expect(first).toMatchObject({ errCode: 0, errMsg: 'openapi.subscribeMessage.send:ok' });
    // Like WeChat's, the msgid is an integer too large for a double: the SDK's JSON reader turns it into a
    // BigNumber, which its camel-casing then copies into a plain object. Functions should not rely on it.
    expect(first.msgid).toBeDefined();
    expect(String((await messages(h)).messages[0].msgid)).toMatch(/^\d{16}$/);
    await send(h.sdk, message());
    await expect(send(h.sdk, message())).rejects.toMatchObject({ errCode: 43101 });
    expect((await messages(h)).messages.map((m) => m.status)).toEqual(['REFUSED', 'SENT', 'SENT']);
    expect(await control.get(h, `/sandbox/subscriptions?openid=${BUYER}`)).toEqual({ openid: BUYER, quotas: {} });
  });

  it('uses one subscription for exactly one of two concurrent sends', async () => {
    await grant(h, BUYER, [TEMPLATE]);
    const results = await Promise.allSettled([send(h.sdk, message()), send(h.sdk, message())]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it.each([
    ['a thing-like field that is too long', { phrase3: { value: '退款已经全部成功' } }, 'data.phrase3.value'],
    ['a missing field', { time4: undefined }, 'data.time4.value is empty'],
    ['an extra field', { thing5: { value: 'x' } }, 'data.thing5 is not a field'],
    ['a bad amount', { amount2: { value: '12.345' } }, 'data.amount2.value'],
  ])('refuses %s with 47003 naming the field, without using the subscription', async (_n, change, text) => {
    await grant(h, BUYER, [TEMPLATE]);
    const base = message();
    const data = { ...(base.data as Record<string, unknown>), ...change };
    const err = (await send(h.sdk, { ...base, data }).catch((e: unknown) => e)) as { errCode: number; errMsg: string };
    expect(err.errCode).toBe(47003);
    expect(err.errMsg).toContain(text);
    expect((await messages(h)).messages[0]).toMatchObject({ status: 'INVALID', errcode: 47003 });
    await expect(send(h.sdk, message())).resolves.toMatchObject({ errCode: 0 });
  });

  it('answers 40037 for an unknown template and 40003 for a missing receiver', async () => {
    await expect(send(h.sdk, message(BUYER, { templateId: 'NOT_A_TEMPLATE' }))).rejects.toMatchObject({ errCode: 40037 });
    await expect(send(h.sdk, message(''))).rejects.toMatchObject({ errCode: 40003 });
  });

  it("checks the calling function's config.json permission", async () => {
    await grant(h, BUYER, [TEMPLATE]);
    const denied = await h.cloud.runner.invoke({ name: 'sandbox-no-permission', event: { send: true, data: message() }, source: 'wx_client', openid: BUYER });
    expect(denied).toMatchObject({ ok: true, result: { ok: false, errCode: -604101 } });
    const allowed = await h.cloud.runner.invoke({ name: 'sandbox-merchant', event: { send: true, data: message() }, source: 'wx_client', openid: BUYER });
    expect(allowed).toMatchObject({ ok: true, result: { ok: true, result: { errCode: 0 } } });
    expect((await messages(h)).messages).toEqual([expect.objectContaining({ status: 'SENT', sender: 'sandbox-merchant' })]);
  });

  it('lists messages newest first, filtered by receiver', async () => {
    await grant(h, BUYER, [TEMPLATE]);
    await grant(h, OTHER, [TEMPLATE]);
    await send(h.sdk, message(BUYER));
    await send(h.sdk, message(OTHER));
    await send(h.sdk, message(BUYER)).catch(() => undefined);
    const mine = await messages(h, `?touser=${BUYER}`);
    expect(mine.total).toBe(2);
    expect(mine.messages.map((m) => m.status)).toEqual(['REFUSED', 'SENT']);
    expect(mine.messages[1].data).toMatchObject({ phrase3: '退款成功' });
    expect((await messages(h, '?status=SENT')).total).toBe(2);
  });

  it('refuses to grant unknown templates or bad openids', async () => {
    expect((await grant(h, BUYER, ['NOPE'])).status).toBe(400);
    expect((await grant(h, 'bad id', [TEMPLATE])).status).toBe(400);
    expect((await control.post(h, '/sandbox/subscriptions', { openid: BUYER })).status).toBe(400);
  });
});

it('keeps subscriptions and messages across a restart', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'outbox-restart-'));
  try {
    const first = await startHarness({ memory: false, dataDir });
    try {
      await grant(first, BUYER, [TEMPLATE, TEMPLATE]);
      await send(first.sdk, message());
    } finally {
      await first.cloud.close();
    }
    const again = await startHarness({ memory: false, dataDir });
    try {
      expect(await control.get(again, `/sandbox/subscriptions?openid=${BUYER}`)).toEqual({ openid: BUYER, quotas: { [TEMPLATE]: 1 } });
      expect((await messages(again)).messages.map((m) => m.status)).toEqual(['SENT']);
    } finally {
      await again.cloud.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
