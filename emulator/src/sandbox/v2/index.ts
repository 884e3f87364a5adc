// Plugs WeChat Pay APIv2 into the sandbox: its five APIs on the HTTPS server, its notifications (signed XML,
// encrypted refund req_info) for the notifier, its forgeries for the control API, its key in GET /sandbox/merchant.
import type { SandboxParts } from '../parts';
import { mountV2Api, mountV2Bill } from './api';
import { forgePaymentNotify, forgeRefundNotify, PAYMENT_FORGERIES, REFUND_FORGERIES, v2NotifyProtocol, XML_HEADERS, type PaymentForgery, type RefundForgery } from './notify';

/** The algorithm the demo shop signs with (settings `v2SignType`); the sandbox accepts both on every request. */
export const DEMO_V2_SIGN_TYPE = 'HMAC-SHA256';

export function installV2(parts: SandboxParts): void {
  const merchant = { appid: parts.appid, mchId: parts.material.mchId, key: parts.material.v2Key };
  const deps = { service: parts.service, store: parts.store, faults: parts.faults, merchant, log: parts.host.log };
  mountV2Bill(parts.https, deps, parts.bills);
  mountV2Api(parts.https, deps);
  parts.httpProtocols.set('v2', v2NotifyProtocol(merchant, parts.store));
  parts.forgers.set('v2', {
    paymentForgeries: PAYMENT_FORGERIES,
    refundForgeries: REFUND_FORGERIES,
    payment: (event, trade, forgery) => ({ headers: XML_HEADERS, body: forgePaymentNotify(event, merchant, trade.signType ?? 'MD5', forgery as PaymentForgery) }),
    refund: (event, _refund, forgery) => ({ headers: XML_HEADERS, body: forgeRefundNotify(event, merchant, forgery as RefundForgery) }),
  });
  parts.merchantInfo.push(() => ({ v2: { key: merchant.key, signType: DEMO_V2_SIGN_TYPE } }));
}
