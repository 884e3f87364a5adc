// APIv2 notifications as WeChat sends them: a payment result is signed XML (the order's sign_type); a refund result
// is unsigned XML whose `req_info` is the refund's fields encrypted with AES-256-ECB under md5(APIv2 key). The
// receiver acknowledges with HTTP 200 and `<return_code>SUCCESS</return_code>`; anything else is retried.
// Forgeries (what an attacker or a broken proxy would send) are built here too, for tests of the receiving side.
import { randomBytes } from 'node:crypto';
import { encryptReqInfo } from '../wechat-crypto/v2-req-info';
import { sign, type SignType } from '../wechat-crypto/v2-sign';
import { readXml, writeXml } from '../wechat-crypto/v2-xml';
import { nonceStr } from '../ids';
import type { HttpNotifyProtocol } from '../notifier';
import type { SandboxStore } from '../store';
import { corrupt, type V2Merchant } from './api';

/** WeChat's documented wait for APIv3; APIv2 documents none, and a receiver slower than this is broken anyway. */
export const V2_NOTIFY_TIMEOUT_MS = 5_000;

type Event = Record<string, unknown>;
type Fields = Record<string, string | number>;

const text = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const fen = (v: unknown): number | string => (typeof v === 'number' ? v : text(v));

/** A paid trade's notify fields (unsigned), from the sandbox's payment event. */
export function paymentNotifyFields(event: Event): Fields {
  const fields: Fields = {
    return_code: 'SUCCESS',
    return_msg: 'OK',
    appid: text(event.subAppid),
    mch_id: text(event.subMchId),
    nonce_str: nonceStr(),
    result_code: 'SUCCESS',
    openid: text(event.subOpenid),
    is_subscribe: 'N',
    trade_type: text(event.tradeType) || 'JSAPI',
    bank_type: text(event.bankType),
    total_fee: fen(event.totalFee),
    fee_type: text(event.feeType) || 'CNY',
    cash_fee: fen(event.cashFee),
    transaction_id: text(event.transactionId),
    out_trade_no: text(event.outTradeNo),
    time_end: text(event.timeEnd),
  };
  if (event.attach !== undefined) fields.attach = text(event.attach);
  return fields;
}

/** A settled refund's `<root>` fields (what req_info holds), from the sandbox's refund event. */
export function refundInfoFields(event: Event): Fields {
  const fields: Fields = {
    transaction_id: text(event.transactionId),
    out_trade_no: text(event.outTradeNo),
    refund_id: text(event.refundId),
    out_refund_no: text(event.outRefundNo),
    total_fee: fen(event.totalFee),
    settlement_total_fee: fen(event.settlementTotalFee),
    refund_fee: fen(event.refundFee),
    settlement_refund_fee: fen(event.settlementRefundFee),
    refund_status: text(event.refundStatus),
    refund_recv_accout: text(event.refundRecvAccout),
    refund_account: text(event.refundAccount),
    refund_request_source: text(event.refundRequestSource),
  };
  if (event.successTime !== undefined) fields.success_time = text(event.successTime);
  return fields;
}

/**
 * Signs payment-notify fields with the algorithm the order was asked with. No `sign_type` is written, whatever the
 * algorithm: merchants report HMAC-SHA256 notifies arriving without one, so a receiver must know the algorithm from
 * its own order, not from the notify.
 */
export function signNotify(fields: Fields, key: string, signType: SignType): Fields {
  return { ...fields, sign: sign(fields, key, signType) };
}

export function refundNotifyFields(event: Event, key: string): Fields {
  return {
    return_code: 'SUCCESS',
    return_msg: 'OK',
    appid: text(event.subAppid),
    mch_id: text(event.subMchId),
    nonce_str: nonceStr(),
    req_info: encryptReqInfo(writeXml(refundInfoFields(event), 'root'), key),
  };
}

export const XML_HEADERS = { 'content-type': 'text/xml' };

