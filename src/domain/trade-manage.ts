// WeChat's order-management pushes (小程序发货信息管理服务), once read and authenticated: the two this shop acts on.
// Every other event is acknowledged and ignored. Fields as WeChat names them.

export type TradeManageEvent =
  /** An order paid more than 48 hours ago is still not shipped (sent to shops that have shipped before). */
  | { kind: 'remindShipping'; outTradeNo: string; transactionId: string; payTime?: number; msg?: string }
  /** The buyer confirmed receipt (confirm_receive_method 1 automatic, 2 by the buyer) or WeChat settled the order. */
  | { kind: 'settlement'; outTradeNo: string; transactionId: string; confirmReceiveMethod?: number; confirmReceiveTime?: number; settlementTime?: number }
  | { kind: 'other'; event: string };

const OUT_TRADE_NO = /^[0-9A-Za-z_-]{1,32}$/;

export function readTradeManageEvent(message: Record<string, unknown>): TradeManageEvent | { kind: 'invalid'; reason: string } {
  const event = typeof message.Event === 'string' ? message.Event : '';
  if (message.MsgType !== 'event' || !event) return { kind: 'other', event: String(message.MsgType ?? '') };
  if (event !== 'trade_manage_remind_shipping' && event !== 'trade_manage_order_settlement') return { kind: 'other', event };
  const outTradeNo = message.merchant_trade_no;
  const transactionId = message.transaction_id;
  if (typeof outTradeNo !== 'string' || !OUT_TRADE_NO.test(outTradeNo)) return { kind: 'invalid', reason: `${event} without a merchant_trade_no` };
  if (typeof transactionId !== 'string' || !/^[0-9A-Za-z]{1,64}$/.test(transactionId)) return { kind: 'invalid', reason: `${event} without a transaction_id` };
  const seconds = (value: unknown) => (typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined);
  if (event === 'trade_manage_remind_shipping') {
    return { kind: 'remindShipping', outTradeNo, transactionId, ...opt('payTime', seconds(message.pay_time)), ...opt('msg', typeof message.msg === 'string' ? message.msg.slice(0, 100) : undefined) };
  }
  return {
    kind: 'settlement',
    outTradeNo,
    transactionId,
    ...opt('confirmReceiveMethod', seconds(message.confirm_receive_method)),
    ...opt('confirmReceiveTime', seconds(message.confirm_receive_time)),
    ...opt('settlementTime', seconds(message.settlement_time)),
  };
}

function opt<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
