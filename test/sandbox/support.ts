// Shared by the sandbox and outbox tests: a local cloud per test file, the real wx-server-sdk pointed at it, and
// small helpers for cloudPay calls and the control API.
import { connectSdk, getJson, postJson, startTestCloud, type LocalCloud, type WxServerSdk } from '../helpers/local-cloud';
import type { LocalCloudOptions } from '../../emulator/src/local-cloud';

export const SUB_MCH_ID = '1900000109';
export const BUYER = 'oBuyer_sandbox_1';

export type CloudPayAnswer = Record<string, unknown> & { returnCode?: string; resultCode?: string; errCode?: number; errCodeDes?: string };

export interface Harness {
  cloud: LocalCloud;
  sdk: WxServerSdk;
}

export async function startHarness(options: LocalCloudOptions = {}): Promise<Harness> {
  const cloud = await startTestCloud(options);
  return { cloud, sdk: connectSdk(cloud) };
}

/** `cloud.cloudPay.<api>(data)` through the real SDK, from outside any function (as a tool would). */
export async function cloudPay(sdk: WxServerSdk, api: string, data: Record<string, unknown>): Promise<CloudPayAnswer> {
  const pay = (sdk as unknown as { cloudPay: Record<string, (d: Record<string, unknown>) => Promise<CloudPayAnswer>> }).cloudPay;
  return pay[api](data);
}

let sequence = 0;
/** A fresh out_trade_no for each order, so tests in one file never collide. */
export function newTradeNo(prefix = 'T'): string {
  sequence += 1;
  return `${prefix}${Date.now().toString(36)}${sequence}`.slice(0, 32);
}

export function orderData(outTradeNo: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    body: '乌龙茶 ×2',
    outTradeNo,
    totalFee: 2400,
    spbillCreateIp: '127.0.0.1',
    subMchId: SUB_MCH_ID,
    nonceStr: 'n0nce',
    envId: 'local-cloud',
    functionName: 'sandbox-receiver',
    subOpenid: BUYER,
    ...over,
  };
}

export async function placeOrder(sdk: WxServerSdk, over: Record<string, unknown> = {}): Promise<{ outTradeNo: string; answer: CloudPayAnswer }> {
  const outTradeNo = newTradeNo();
  const answer = await cloudPay(sdk, 'unifiedOrder', orderData(outTradeNo, over));
  if (answer.resultCode !== 'SUCCESS') throw new Error(`unifiedOrder failed: ${JSON.stringify(answer)}`);
  return { outTradeNo, answer };
}

export function refundData(outTradeNo: string, outRefundNo: string, refundFee: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  return { subMchId: SUB_MCH_ID, nonceStr: 'n0nce', outTradeNo, outRefundNo, totalFee: 2400, refundFee, envId: 'local-cloud', functionName: 'sandbox-receiver', ...over };
}

export const control = {
  get: <T = Record<string, unknown>>(h: Harness, path: string) => getJson<T>(h.cloud, path),
  post: <T = Record<string, unknown>>(h: Harness, path: string, body: unknown = {}) => postJson<T>(h.cloud, path, body),
};

/** Polls until `check` passes or the time is up (callbacks run in the background). */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let value = await read();
  while (!check(value)) {
    if (Date.now() > until) throw new Error(`condition not met in ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 20));
    value = await read();
  }
  return value;
}

/** Creates the collections the receiver fixture writes to (CloudBase refuses writes to a missing collection). */
export async function prepareReceiver(sdk: WxServerSdk): Promise<void> {
  const db = sdk.database();
  for (const name of ['sandbox_received', 'sandbox_script']) {
    try {
      await db.createCollection(name);
    } catch {
      // already there
    }
  }
}

/** Scripts the receiver for one trade or refund: acknowledge from delivery `ackFrom`, failing before that with `failWith`. */
export async function scriptReceiver(sdk: WxServerSdk, key: string, ackFrom: number, failWith: 'answer' | 'throw' | 'hang' = 'answer'): Promise<void> {
  await sdk.database().collection('sandbox_script').doc(key).set({ data: { ackFrom, failWith } });
}

export async function receivedEvents(sdk: WxServerSdk, key: string): Promise<Array<Record<string, unknown>>> {
  const res = (await sdk.database().collection('sandbox_received').where({ key }).get()) as unknown as { data: Array<{ event: Record<string, unknown> }> };
  return res.data.map((d) => d.event);
}

/** Where each delivery came from, as the receiver saw it in getWXContext().SOURCE. */
export async function receivedSources(sdk: WxServerSdk, key: string): Promise<unknown[]> {
  const res = (await sdk.database().collection('sandbox_received').where({ key }).get()) as unknown as { data: Array<{ source: unknown }> };
  return res.data.map((d) => d.source);
}
