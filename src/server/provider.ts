// Which payment provider a function talks to, chosen by the shop's `provider` setting. Secrets come from the
// function's environment (wechatpay-env.ts); everything else from the settings document.
import { randomBytes } from 'node:crypto';
import type { Settings } from '../domain/settings';
import { createCloudPayProvider, cloudPayNotifications } from '../providers/cloudpay';
import { createHttpsClient } from '../providers/https-client';
import { ProviderError, type PaymentProvider, type ProviderNotifications } from '../providers/payment-provider';
import { v2Notifications } from '../providers/wechatpay-v2/notifications';
import { createV2Provider } from '../providers/wechatpay-v2/provider';
import { VerifierKeys } from '../providers/wechatpay-v3/keys';
import { wechatPayV3Notifications } from '../providers/wechatpay-v3/notifications';
import { createWechatPayV3Provider, type WechatPayV3Config } from '../providers/wechatpay-v3/provider';
import { v3BillSource } from '../providers/wechatpay-v3/bill';
import { v2BillSource } from '../providers/wechatpay-v2/bill';
import { cloudPayBillSource } from '../providers/bill/cloudpay-bill';
import type { BillSource } from '../providers/bill/bill-source';
import { privateKeyFrom } from '../providers/wechatpay-v3/rsa';
import { httpsTransport } from '../providers/wechatpay-v3/transport';
import { AppError } from '../domain/errors';
import { cloudPayApi } from './cloud';
import { log } from './logger';
import { requireWeChatPayEnv, type WeChatPayEnv } from './wechatpay-env';

export const PAY_NOTIFY_FUNCTION = 'payNotify';
export const REFUND_NOTIFY_FUNCTION = 'refundNotify';

/** 32 hex characters: within APIv2's nonce_str limit, from the CSPRNG. */
export function nonce(): string {
  return randomBytes(16).toString('hex');
}

export function paymentProvider(settings: Settings, env: string | undefined): PaymentProvider {
  return withFailureLog(chooseProvider(settings, env));
}

function chooseProvider(settings: Settings, env: string | undefined): PaymentProvider {
  switch (settings.provider) {
    case 'cloudpay':
      return cloudPayProvider(settings, env);
    case 'v2':
      return v2Provider(settings);
    case 'v3':
      return v3Provider(settings);
  }
}

/**
 * Every provider failure leaves one log line saying which call, what WeChat Pay (or the network) said and whether it
 * may have taken effect, whatever the function then makes of it. Provider messages never carry keys or signatures.
 */
function withFailureLog(provider: PaymentProvider): PaymentProvider {
  const logged =
    <A extends unknown[], R>(call: string, run: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await run(...args);
      } catch (err) {
        if (err instanceof ProviderError) {
          log('warn', 'provider.call_failed', { provider: provider.name, call, code: err.code, retryable: err.retryable, outcomeUnknown: err.name === 'ProviderOutcomeUnknown', error: err.message.slice(0, 300) });
        }
        throw err;
      }
    };
  return {
    name: provider.name,
    createPayment: logged('createPayment', (r) => provider.createPayment(r)),
    queryPayment: logged('queryPayment', (n) => provider.queryPayment(n)),
    closePayment: logged('closePayment', (n) => provider.closePayment(n)),
    refund: logged('refund', (r) => provider.refund(r)),
    queryRefund: logged('queryRefund', (n) => provider.queryRefund(n)),
  };
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
    case 'v3': {
      const secrets = requireWeChatPayEnv(['v3Key']);
      return wechatPayV3Notifications({ mchid: settings.subMchId, appid: directSetting(settings, 'appid'), apiV3Key: secrets.v3Key, verifierKeys: v3VerifierKeys(secrets), now: () => new Date() });
    }
  }
}

function v3Provider(settings: Settings): PaymentProvider {
  return createWechatPayV3Provider(v3Config(settings));
}

function v3Config(settings: Settings): WechatPayV3Config {
  const secrets = requireWeChatPayEnv(['merchantKey', 'merchantSerial']);
  return {
    mchid: settings.subMchId,
    appid: directSetting(settings, 'appid'),
    merchantKey: privateKeyFrom(secrets.merchantKey),
    merchantSerial: secrets.merchantSerial,
    verifierKeys: v3VerifierKeys(secrets),
    payNotifyUrl: directSetting(settings, 'payNotifyUrl'),
    refundNotifyUrl: directSetting(settings, 'refundNotifyUrl'),
    transport: httpsTransport(createHttpsClient({ extraCa: secrets.extraCa }), secrets.baseUrl),
    now: () => new Date(),
    nonce,
  };
}

/** Where the shop's daily trade bill comes from: the same merchant account and protocol as its payments. */
export function billSource(settings: Settings): BillSource {
  switch (settings.provider) {
    case 'cloudpay':
      return cloudPayBillSource(cloudPayApi(), { subMchId: settings.subMchId, nonce });
    case 'v2': {
      const secrets = requireWeChatPayEnv(['v2Key']);
      return v2BillSource({ appid: directSetting(settings, 'appid'), mchId: settings.subMchId, apiKey: secrets.v2Key, signType: settings.v2SignType, baseUrl: secrets.baseUrl, http: createHttpsClient({ extraCa: secrets.extraCa, maxAnswerBytes: BILL_ANSWER_LIMIT }), nonce });
    }
    case 'v3': {
      const secrets = requireWeChatPayEnv([]);
      return v3BillSource({ ...v3Config(settings), transport: httpsTransport(createHttpsClient({ extraCa: secrets.extraCa, maxAnswerBytes: BILL_ANSWER_LIMIT }), secrets.baseUrl) });
    }
  }
}

/** A day's bill of a busy shop runs to megabytes (a few hundred bytes a line); answers are otherwise capped at 1 MB. */
const BILL_ANSWER_LIMIT = 64 * 1024 * 1024;

/**
 * The keys that check WeChat Pay's APIv3 signatures: the WeChat Pay public key (with its PUB_KEY_ID_… id), platform
 * certificates, or both while a shop switches from one to the other. None at all is a configuration error.
 */
function v3VerifierKeys(secrets: WeChatPayEnv): VerifierKeys {
  if (Boolean(secrets.publicKey) !== Boolean(secrets.publicKeyId)) {
    throw new AppError('INTERNAL', 'WeChat Pay is not configured for this function: WECHATPAY_PUBLIC_KEY and WECHATPAY_PUBLIC_KEY_ID go together');
  }
  if (!secrets.publicKey && !secrets.platformCerts?.length) {
    throw new AppError('INTERNAL', 'WeChat Pay is not configured for this function: set WECHATPAY_PUBLIC_KEY and WECHATPAY_PUBLIC_KEY_ID (public-key mode) or WECHATPAY_PLATFORM_CERTS (certificate mode)');
  }
  return VerifierKeys.from({
    ...(secrets.publicKey && secrets.publicKeyId ? { publicKey: { id: secrets.publicKeyId, pem: secrets.publicKey } } : {}),
    ...(secrets.platformCerts?.length ? { platformCertificates: secrets.platformCerts.join('') } : {}),
  });
}

/** parseSettings requires these for every provider but cloudPay; this only tells the type checker. */
function directSetting(settings: Settings, key: 'appid' | 'payNotifyUrl' | 'refundNotifyUrl'): string {
  const value = settings[key];
  if (!value) throw new Error(`settings.${key} is missing for provider ${settings.provider}`);
  return value;
}
