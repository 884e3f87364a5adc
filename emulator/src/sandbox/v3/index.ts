// The local cloud plays WeChat Pay APIv3 (docs/wechatpay-v3.md, docs/local-cloud-sandbox.md): signed JSON endpoints
// on the WeChat Pay HTTPS server, encrypted signed notifies through the shared notifier, and a control API under
// /sandbox/v3 for what only WeChat can do (rotate its key, send a probe, a replay or a forgery, break a signature).
import type { HttpReply, LocalCloudHost } from '../../contracts';
import { parseJsonBody } from '../../http/router';
import type { MerchantMaterial } from '../../pki';
import { paymentEvent, refundEvent } from '../answers';
import type { Faults } from '../faults';
import { isPayApi, PAY_APIS } from '../faults';
import type { PayHttpsServer } from '../https-server';
import type { HttpNotifyProtocol } from '../notifier';
import { OUT_REFUND_NO, OUT_TRADE_NO } from '../rules';
import type { SandboxService } from '../service';
import type { SandboxStore } from '../store';
import { mountV3Api, V3AnswerFaults } from './api';
import { craftedNotify, sendOnce, V3_NOTIFY_FAULTS, v3NotifyProtocol, type V3NotifyFault } from './notify';
import { V3Signing, type V3SigningKey, type V3VerifyMode } from './signing';

export { V3_VERIFY_MODES, type V3VerifyMode } from './signing';

export interface V3Sandbox {
  readonly signing: V3Signing;
  readonly answerFaults: V3AnswerFaults;
  /** For the notifier's `httpProtocols` under 'v3'. */
  readonly notifyProtocol: HttpNotifyProtocol;
}

/** Made before the notifier (which needs the notify protocol); mounted once the service exists. */
export function createV3Sandbox(material: MerchantMaterial, mode: V3VerifyMode): V3Sandbox {
  const signing = new V3Signing(material, mode);
  return { signing, answerFaults: new V3AnswerFaults(), notifyProtocol: v3NotifyProtocol(signing) };
}

export interface V3InstallDeps {
  host: LocalCloudHost;
  https: PayHttpsServer;
  service: SandboxService;
  store: SandboxStore;
  faults: Faults;
  now: () => number;
}

export function installV3Sandbox(v3: V3Sandbox, deps: V3InstallDeps): void {
  mountV3Api(deps.https, { service: deps.service, store: deps.store, faults: deps.faults, answerFaults: v3.answerFaults, signing: v3.signing, now: deps.now, log: deps.host.log });
  registerV3Control(v3, deps);
}

/** The shop's view of WeChat Pay's keys: what goes into WECHATPAY_PUBLIC_KEY(_ID) or WECHATPAY_PLATFORM_CERTS. */
export function publicKeyView(key: V3SigningKey): Record<string, string> {
  return { serial: key.serial, ...(key.publicKeyPem ? { publicKey: key.publicKeyPem } : {}), ...(key.certificatePem ? { certificate: key.certificatePem } : {}) };
}

/** The APIv3 part of GET /sandbox/merchant (public material and the demo merchant's own keys; nothing real). */
export function v3MerchantView(v3: V3Sandbox): Record<string, unknown> {
  const m = v3.signing.material;
  return {
    verify: v3.signing.mode,
    apiV3Key: m.v3Key,
    merchantSerial: m.merchant.serial,
    merchantCertificate: m.merchant.cert,
    merchantPrivateKey: m.merchant.key,
    wechatpaySerial: v3.signing.current().serial,
    wechatpayKeys: v3.signing.all().map(publicKeyView),
    ...(v3.signing.mode === 'publicKey' ? { wechatpayPublicKeyId: v3.signing.current().serial, wechatpayPublicKey: v3.signing.current().publicKeyPem } : {}),
    ...(v3.signing.mode === 'certificate' ? { platformCertificates: v3.signing.all().map((k) => k.certificatePem ?? '').join('') } : {}),
  };
}

