// Answers the doctor's probe (domain/doctor-probe.ts) in every product function: each listed open API is called
// once with a request WeChat must refuse, so nothing reaches a buyer and no order changes: a message to an empty
// openid (40003), shipping info and an order lookup for an empty transaction id. What matters is whether the
// call got past CloudBase's permission check (-604101) to WeChat. Only the environment's owner may ask: the
// Tencent Cloud API's Invoke carries no user, a mini-program call always does.
import { isProbeEvent, parseProbeEvent, probeOutcome, type ProbeAnswer, type ProbedApi } from '../domain/doctor-probe';
import type { Result } from '../../typings/api';
import { caller, getShippingOrder, sdkErrCode, sendSubscribeMessage, uploadShippingInfo } from './cloud';
import { log } from './logger';

const HARMLESS: Record<ProbedApi, () => Promise<unknown>> = {
  'subscribeMessage.send': () => sendSubscribeMessage({ touser: '', templateId: '', data: {}, miniprogramState: 'formal', lang: 'zh_CN' }),
  'wxa.sec.order.uploadShippingInfo': () => uploadShippingInfo({ order_key: { order_number_type: 2, transaction_id: '' } }),
  'wxa.sec.order.getOrder': () => getShippingOrder({ transaction_id: '' }),
};

async function errCodeOf(call: () => Promise<unknown>): Promise<number | undefined> {
  try {
    await call();
    return 0;
  } catch (err) {
    return sdkErrCode(err);
  }
}

/** Wraps a function's main: a probe event is answered here, anything else goes to the function. */
export function probeable<R>(name: string, main: (event: unknown) => Promise<R>): (event: unknown) => Promise<R | Result<ProbeAnswer>> {
  return async (event: unknown) => {
    if (!isProbeEvent(event)) return main(event);
    if (caller().openid) return { ok: false, code: 'FORBIDDEN', message: 'the doctor’s probe is for the environment’s owner (Tencent Cloud API), not for mini-program users' };
    const parsed = parseProbeEvent(event);
    if (!parsed.ok) return { ok: false, code: 'INVALID_ARGUMENT', message: parsed.message };
    const results = await Promise.all(parsed.probe.apis.map(async (api) => probeOutcome(api, await errCodeOf(HARMLESS[api]))));
    log('info', `${name}.doctor_probe`, { results: results.map((r) => `${r.api}:${r.outcome}`).join(' ') });
    return { ok: true, data: { probe: 'openapi', results } };
  };
}