export function v2NotifyProtocol(merchant: V2Merchant, store: SandboxStore): HttpNotifyProtocol {
  return {
    timeoutMs: V2_NOTIFY_TIMEOUT_MS,
    encode(kind, event) {
      if (kind === 'refund') return { headers: XML_HEADERS, body: writeXml(refundNotifyFields(event, merchant.key)) };
      const signType = store.trade(text(event.outTradeNo))?.signType ?? 'MD5';
      return { headers: XML_HEADERS, body: writeXml(signNotify(paymentNotifyFields(event), merchant.key, signType)) };
    },
    acknowledged: isV2Ack,
  };
}

/** WeChat stops retrying when the receiver answers 200 with return_code SUCCESS. */
export function isV2Ack(status: number, body: Buffer): boolean {
  if (status !== 200) return false;
  try {
    return readXml(body).return_code === 'SUCCESS';
  } catch {
    return false;
  }
}

// ---- forgeries ---------------------------------------------------------------------------------------------

/**
 * What a forged payment notify gets wrong. SIGNED: nothing (a genuine-looking notify, e.g. for a trade WeChat says
 * is unpaid). BAD_SIGNATURE, NO_SIGNATURE, LOWERCASE_SIGNATURE, WRONG_KEY: the signature. TAMPERED_AMOUNT: total_fee
 * changed after signing. SIGNED_WRONG_AMOUNT, WRONG_MCH_ID, WRONG_APPID, RESULT_FAIL: signed with the right key
 * but saying something else. DOCTYPE (XXE), BILLION_LAUGHS, PROTO (`__proto__` element), OVERSIZED (> 64 KB): hostile XML.
 */
export const PAYMENT_FORGERIES = [
  'SIGNED',
  'BAD_SIGNATURE',
  'NO_SIGNATURE',
  'LOWERCASE_SIGNATURE',
  'WRONG_KEY',
  'TAMPERED_AMOUNT',
  'SIGNED_WRONG_AMOUNT',
  'WRONG_MCH_ID',
  'WRONG_APPID',
  'RESULT_FAIL',
  'DOCTYPE',
  'BILLION_LAUGHS',
  'PROTO',
  'OVERSIZED',
] as const;
export type PaymentForgery = (typeof PAYMENT_FORGERIES)[number];

/**
 * What a forged refund notify gets wrong. SIGNED: nothing (a genuine-looking SUCCESS, e.g. for a refund still
 * processing). WRONG_KEY: req_info encrypted with another key. GARBLED_REQ_INFO: bytes of req_info changed.
 * TAMPERED_AMOUNT: refund_fee changed inside a properly encrypted req_info. WRONG_MCH_ID: the outer mch_id.
 * DOCTYPE, DOCTYPE_IN_REQ_INFO, PROTO, OVERSIZED: hostile XML outside or inside req_info.
 */
export const REFUND_FORGERIES = ['SIGNED', 'WRONG_KEY', 'GARBLED_REQ_INFO', 'TAMPERED_AMOUNT', 'WRONG_MCH_ID', 'DOCTYPE', 'DOCTYPE_IN_REQ_INFO', 'PROTO', 'OVERSIZED'] as const;
export type RefundForgery = (typeof REFUND_FORGERIES)[number];

const XXE = '<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>';
const LAUGHS = `<!DOCTYPE xml [<!ENTITY lol "lol">${Array.from({ length: 8 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]>`;
const OTHER_KEY = () => randomBytes(16).toString('hex');

