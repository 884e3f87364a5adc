// A demo order that is paid and waiting to ship, so the merchant's desk and the ship form have something to show at
// once. The WeChat Pay side (the sandbox's trade) is written too, so its shipment uploads to WeChat like any other.
// Seeded once: a later start leaves it (and whatever the developer did with it) alone.
import type { LocalCloudHost } from '../contracts';
import { SandboxStore } from '../sandbox/store';
import { transactionId } from '../sandbox/ids';
import { putDocument } from './index';
import { DEMO_BUYER, DEMO_PRODUCTS, DEMO_SUB_MCH_ID } from './settings';

export const DEMO_ORDER_TO_SHIP = 'DEMO-TO-SHIP-1';

export const DEMO_ADDRESS = {
  userName: '王小明',
  telNumber: '13800138000',
  provinceName: '浙江省',
  cityName: '杭州市',
  countyName: '西湖区',
  detailInfo: '文三路 90 号 1 幢 101 室',
  postalCode: '310012',
};

export function seedOrderToShip(host: Pick<LocalCloudHost, 'db' | 'env'>, appid: string, now = Date.now()): boolean {
  const trades = new SandboxStore(host.db.sqlite());
  if (trades.trade(DEMO_ORDER_TO_SHIP)) return false;
  const tea = DEMO_PRODUCTS[0];
  const totalFee = tea.price * 2;
  const paidAt = now - 3600_000;
  const txn = transactionId(paidAt);
  trades.saveTrade({
    outTradeNo: DEMO_ORDER_TO_SHIP,
    prepayId: `wxdemo${paidAt}`,
    subMchId: DEMO_SUB_MCH_ID,
    subAppid: appid,
    body: `本地演示小店-${tea.name} ×2`,
    totalFee,
    feeType: 'CNY',
    tradeType: 'JSAPI',
    spbillCreateIp: '127.0.0.1',
    subOpenid: DEMO_BUYER,
    functionName: 'payNotify',
    envId: host.env,
    state: 'SUCCESS',
    createdAt: paidAt - 60_000,
    transactionId: txn,
    paidAt,
    bankType: 'OTHERS',
  });
  const at = (ms: number) => ({ $date: ms });
  putDocument(host, 'orders', {
    _id: DEMO_ORDER_TO_SHIP,
    _openid: DEMO_BUYER,
    status: 'PAID',
    totalFee,
    refundedFee: 0,
    refundingFee: 0,
    items: [{ productId: tea._id, name: tea.name, unitPrice: tea.price, quantity: 2 }],
    title: `${tea.name} ×2`,
    itemCount: 2,
    createdAt: at(paidAt - 60_000),
    updatedAt: at(paidAt),
    payDeadline: at(paidAt + 1800_000),
    refundCount: 0,
    openRefundId: null,
    refunding: false,
    transactionId: txn,
    paidAt: at(paidAt),
    address: DEMO_ADDRESS,
    timeline: [
      { at: at(paidAt - 60_000), event: 'created', by: 'buyer' },
      { at: at(paidAt), event: 'paid', by: 'wechat' },
    ],
  });
  return true;
}
