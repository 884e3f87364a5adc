// The one switch: local mode or the real cloud, decided from config at the moment of each call.
import { config } from '../config';
import { localPaymentPrompt, wxPaymentPrompt, type PaymentPrompt } from './payment';
import { localReceiptPrompt, wxReceiptPrompt, type ReceiptPrompt } from './receipt';
import { localCloudStorage, wxCloudStorage, type CloudStorage } from './storage';
import { localSubscriptionPrompt, wxSubscriptionPrompt, type SubscriptionPrompt } from './subscription';
import { localCloudTransport, wxCloudTransport, type CloudTransport } from './transport';

export interface Adapters {
  transport: CloudTransport;
  payment: PaymentPrompt;
  subscription: SubscriptionPrompt;
  receipt: ReceiptPrompt;
  storage: CloudStorage;
}

export function adapters(): Adapters {
  const local = config.localCloud;
  if (local.enabled) {
    return {
      transport: localCloudTransport(local),
      payment: localPaymentPrompt(local),
      subscription: localSubscriptionPrompt(local),
      receipt: localReceiptPrompt(local),
      storage: localCloudStorage(local),
    };
  }
  return { transport: wxCloudTransport(), payment: wxPaymentPrompt(), subscription: wxSubscriptionPrompt(), receipt: wxReceiptPrompt(), storage: wxCloudStorage() };
}
