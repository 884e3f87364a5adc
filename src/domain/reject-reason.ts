// The merchant's reason for turning a request down or refusing a returned parcel, checked at the function's edge:
// the page (miniprogram/domain/refund-form.ts checkRejectChoice) composes `label` or `label：words` from the
// contract's list for the scene, and the functions take nothing else, so every reason the buyer reads names one of
// the listed scenes (WeChat's shop's reject reasons) instead of whatever an older or hand-written client sent.
import type { ApproveRefundEvent } from '../../typings/api';
import { AFTERSALE } from './aftersale-contract';
import { invalid } from './errors';

export type RejectScene = keyof typeof AFTERSALE.rejectReasons;
type RejectAction = Extract<ApproveRefundEvent['action'], 'reject' | 'refuseReturn'>;

/** Turning a request down picks from REQUEST; refusing the goods that came back, from RETURN. */
export function rejectSceneOf(action: RejectAction): RejectScene {
  return action === 'refuseReturn' ? 'RETURN' : 'REQUEST';
}

export interface RejectChoice {
  label: string;
  /** The merchant's own words after the separator; 其他原因 always has them. */
  words?: string;
}

/**
 * Parses a cleaned reason (events.ts `reason` has already trimmed it, refused control characters and checked its
 * length) into the scene's label and the optional words. Labels are matched whole, so a label may itself contain
 * the separator without being cut in two.
 */
export function parseRejectReason(scene: RejectScene, text: string, key = 'rejectReason'): RejectChoice {
  const list: readonly string[] = AFTERSALE.rejectReasons[scene];
  const sep = AFTERSALE.reasonSeparator;
  const label = list.find((l) => text === l || text.startsWith(l + sep));
  if (label === undefined) {
    throw invalid(`${key} must be one of ${list.join('、')} (optionally followed by "${sep}" and words) when ${scene === 'RETURN' ? 'refusing a returned parcel' : 'rejecting a request'}`);
  }
  const words = text.slice(label.length + sep.length).trim();
  if (text !== label && words === '') throw invalid(`${key}: say something after "${label}${sep}", or send the reason alone`);
  if (label === AFTERSALE.otherReason && words === '') throw invalid(`${key} ${AFTERSALE.otherReason} needs words saying what it is: "${label}${sep}…"`);
  return words ? { label, words } : { label };
}
