// The one place a developer edits to point the mini-program somewhere. Read docs/miniprogram.md before changing it.

export interface LocalCloudSwitch {
  /** Off by default: the real cloud (wx.cloud.callFunction, wx.requestPayment) is used. */
  enabled: boolean;
  /** The local cloud's address as DevTools reaches it (tick "不校验合法域名" in DevTools for http://127.0.0.1). */
  url: string;
  /** Who the mini-program acts as against the local cloud (there is no WeChat login locally). */
  openid: string;
}

export interface AppConfig {
  /** Cloud environment id; undefined means the environment selected in DevTools. */
  cloudEnv?: string;
  localCloud: LocalCloudSwitch;
  /** Orders and refunds fetched per page of a list. */
  pageSize: number;
  /** After the cashier says "paid", how long to wait before each look at the order (WeChat's callback lags). */
  paymentConfirmWaitsMs: number[];
  /** After the merchant approves a refund, the waits before each look at it until WeChat Pay's result arrives. */
  refundFollowWaitsMs: number[];
}

export const config: AppConfig = {
  cloudEnv: undefined,
  localCloud: {
    enabled: false,
    url: 'http://127.0.0.1:3000',
    openid: 'demo-buyer',
  },
  pageSize: 10,
  paymentConfirmWaitsMs: [0, 800, 1600],
  // About 20 s in all: WeChat Pay usually answers a refund within seconds; after that the page says it is still
  // processing and the merchant can pull down or ask WeChat Pay.
  refundFollowWaitsMs: [1000, 1500, 2500, 4000, 5000, 6000],
};
