// APIv2 and cloudPay say the same things with other names: a direct merchant's `appid`/`mch_id`/`openid` are
// cloudPay's `sub_appid`/`sub_mch_id`/`sub_openid`, amounts are text, and a refund query numbers its fields
// (`refund_fee_0`) where cloudPay sends lists. These pure functions translate both ways, so APIv2 runs on the
// sandbox's one set of rules and one ledger.
import type { Fields } from '../wechat-crypto/v2-sign';
import type { PayAnswer } from '../answers';
import type { PayApi } from '../faults';

/** The APIv2 paths the local WeChat Pay serves, and the sandbox API each one is. */
export const V2_PATHS: Readonly<Record<string, PayApi>> = {
  '/pay/unifiedorder': 'unifiedOrder',
  '/pay/orderquery': 'queryOrder',
  '/pay/closeorder': 'closeOrder',
  '/secapi/pay/refund': 'refund',
  '/pay/refundquery': 'queryRefund',
};

/** Paths that need the merchant's API certificate (mutual TLS). */
export const CERTIFICATE_PATHS: ReadonlySet<string> = new Set(['/secapi/pay/refund']);

const RENAMED: Readonly<Record<string, string>> = { appid: 'sub_appid', mch_id: 'sub_mch_id', openid: 'sub_openid' };
const INTEGER_FIELDS = new Set(['total_fee', 'refund_fee', 'offset']);
const NOT_PARAMS = new Set(['sign', 'sign_type', 'sub_appid', 'sub_mch_id', 'sub_openid']);

/**
 * An APIv2 request's fields as the sandbox's rules read them. Amounts written as plain digits become numbers;
 * anything else stays text, so the rules refuse it as WeChat would ("必须为整数").
 */
export function v2RequestParams(fields: Readonly<Record<string, string>>): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    // A partner's sub_* fields have no meaning for a direct merchant; ignoring them keeps the renames unambiguous.
    if (NOT_PARAMS.has(name)) continue;
    const key = RENAMED[name] ?? name;
    params[key] = INTEGER_FIELDS.has(name) && /^\d{1,15}$/.test(value) ? Number(value) : value;
  }
  return params;
}

/** cloudPay-only fields that a direct merchant's APIv2 answer does not have. */
const DROPPED = new Set(['sign', 'appid', 'mch_id', 'sub_appid', 'sub_mch_id', 'payment', 'openid', 'is_subscribe', 'sub_openid', 'sub_is_subscribe', 'cash_fee_type']);

/**
 * A sandbox answer in APIv2's fields (unsigned). `appid` and `mch_id` are the merchant's own; `openid` is the buyer
 * under the merchant's appid; lists become numbered fields (`out_refund_no_0`, `refund_status_0`, …).
 */
export function v2AnswerFields(answer: PayAnswer, merchant: { appid: string; mchId: string }): Record<string, string | number> {
  if (answer.return_code !== 'SUCCESS') return { return_code: 'FAIL', return_msg: String(answer.return_msg ?? '') };
  const out: Record<string, string | number> = {
    return_code: 'SUCCESS',
    return_msg: 'OK',
    appid: typeof answer.sub_appid === 'string' ? answer.sub_appid : merchant.appid,
    mch_id: typeof answer.sub_mch_id === 'string' ? answer.sub_mch_id : merchant.mchId,
  };
  if (typeof answer.sub_openid === 'string' && answer.sub_openid !== '') {
    out.openid = answer.sub_openid;
    out.is_subscribe = 'N';
  }
  for (const [name, value] of Object.entries(answer)) {
    if (DROPPED.has(name) || name in out) continue;
    if (Array.isArray(value)) {
      const base = name.replace(/_(list|array)$/, '');
      value.forEach((item, i) => {
        if (typeof item === 'string' || typeof item === 'number') out[`${base}_${i}`] = item;
      });
    } else if (typeof value === 'string' || typeof value === 'number') out[name] = value;
  }
  return out;
}

/** A protocol-level failure (`return_code` FAIL): WeChat does not sign these. */
export function v2ReturnFailure(returnMsg: string): Fields {
  return { return_code: 'FAIL', return_msg: returnMsg };
}
