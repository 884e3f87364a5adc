import { BillFormatError, parseTradeBill, yuanToFen, yuanToMilliFen } from '../../src/providers/bill/trade-bill';

// WeChat's published sample (微信云托管「下载对账单」, an ALL bill of a mini-program payment), header and rows as given.
const HEADER = '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
const WECHAT_SAMPLE_ROW = '`2022-03-21 13:51:31,`wxfdc955f7104ad557,`180023671,`176531292,`,`420000612032130748613220688,`2021WERUN1647840687637,`oZWaCKXip5njeEiloC4oeOV1TTsk,`JSAPI,`SUCCESS,`OTHERS,`CNY,`0.01,`0.00,`0,`0,`0.00,`0.00,`,`,`微信云托管支付测试,`,`0.00000,`0.90%,`0.01,`0.00,`';
const SUMMARY_HEADER = '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额';
const REFUND_ROW = '`2022-03-21 23:59:59,`wxfdc955f7104ad557,`180023671,`176531292,`,`420000612032130748613220688,`2021WERUN1647840687637,`oZWaCKXip5njeEiloC4oeOV1TTsk,`JSAPI,`REFUND,`OTHERS,`CNY,`0.01,`0.00,`50300000012022032100000000001,`2021WERUN1647840687637R1,`0.01,`0.00,`ORIGINAL,`SUCCESS,`微信云托管支付测试,`,`-0.00000,`0.90%,`0.01,`0.01,`';

const bill = (...lines: string[]) => lines.join('\r\n') + '\r\n';

describe('the trade bill, as WeChat writes it', () => {
  it("reads WeChat's published sample row into fen, with the payment time as an instant", () => {
    const parsed = parseTradeBill(bill(HEADER, WECHAT_SAMPLE_ROW, SUMMARY_HEADER, '`1,`0.01,`0.00,`0.00,`0.00000,`0.01,`0.00'));
    expect(parsed.payments).toEqual([
      {
        at: new Date('2022-03-21T05:51:31.000Z'),
        merchantId: '180023671',
        subMerchantId: '176531292',
        transactionId: '420000612032130748613220688',
        outTradeNo: '2021WERUN1647840687637',
        tradeState: 'SUCCESS',
        settledFee: 1,
        totalFee: 1,
        feeMilliFen: 0,
      },
    ]);
    expect(parsed.refunds).toEqual([]);
    expect(parsed.summary).toEqual({ count: 1, settledTotal: 1, refundTotal: 0, couponRefundTotal: 0, feeMilliFen: 0, orderTotal: 1, requestedRefundTotal: 0 });
  });

  it('reads a refund row by its refund number, with the amount asked for and the status as the bill was made', () => {
    const parsed = parseTradeBill(bill(HEADER, WECHAT_SAMPLE_ROW, REFUND_ROW, SUMMARY_HEADER, '`2,`0.01,`0.01,`0.00,`0.00000,`0.01,`0.01'));
    expect(parsed.refunds).toEqual([
      expect.objectContaining({ outRefundNo: '2021WERUN1647840687637R1', outTradeNo: '2021WERUN1647840687637', refundFee: 1, requestedRefundFee: 1, refundStatus: 'SUCCESS', refundId: '50300000012022032100000000001', at: new Date('2022-03-21T15:59:59.000Z') }),
    ]);
  });

  it('keeps fees exact to the thousandth of a fen, as the bill shows them with five decimals', () => {
    expect(yuanToMilliFen('0.00600', 1, 'x')).toBe(600);
    expect(yuanToMilliFen('-0.01000', 1, 'x')).toBe(-1000);
    expect(yuanToMilliFen('12.34', 1, 'x')).toBe(1_234_000);
    expect(yuanToFen('1234.5', 1, 'x')).toBe(123_450);
  });

  it.each([
    ['an amount with a fraction of a fen', () => yuanToFen('0.015', 3, '订单金额'), /line 3: 订单金额 "0.015" is not a whole number of fen/],
    ['an amount that is not a number', () => yuanToFen('1e3', 3, '订单金额'), /is not an amount in yuan/],
    ['a value without its backquote', () => parseTradeBill(bill(HEADER, WECHAT_SAMPLE_ROW.slice(1), SUMMARY_HEADER, '`1,`0.01,`0.00,`0.00,`0.00000,`0.01,`0.00')), /line 2: value 1 does not start with a backquote/],
    ['a row with a value missing', () => parseTradeBill(bill(HEADER, WECHAT_SAMPLE_ROW.replace(',`JSAPI', ''), SUMMARY_HEADER, '`1,`0.01,`0.00,`0.00,`0.00000,`0.01,`0.00')), /line 2: expected 27 values, found 26/],
    ['an old-format bill (总金额 instead of 应结订单金额)', () => parseTradeBill(bill(HEADER.replace('应结订单金额', '总金额'), WECHAT_SAMPLE_ROW, SUMMARY_HEADER, '`1,`0.01,`0.00,`0.00,`0.00000,`0.01,`0.00')), /no column 应结订单金额/],
    ['a bill cut before its summary', () => parseTradeBill(bill(HEADER, WECHAT_SAMPLE_ROW, WECHAT_SAMPLE_ROW)), /expected the summary header/],
    ['a time that is not China time text', () => parseTradeBill(bill(HEADER, WECHAT_SAMPLE_ROW.replace('2022-03-21 13:51:31', '2022/03/21 13:51'), SUMMARY_HEADER, '`1,`0.01,`0.00,`0.00,`0.00000,`0.01,`0.00')), /交易时间 "2022\/03\/21 13:51" is not yyyy-MM-dd HH:mm:ss/],
  ])('refuses %s, naming the line', (_name, run, message) => {
    expect(run).toThrow(BillFormatError);
    expect(run).toThrow(message);
  });
});
