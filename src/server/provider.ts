// Which payment provider a function talks to, chosen by the shop's `provider` setting.
import { randomBytes } from 'node:crypto';
import type { Settings } from '../domain/settings';
import { createCloudPayProvider, cloudPayNotifications } from '../providers/cloudpay';
import type { PaymentProvider, ProviderNotifications } from '../providers/payment-provider';
import { cloudPayApi } from './cloud';

export const PAY_NOTIFY_FUNCTION = 'payNotify';
export const REFUND_NOTIFY_FUNCTION = 'refundNotify';

export function nonce(): string {
  return randomBytes(16).toString('hex');
}

export function paymentProvider(settings: Settings, env: string | undefined): PaymentProvider {
  switch (settings.provider) {
    case 'cloudpay':
      return cloudPayProvider(settings, env);
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

export function providerNotifications(settings: Settings): ProviderNotifications {
  switch (settings.provider) {
    case 'cloudpay':
      return cloudPayNotifications;
  }
}