function registerV3Control(v3: V3Sandbox, deps: V3InstallDeps): void {
  const { host, store } = deps;

  host.registerRoute('GET', /^\/sandbox\/v3\/keys$/, () => ok({ verify: v3.signing.mode, current: v3.signing.current().serial, keys: v3.signing.all().map(publicKeyView) }));

  // WeChat Pay replaces its key: answers and notifies are signed with the new one from now on.
  host.registerRoute('POST', /^\/sandbox\/v3\/rotate$/, () => {
    const key = v3.signing.rotate();
    host.log('sandbox.v3.rotated', { serial: key.serial });
    return ok({ current: publicKeyView(key), keys: v3.signing.all().map(publicKeyView) });
  });

  host.registerRoute('POST', /^\/sandbox\/v3\/faults$/, (req) => {
    const body = parseJsonBody(req);
    if (!body.ok) return body.reply;
    const { api, mode, count } = (body.value ?? {}) as Record<string, unknown>;
    if (!isPayApi(api)) return invalid(`"api" must be one of ${PAY_APIS.join(', ')}`);
    if (mode !== 'BAD_SIGNATURE') return invalid('"mode" must be BAD_SIGNATURE (the shared faults are armed at /sandbox/faults)');
    const n = count === undefined ? 1 : count;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1 || n > 100) return invalid('"count" must be an integer in 1..100');
    v3.answerFaults.arm(api, n);
    return ok({ faults: v3.answerFaults.list() });
  });

  // One notify sent now, once, outside the retry schedule: a probe, a stale replay, a forgery, or a genuine copy.
  host.registerRoute('POST', /^\/sandbox\/v3\/notify$/, async (req) => {
    const body = parseJsonBody(req);
    if (!body.ok) return body.reply;
    const b = (body.value ?? {}) as Record<string, unknown>;
    const fault = b.fault;
    if (typeof fault !== 'string' || !(V3_NOTIFY_FAULTS as readonly string[]).includes(fault)) return invalid(`"fault" must be one of ${V3_NOTIFY_FAULTS.join(', ')}`);
    let target: { url: string; kind: 'payment' | 'refund'; event: Record<string, unknown> };
    if (typeof b.outTradeNo === 'string' && OUT_TRADE_NO.test(b.outTradeNo)) {
      const trade = store.trade(b.outTradeNo);
      if (!trade || trade.protocol !== 'v3' || !trade.notifyUrl) return notFound(`no APIv3 trade ${b.outTradeNo}`);
      if (trade.state !== 'SUCCESS') return conflict(`trade ${b.outTradeNo} is not paid; WeChat sends no result for it`);
      target = { url: trade.notifyUrl, kind: 'payment', event: paymentEvent(trade) };
    } else if (typeof b.outRefundNo === 'string' && OUT_REFUND_NO.test(b.outRefundNo)) {
      const refund = store.refund(b.outRefundNo);
      if (!refund || refund.protocol !== 'v3' || !refund.notifyUrl) return notFound(`no APIv3 refund ${b.outRefundNo} with a notify_url`);
      if (refund.status === 'PROCESSING') return conflict(`refund ${b.outRefundNo} is still processing; WeChat sends no result yet`);
      const subAppid = store.trade(refund.outTradeNo)?.subAppid ?? '';
      target = { url: refund.notifyUrl, kind: 'refund', event: refundEvent(refund, subAppid) };
    } else return invalid('name the result: "outTradeNo" (a paid APIv3 trade) or "outRefundNo" (a settled APIv3 refund)');
    const request = craftedNotify(v3.signing, target.kind, target.event, fault as V3NotifyFault, deps.now());
    host.log('sandbox.v3.notify_fault', { fault, kind: target.kind });
    try {
      return ok({ fault, answer: await sendOnce(target.url, request) });
    } catch (err) {
      return { status: 502, body: { code: 'DELIVERY_FAILED', message: err instanceof Error ? err.message : String(err) } };
    }
  });
}

function ok(body: Record<string, unknown>): HttpReply {
  return { status: 200, body };
}

function invalid(message: string): HttpReply {
  return { status: 400, body: { code: 'INVALID_ARGUMENT', message } };
}

function notFound(message: string): HttpReply {
  return { status: 404, body: { code: 'NOT_FOUND', message } };
}

function conflict(message: string): HttpReply {
  return { status: 409, body: { code: 'CONFLICT', message } };
}
