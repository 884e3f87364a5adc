// The `wx.wxPayApi` admin action: what `cloud.cloudPay.<api>(data)` in a function reaches. Decodes the request,
// applies any armed fault, and answers WeChat Pay's JSON.
import { AdminError, type ActionHandler, type AdminCaller, type FunctionRunner } from '../contracts';
import { failureAnswer, gatewayTimeoutReply, payReply, type PayAnswer } from './answers';
import { isPayApi, refusalOf, type Faults, type PayApi } from './faults';
import type { CallerContext, SandboxService } from './service';

export function wxPayApiHandler(service: SandboxService, faults: Faults, runner: FunctionRunner): ActionHandler {
  return (params, caller) => {
    const apiName = params.apiName;
    if (!isPayApi(apiName)) throw new AdminError('INVALID_PARAM', `the local WeChat Pay sandbox does not offer cloudPay.${String(apiName)}`);
    const request = decodeRequestData(params.requestData);
    if (!request) return payReply(failureAnswer({ level: 'return', returnMsg: '参数格式校验错误：requestData 不是 JSON 对象' }));
    const armed = faults.take(apiName);
    const fault = armed?.mode;
    const refusal = refusalOf(armed);
    if (refusal) return payReply(failureAnswer({ level: 'result', ...refusal }, subMchIdOf(request)));
    const answer = run(service, apiName, request, callerContext(runner, caller));
    if (fault === 'TIMEOUT_AFTER_ACTING') return gatewayTimeoutReply();
    if (fault === 'BAD_SIGNATURE') return payReply({ ...answer, sign: 'BAD0SIGNATURE' });
    return payReply(fault === 'TAMPERED' && armed?.patch ? { ...answer, ...armed.patch } : answer);
  };
}

function run(service: SandboxService, api: PayApi, request: Record<string, unknown>, caller: CallerContext): PayAnswer {
  switch (api) {
    case 'unifiedOrder':
      return service.unifiedOrder(request, caller);
    case 'queryOrder':
      return service.queryOrder(request);
    case 'closeOrder':
      return service.closeOrder(request);
    case 'refund':
      return service.refund(request);
    case 'queryRefund':
      return service.queryRefund(request);
  }
}

function callerContext(runner: FunctionRunner, caller: AdminCaller): CallerContext {
  if (!caller.invocationId) return {};
  const ctx = runner.caller(caller.invocationId);
  return { openid: ctx?.openid || undefined, appid: ctx?.appid || undefined };
}

/** `requestData` is the JSON of the call's data, in snake_case; multipart may deliver it as text or bytes. */
export function decodeRequestData(value: unknown): Record<string, unknown> | undefined {
  const text = Buffer.isBuffer(value) ? value.toString('utf8') : typeof value === 'string' ? value : undefined;
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function subMchIdOf(request: Record<string, unknown>): string | undefined {
  return typeof request.sub_mch_id === 'string' ? request.sub_mch_id : undefined;
}
