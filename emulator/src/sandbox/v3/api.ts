// The APIv3 endpoints of the local WeChat Pay, mounted on its HTTPS server: each request's signature is checked
// (401 SIGN_ERROR when it does not verify), the request runs on the rules and ledger every protocol shares, and
// every answer, errors and 204s included, is signed with WeChat Pay's current key. The shared faults apply:
// the refusals (SYSTEMERROR, FREQUENCY_LIMITED, NOTENOUGH, USER_ACCOUNT_ABNORMAL), TIMEOUT_AFTER_ACTING, TAMPERED (signed after the patch, as a broken WeChat would) and
// BAD_SIGNATURE (an honest answer whose signature does not verify, as if altered on the way).
import type { PayHttpsReply, PayHttpsRequest, PayHttpsServer } from '../https-server';
import { refusalOf, type Faults, type PayApi } from '../faults';
import { nonceStr } from '../ids';
import { ownTrade } from '../rules';
import type { SandboxService } from '../service';
import type { SandboxStore } from '../store';
import type { TradeBills } from '../bills';
import { mountV3Bills } from '../bills/routes';
import type { V3Signing } from './signing';
import { jsapiParams, jsonObject, refundBody, refundParams, transactionBody, v3Error, v3Failure, v3Refusal, type Json, type V3Reply } from './translate';

export interface V3ApiDeps {
  service: SandboxService;
  store: SandboxStore;
  faults: Faults;
  signing: V3Signing;
  now: () => number;
  log: (event: string, fields?: Record<string, unknown>) => void;
}

type Handler = (req: PayHttpsRequest, mchid: string, body: Json) => V3Reply;

const OUT_TRADE_NO_PATH = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)$/;
const CLOSE_PATH = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)\/close$/;
const REFUND_PATH = /^\/v3\/refund\/domestic\/refunds\/([^/]+)$/;

export function mountV3Api(server: PayHttpsServer, deps: V3ApiDeps): void {
  const mount = (method: 'GET' | 'POST', pattern: RegExp, api: PayApi, handler: Handler) =>
    server.mount(method, pattern, (req) => serve(deps, req, api, handler));

  mount('POST', /^\/v3\/pay\/transactions\/jsapi$/, 'unifiedOrder', (_req, mchid, body) => {
    const mapped = jsapiParams(body, mchid, nonceStr());
    if (!mapped.ok) return mapped.reply;
    const answer = deps.service.unifiedOrder(mapped.params, {}, 'v3');
    return v3Failure(answer, 'unifiedOrder') ?? { status: 200, body: { prepay_id: answer.prepay_id } };
  });

  mount('GET', OUT_TRADE_NO_PATH, 'queryOrder', (req, mchid) => {
    if (req.query.get('mchid') !== mchid) return v3Error(400, 'PARAM_ERROR', 'mchid 参数缺失或与签名商户号不一致');
    const answer = deps.service.queryOrder({ sub_mch_id: mchid, out_trade_no: req.params[0], nonce_str: nonceStr() }, 'v3');
    return v3Failure(answer, 'queryOrder') ?? { status: 200, body: transactionBody(answer, mchid) };
  });

  mount('POST', CLOSE_PATH, 'closeOrder', (req, mchid, body) => {
    if (body.mchid !== mchid) return v3Error(400, 'PARAM_ERROR', 'mchid 与请求签名的商户号不一致');
    const answer = deps.service.closeOrder({ sub_mch_id: mchid, out_trade_no: req.params[0], nonce_str: nonceStr() }, 'v3');
    return v3Failure(answer, 'closeOrder') ?? { status: 204 };
  });

  mount('POST', /^\/v3\/refund\/domestic\/refunds$/, 'refund', (_req, mchid, body) => {
    const mapped = refundParams(body, mchid, nonceStr());
    if (!mapped.ok) return mapped.reply;
    const answer = deps.service.refund(mapped.params, 'v3');
    const failure = v3Failure(answer, 'refund');
    if (failure) return failure;
    const refund = deps.store.refund(String(answer.out_refund_no));
    return refund ? { status: 200, body: refundBody(refund) } : v3Error(500, 'SYSTEM_ERROR', '系统错误');
  });

  mount('GET', REFUND_PATH, 'queryRefund', (req, mchid) => {
    const refund = deps.store.refund(req.params[0] ?? '');
    const trade = refund ? ownTrade(deps.store.trade(refund.outTradeNo), mchid, 'v3') : undefined;
    if (!refund || !trade) return v3Error(404, 'RESOURCE_NOT_EXISTS', '退款单不存在');
    return { status: 200, body: refundBody(refund) };
  });
}

