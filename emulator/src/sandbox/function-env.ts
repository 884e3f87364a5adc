// The WECHATPAY_* environment variables every function instance of the local cloud gets (as a shop sets them in
// the CloudBase console), pointing at the local WeChat Pay and trusting its CA. Names and meanings: docs/deploy.md
// and src/server/wechatpay-env.ts. Whatever the shop's provider, all are set: its `provider` setting decides what
// is used, as it would in the cloud.
import type { MerchantMaterial } from '../pki';

/** How APIv3 answers and notifications are verified: WeChat Pay's public key (new merchants) or platform certificates. */
export type V3Verify = 'publicKey' | 'certificate';

/** A PEM block as bare base64 (no header lines, no newlines): how a shop fits keys into CloudBase's 4 KB of variables. */
export function bareBase64(pem: string): string {
  return pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, '').replace(/\s+/g, '');
}

export function wechatpayFunctionEnv(material: MerchantMaterial, baseUrl: string, v3Verify: V3Verify = 'publicKey'): Record<string, string> {
  const env: Record<string, string> = {
    WECHATPAY_BASE_URL: baseUrl,
    WECHATPAY_CA_CERT: material.ca.cert,
    WECHATPAY_V2_KEY: material.v2Key,
    WECHATPAY_V3_KEY: material.v3Key,
    // Bare base64 on purpose: the functions must read both forms, and this is the one a real shop is pushed to.
    WECHATPAY_MERCHANT_KEY: bareBase64(material.merchant.key),
    WECHATPAY_MERCHANT_CERT: bareBase64(material.merchant.cert),
    WECHATPAY_MERCHANT_SERIAL: material.merchant.serial,
  };
  if (v3Verify === 'certificate') env.WECHATPAY_PLATFORM_CERTS = material.platform.cert;
  else {
    env.WECHATPAY_PUBLIC_KEY = material.wechatpay.publicKey;
    env.WECHATPAY_PUBLIC_KEY_ID = material.wechatpay.publicKeyId;
  }
  return env;
}
