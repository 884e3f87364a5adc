// What a CloudBase (SCF) Node.js instance sees: its fixed environment, each invocation's context variables,
// and the `context` argument of main(event, context). Pure functions; the worker applies the result.
import type { InvokeRequest } from '../contracts';

/** The region the SDK is told it runs in; it only changes a request header, never where requests go. */
export const LOCAL_REGION = 'ap-shanghai';
export const RUNTIME = 'Nodejs16.13';
export const MEMORY_MB = 256;

/** The variables getWXContext() reads (wx-server-sdk turns WX_OPENID into OPENID, and so on). */
const WX_CONTEXT_KEYS = ['WX_OPENID', 'WX_APPID', 'WX_UNIONID', 'WX_CLIENTIP', 'WX_CLIENTIPV6'];

export interface InstanceEnvInput {
  env: string;
  functionName: string;
  functionDir: string;
  /** Where SDK calls go before the first invocation (module-level code), so they never leave the machine. */
  initAdminUrl: string;
  /** The function's own variables (like those set in the console); they cannot override the platform's. */
  extra?: Record<string, string>;
}

/**
 * The environment an instance starts with. Deliberately not the developer's shell environment: a function
 * must not depend on variables the cloud will not have, and proxies or keys in the shell must not reach it.
 */
export function instanceEnv(input: InstanceEnvInput): Record<string, string> {
  const platform: Record<string, string> = {
    // Tells @cloudbase/node-sdk it runs in a cloud function, which also skips its metadata-server probe.
    TENCENTCLOUD_RUNENV: 'SCF',
    TENCENTCLOUD: 'true',
    TENCENTCLOUD_REGION: LOCAL_REGION,
    // The SDK signs every request and refuses to send without keys; the local cloud does not check them.
    TENCENTCLOUD_SECRETID: 'local-cloud-secret-id',
    TENCENTCLOUD_SECRETKEY: 'local-cloud-secret-key',
    SCF_NAMESPACE: input.env,
    SCF_FUNCTIONNAME: input.functionName,
    SCF_FUNCTIONVERSION: '$LATEST',
    SCF_RUNTIME: RUNTIME,
    USER_CODE_ROOT: input.functionDir,
    TCB_ENV: input.env,
    // TCB_SOURCE is only forwarded in the SDK's X-TCB-Source header when listed here.
    TCB_CONTEXT_KEYS: 'TCB_ENV,TCB_SEQID,TCB_SOURCE',
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: input.initAdminUrl }),
  };
  const base: Record<string, string> = {};
  if (process.env.PATH) base.PATH = process.env.PATH;
  return { ...base, ...(input.extra ?? {}), ...platform };
}

export interface InvocationInput {
  request: InvokeRequest;
  requestId: string;
  /** The app the local cloud plays (used when the request names none). */
  appid: string;
  adminUrl: string;
}

/** The variables that change per invocation. Absent values are left out so getWXContext() omits them. */
export function invocationEnv(input: InvocationInput): Record<string, string> {
  const { request } = input;
  const env: Record<string, string> = {
    WX_CONTEXT_KEYS: WX_CONTEXT_KEYS.join(','),
    WX_APPID: request.appid ?? input.appid,
    TCB_SOURCE: request.source,
    TCB_SEQID: input.requestId,
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: input.adminUrl }),
  };
  if (request.openid) env.WX_OPENID = request.openid;
  if (request.unionid) env.WX_UNIONID = request.unionid;
  if (request.source === 'wx_client' || request.source === 'wx_devtools') env.WX_CLIENTIP = '127.0.0.1';
  return env;
}

export interface ScfContextInput {
  requestId: string;
  functionName: string;
  env: string;
  timeoutMs: number;
  invocationEnv: Record<string, string>;
}

/** The second argument of main(), shaped like SCF's (the fields @cloudbase/node-sdk's parseContext reads). */
export function scfContext(input: ScfContextInput): Record<string, unknown> {
  const { TCB_CONTEXT_CNFG: _adminUrl, ...visible } = input.invocationEnv;
  const environment = { SCF_NAMESPACE: input.env, TCB_ENV: input.env, ...visible };
  return {
    callbackWaitsForEmptyEventLoop: false,
    memory_limit_in_mb: MEMORY_MB,
    time_limit_in_ms: input.timeoutMs,
    request_id: input.requestId,
    function_name: input.functionName,
    function_version: '$LATEST',
    namespace: input.env,
    tencentcloud_region: LOCAL_REGION,
    environment: JSON.stringify(environment),
  };
}
