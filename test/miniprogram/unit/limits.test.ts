// The page and the functions enforce the same limits: both declare them from the contract's ContractLimits, and
// this checks what each side actually accepts at the edge.
import { LIMITS as PAGE_LIMITS } from '../../../miniprogram/domain/limits';
import { AFTERSALE } from '../../../miniprogram/domain/aftersale-contract';
import { REFUND_REASONS } from '../../../miniprogram/domain/labels';
import { checkRefundForm, checkRejectChoice, NOTE_MAX_LENGTH, REASON_MAX_LENGTH, REJECT_REASON_MAX_LENGTH } from '../../../miniprogram/domain/refund-form';
import { parseApplyRefundEvent, parseApproveRefundEvent, REASON_MAX } from '../../../src/domain/events';
import { LIMITS as SERVER_LIMITS } from '../../../src/domain/limits';
import { EXPRESS_COMPANIES, parseShipEvent } from '../../../src/domain/shipping';
import { EXPRESS_OPTIONS, TRACKING_NO, trackingFromScan } from '../../../miniprogram/domain/shipping';

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
  const other = AFTERSALE.rejectReasons.REQUEST.indexOf(AFTERSALE.otherReason);
  const room = REJECT_REASON_MAX_LENGTH - AFTERSALE.otherReason.length - AFTERSALE.reasonSeparator.length;
  const longest = checkRejectChoice('REQUEST', other, '拒'.repeat(room));
  if (!longest.ok) throw new Error(longest.error);
  expect(parseApproveRefundEvent({ refundId: 'O1R1', action: 'reject', rejectReason: longest.reason }).rejectReason).toBe(longest.reason);
  expect(checkRejectChoice('REQUEST', other, '拒'.repeat(room + 1)).ok).toBe(false);
  expect(() => parseApproveRefundEvent({ refundId: 'O1R1', action: 'reject', rejectReason: `${longest.reason}拒` })).toThrow(/at most 80/);
});

it('every reason the page composes, in each scene, is one the function takes for that scene', () => {
  const scenes = [['REQUEST', 'reject'], ['RETURN', 'refuseReturn']] as const;
  for (const [scene, action] of scenes) {
    AFTERSALE.rejectReasons[scene].forEach((label, index) => {
      for (const words of ['', '包装已拆']) {
        const choice = checkRejectChoice(scene, index, words);
        if (!choice.ok) continue; // 其他原因 without words: the page stops it, and so does the function (below)
        expect(parseApproveRefundEvent({ refundId: 'O1R1', action, rejectReason: choice.reason }).rejectReason).toBe(choice.reason);
      }
    });
    expect(checkRejectChoice(scene, AFTERSALE.rejectReasons[scene].indexOf(AFTERSALE.otherReason), '').ok).toBe(false);
    expect(() => parseApproveRefundEvent({ refundId: 'O1R1', action, rejectReason: AFTERSALE.otherReason })).toThrow(/needs words/);
  }
});

describe('tracking numbers (ContractLimits trackingNo…Length)', () => {
  const ship = (trackingNo: string) => parseShipEvent({ orderId: 'O1', logisticsType: 'EXPRESS', expressCompany: 'ZTO', trackingNo });
  const { trackingNoMinLength: min, trackingNoMaxLength: max } = PAGE_LIMITS;

  it.each([
    ['the shortest', 'A'.repeat(min)],
    ['the longest', '7'.repeat(max)],
  ])('%s the ship form takes is one the function accepts', (_, trackingNo) => {
    expect(TRACKING_NO.test(trackingNo)).toBe(true);
    expect(ship(trackingNo).trackingNo).toBe(trackingNo);
  });

  it.each([
    ['one too short', 'A'.repeat(min - 1)],
    ['one too long', '7'.repeat(max + 1)],
  ])('%s is refused by both', (_, trackingNo) => {
    expect(TRACKING_NO.test(trackingNo)).toBe(false);
    expect(() => ship(trackingNo)).toThrow(new RegExp(`${min}-${max} letters`));
  });

  it('a scan keeps at most the longest number the function takes', () => {
    expect(trackingFromScan(`SF${'1'.repeat(max)}`)).toBe('1'.repeat(max));
  });

  it('the form offers the express companies the function knows, by the same names', () => {
    expect(Object.fromEntries(EXPRESS_OPTIONS.map((o) => [o.code, o.label]))).toEqual(EXPRESS_COMPANIES);
  });
});
