// What a person reads when something fails. Codes are the contract; the text is ours, in one table.
import type { ErrorCode } from '../../typings/api';

/** Server codes plus the failures that happen before an answer arrives. */
export type ClientErrorCode = ErrorCode | 'NETWORK';

export interface ClientFail {
  ok: false;
  code: ClientErrorCode;
  message: string;
}

const ERROR_TEXT: Record<ClientErrorCode, string> = {
  INVALID_ARGUMENT: '填写的信息有误，请检查后重试',
  UNAUTHENTICATED: '请先登录微信后再试',
  FORBIDDEN: '没有权限进行此操作',
  NOT_FOUND: '没有找到这笔订单或退款，请检查链接是否完整',
  CONFLICT: '订单状态已变化，请刷新后再试',
  OUT_OF_STOCK: '库存不足，请减少数量或换一个规格',
  REFUND_EXCEEDS_PAID: '退款金额超过了可退金额',
  PROVIDER_ERROR: '微信支付暂时不可用，请稍后再试',
  INTERNAL: '服务暂时不可用，请稍后再试',
  NETWORK: '网络连接失败，请检查网络后重试',
};

export function errorText(code: ClientErrorCode): string {
  return ERROR_TEXT[code] ?? ERROR_TEXT.INTERNAL;
}

export function isErrorCode(value: unknown): value is ClientErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_TEXT, value);
}

/** A cancel refused while the order is still unpaid: WeChat Pay does not close a trade in its first minutes. */
export const CANCEL_TOO_EARLY_TEXT = '订单刚创建，请几分钟后再取消；不付款的订单会自动关闭';

/** Failures that may pass if the person tries again (network, a busy service); the rest need something else. */
export function isTransient(code: string): boolean {
  return code === 'NETWORK' || code === 'INTERNAL' || code === 'PROVIDER_ERROR';
}
