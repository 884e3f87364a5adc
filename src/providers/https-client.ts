// The one way payment providers (APIv2, APIv3) reach WeChat Pay over the network: HTTPS with the server certificate
// always verified (Node's roots plus, optionally, one more CA such as the local cloud's), an optional client
// certificate for mutual TLS, a timeout and an answer size limit. Whether a failed call could have reached WeChat
// Pay decides its error: refused before a byte was sent is a plain retryable error; lost after sending is an
// unknown outcome the caller must resolve by repeating or querying.
import { request as httpsRequest } from 'node:https';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import { ProviderError, ProviderOutcomeUnknown } from './payment-provider';

export interface HttpsAnswer {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: Buffer;
}

export interface HttpsClientOptions {
  /** Extra trusted CA certificates (PEM), added to Node's root store, never replacing it. */
  extraCa?: readonly string[];
  /** Client certificate and key (PEM) for mutual TLS. */
  clientCert?: { cert: string; key: string };
  timeoutMs?: number;
  maxAnswerBytes?: number;
}

export interface HttpsCall {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Names the call in errors and logs, e.g. `v2 refund`. */
  label: string;
}

export interface HttpsClient {
  send(call: HttpsCall): Promise<HttpsAnswer>;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_ANSWER_LIMIT = 1024 * 1024;

export function createHttpsClient(options: HttpsClientOptions = {}): HttpsClient {
  const ca = options.extraCa && options.extraCa.length > 0 ? [...rootCertificates, ...options.extraCa] : undefined;
  // Made once per client (at its first call, where a bad key fails as it always did), not per call: building it
  // parses every trusted root and the client key, ~20 ms of CPU a profile of the channel tests found on every request.
  let secureContext: SecureContext | undefined;
  const context = (): SecureContext | undefined => {
    if (!ca && !options.clientCert) return undefined;
    secureContext ??= createSecureContext({ ...(ca ? { ca } : {}), ...(options.clientCert ? { cert: options.clientCert.cert, key: options.clientCert.key } : {}) });
    return secureContext;
  };
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const limit = options.maxAnswerBytes ?? DEFAULT_ANSWER_LIMIT;

  return {
    send(call) {
      const url = new URL(call.url);
      if (url.protocol !== 'https:') return Promise.reject(new ProviderError('NOT_HTTPS', `${call.label}: ${url.origin} is not https`, false));
      const body = call.body === undefined ? undefined : Buffer.isBuffer(call.body) ? call.body : Buffer.from(call.body, 'utf8');
      return new Promise<HttpsAnswer>((resolve, reject) => {
        // Set once the TLS handshake is done: from then on the request may have reached WeChat Pay.
        let sent = false;
        let settled = false;
        const fail = (reason: string) => {
          if (settled) return;
          settled = true;
          req.destroy();
          const message = `${call.label}: ${reason}`;
          reject(sent ? new ProviderOutcomeUnknown('NO_ANSWER', message) : new ProviderError('NOT_SENT', message, true));
        };
        const tls = context();
        const req = httpsRequest(
          {
            method: call.method,
            hostname: url.hostname,
            port: url.port || 443,
            path: `${url.pathname}${url.search}`,
            headers: { ...(call.headers ?? {}), ...(body ? { 'content-length': String(body.length) } : {}) },
            ...(tls ? { secureContext: tls } : {}),
            rejectUnauthorized: true,
            // A fresh connection per call: "sent" then means exactly this request's handshake succeeded.
            agent: false,
            timeout: timeoutMs,
          },
          (res) => {
            const chunks: Buffer[] = [];
            let size = 0;
            res.on('data', (chunk: Buffer) => {
              size += chunk.length;
              if (size > limit) fail(`the answer is larger than ${limit} bytes`);
              else chunks.push(chunk);
            });
            res.on('error', (err) => fail(`the answer was cut off (${err.message})`));
            res.on('end', () => {
              if (settled) return;
              settled = true;
              const headers: Record<string, string> = {};
              for (const [name, value] of Object.entries(res.headers)) {
                if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
              }
              resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks) });
            });
          },
        );
        req.on('socket', (socket) => socket.once('secureConnect', () => (sent = true)));
        req.on('timeout', () => fail(`no answer within ${timeoutMs} ms`));
        req.on('error', (err: NodeJS.ErrnoException) => fail(describe(err)));
        req.end(body);
      });
    },
  };
}

/** Enough to act on, never the certificate or key material itself. */
function describe(err: NodeJS.ErrnoException): string {
  const code = err.code ?? 'ERROR';
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) return `the server's certificate is not trusted (${code}); nothing was sent`;
  return `${code}: ${err.message}`;
}
