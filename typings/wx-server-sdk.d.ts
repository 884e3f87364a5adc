// Gaps in wx-server-sdk's own typings. `cloud.cloudPay` exists at run time (a proxy that forwards to `wx.wxPayApi`,
// converting camelCase to snake_case and back) but is not declared; `openapi` is declared as Record<string, any>.
// Shapes follow WeChat Pay's APIv2 fields as cloudPay passes them through, in camelCase.
import 'wx-server-sdk';

declare module 'wx-server-sdk' {
  export const cloudPay: CloudPay.Api;
  /** `env: cloud.DYNAMIC_CURRENT_ENV` (a symbol) is how every function should init; the SDK's typings only allow strings. */
  export function init(config?: { env?: string | symbol; traceUser?: boolean; throwOnNotFound?: boolean; timeout?: number }): void;
}

export namespace CloudPay {
  /** Every cloudPay answer: returnCode is about the call, resultCode about the business outcome. */
  interface Answer {
    returnCode?: 'SUCCESS' | 'FAIL' | string;
    returnMsg?: string;
    resultCode?: 'SUCCESS' | 'FAIL' | string;
    /** WeChat's err_code, except that wx-server-sdk overwrites it with its own 0 on every answer it resolves. */
    errCode?: string | number;
    errCodeDes?: string;
    appid?: string;
    mchId?: string;
    subMchId?: string;
    nonceStr?: string;
  }

  interface UnifiedOrderRequest {
    body: string;
    outTradeNo: string;
    spbillCreateIp: string;
    subMchId: string;
    totalFee: number;
    envId: string;
    functionName: string;
    nonceStr: string;
    tradeType?: 'JSAPI';
    /** yyyyMMddHHmmss, China time. */
    timeExpire?: string;
    attach?: string;
  }
  interface UnifiedOrderAnswer extends Answer {
    prepayId?: string;
    payment?: { appId?: string; timeStamp: string; nonceStr: string; package: string; signType: string; paySign: string };
  }

  interface QueryOrderRequest {
    subMchId: string;
    outTradeNo: string;
    nonceStr: string;
  }
  interface QueryOrderAnswer extends Answer {
    /** SUCCESS | REFUND | NOTPAY | CLOSED | REVOKED | USERPAYING | PAYERROR */
    tradeState?: string;
    tradeStateDesc?: string;
    outTradeNo?: string;
    transactionId?: string;
    totalFee?: number | string;
    cashFee?: number | string;
    /** yyyyMMddHHmmss, China time. */
    timeEnd?: string;
    openid?: string;
    subOpenid?: string;
    attach?: string;
  }

  interface CloseOrderRequest {
    subMchId: string;
    outTradeNo: string;
    nonceStr: string;
  }

  interface RefundRequest {
    subMchId: string;
    outTradeNo: string;
    outRefundNo: string;
    totalFee: number;
    refundFee: number;
    refundDesc?: string;
    envId: string;
    functionName: string;
    nonceStr: string;
  }
  interface RefundAnswer extends Answer {
    outTradeNo?: string;
    outRefundNo?: string;
    refundId?: string;
    refundFee?: number | string;
  }

  interface QueryRefundRequest {
    subMchId: string;
    outRefundNo: string;
    nonceStr: string;
  }
  /** APIv2 lists refunds with indexed fields (refund_status_0 …); cloudPay's case conversion keeps the index. */
  interface QueryRefundAnswer extends Answer {
    refundCount?: number | string;
    [indexedField: string]: unknown;
  }

  interface Api {
    unifiedOrder(request: UnifiedOrderRequest): Promise<UnifiedOrderAnswer>;
    queryOrder(request: QueryOrderRequest): Promise<QueryOrderAnswer>;
    closeOrder(request: CloseOrderRequest): Promise<Answer>;
    refund(request: RefundRequest): Promise<RefundAnswer>;
    queryRefund(request: QueryRefundRequest): Promise<QueryRefundAnswer>;
    /** The SDK answers `{data}`: the bill's text (a Buffer with tarType GZIP), or WeChat's failure fields. */
    downloadBill(request: DownloadBillRequest): Promise<DownloadBillAnswer>;
  }

  interface DownloadBillRequest {
    subMchId: string;
    billDate: string;
    billType: 'ALL' | 'SUCCESS' | 'REFUND';
    tarType?: 'GZIP';
    nonceStr: string;
  }

  interface DownloadBillAnswer extends Answer {
    data?: string | Uint8Array;
    errorCode?: string;
  }
}
