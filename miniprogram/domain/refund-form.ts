// The refund form's rules, apart from the page so they can be read and tested alone.
import type { Fen } from '../../typings/api';
import { formatFen, parseYuanText } from '../utils/money';
import { AFTERSALE } from './aftersale-contract';
import { REFUND_REASONS } from './labels';
import { cleanText, LIMITS, textLength } from './limits';

/** The contract's reason field (the functions refuse anything longer); the label, '：' and the note must fit. */
export const REASON_MAX_LENGTH = LIMITS.reasonMaxLength;
const LONGEST_LABEL = Math.max(...REFUND_REASONS.map((r) => textLength(r.label)));
/** Whatever reason is picked, `label：note` fits the contract's limit. */
export const NOTE_MAX_LENGTH = REASON_MAX_LENGTH - LONGEST_LABEL - 1;

export interface RefundFormInput {
  amountText: string;
  /** Index into REFUND_REASONS, or -1 when none is picked. */
  reasonIndex: number;
  note: string;
}

export interface RefundFormErrors {
  amount?: string;
  reason?: string;
  note?: string;
}

export type RefundFormCheck =
  | { ok: true; refundFee: Fen; reason: string }
  | { ok: false; errors: RefundFormErrors };

export function checkRefundForm(input: RefundFormInput, refundableFee: Fen): RefundFormCheck {
  const errors: RefundFormErrors = {};
  const fee = parseYuanText(input.amountText);
  if (input.amountText.trim() === '') errors.amount = '请填写退款金额';
  else if (fee === null) errors.amount = '请填写正确的金额，最多两位小数';
  else if (fee <= 0) errors.amount = '退款金额必须大于 0';
  else if (fee > refundableFee) errors.amount = `最多可退 ${formatFen(refundableFee)}`;

  const reason = REFUND_REASONS[input.reasonIndex];
  const note = cleanText(input.note);
  if (!reason) errors.reason = '请选择退款原因';
  if (textLength(note) > NOTE_MAX_LENGTH) errors.note = `补充说明最多 ${NOTE_MAX_LENGTH} 字`;
  else if (reason?.needsNote && note === '') errors.note = '选择“其他原因”时请写明原因';

  if (errors.amount || errors.reason || errors.note || fee === null || !reason) return { ok: false, errors };
  return { ok: true, refundFee: fee, reason: note ? `${reason.label}：${note}` : reason.label };
}

export const REJECT_REASON_MAX_LENGTH = LIMITS.reasonMaxLength;

/** The merchant must say why a refund is refused; the buyer reads it. */
export function checkRejectReason(text: string): { ok: true; reason: string } | { ok: false; error: string } {
  const reason = cleanText(text);
  if (reason === '') return { ok: false, error: '请填写拒绝原因，买家会看到' };
  if (textLength(reason) > REJECT_REASON_MAX_LENGTH) return { ok: false, error: `拒绝原因最多 ${REJECT_REASON_MAX_LENGTH} 字` };
  return { ok: true, reason };
}

/** Turning a request down, or refusing the goods that came back: the contract's lists (WeChat's reject scenes). */
export type RejectScene = keyof typeof AFTERSALE.rejectReasons;

/**
 * A reason from the scene's list, with optional words (其他原因 needs them); the buyer reads `label：text`, which must
 * fit the contract's reason length.
 */
export function checkRejectChoice(scene: RejectScene, index: number, text: string): { ok: true; reason: string } | { ok: false; error: string } {
  const label = AFTERSALE.rejectReasons[scene][index];
  if (!label) return { ok: false, error: '请选择拒绝原因' };
  const words = cleanText(text);
  if (label === AFTERSALE.otherReason && words === '') return { ok: false, error: '选择“其他原因”时请写明原因，买家会看到' };
  const reason = words ? `${label}${AFTERSALE.reasonSeparator}${words}` : label;
  if (textLength(reason) > REJECT_REASON_MAX_LENGTH) return { ok: false, error: `说明最多 ${REJECT_REASON_MAX_LENGTH - textLength(label) - textLength(AFTERSALE.reasonSeparator)} 字` };
  return { ok: true, reason };
}
