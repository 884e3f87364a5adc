// APIv2's callbacks, as they reach payNotify and refundNotify through CloudBase's HTTP access service: an XML POST.
// A payment notify is signed with the APIv2 key; a refund notify is not signed, its `req_info` is encrypted with a
// key derived from the APIv2 key. Either way only the order or refund number is taken from it, after checking it
// is for this app and merchant: the flow still confirms with a query before any transition.
import type { NotifyOutcome, NotifyReading, ProviderNotifications } from '../payment-provider';
import { decryptReqInfo, ReqInfoError } from './req-info';
import { isV2SignType, V2_SIGN_TYPES, verifyV2, type V2SignType } from './sign';
import { buildV2Xml, parseV2Xml, V2XmlError } from './xml';

export interface V2NotifyConfig {
  appid: string;
  mchId: string;
  apiKey: string;
  signType: V2SignType;
}

/** WeChat Pay's ACK: SUCCESS stops the deliveries; anything else (FAIL, an error status) makes it call again. */
export function v2Ack(code: 'SUCCESS' | 'FAIL', message: string): string {
  return buildV2Xml({ return_code: code, return_msg: message });
}

export function v2Notifications(config: V2NotifyConfig): ProviderNotifications {
  return {
    provider: 'wechatpay-v2',
    async read(incoming, expected) {
      if (incoming.transport !== 'http') return refused('APIv2 notifies arrive over HTTP, not as a function event');
      if (incoming.method !== 'POST') return refused(`APIv2 notifies are POST requests, not ${incoming.method}`);
      let fields: Record<string, string>;
      try {
        fields = parseV2Xml(incoming.body);
      } catch (err) {
        if (err instanceof V2XmlError) return refused(`the body is not an APIv2 notify: ${err.message}`);
        throw err;
      }
      if (fields.return_code !== 'SUCCESS') return refused(`return_code is ${fields.return_code ?? 'missing'}`);
      return expected === 'payment' ? readPayment(config, fields) : readRefund(config, fields);
    },
    answer(outcome: NotifyOutcome) {
      if (outcome.kind === 'handled') return xmlResponse(200, v2Ack('SUCCESS', 'OK'));
      // A refused notify gets no detail back: the sender may be probing. WeChat Pay, if it was WeChat Pay, calls again.
      if (outcome.kind === 'refused') return xmlResponse(400, v2Ack('FAIL', 'refused'));
      return xmlResponse(500, v2Ack('FAIL', 'temporarily unable to process, please retry'));
    },
  };
}

function readPayment(config: V2NotifyConfig, fields: Record<string, string>): NotifyReading {
  if (fields.sign === undefined) return refused('the payment notify is not signed');
  // Signed with the algorithm it names. WeChat names none on HMAC-SHA256 orders' notifies (merchants report it), so
  // unnamed means the algorithm the order was asked with: the shop's, or the other one for orders asked before the
  // shop switched. Both need the APIv2 key, so trying both lets nothing unsigned through.
  const named = fields.sign_type;
  if (named !== undefined && !isV2SignType(named)) return refused(`unknown sign_type ${named.slice(0, 20)}`);
  const candidates: V2SignType[] = named !== undefined ? [named] : [...new Set<V2SignType>([config.signType, ...V2_SIGN_TYPES])];
  if (!candidates.some((signType) => verifyV2(fields, config.apiKey, signType))) return refused('the payment notify\'s signature does not match this merchant\'s APIv2 key');
  const merchant = checkMerchant(config, fields);
  if (merchant) return refused(merchant);
  if (fields.result_code !== 'SUCCESS') return refused(`the payment notify reports result_code ${fields.result_code ?? 'missing'}${fields.err_code ? ` (${fields.err_code.slice(0, 32)})` : ''}`);
  const outTradeNo = fields.out_trade_no;
  if (!outTradeNo) return refused('the payment notify has no out_trade_no');
  return { kind: 'payment', outTradeNo };
}

function readRefund(config: V2NotifyConfig, fields: Record<string, string>): NotifyReading {
  const merchant = checkMerchant(config, fields);
  if (merchant) return refused(merchant);
  if (fields.req_info === undefined) return refused('the refund notify has no req_info');
  let refund: Record<string, string>;
  try {
    refund = parseV2Xml(decryptReqInfo(fields.req_info, config.apiKey), { root: 'root' });
  } catch (err) {
    if (err instanceof ReqInfoError || err instanceof V2XmlError) return refused(`req_info is not readable with this merchant's APIv2 key: ${err.message}`);
    throw err;
  }
  const outRefundNo = refund.out_refund_no;
  if (!outRefundNo) return refused('req_info has no out_refund_no');
  return { kind: 'refund', outRefundNo };
}

function checkMerchant(config: V2NotifyConfig, fields: Record<string, string>): string | undefined {
  if (fields.appid !== config.appid) return 'the notify is for another appid';
  if (fields.mch_id !== config.mchId) return 'the notify is for another merchant (mch_id)';
  return undefined;
}

function refused(reason: string): NotifyReading {
  return { kind: 'refused', reason };
}

function xmlResponse(statusCode: number, body: string) {
  return { statusCode, headers: { 'content-type': 'text/xml; charset=utf-8' }, body, isBase64Encoded: false };
}
