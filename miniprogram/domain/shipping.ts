// The shipping choices a merchant picks from, with their labels, and the address as pages show it. The server
// checks everything again (src/domain/shipping.ts); these only shape the form.
import type { DeliveryAddress, LogisticsType } from '../../typings/api';
import { LIMITS } from './limits';

export const LOGISTICS_OPTIONS: ReadonlyArray<{ type: LogisticsType; label: string }> = [
  { type: 'EXPRESS', label: '快递' },
  { type: 'LOCAL_DELIVERY', label: '同城配送' },
  { type: 'SELF_PICKUP', label: '到店自提' },
  { type: 'VIRTUAL', label: '虚拟商品' },
];

/** WeChat's delivery_id codes (the server's list is the same). */
export const EXPRESS_OPTIONS: ReadonlyArray<{ code: string; label: string }> = [
  { code: 'SF', label: '顺丰速运' },
  { code: 'ZTO', label: '中通快递' },
  { code: 'YTO', label: '圆通速递' },
  { code: 'STO', label: '申通快递' },
  { code: 'YD', label: '韵达速递' },
  { code: 'JTSD', label: '极兔速递' },
  { code: 'JD', label: '京东物流' },
  { code: 'EMS', label: 'EMS' },
  { code: 'YZPY', label: '邮政快递包裹' },
  { code: 'DBL', label: '德邦快递' },
];

const TRACKING_CHARS = `[0-9A-Za-z-]{${LIMITS.trackingNoMinLength},${LIMITS.trackingNoMaxLength}}`;
/** The functions' rule (ContractLimits): the form refuses what `ship` would. */
export const TRACKING_NO = new RegExp(`^${TRACKING_CHARS}$`);
/** `5-40`, for the form's hints. */
export const TRACKING_NO_LENGTHS = `${LIMITS.trackingNoMinLength}-${LIMITS.trackingNoMaxLength}`;

export const UPLOAD_LABEL: Record<string, string> = {
  PENDING: '发货信息同步中',
  UPLOADED: '已同步到微信',
  FAILED: '同步失败，请到小程序后台录入',
  NOT_REQUIRED: '',
};

export const PRINT_LABEL: Record<string, string> = {
  PENDING: '小票待打印（自动重试）',
  PRINTED: '小票已打印',
  FAILED: '小票打印失败',
  OFF: '',
};

/** What wx.chooseAddress answers, reduced to the fields the server takes. */
export function addressFromPicker(res: Record<string, unknown>): DeliveryAddress | undefined {
  const text = (k: string) => (typeof res[k] === 'string' ? (res[k] as string).trim() : '');
  const a: DeliveryAddress = {
    userName: text('userName'),
    telNumber: text('telNumber'),
    provinceName: text('provinceName'),
    cityName: text('cityName'),
    countyName: text('countyName'),
    detailInfo: text('detailInfo'),
  };
  if (Object.values(a).some((v) => v === '')) return undefined;
  const postalCode = text('postalCode');
  return /^[0-9]{6}$/.test(postalCode) ? { ...a, postalCode } : a;
}

export function addressText(a: DeliveryAddress): { who: string; where: string } {
  return { who: `${a.userName} ${a.telNumber}`, where: `${a.provinceName}${a.cityName}${a.countyName}${a.detailInfo}` };
}

/**
 * An express parcel needs a company from the list and a tracking number the functions take: the merchant's shipment
 * and the buyer's return are checked alike, each mistake beside its field ('' when fine).
 */
export function expressErrors(companyIndex: number, trackingNo: string): { company: string; trackingNo: string } {
  return {
    company: companyIndex < 0 || !EXPRESS_OPTIONS[companyIndex] ? '请选择快递公司' : '',
    trackingNo: TRACKING_NO.test(trackingNo) ? '' : trackingNo ? `快递单号应为 ${TRACKING_NO_LENGTHS} 位字母、数字或 -` : '请填写或扫描快递单号',
  };
}

/** A scanned code may carry a prefix or spaces (some labels encode `SF1234 5678`). */
export function trackingFromScan(result: string): string {
  const compact = result.replace(/\s+/g, '');
  const match = new RegExp(`${TRACKING_CHARS}$`).exec(compact);
  return match ? match[0] : '';
}
