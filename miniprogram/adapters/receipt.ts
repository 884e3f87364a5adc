// Who lets the buyer confirm receipt: WeChat's own confirmation window (wx.openBusinessView weappOrderConfirm) for
// shops under WeChat's shipping management, or (in local mode) a dialog answered by the local cloud's shipping
// service. Either way the server asks WeChat afterwards; this only opens the window.
import type { LocalCloudSwitch } from '../config';
import { postJson } from './http';

export type ReceiptOutcome = { kind: 'done' } | { kind: 'cancelled' } | { kind: 'failed'; message: string };

export interface ReceiptPrompt {
  /** Never throws. `transactionId` names the payment to WeChat. */
  confirm(order: { orderId: string; transactionId: string }): Promise<ReceiptOutcome>;
}

/** wx.openBusinessView (base library ≥ 2.6.0) is missing from miniprogram-api-typings. */
interface BusinessViewApi {
  openBusinessView(options: {
    businessType: string;
    extraData: Record<string, string>;
    success?: () => void;
    fail?: (err: { errMsg?: string }) => void;
  }): void;
}
const businessView = () => wx as unknown as BusinessViewApi;

export function wxReceiptPrompt(): ReceiptPrompt {
  return {
    confirm({ transactionId }) {
      return new Promise((resolve) => {
        // The window's own result arrives later in App.onShow (referrerInfo); the server's check is what counts.
        businessView().openBusinessView({
          businessType: 'weappOrderConfirm',
          extraData: { transaction_id: transactionId },
          success: () => resolve({ kind: 'done' }),
          fail: (err) => resolve(/cancel/.test(err.errMsg ?? '') ? { kind: 'cancelled' } : { kind: 'failed', message: err.errMsg ?? '' }),
        });
      });
    },
  };
}

export function localReceiptPrompt(local: LocalCloudSwitch): ReceiptPrompt {
  return {
    async confirm({ orderId }) {
      const yes = await new Promise<boolean>((resolve) => {
        wx.showModal({
          title: '本地沙箱：微信确认收货',
          content: `确认已收到订单 ${orderId} 的商品？`,
          confirmText: '确认收货',
          cancelText: '还没收到',
          success: (res) => resolve(res.confirm),
          fail: () => resolve(false),
        });
      });
      if (!yes) return { kind: 'cancelled' };
      try {
        const res = await postJson(`${local.url}/sandbox/shipping/${encodeURIComponent(orderId)}/confirm`, {});
        return res.statusCode === 200 ? { kind: 'done' } : { kind: 'failed', message: `sandbox answered ${res.statusCode}` };
      } catch (err) {
        return { kind: 'failed', message: err instanceof Error ? err.message : String(err) };
      }
    },
  };
}
