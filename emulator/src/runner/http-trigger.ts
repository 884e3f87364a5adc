// HTTP access to a function (CloudBase "HTTP 访问服务"): an HTTP request becomes the integration-request event,
// and what the function returns becomes the HTTP answer. Used for callbacks from outside WeChat's SDK, such as
// WeChat Pay's APIv2/APIv3 notifications. The server decides which functions are reachable this way.
import type { FunctionRunner, HttpReply, HttpRequest, InvokeOutcome, RouteHandler } from '../contracts';

export interface HttpTriggerOptions {
  env: string;
  appid: string;
  /** Only functions given HTTP access (in the console, in the cloud) may be reached; others answer 404. */
  isExposed(functionName: string): boolean;
}

/** The event a function receives for an HTTP request, in CloudBase's integration-request shape. */
export interface HttpTriggerEvent {
  path: string;
  httpMethod: string;
  headers: Record<string, string>;
  queryStringParameters: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
  requestContext: { appId: string; envId: string };
}

/** Bodies that travel as text; anything else is base64, so binary bodies arrive intact. */
const TEXT_TYPES = /^(text\/|application\/(json|xml|x-www-form-urlencoded|javascript)\b|[^;]*\+(json|xml)\b)/i;

export function httpTriggerEvent(name: string, req: Pick<HttpRequest, 'method' | 'headers' | 'query' | 'body'>, rest: string, options: Pick<HttpTriggerOptions, 'env' | 'appid'>): HttpTriggerEvent {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[key.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [key, value] of req.query) if (!(key in query)) query[key] = value;
  const text = req.body.length === 0 || TEXT_TYPES.test(headers['content-type'] ?? 'text/plain');
  return {
    path: `/${name}${rest}`,
    httpMethod: req.method.toUpperCase(),
    headers,
    queryStringParameters: query,
    body: text ? req.body.toString('utf8') : req.body.toString('base64'),
    isBase64Encoded: !text,
    requestContext: { appId: options.appid, envId: options.env },
  };
}

interface IntegrationResponse {
  statusCode: number;
  headers?: Record<string, unknown>;
  body?: unknown;
  isBase64Encoded?: boolean;
}

function isIntegrationResponse(value: unknown): value is IntegrationResponse {
  if (typeof value !== 'object' || value === null) return false;
  const code = (value as { statusCode?: unknown }).statusCode;
  return typeof code === 'number' && Number.isInteger(code) && code >= 100 && code <= 599;
}

/**
 * A returned `{statusCode, headers?, body?, isBase64Encoded?}` is the HTTP answer itself (the integration
 * response); any other value is answered as JSON.
 */
export function httpTriggerReply(outcome: InvokeOutcome): HttpReply {
  const common = { 'x-request-id': outcome.requestId };
  if (!outcome.ok) {
    const status = outcome.code === 'FUNCTION_NOT_FOUND' ? 404 : outcome.code === 'FUNCTIONS_TIME_LIMIT_EXCEEDED' ? 504 : 502;
    return { status, headers: common, body: { code: outcome.code, message: outcome.message, requestId: outcome.requestId } };
  }
  const result = outcome.result;
  if (!isIntegrationResponse(result)) {
    return { status: 200, headers: { ...common, 'content-type': 'application/json; charset=utf-8' }, body: Buffer.from(JSON.stringify(result)) };
  }
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(result.headers ?? {})) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') headers[key.toLowerCase()] = String(value);
  }
  const raw = result.body === undefined || result.body === null ? '' : typeof result.body === 'string' ? result.body : JSON.stringify(result.body);
  const body = result.isBase64Encoded === true ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  headers['content-type'] ??= typeof result.body === 'object' && result.body !== null ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8';
  return { status: result.statusCode, headers: { ...headers, ...common }, body };
}

/** The path pattern the handler expects: /http/<function>[/<rest>]. */
export const HTTP_TRIGGER_ROUTE = /^\/http\/([A-Za-z][A-Za-z0-9_-]{0,59})(\/.*)?$/;

/** Route handler for HTTP_TRIGGER_ROUTE (any method). */
export function httpTriggerHandler(runner: FunctionRunner, options: HttpTriggerOptions): RouteHandler {
  return async (req) => {
    const [name, rest = ''] = req.params;
    if (!options.isExposed(name)) {
      return { status: 404, body: { code: 'FUNCTION_NOT_FOUND', message: `no function is reachable over HTTP at /http/${name}` } };
    }
    const event = httpTriggerEvent(name, req, rest, options);
    return httpTriggerReply(await runner.invoke({ name, event, source: 'wx_http', appid: options.appid }));
  };
}
