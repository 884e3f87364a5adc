// Who asks the buyer to pay: WeChat's cashier, or (in local mode) a dialog answered by the local cloud's sandbox.
import type { Fen, PaymentParams } from '../../typings/api';
import type { LocalCloudSwitch } from '../config';
import { formatFen } from '../utils/money';
import { postJson } from './http';

export type PaymentOutcome = { kind: 'paid' } | { kind: 'cancelled' } | { kind: 'failed'; message: string };

export interface PaymentRequest {
  orderId: string;
  totalFee: Fen;
  payment: PaymentParams;
}

export interface PaymentPrompt {
  /** Never throws: the buyer paid, walked away, or the cashier failed. */
  pay(request: PaymentRequest): Promise<PaymentOutcome>;
}

export function wxPaymentPrompt(): PaymentPrompt {
  return {
    pay({ payment }) {
      return new Promise((resolve) => {
        wx.requestPayment({
          timeStamp: payment.timeStamp,
          nonceStr: payment.nonceStr,
          package: payment.package,
          signType: payment.signType as 'MD5' | 'HMAC-SHA256' | 'RSA',
          paySign: payment.paySign,
          success: () => resolve({ kind: 'paid' }),
          fail: (err) =>
            resolve(/cancel/.test(err.errMsg) ? { kind: 'cancelled' } : { kind: 'failed', message: err.errMsg }),
        });
      });
    },
  };
}

function confirm(title: string, content: string): Promise<boolean> {
  return new Promise((resolve) => {
    wx.showModal({
      title,
      content,
      confirmText: '支付',
      cancelText: '不付了',
      success: (res) => resolve(res.confirm),
      fail: () => resolve(false),
    });
  });
}

/** The sandbox keeps the provider side of the trade: completing it there makes it send the real callback. */
export function localPaymentPrompt(local: LocalCloudSwitch): PaymentPrompt {
  return {
    async pay({ orderId, totalFee }) {
      const willPay = await confirm('本地沙箱支付', `订单 ${orderId}\n支付 ${formatFen(totalFee)}（不会真实扣款）`);
      const step = willPay ? 'complete' : 'cancel';
      try {
        // The order id is the trade's outTradeNo; the sandbox waits until payNotify has been answered.
        const body = willPay ? { openid: local.openid } : {};
        const res = await postJson(`${local.url}/sandbox/payments/${encodeURIComponent(orderId)}/${step}`, body);
        if (res.statusCode < 200 || res.statusCode >= 300) {
          return { kind: 'failed', message: `sandbox answered ${res.statusCode}` };
        }
      } catch (err) {
        return { kind: 'failed', message: err instanceof Error ? err.message : String(err) };
      }
      return willPay ? { kind: 'paid' } : { kind: 'cancelled' };
    },
  };
}
