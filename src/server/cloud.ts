// The one place that initialises wx-server-sdk. Every function reaches the cloud (database, cloudPay, openapi)
// through the handles exported here; none knows whether it runs in CloudBase or in the local cloud.
import cloud from 'wx-server-sdk';
import type { Store } from './store';

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV, throwOnNotFound: false });

export interface Caller {
  openid: string | undefined;
  appid: string | undefined;
  env: string | undefined;
  clientIp: string;
  source: string | undefined;
}

export function caller(): Caller {
  const ctx = cloud.getWXContext();
  return {
    openid: typeof ctx.OPENID === 'string' && ctx.OPENID !== '' ? ctx.OPENID : undefined,
    appid: typeof ctx.APPID === 'string' ? ctx.APPID : undefined,
    env: typeof ctx.ENV === 'string' && ctx.ENV !== '' ? ctx.ENV : undefined,
    clientIp: typeof ctx.CLIENTIP === 'string' && ctx.CLIENTIP !== '' ? ctx.CLIENTIP : '127.0.0.1',
    source: typeof ctx.SOURCE === 'string' ? ctx.SOURCE : undefined,
  };
}

let store: Store | undefined;
export function database(): Store {
  // The SDK's Database matches Store's shape; its own typings say `any`, so this is where we vouch for it.
  store ??= cloud.database() as unknown as Store;
  return store;
}

export const cloudPayApi = () => cloud.cloudPay;

export interface SubscribeSendRequest {
  touser: string;
  templateId: string;
  page?: string;
  data: Record<string, { value: string }>;
  miniprogramState: string;
  lang: string;
}

export async function sendSubscribeMessage(request: SubscribeSendRequest): Promise<void> {
  const send = (cloud.openapi as { subscribeMessage: { send(r: SubscribeSendRequest): Promise<unknown> } }).subscribeMessage.send;
  await send(request);
}

/** WeChat's shipping-info service (发货信息管理): wx-server-sdk sends any `cloud.openapi.<a>.<b>.<c>` path as that API. */
interface ShippingOpenApi {
  uploadShippingInfo(body: object): Promise<unknown>;
  getOrder(body: object): Promise<unknown>;
}
const shippingApi = () => (cloud.openapi as unknown as { wxa: { sec: { order: ShippingOpenApi } } }).wxa.sec.order;

/** The errCode of wx-server-sdk's error for a refused cloud call (WeChat's errcode, or the SDK's own such as -604101). */
export function sdkErrCode(err: unknown): number | undefined {
  const code = err && typeof err === 'object' ? (err as { errCode?: unknown }).errCode : undefined;
  return typeof code === 'number' ? code : typeof code === 'string' && /^-?\d+$/.test(code) ? Number(code) : undefined;
}

/** Throws the SDK's error (with errCode) when WeChat refuses. */
export async function uploadShippingInfo(body: object): Promise<void> {
  await shippingApi().uploadShippingInfo(body);
}

/** get_order's answer, camel-cased by the SDK (`order.orderState`). */
export async function getShippingOrder(body: { transaction_id: string }): Promise<{ order?: { orderState?: unknown } }> {
  return (await shippingApi().getOrder(body)) as { order?: { orderState?: unknown } };
}

export interface TempFileLink {
  fileID: string;
  /** 0 when the link was made; the storage's error code otherwise (-503003: no such file). */
  status: number;
  tempFileURL: string;
}

/** Temporary download links for files in this environment's storage (at most 50 per call, as CloudBase allows). */
export async function tempFileLinks(fileIDs: string[], maxAgeSeconds: number): Promise<TempFileLink[]> {
  const answer = (await cloud.getTempFileURL({ fileList: fileIDs.map((fileID) => ({ fileID, maxAge: maxAgeSeconds })) })) as { fileList?: TempFileLink[] };
  return answer.fileList ?? [];
}
