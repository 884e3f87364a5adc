// Where an after-sale stands, as the progress bar draws it: the steps of its type (仅退款 has no parcel), which are
// done, which one is waiting, and where a request that ended early stopped. Pure: the refund and its own timeline in.
import type { RefundStatus, RefundType, TimelineEvent } from '../../typings/api';

export type StepState = 'done' | 'current' | 'todo' | 'ended';

export interface ProgressStep {
  label: string;
  state: StepState;
}

/** The money step reads 退款中 while WeChat Pay works on it, 退款成功 once paid. */
const MONEY_STEP = { waiting: '退款', processing: '退款中', done: '退款成功' } as const;

const STEPS: Record<RefundType, readonly string[]> = {
  REFUND_ONLY: ['提交申请', '商家处理'],
  RETURN_AND_REFUND: ['提交申请', '商家处理', '寄回商品', '商家收货'],
};

/** The step each open status waits at (the money step is the one after the type's own steps). */
function waitingAt(type: RefundType, status: RefundStatus): number | undefined {
  const money = STEPS[type].length;
  switch (status) {
    case 'REQUESTED':
      return 1;
    case 'AWAITING_RETURN':
      return type === 'RETURN_AND_REFUND' ? 2 : undefined;
    case 'RETURN_SHIPPED':
      return type === 'RETURN_AND_REFUND' ? 3 : undefined;
    case 'PROCESSING':
    case 'ABNORMAL':
      return money;
    default:
      return undefined;
  }
}

/** How far a request got before it ended, read from its own history. */
function reachedBefore(type: RefundType, status: RefundStatus, events: readonly TimelineEvent[]): number {
  if (status === 'FAILED') return STEPS[type].length;
  if (events.includes('return_shipped')) return 3;
  if (events.includes('return_agreed')) return 2;
  return 1;
}

function endedLabel(status: RefundStatus, events: readonly TimelineEvent[]): string {
  if (status === 'FAILED') return '退款失败';
  if (status === 'REJECTED') return events.includes('return_refused') ? '商家拒绝收货' : '商家已拒绝';
  return events.includes('return_closed') ? '超时未寄回，已关闭' : '已撤回';
}

export function progressOf(type: RefundType, status: RefundStatus, events: readonly TimelineEvent[]): ProgressStep[] {
  const own = STEPS[type];
  if (status === 'SUCCEEDED') return [...own, MONEY_STEP.done].map((label) => ({ label, state: 'done' }));
  const at = waitingAt(type, status);
  if (at === undefined) {
    const reached = reachedBefore(type, status, events);
    return [...own.slice(0, reached).map((label): ProgressStep => ({ label, state: 'done' })), { label: endedLabel(status, events), state: 'ended' }];
  }
  const money = at === own.length ? MONEY_STEP.processing : MONEY_STEP.waiting;
  return [...own, money].map((label, i) => ({ label, state: i < at ? 'done' : i === at ? 'current' : 'todo' }));
}
