// How a cloud function is reached. Pages and services never know which one is in use.
import type { LocalCloudSwitch } from '../config';
import { postJson } from './http';

export type FunctionName = 'pay' | 'applyRefund' | 'approveRefund' | 'orders' | 'ship' | 'products';

/** Thrown when no answer came back (network, quota, function crashed); a function's own `{ok:false}` is an answer. */
export class TransportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransportError';
  }
}

export interface CloudTransport {
  /** The function's return value, unvalidated. */
  call(name: FunctionName, data: unknown): Promise<unknown>;
}

export function wxCloudTransport(): CloudTransport {
  return {
    async call(name, data) {
      try {
        const res = await wx.cloud.callFunction({ name, data: data as WechatMiniprogram.IAnyObject });
        return res.result;
      } catch (err) {
        throw new TransportError(err instanceof Error ? err.message : String((err as { errMsg?: string }).errMsg ?? err));
      }
    },
  };
}

/** The local cloud's gateway answers `{result}` like wx.cloud.callFunction, with the caller named in a header. */
export function localCloudTransport(local: LocalCloudSwitch): CloudTransport {
  return {
    async call(name, data) {
      let answer;
      try {
        answer = await postJson(`${local.url}/functions/${name}`, { data }, { 'x-wx-openid': local.openid });
      } catch (err) {
        throw new TransportError(err instanceof Error ? err.message : String(err));
      }
      const body = answer.data as { result?: unknown; message?: unknown } | null;
      if (answer.statusCode !== 200 || body === null || typeof body !== 'object' || !('result' in body)) {
        const why = body && typeof body === 'object' && typeof body.message === 'string' ? body.message : '';
        throw new TransportError(`local cloud answered ${answer.statusCode} ${why}`.trim());
      }
      return body.result;
    },
  };
}
