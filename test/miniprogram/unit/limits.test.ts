// The page and the functions enforce the same limits: both declare them from the contract's ContractLimits, and
// this checks what each side actually accepts at the edge.
import { LIMITS as PAGE_LIMITS } from '../../../miniprogram/domain/limits';
import { REFUND_REASONS } from '../../../miniprogram/domain/labels';
import { checkRefundForm, checkRejectReason, NOTE_MAX_LENGTH, REASON_MAX_LENGTH, REJECT_REASON_MAX_LENGTH } from '../../../miniprogram/domain/refund-form';
import { parseApplyRefundEvent, parseApproveRefundEvent, REASON_MAX } from '../../../src/domain/events';
import { LIMITS as SERVER_LIMITS } from '../../../src/domain/limits';

it('the page declares the limits the functions enforce', () => {
  expect(PAGE_LIMITS).toEqual(SERVER_LIMITS);
  expect(REASON_MAX_LENGTH).toBe(REASON_MAX);
  expect(REJECT_REASON_MAX_LENGTH).toBe(REASON_MAX);
});

it.each(REFUND_REASONS.map((r, i) => [r.label, i] as const))('the longest note the form takes with "%s" is a reason the function accepts', (_, reasonIndex) => {
  const longest = checkRefundForm({ amountText: '1.00', reasonIndex, note: '长'.repeat(NOTE_MAX_LENGTH) }, 100);
  if (!longest.ok) throw new Error(JSON.stringify(longest.errors));
  expect(parseApplyRefundEvent({ orderId: 'O1', reason: longest.reason }).reason).toBe(longest.reason);
  expect(checkRefundForm({ amountText: '1.00', reasonIndex, note: '长'.repeat(NOTE_MAX_LENGTH + 1) }, 100).ok).toBe(false);
});

it('the longest reject reason the page takes is accepted by the function, one more is refused by both', () => {
  const longest = checkRejectReason('拒'.repeat(REJECT_REASON_MAX_LENGTH));
  if (!longest.ok) throw new Error(longest.error);
  expect(parseApproveRefundEvent({ refundId: 'O1R1', action: 'reject', rejectReason: longest.reason }).rejectReason).toBe(longest.reason);
  expect(checkRejectReason('拒'.repeat(REJECT_REASON_MAX_LENGTH + 1)).ok).toBe(false);
  expect(() => parseApproveRefundEvent({ refundId: 'O1R1', action: 'reject', rejectReason: '拒'.repeat(REJECT_REASON_MAX_LENGTH + 1) })).toThrow(/at most 80/);
});
