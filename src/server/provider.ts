// Which payment provider a function talks to, chosen by the shop's `provider` setting. Secrets come from the
// function's environment (wechatpay-env.ts); everything else from the settings document.
import { randomBytes } from 'node:crypto';
import type { Settings } from '../domain/settings';
import { createCloudPayProvider, cloudPayNotifications } from '../providers/cloudpay';
import { createHttpsClient } from '../providers/https-client';
import type { PaymentProvider, ProviderNotifications } from '../providers/payment-provider';
import { v2Notifications } from '../providers/wechatpay-v2/notifications';
import { createV2Provider } from '../providers/wechatpay-v2/provider';
import { cloudPayApi } from './cloud';
import { requireWeChatPayEnv } from './wechatpay-env';

export const PAY_NOTIFY_FUNCTION = 'payNotify';
export const REFUND_NOTIFY_FUNCTION = 'refundNotify';

/** 32 hex characters: within APIv2's nonce_str limit, from the CSPRNG. */
export function nonce(): string {
  return randomBytes(16).toString('hex');
}

export function paymentProvider(settings: Settings, env: string | undefined): PaymentProvider {
  switch (settings.provider) {
    case 'cloudpay':
      return cloudPayProvider(settings, env);
    case 'v2':
      return v2Provider(settings);
  }
}

function cloudPayProvider(settings: Settings, env: string | undefined): PaymentProvider {
  return createCloudPayProvider(cloudPayApi(), {
    subMchId: settings.subMchId,
    envId: settings.envId ?? env ?? '',
    paymentNotifyFunction: PAY_NOTIFY_FUNCTION,
    refundNotifyFunction: REFUND_NOTIFY_FUNCTION,
    nonce,
  });
}

function v2Provider(settings: Settings): PaymentProvider {
  const secrets = requireWeChatPayEnv(['v2Key']);
  const mtls =
    secrets.merchantCert && secrets.merchantKey
      ? createHttpsClient({ extraCa: secrets.extraCa, clientCert: { cert: secrets.merchantCert, key: secrets.merchantKey } })
      : undefined;
  return createV2Provider({
    appid: directSetting(settings, 'appid'),
    mchId: settings.subMchId,
    apiKey: secrets.v2Key,
    signType: settings.v2SignType,
    baseUrl: secrets.baseUrl,
    payNotifyUrl: directSetting(settings, 'payNotifyUrl'),
    refundNotifyUrl: directSetting(settings, 'refundNotifyUrl'),
    http: createHttpsClient({ extraCa: secrets.extraCa }),
    mtls,
    nonce,
    now: () => new Date(),
  });
}

export function providerNotifications(settings: Settings): ProviderNotifications {
  switch (settings.provider) {
    case 'cloudpay':
      return cloudPayNotifications;
    case 'v2':
      return v2Notifications({ appid: directSetting(settings, 'appid'), mchId: settings.subMchId, apiKey: requireWeChatPayEnv(['v2Key']).v2Key, signType: settings.v2SignType });
  }
}

/** parseSettings requires these for every provider but cloudPay; this only tells the type checker. */
function directSetting(settings: Settings, key: 'appid' | 'payNotifyUrl' | 'refundNotifyUrl'): string {
  const value = settings[key];
  if (!value) throw new Error(`settings.${key} is missing for provider ${settings.provider}`);
  return value;
}