/** The body of a forged payment notify (a trade's honest event is the starting point). */
export function forgePaymentNotify(event: Event, merchant: V2Merchant, signType: SignType, forgery: PaymentForgery): string {
  const honest = paymentNotifyFields(event);
  const signed = (fields: Fields, key = merchant.key) => signNotify(fields, key, signType);
  const totalFee = typeof honest.total_fee === 'number' ? honest.total_fee : 1;
  switch (forgery) {
    case 'SIGNED':
      return writeXml(signed(honest));
    case 'BAD_SIGNATURE': {
      const s = signed(honest);
      return writeXml({ ...s, sign: corrupt(String(s.sign)) });
    }
    case 'NO_SIGNATURE':
      return writeXml(honest);
    case 'LOWERCASE_SIGNATURE': {
      const s = signed(honest);
      return writeXml({ ...s, sign: String(s.sign).toLowerCase() });
    }
    case 'WRONG_KEY':
      return writeXml(signed(honest, OTHER_KEY()));
    case 'TAMPERED_AMOUNT':
      return writeXml({ ...signed(honest), total_fee: Math.max(1, Math.floor(totalFee / 100)), cash_fee: Math.max(1, Math.floor(totalFee / 100)) });
    case 'SIGNED_WRONG_AMOUNT':
      return writeXml(signed({ ...honest, total_fee: Math.max(1, Math.floor(totalFee / 100)), cash_fee: Math.max(1, Math.floor(totalFee / 100)) }));
    case 'WRONG_MCH_ID':
      return writeXml(signed({ ...honest, mch_id: '1900000999' }));
    case 'WRONG_APPID':
      return writeXml(signed({ ...honest, appid: 'wx0000000000forged' }));
    case 'RESULT_FAIL':
      return writeXml(signed({ ...honest, result_code: 'FAIL', err_code: 'SYSTEMERROR', err_code_des: '支付失败' }));
    case 'DOCTYPE':
      return `${XXE}${writeXml(signed(honest)).replace('<attach>', '<attach>&xxe;').replace('</xml>', '<evil>&xxe;</evil></xml>')}`;
    case 'BILLION_LAUGHS':
      return `${LAUGHS}${writeXml(signed(honest)).replace('</xml>', '<evil>&lol8;</evil></xml>')}`;
    case 'PROTO':
      return writeXml(signed(honest)).replace('</xml>', '<__proto__><total_fee>1</total_fee></__proto__></xml>');
    case 'OVERSIZED':
      return writeXml(signed({ ...honest, attach: 'x'.repeat(70 * 1024) }));
  }
}

/** The body of a forged refund notify (a refund's honest event is the starting point). */
export function forgeRefundNotify(event: Event, merchant: V2Merchant, forgery: RefundForgery): string {
  const info = refundInfoFields({ ...event, refundStatus: event.refundStatus === 'PROCESSING' ? 'SUCCESS' : event.refundStatus });
  const outer = (reqInfo: string, over: Fields = {}) =>
    writeXml({ return_code: 'SUCCESS', return_msg: 'OK', appid: text(event.subAppid), mch_id: text(event.subMchId), nonce_str: nonceStr(), req_info: reqInfo, ...over });
  const encrypt = (xml: string, key = merchant.key) => encryptReqInfo(xml, key);
  const honest = encrypt(writeXml(info, 'root'));
  switch (forgery) {
    case 'SIGNED':
      return outer(honest);
    case 'WRONG_KEY':
      return outer(encrypt(writeXml(info, 'root'), OTHER_KEY()));
    case 'GARBLED_REQ_INFO': {
      const bytes = Buffer.from(honest, 'base64');
      bytes[bytes.length - 1] ^= 0x5a;
      return outer(bytes.toString('base64'));
    }
    case 'TAMPERED_AMOUNT': {
      const refundFee = typeof info.refund_fee === 'number' ? info.refund_fee : 1;
      return outer(encrypt(writeXml({ ...info, refund_fee: refundFee + 1, settlement_refund_fee: refundFee + 1 }, 'root')));
    }
    case 'WRONG_MCH_ID':
      return outer(honest, { mch_id: '1900000999' });
    case 'DOCTYPE':
      return `${XXE}${outer(honest).replace('</xml>', '<evil>&xxe;</evil></xml>')}`;
    case 'DOCTYPE_IN_REQ_INFO':
      return outer(encrypt(`${XXE}${writeXml(info, 'root').replace('</root>', '<evil>&xxe;</evil></root>')}`));
    case 'PROTO':
      return outer(encrypt(writeXml(info, 'root').replace('</root>', '<__proto__><refund_fee>1</refund_fee></__proto__></root>')));
    case 'OVERSIZED':
      return outer(honest, { attach: 'x'.repeat(70 * 1024) });
  }
}
