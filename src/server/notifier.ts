// Subscribe messages. Called only by the invocation that won the transition being reported, and recorded in
// `messages` under a deterministic id. A refused send (43101: no authorization left) is recorded and never fails
// the business operation that triggered it.
import type { MessageDoc, MessagePurpose, MessageSend } from '../domain/documents';
import type { Settings } from '../domain/settings';
import { composeMessage, type Facts } from '../domain/subscribe-message';
import { sendSubscribeMessage } from './cloud';
import { errorSummary, log } from './logger';
import { recordMessage } from './repositories/records';
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

export async function notify(store: Store, settings: Settings, n: Notification, now = new Date()): Promise<MessageSend[]> {
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
    _id: `${n.purpose}:${n.subject}:${n.stage}`,
    purpose: n.purpose,
    subject: n.subject,
    stage: n.stage,
    ...(template ? { templateId: template.templateId } : {}),
    sends,
    createdAt: now,
  };
  try {
    const recorded = await recordMessage(store, doc);
    if (!recorded) log('warn', 'message.recorded_twice', { id: doc._id });
  } catch (err) {
    // The messages went out; failing the caller now would make the provider retry a transition that is done.
    log('error', 'message.record_failed', { id: doc._id, error: errorSummary(err) });
  }
  return sends;
}

function sdkErrCode(err: unknown): number | undefined {
  const code = err && typeof err === 'object' ? (err as { errCode?: unknown }).errCode : undefined;
  return typeof code === 'number' ? code : typeof code === 'string' && /^-?\d+$/.test(code) ? Number(code) : undefined;
}
