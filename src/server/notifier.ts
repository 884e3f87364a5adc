// Subscribe messages. Every message is owed by the write of the transition it reports (an `owed` entry on that
// document, repositories/owed.ts); the invocation that made the transition sends it right after (`deliver`), records
// it in `messages` under a deterministic id and removes the entry; reconcile sends what a stopped invocation left
// (`resendOwed`). A refused send (43101: no authorization left) is recorded and never fails the business operation
// that triggered it.
import type { MessageDoc, MessagePurpose, MessageSend, OwedMessage } from '../domain/documents';
import type { Settings } from '../domain/settings';
import { composeMessage, type Facts } from '../domain/subscribe-message';
import { sdkErrCode, sendSubscribeMessage } from './cloud';
import { errorSummary, log } from './logger';
import { markSent, owedKey, takeOver, type OwedRef } from './repositories/owed';
import { messageRecorded, recordMessage } from './repositories/records';
import type { Store } from './store';

export interface Notification {
  purpose: MessagePurpose;
  /** The order or refund the message is about. */
  subject: string;
  /** Which transition of the subject (e.g. 'paid', 'REJECTED'): one message per subject and stage. */
  stage: string;
  recipients: string[];
  facts: Facts;
}

const REFUSED = new Set([43101]);

/** An owed message, as the transition that wrote it knows it. */
export function owedMessage(n: Notification, at: Date): OwedMessage {
  return { ...n, at };
}

/**
 * Sends a message its transition just made owed (written with the transition), then records it and removes the
 * entry, both at once. Never throws: a message must not fail (and so repeat) the transition it reports; what is left
 * owed, reconcile sends.
 */
export async function deliver(store: Store, settings: Settings, ref: OwedRef, message: OwedMessage): Promise<void> {
  try {
    await notify(store, settings, message, message.at, () => markSent(store, ref, owedKey(message), message.at));
  } catch (err) {
    log('error', 'message.deliver_failed', { id: messageId(message), error: errorSummary(err) });
  }
}

/**
 * reconcile: an entry whose lease ran out (its invocation stopped before sending, or before removing it). Takes the
 * lease over first (one conditional write: of two reconciles one sends), then sends it unless `messages` shows it was
 * sent. True when this call sent it.
 */
export async function resendOwed(store: Store, settings: Settings, ref: OwedRef, message: OwedMessage, now: Date): Promise<boolean> {
  const key = owedKey(message);
  if (!(await takeOver(store, ref, key, message.at, now))) return false;
  const done = () => markSent(store, ref, key, now);
  if (await messageRecorded(store, messageId(message))) {
    await done();
    return false;
  }
  log('warn', 'message.resent', { id: messageId(message) });
  await notify(store, settings, message, now, done);
  return true;
}

const messageId = (n: Pick<Notification, 'purpose' | 'subject' | 'stage'>) => `${n.purpose}:${n.subject}:${n.stage}`;

/** Sends to every recipient, then records the sends (and runs `alongside`, e.g. removing the owed entry, at the same time). */
export async function notify(store: Store, settings: Settings, n: Notification, now = new Date(), alongside?: () => Promise<unknown>): Promise<MessageSend[]> {
  const template = settings.templates[n.purpose];
  const facts: Facts = { shopName: settings.shopName, ...n.facts };
  const sends: MessageSend[] = [];
  for (const touser of n.recipients) {
    if (!template) {
      sends.push({ touser, status: 'SKIPPED', errMsg: `no ${n.purpose} template configured` });
      continue;
    }
    const message = composeMessage(template, facts);
    try {
      await sendSubscribeMessage({ touser, templateId: message.templateId, ...(message.page ? { page: message.page } : {}), data: message.data, miniprogramState: settings.miniprogramState, lang: 'zh_CN' });
      sends.push({ touser, status: 'SENT' });
    } catch (err) {
      const errCode = sdkErrCode(err);
      const status = errCode !== undefined && REFUSED.has(errCode) ? 'REFUSED' : 'FAILED';
      sends.push({ touser, status, ...(errCode !== undefined ? { errCode } : {}), errMsg: errorSummary(err).slice(0, 120) });
      log(status === 'REFUSED' ? 'info' : 'warn', 'message.not_sent', { purpose: n.purpose, subject: n.subject, touser, errCode });
    }
  }
  const doc: MessageDoc = {
    _id: messageId(n),
    purpose: n.purpose,
    subject: n.subject,
    stage: n.stage,
    ...(template ? { templateId: template.templateId } : {}),
    sends,
    createdAt: now,
  };
  const record = async () => {
    const recorded = await recordMessage(store, doc);
    if (!recorded) log('warn', 'message.recorded_twice', { id: doc._id });
  };
  // The messages went out; failing the caller now would make the provider retry a transition that is done.
  const results = await Promise.allSettled([record(), ...(alongside ? [alongside()] : [])]);
  for (const r of results) if (r.status === 'rejected') log('error', 'message.record_failed', { id: doc._id, error: errorSummary(r.reason) });
  return sends;
}

