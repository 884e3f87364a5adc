// wxPush: the mini-program's message-push URL (server-URL mode, JSON) through the HTTP access service. Answers WeChat's
// URL check (echostr), and for order-management pushes acts through push-flow.ts. A push that is not authentic changes
// nothing and is answered 401; every authentic one is answered `success` (WeChat retries anything else three times).
import { readTradeManageEvent } from '../../domain/trade-manage';
import { readPush } from '../../providers/message-push/read';
import { caller, database } from '../../server/cloud';
import { errorSummary, log } from '../../server/logger';
import { readPushEnv } from '../../server/push-env';
import { pushInput } from '../../server/push-input';
import { handleTradeManage } from '../../server/push-flow';
import { loadSettings } from '../../server/settings';
import { probeable } from '../../server/openapi-probe';

const text = (statusCode: number, body: string) => ({ statusCode, headers: { 'content-type': 'text/plain; charset=utf-8' }, body });

async function run(event: unknown): Promise<unknown> {
  const request = pushInput(event);
  if (!request) return text(400, 'not an HTTP request');
  const secrets = readPushEnv();
  if (!secrets.token) {
    log('error', 'push.not_configured', { missing: 'WECHAT_PUSH_TOKEN' });
    return text(500, 'message push is not configured');
  }
  const store = database();
  const settings = await loadSettings(store);
  const appid = settings.appid ?? caller().appid ?? '';
  const now = new Date();
  const reading = readPush(request, { token: secrets.token, ...(secrets.encodingAESKey ? { encodingAESKey: secrets.encodingAESKey } : {}), appid }, now);
  if (reading.kind === 'refused') {
    log('warn', 'push.refused', { reason: reading.reason });
    return text(401, 'refused');
  }
  if (reading.kind === 'verify') return text(200, reading.echostr);
  const message = readTradeManageEvent(reading.event);
  if (message.kind === 'invalid') {
    log('warn', 'push.invalid', { reason: message.reason });
    return text(200, 'success');
  }
  try {
    const outcome = await handleTradeManage({ store, settings, now }, message);
    log('info', 'push.handled', { kind: message.kind, outcome });
    return text(200, 'success');
  } catch (err) {
    // Our side failed: let WeChat push again.
    log('error', 'push.failed', { kind: message.kind, error: errorSummary(err) });
    return text(500, 'retry');
  }
}

// The doctor's cloud-call probe is answered before the push work (server/openapi-probe.ts).
export const main = probeable('wxPush', run);
