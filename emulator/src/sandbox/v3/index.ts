// The local cloud plays WeChat Pay APIv3 (docs/wechatpay-v3.md, docs/local-cloud-sandbox.md): signed JSON endpoints
// on the WeChat Pay HTTPS server, encrypted signed notifies through the shared notifier, its forgeries for
// POST /sandbox/payments|refunds/<no>/forge, its material in GET /sandbox/merchant, and /sandbox/v3 for what only
// WeChat does with its keys: rotate them (and the shop configuring the new one).
import type { HttpReply } from '../../contracts';
import type { MerchantMaterial } from '../../pki';
import type { SandboxParts } from '../parts';
import { mountV3Api, mountV3BillApi } from './api';
import { forgeV3Notify, V3_PAYMENT_FORGERIES, V3_REFUND_FORGERIES, v3NotifyProtocol, type V3Forgery } from './notify';
import { V3Signing, type V3SigningKey } from './signing';

export { V3_VERIFY_MODES, V3Signing, type V3VerifyMode } from './signing';

export function installV3(parts: SandboxParts): void {
  const signing = new V3Signing(parts.material, parts.v3Verify);
  const deps = { service: parts.service, store: parts.store, faults: parts.faults, signing, now: () => Date.now(), log: parts.host.log };
  mountV3BillApi(parts.https, deps, parts.bills);
  mountV3Api(parts.https, deps);
  parts.httpProtocols.set('v3', v3NotifyProtocol(signing));
  parts.forgers.set('v3', {
    paymentForgeries: V3_PAYMENT_FORGERIES,
    refundForgeries: V3_REFUND_FORGERIES,
    payment: (event, _trade, forgery) => forgeV3Notify(signing, 'payment', event, forgery as V3Forgery),
    refund: (event, _refund, forgery) => forgeV3Notify(signing, 'refund', event, forgery as V3Forgery),
  });
  parts.merchantInfo.push(() => ({ v3: v3MerchantView(signing) }));
  parts.functionEnv.push(() => signing.shopEnv());
  registerKeyRoutes(parts, signing);
}

/** The shop's view of one WeChat Pay key: what goes into WECHATPAY_PUBLIC_KEY(_ID) or WECHATPAY_PLATFORM_CERTS. */
export function publicKeyView(key: V3SigningKey): Record<string, string> {
  return { serial: key.serial, ...(key.publicKeyPem ? { publicKey: key.publicKeyPem } : {}), ...(key.certificatePem ? { certificate: key.certificatePem } : {}) };
}

/** The APIv3 part of GET /sandbox/merchant. The demo merchant's own keys, made on this machine; nothing real. */
export function v3MerchantView(signing: V3Signing): Record<string, unknown> {
  const m: MerchantMaterial = signing.material;
  const current = signing.current();
  return {
    verify: signing.mode,
    apiV3Key: m.v3Key,
    merchantSerial: m.merchant.serial,
    wechatpaySerial: current.serial,
    ...(signing.mode === 'publicKey' ? { publicKeyId: current.serial, publicKey: current.publicKeyPem } : { platformCertificates: signing.all().map((k) => k.certificatePem ?? '').join('') }),
  };
}

function registerKeyRoutes(parts: SandboxParts, signing: V3Signing): void {
  const { host } = parts;
  host.registerRoute('GET', /^\/sandbox\/v3\/keys$/, () => ok({ verify: signing.mode, current: signing.current().serial, keys: signing.all().map(publicKeyView), shop: signing.shopEnv() }));

  // WeChat Pay replaces its key: answers and notifies are signed with the new one from now on. The shop does not
  // have it yet: until /sandbox/v3/keys/install, its functions cannot verify what WeChat Pay sends.
  host.registerRoute('POST', /^\/sandbox\/v3\/rotate$/, () => {
    const key = signing.rotate();
    host.log('sandbox.v3.rotated', { serial: key.serial, mode: signing.mode });
    return ok({ current: publicKeyView(key) });
  });

  // The merchant configures the current key in its functions' variables. Like a change in the console, it reaches
  // instances started from now on (the local cloud's warm instances keep the variables they started with).
  host.registerRoute('POST', /^\/sandbox\/v3\/keys\/install$/, () => {
    const key = signing.installAtShop();
    host.log('sandbox.v3.installed', { serial: key.serial });
    return ok({ installed: key.serial, shop: signing.shopEnv() });
  });
}

function ok(body: Record<string, unknown>): HttpReply {
  return { status: 200, body };
}

export type { V3Forgery };
