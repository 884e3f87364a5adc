// The shape of payNotify and refundNotify: read the callback in the protocol of the channel it came through (verify,
// decrypt), let the flow confirm with a query and transition once, then answer as that protocol expects. Any channel
// the shop has configured is heard (a cloudPay order still open after a switch to APIv3 is paid through cloudPay);
// a callback for a channel not configured, or not authentic, changes nothing.
import type { PayChannel } from '../domain/channels';
import type { Settings } from '../domain/settings';
import type { NotifyOutcome, ProviderNotifications } from '../providers/payment-provider';
import { caller, database } from './cloud';
import { errorSummary, log } from './logger';
import { probeable } from './openapi-probe';
import { notifyInput } from './notify-input';
import { callbackChannel, channelNotifications } from './provider';
import { loadSettings } from './settings';
import type { Store } from './store';

export interface NotifyWork {
  store: Store;
  settings: Settings;
  env: string | undefined;
  /** The channel the callback came through (for an order we do not have: it records nothing else). */
  channel: PayChannel;
}

/** An answer for when the provider is not known yet (the settings could not be read). */
function fallbackAnswer(http: boolean, outcome: NotifyOutcome): unknown {
  const retry = outcome.kind === 'retry';
  if (http) return { statusCode: retry ? 500 : 400, headers: { 'content-type': 'text/plain' }, body: retry ? 'retry later' : 'refused' };
  return retry ? { errcode: 1, errmsg: outcome.reason.slice(0, 100) } : { errcode: 0, errmsg: 'OK' };
}

export function notifyFunction(
  name: string,
  expected: 'payment' | 'refund',
  handle: (reference: string, work: NotifyWork) => Promise<NotifyOutcome>,
) {
  return probeable(name, async (event: unknown): Promise<unknown> => {
    const input = notifyInput(event);
    if (!input.ok) {
      log('warn', `${name}.refused`, { reason: input.reason });
      return fallbackAnswer(input.http, { kind: 'refused', reason: input.reason });
    }
    const http = input.incoming.transport === 'http';
    let settings: Settings;
    let channel: PayChannel | undefined;
    let answers: ProviderNotifications;
    const store = database();
    try {
      settings = await loadSettings(store);
      channel = callbackChannel(settings, input.incoming);
      if (!channel) {
        // Never read; WeChat is asked to deliver it again, so a channel configured again in time is still heard.
        const reason = http ? 'no APIv2 or APIv3 channel is configured' : 'no cloudPay channel is configured';
        log('warn', `${name}.refused`, { transport: input.incoming.transport, reason });
        return fallbackAnswer(http, { kind: 'retry', reason });
      }
      answers = channelNotifications(settings, channel);
    } catch (err) {
      log('error', `${name}.failed`, { error: errorSummary(err) });
      return fallbackAnswer(http, { kind: 'retry', reason: 'temporarily unable to process, please retry' });
    }
    let reading;
    try {
      reading = await answers.read(input.incoming, expected);
    } catch (err) {
      log('error', `${name}.unreadable`, { provider: answers.provider, error: errorSummary(err) });
      return answers.answer({ kind: 'retry', reason: 'temporarily unable to read the notification' });
    }
    if (reading.kind === 'refused') {
      log('warn', `${name}.refused`, { provider: answers.provider, transport: input.incoming.transport, reason: reading.reason });
      return answers.answer(reading);
    }
    const reference = reading.kind === 'payment' ? reading.outTradeNo : reading.outRefundNo;
    try {
      return answers.answer(await handle(reference, { store, settings, env: caller().env, channel }));
    } catch (err) {
      log('error', `${name}.failed`, { reference, error: errorSummary(err) });
      return answers.answer({ kind: 'retry', reason: 'temporarily unable to process, please retry' });
    }
  });
}
