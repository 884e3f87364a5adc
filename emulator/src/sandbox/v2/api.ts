// WeChat Pay APIv2 over HTTPS, as api.mch.weixin.qq.com answers it: signed XML in, signed XML out. Protocol checks
// come first and answer `return_code` FAIL unsigned (not POST, empty or malformed XML, unknown merchant, bad
// signature, a refund without the merchant's certificate); then armed faults; then the sandbox's rules, whose
// business failures are `result_code` FAIL with `err_code`, signed like every successful answer.
import type { X509Certificate } from 'node:crypto';
import { isSignType, sign, verify, type SignType } from '../wechat-crypto/v2-sign';
import { readXml, writeXml, XmlFormatError } from '../wechat-crypto/v2-xml';
import type { PayAnswer } from '../answers';
import { nonceStr } from '../ids';
import { refusalOf, type Faults, type PayApi } from '../faults';
import type { PayHttpsReply, PayHttpsRequest, PayHttpsServer } from '../https-server';
import type { SandboxService } from '../service';
import type { SandboxStore } from '../store';
import type { TradeBills } from '../bills';
import { v2Bill } from '../bills/routes';
import { CERTIFICATE_PATHS, V2_PATHS, v2AnswerFields, v2RequestParams, v2ReturnFailure } from './translate';

export interface V2Merchant {
  appid: string;
  mchId: string;
  /** The APIv2 key every request is signed with. */
  key: string;
}

export interface V2ApiDeps {
  service: SandboxService;
  store: SandboxStore;
  faults: Faults;
  merchant: V2Merchant;
  log: (event: string, fields?: Record<string, unknown>) => void;
}

type Checked = { ok: true; fields: Record<string, string>; signType: SignType } | { ok: false; reply: PayHttpsReply; why: string };

export function mountV2Api(https: PayHttpsServer, deps: V2ApiDeps): void {
  for (const [path, api] of Object.entries(V2_PATHS)) {
    const pattern = new RegExp(`^${path.replace(/\//g, '\\/')}$`);
    https.mount('*', pattern, (req) => handle(deps, api, path, req));
  }
}

function handle(deps: V2ApiDeps, api: PayApi, path: string, req: PayHttpsRequest): PayHttpsReply {
  const checked = checkRequest(deps, path, req);
  if (!checked.ok) {
    deps.log('wechatpay.v2.refused', { path, why: checked.why });
    return checked.reply;
  }
  const { fields, signType } = checked;
  const answerWith = (answer: PayAnswer, patch?: Record<string, string | number>, badSignature = false) =>
    signedReply(deps.merchant, { ...v2AnswerFields(answer, deps.merchant), ...(patch ?? {}) }, signType, badSignature);

  const armed = deps.faults.take(api);
  const fault = armed?.mode;
  const envelope = { return_code: 'SUCCESS', sub_appid: fields.appid, sub_mch_id: fields.mch_id, nonce_str: nonceStr() };
  const refusal = refusalOf(armed);
  if (refusal) return answerWith({ ...envelope, result_code: 'FAIL', err_code: refusal.errCode, err_code_des: refusal.errCodeDes });

  const answer = run(deps, api, fields);
  if (api === 'unifiedOrder' && answer.result_code === 'SUCCESS') rememberSignType(deps.store, fields.out_trade_no, signType);
  deps.log('wechatpay.v2.call', { path, result: answer.result_code ?? answer.return_code, errCode: answer.err_code, fault });
  if (fault === 'TIMEOUT_AFTER_ACTING') return { drop: true };
  return answerWith(answer, fault === 'TAMPERED' ? armed?.patch : undefined, fault === 'BAD_SIGNATURE');
}

function run(deps: V2ApiDeps, api: PayApi, fields: Record<string, string>): PayAnswer {
  const params = v2RequestParams(fields);
  switch (api) {
    case 'unifiedOrder': {
      // APIv2 has no calling function to take the buyer from: a JSAPI order names its buyer.
      if (!fields.trade_type) return businessFailure(fields, 'LACK_PARAMS', '缺少参数 trade_type');
      if (fields.trade_type === 'JSAPI' && !fields.openid) return businessFailure(fields, 'LACK_PARAMS', 'JSAPI支付必须传openid');
      return deps.service.unifiedOrder(params, {}, 'v2');
    }
    case 'queryOrder':
      return deps.service.queryOrder(params, 'v2');
    case 'closeOrder':
      return deps.service.closeOrder(params, 'v2');
    case 'refund':
      return deps.service.refund(params, 'v2');
    case 'queryRefund':
      return deps.service.queryRefund(params, 'v2');
  }
}

