// Which payment provider a function talks to: the channel an order was taken by (domain/channels.ts); the shop's
// `provider` setting picks only the channel of new orders. Secrets come from the function's environment
// (wechatpay-env.ts); everything else from the settings document.
import { randomBytes } from 'node:crypto';
import { channelOf, configuredChannels, isConfigured, newOrderChannel, type ChannelRecord, type PayChannel } from '../domain/channels';
import type { Settings } from '../domain/settings';
import { createCloudPayProvider, cloudPayNotifications } from '../providers/cloudpay';
import { createHttpsClient } from '../providers/https-client';
import { ProviderError, type IncomingNotify, type PaymentProvider, type ProviderNotifications } from '../providers/payment-provider';
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

/**
 * The providers of the shop's configured channels, each made when first needed. Every call for an existing order or
 * refund goes through `of(doc)`, its own channel (domain/channels.ts), whatever the shop's provider is now.
 */
export interface Payments {
  /** The channel new orders are paid through. */
  readonly current: PayChannel;
  /** The provider of a new order. */
  forNewOrder(): PaymentProvider;
  /** The provider of the channel an order or refund was taken by; an AppError if that channel is no longer configured. */
  of(doc: ChannelRecord): PaymentProvider;
  /** The provider of one configured channel. */
  via(channel: PayChannel): PaymentProvider;
  /** The channel an order or refund was taken by (domain/channels.ts channelOf). */
  channelOf(doc: ChannelRecord): PayChannel;
  /** The shop's one channel, when it has only one: every order it can act on was then taken by it. */
  readonly sole: PayChannel | undefined;
}

export function payments(settings: Settings, env: string | undefined): Payments {
  const made = new Map<string, PaymentProvider>();
  const via = (channel: PayChannel): PaymentProvider => {
    if (!isConfigured(settings, channel)) {
      throw new AppError('INTERNAL', `this order was paid through ${channel.provider} (merchant ${channel.merchantId}), which the shop no longer has configured: add it back to formerChannels (docs/migrate-cloudpay-to-v3.md)`);
    }
    const key = `${channel.provider}:${channel.merchantId}`;
    let provider = made.get(key);
    if (!provider) {
      provider = withFailureLog(chooseProvider(settings, channel, env));
      made.set(key, provider);
    }
    return provider;
  };
  const current = newOrderChannel(settings);
  return {
    current,
    forNewOrder: () => via(current),
    of: (doc) => via(channelOf(doc, settings)),
    via,
    channelOf: (doc) => channelOf(doc, settings),
    sole: settings.formerChannels.length === 0 ? current : undefined,
  };
}

function chooseProvider(settings: Settings, channel: PayChannel, env: string | undefined): PaymentProvider {
  switch (channel.provider) {
    case 'cloudpay':
      return cloudPayProvider(settings, channel.merchantId, env);
    case 'v2':
      return v2Provider(settings, channel.merchantId);
    case 'v3':
      return v3Provider(settings, channel.merchantId);
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

function cloudPayProvider(settings: Settings, merchantId: string, env: string | undefined): PaymentProvider {
  return createCloudPayProvider(cloudPayApi(), {
    subMchId: merchantId,
    envId: settings.envId ?? env ?? '',
    paymentNotifyFunction: PAY_NOTIFY_FUNCTION,
    refundNotifyFunction: REFUND_NOTIFY_FUNCTION,
    nonce,
  });
}

function v2Provider(settings: Settings, merchantId: string): PaymentProvider {
  const secrets = requireWeChatPayEnv(['v2Key']);
  const mtls =
    secrets.merchantCert && secrets.merchantKey
      ? createHttpsClient({ extraCa: secrets.extraCa, clientCert: { cert: secrets.merchantCert, key: secrets.merchantKey } })
      : undefined;
  return createV2Provider({
    appid: directSetting(settings, 'appid'),
    mchId: merchantId,
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

/** How one channel's callbacks are read and answered. */
export function channelNotifications(settings: Settings, channel: PayChannel): ProviderNotifications {
  switch (channel.provider) {
    case 'cloudpay':
      return cloudPayNotifications;
    case 'v2':
      return v2Notifications({ appid: directSetting(settings, 'appid'), mchId: channel.merchantId, apiKey: requireWeChatPayEnv(['v2Key']).v2Key, signType: settings.v2SignType });
    case 'v3': {
      const secrets = requireWeChatPayEnv(['v3Key']);
      return wechatPayV3Notifications({ mchid: channel.merchantId, appid: directSetting(settings, 'appid'), apiV3Key: secrets.v3Key, verifierKeys: v3VerifierKeys(secrets), now: () => new Date() });
    }
  }
}

/**
 * The channel a callback came through, by how it arrived: a cloudPay event, or an HTTP request in APIv3's signed
 * JSON (Wechatpay-* headers) or APIv2's XML. Undefined when that channel is not configured: the callback is refused.
 * While both APIv2 and APIv3 are configured (one URL serves both), the Wechatpay-Signature header tells them apart.
 */
export function callbackChannel(settings: Settings, incoming: IncomingNotify): PayChannel | undefined {
  const channels = configuredChannels(settings);
  if (incoming.transport === 'event') return channels.find((c) => c.provider === 'cloudpay');
  const direct = channels.filter((c) => c.provider !== 'cloudpay');
  if (direct.length <= 1) return direct[0];
  const v3 = incoming.headers['wechatpay-signature'] !== undefined || incoming.headers['wechatpay-serial'] !== undefined;
  return direct.find((c) => c.provider === (v3 ? 'v3' : 'v2'));
}

function v3Provider(settings: Settings, merchantId: string): PaymentProvider {
  return createWechatPayV3Provider(v3Config(settings, merchantId));
}

function v3Config(settings: Settings, merchantId: string): WechatPayV3Config {
  const secrets = requireWeChatPayEnv(['merchantKey', 'merchantSerial']);
  return {
    mchid: merchantId,
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
export function billSource(settings: Settings, channel: PayChannel = newOrderChannel(settings)): BillSource {
  switch (channel.provider) {
    case 'cloudpay':
      return cloudPayBillSource(cloudPayApi(), { subMchId: channel.merchantId, nonce });
    case 'v2': {
      const secrets = requireWeChatPayEnv(['v2Key']);
      return v2BillSource({ appid: directSetting(settings, 'appid'), mchId: channel.merchantId, apiKey: secrets.v2Key, signType: settings.v2SignType, baseUrl: secrets.baseUrl, http: createHttpsClient({ extraCa: secrets.extraCa, maxAnswerBytes: BILL_ANSWER_LIMIT }), nonce });
    }
    case 'v3': {
      const secrets = requireWeChatPayEnv([]);
      return v3BillSource({ ...v3Config(settings, channel.merchantId), transport: httpsTransport(createHttpsClient({ extraCa: secrets.extraCa, maxAnswerBytes: BILL_ANSWER_LIMIT }), secrets.baseUrl) });
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
  if (!value) throw new Error(`settings.${key} is missing while an APIv2 or APIv3 channel is configured`);
  return value;
}