function serve(deps: V3ApiDeps, req: PayHttpsRequest, api: PayApi, handler: Handler): PayHttpsReply {
  const auth = req.headers.authorization;
  const checked = deps.signing.checkMerchant(req.method, req.target, typeof auth === 'string' ? auth : undefined, req.body, deps.now());
  if (!checked.ok) {
    deps.log('wechatpay.v3.sign_error', { api, path: req.path });
    return signedReply(deps, api, v3Error(401, 'SIGN_ERROR', checked.message), false);
  }
  let body: Json = {};
  if (req.method === 'POST') {
    const parsed = jsonObject(req.body);
    if (!parsed) return signedReply(deps, api, v3Error(400, 'PARAM_ERROR', '请求体不是JSON对象'), false);
    body = parsed;
  }
  const armed = deps.faults.take(api);
  const refusal = refusalOf(armed);
  if (refusal) return signedReply(deps, api, v3Refusal(refusal.errCode, refusal.errCodeDes, api), false);
  let reply = handler(req, checked.mchid, body);
  if (armed?.mode === 'TIMEOUT_AFTER_ACTING') return { drop: true };
  if (armed?.mode === 'TAMPERED' && armed.patch && reply.body) reply = { ...reply, body: tamper(reply.body, armed.patch) };
  return signedReply(deps, api, reply, armed?.mode === 'BAD_SIGNATURE');
}

function signedReply(deps: V3ApiDeps, api: PayApi, reply: V3Reply, badSignature: boolean): PayHttpsReply {
  const body = reply.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(reply.body), 'utf8');
  const headers: Record<string, string> = {
    ...deps.signing.headers(body, badSignature ? { signature: flipSignature } : {}),
    'request-id': `08${nonceStr(24)}`,
    ...(body.length > 0 ? { 'content-type': 'application/json; charset=utf-8' } : {}),
  };
  if (badSignature) deps.log('wechatpay.v3.fault', { api, mode: 'BAD_SIGNATURE' });
  return { status: reply.status, headers, body };
}

/** A genuine signature with one byte changed: well-formed, never valid. */
function flipSignature(genuine: string): string {
  const bytes = Buffer.from(genuine, 'base64');
  bytes[bytes.length - 1] ^= 0x01;
  return bytes.toString('base64');
}

/**
 * TAMPERED patches are written in the shared (cloudPay) field names; the ones with a v3 home move there
 * (`sub_mch_id`/`mch_id` → `mchid`, `total_fee` → `amount.total`, `refund_fee` → `amount.refund`); others apply as named.
 */
function tamper(body: Json, patch: Record<string, string | number>): Json {
  const out: Json = { ...body };
  const amount: Json = { ...((body.amount as Json | undefined) ?? {}) };
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'sub_mch_id' || key === 'mch_id') out.mchid = value;
    else if (key === 'sub_appid') out.appid = value;
    else if (key === 'total_fee') amount.total = value;
    else if (key === 'refund_fee') amount.refund = value;
    else out[key] = value;
  }
  if (body.amount !== undefined || 'total' in amount || 'refund' in amount) out.amount = amount;
  return out;
}

/** The trade bill and its download (bills/routes.ts), with this API's signature check and signed answers. */
export function mountV3BillApi(server: PayHttpsServer, deps: V3ApiDeps, bills: TradeBills): void {
  mountV3Bills(server, {
    bills,
    baseUrl: () => server.url,
    check: (req) => {
      const auth = req.headers.authorization;
      const checked = deps.signing.checkMerchant(req.method, req.target, typeof auth === 'string' ? auth : undefined, req.body, deps.now());
      return checked.ok ? { ok: true, mchid: checked.mchid } : { ok: false, reply: signedReply(deps, 'queryOrder', v3Error(401, 'SIGN_ERROR', checked.message), false) };
    },
    signed: (status, body) => signedReply(deps, 'queryOrder', { status, body }, false),
  });
}