function businessFailure(fields: Record<string, string>, errCode: string, errCodeDes: string): PayAnswer {
  return { return_code: 'SUCCESS', sub_appid: fields.appid, sub_mch_id: fields.mch_id, nonce_str: nonceStr(), result_code: 'FAIL', err_code: errCode, err_code_des: errCodeDes };
}

/** The merchant's notify is signed the way it asked for the order (WeChat keeps the order's sign_type). */
function rememberSignType(store: SandboxStore, outTradeNo: string | undefined, signType: SignType): void {
  const trade = outTradeNo ? store.trade(outTradeNo) : undefined;
  if (trade && trade.signType !== signType) store.saveTrade({ ...trade, signType });
}

function checkRequest(deps: V2ApiDeps, path: string, req: PayHttpsRequest): Checked {
  const refuse = (returnMsg: string, why: string): Checked => ({ ok: false, reply: xmlReply(writeXml(v2ReturnFailure(returnMsg))), why });
  if (req.method !== 'POST') return refuse('请使用post方法', 'REQUIRE_POST_METHOD');
  if (CERTIFICATE_PATHS.has(path)) {
    const cert = req.clientCertificate;
    if (!cert) return refuse('证书验证失败，请求需要商户API证书', 'no client certificate issued by the CA');
    if (!certificateNames(cert, deps.merchant.mchId)) return refuse('证书与商户号不匹配', 'client certificate of another merchant');
  }
  if (req.body.length === 0) return refuse('post数据为空', 'POST_DATA_EMPTY');
  let fields: Record<string, string>;
  try {
    fields = readXml(req.body);
  } catch (err) {
    const why = err instanceof XmlFormatError ? err.message : 'unreadable';
    return refuse(/UTF-8/.test(why) ? '编码格式错误，请使用UTF-8编码' : 'XML格式错误', why);
  }
  if (!fields.mch_id) return refuse('缺少参数mch_id', 'LACK_PARAMS mch_id');
  if (fields.mch_id !== deps.merchant.mchId) return refuse('商户号mch_id不存在', 'MCHID_NOT_EXIST');
  if (!fields.appid) return refuse('缺少参数appid', 'LACK_PARAMS appid');
  if (fields.appid !== deps.merchant.appid) return refuse('appid和mch_id不匹配', 'APPID_MCHID_NOT_MATCH');
  const signType = fields.sign_type ?? 'MD5';
  if (!isSignType(signType)) return refuse('sign_type参数错误，仅支持MD5和HMAC-SHA256', 'bad sign_type');
  if (!verify(fields, deps.merchant.key, signType)) return refuse('签名错误', 'SIGNERROR');
  return { ok: true, fields, signType };
}

/** WeChat's merchant certificates carry the merchant id as their common name. */
function certificateNames(cert: X509Certificate, mchId: string): boolean {
  return cert.subject.split('\n').some((line) => line === `CN=${mchId}`);
}

function signedReply(merchant: V2Merchant, fields: Record<string, string | number>, signType: SignType, badSignature: boolean): PayHttpsReply {
  if (fields.return_code !== 'SUCCESS') return xmlReply(writeXml(fields));
  // Answers carry no sign_type: they are signed with the algorithm the request was signed with.
  const signature = sign(fields, merchant.key, signType);
  return xmlReply(writeXml({ ...fields, sign: badSignature ? corrupt(signature) : signature }));
}

/** A signature of the right shape that is not the signature (one hex digit changed). */
export function corrupt(sign: string): string {
  const last = sign.slice(-1);
  return `${sign.slice(0, -1)}${last === '0' ? '1' : '0'}`;
}

function xmlReply(xml: string): PayHttpsReply {
  return { status: 200, headers: { 'content-type': 'text/xml; charset=utf-8' }, body: xml };
}


/** POST /pay/downloadbill: checked like every APIv2 call (signature, merchant), answered from the day's bill. */
export function mountV2Bill(https: PayHttpsServer, deps: V2ApiDeps, bills: TradeBills): void {
  https.mount('*', /^\/pay\/downloadbill$/, (req) => {
    const checked = checkRequest(deps, '/pay/downloadbill', req);
    if (!checked.ok) return checked.reply;
    return v2Bill(bills, checked.fields, writeXml);
  });
}
