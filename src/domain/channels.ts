// Which WeChat Pay channel an order's money is with. A cloudPay trade belongs to CloudBase's service provider's
// sub-merchant, an APIv2/APIv3 trade to the shop's own merchant account: each knows nothing of the other's orders.
// So an order records the channel that took it, and every later call for it (query, close, refund, refund query,
// the late-payment refund) goes there, whatever the shop's `provider` says now; the setting only picks the channel
// of new orders. docs/migrate-cloudpay-to-v3.md is the guide for a switch.
import type { PaymentProviderName, Settings } from './settings';

export interface PayChannel {
  provider: PaymentProviderName;
  /** The merchant id that channel took the money for (cloudPay's sub_mch_id, APIv2's mch_id, APIv3's mchid). */
  merchantId: string;
}

/** What an order or refund records: absent on documents made before channels were recorded. */
export interface ChannelRecord {
  payChannel?: PayChannel;
}

/**
 * Every channel the shop has configured, the one new orders use first. Pure: deploy and doctor use it to know which
 * channels to check (each needs its own secrets and callbacks).
 */
export function configuredChannels(settings: Pick<Settings, 'provider' | 'subMchId' | 'formerChannels'>): PayChannel[] {
  return [
    { provider: settings.provider, merchantId: settings.subMchId },
    ...settings.formerChannels.map((c) => ({ provider: c.provider, merchantId: c.subMchId })),
  ];
}

/** The channel a new order is paid through. */
export function newOrderChannel(settings: Pick<Settings, 'provider' | 'subMchId'>): PayChannel {
  return { provider: settings.provider, merchantId: settings.subMchId };
}

/**
 * The channel of an order or refund: the one it recorded; one that recorded none was taken by `legacyProvider`
 * (settings.ts: the one former channel after a switch, else the only channel), as that channel is configured now.
 */
export function channelOf(doc: ChannelRecord, settings: Pick<Settings, 'provider' | 'subMchId' | 'formerChannels' | 'legacyProvider'>): PayChannel {
  if (doc.payChannel) return doc.payChannel;
  const legacy = configuredChannels(settings).find((c) => c.provider === settings.legacyProvider);
  return legacy ?? newOrderChannel(settings);
}

/** The configured channel of this provider, if the shop has one. */
export function configuredChannel(settings: Pick<Settings, 'provider' | 'subMchId' | 'formerChannels'>, provider: PaymentProviderName): PayChannel | undefined {
  return configuredChannels(settings).find((c) => c.provider === provider);
}

/** The shop still has this exact channel (provider and merchant) configured: calls for its orders can be made. */
export function isConfigured(settings: Pick<Settings, 'provider' | 'subMchId' | 'formerChannels'>, channel: PayChannel): boolean {
  return configuredChannels(settings).some((c) => c.provider === channel.provider && c.merchantId === channel.merchantId);
}

export function sameChannel(a: PayChannel, b: PayChannel): boolean {
  return a.provider === b.provider && a.merchantId === b.merchantId;
}
