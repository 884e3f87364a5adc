// The mini-program's way in: POST /functions/<name> {"data": {...}} with the caller's openid in x-wx-openid,
// answering like wx.cloud.callFunction resolves ({result, errMsg, requestID}) or rejects ({errCode, errMsg}).
import type { FunctionRunner, HttpReply, HttpRequest, InvokeOutcome } from './contracts';
import { MAX_EVENT_DEPTH, nestsDeeperThan } from './http/depth';
import { parseJsonBody } from './http/router';
import type { FunctionSecurityRules } from './security-rules';

const OPENID = /^[A-Za-z0-9_-]{1,128}$/;

export function gatewayHandler(runner: FunctionRunner, rules: FunctionSecurityRules, appid: string) {
  return async (req: HttpRequest): Promise<HttpReply> => {
    const name = req.params[0];
    const openidHeader = req.headers['x-wx-openid'];
    const openid = typeof openidHeader === 'string' && openidHeader !== '' ? openidHeader : undefined;
    if (openid !== undefined && !OPENID.test(openid)) return fail(400, -501007, 'INVALID_PARAM', 'x-wx-openid must be 1-128 characters of [A-Za-z0-9_-]');
    const rule = rules.ruleFor(name);
    if (rule === 'deny') return fail(403, -501023, 'EXCEED_AUTHORITY', `the security rules do not allow clients to invoke "${name}"`);
    if (rule === 'signed-in' && !openid) return fail(401, -501023, 'EXCEED_AUTHORITY', `"${name}" may only be invoked by a signed-in user: send x-wx-openid`);
    const body = parseJsonBody(req);
    if (!body.ok) return body.reply;
    const data = body.value && typeof body.value === 'object' ? (body.value as { data?: unknown }).data : undefined;
    if (nestsDeeperThan(data, MAX_EVENT_DEPTH)) return fail(400, -501007, 'INVALID_PARAM', `the event nests deeper than ${MAX_EVENT_DEPTH} levels`);
    const outcome = await runner.invoke({ name, event: data ?? {}, source: 'wx_client', openid, appid });
    return reply(outcome);
  };
}

function reply(outcome: InvokeOutcome): HttpReply {
  const headers = {
    'x-request-id': outcome.requestId,
    'x-local-cloud-calls': JSON.stringify(outcome.calls),
    'x-local-cloud-duration-ms': String(outcome.durationMs),
    ...(outcome.ok ? { 'x-local-cloud-cold-start': String(outcome.coldStart) } : {}),
  };
  if (outcome.ok) return { status: 200, headers, body: { result: outcome.result, errMsg: 'cloud.callFunction:ok', requestID: outcome.requestId } };
  const status = outcome.code === 'FUNCTION_NOT_FOUND' ? 404 : outcome.code === 'FUNCTIONS_TIME_LIMIT_EXCEEDED' ? 504 : 500;
  const errCode = outcome.code === 'FUNCTION_NOT_FOUND' ? -501000 : outcome.code === 'FUNCTIONS_TIME_LIMIT_EXCEEDED' ? -504003 : -504002;
  return { status, headers, body: { errCode, code: outcome.code, errMsg: `cloud.callFunction:fail requestID ${outcome.requestId}, ${outcome.message}` } };
}

function fail(status: number, errCode: number, code: string, message: string): HttpReply {
  return { status, body: { errCode, code, errMsg: `cloud.callFunction:fail ${message}` } };
}
