// What keeps a web page out of the local cloud. It listens on 127.0.0.1 only, but any page the developer opens can
// still send requests there: straight to 127.0.0.1 (cross-site "simple" requests: a form, or fetch with text/plain),
// or through a domain of its own that it re-points at 127.0.0.1 (DNS rebinding, which makes the page same-origin).
// - Every route checks `Host`: only 127.0.0.1 or localhost at the local cloud's own port. A rebound page sends its
//   own domain's name, so it is refused.
// - /admin, which can read and write everything, refuses anything a browser sends: browsers add `Origin` and
//   `Sec-Fetch-Site` to every cross-site POST, and wx-server-sdk sends neither (Node's own fetch sends only
//   `Sec-Fetch-Mode`, so scripts may still use it). It also takes only the two content types the SDK sends
//   (application/json, multipart/form-data): a form or a no-preflight fetch sends text/plain or urlencoded.
// - Every other request that changes state (any method but GET/HEAD/OPTIONS: /sandbox control, settings, faults,
//   timers, key rotation, the gateway...) is refused when a browser says it comes from another site. Browsers
//   send `Sec-Fetch-Site` (same-origin for the UI and the preview) and `Origin` on every cross-origin POST, and a
//   page can set neither. Clients that are no browser (wx-server-sdk, tests, curl, the sandbox's own notifies)
//   send neither and pass. WeChat DevTools' local mode sends `wx.request` with the Referer WeChat documents,
//   https://servicewechat.com/<appid>/devtools/page-frame.html, which a web page cannot forge, and passes too.
//   HTTP access (/http/<function>) is left open: in the cloud it is a public URL (WeChat Pay's notifies).
import type { IncomingHttpHeaders } from 'node:http';
import type { HttpReply } from '../contracts';

const LOCAL_NAMES = new Set(['127.0.0.1', 'localhost']);

/** A refusal, or undefined when the Host header names this server. */
export function refuseForeignHost(headers: IncomingHttpHeaders, port: number): HttpReply | undefined {
  const host = headers.host;
  if (typeof host === 'string') {
    // Without a port, a client means HTTP's default, 80.
    const match = /^([^:]+|\[[^\]]+\])(?::(\d{1,5}))?$/.exec(host.trim().toLowerCase());
    if (match && LOCAL_NAMES.has(match[1]) && Number(match[2] ?? 80) === port) return undefined;
  }
  return {
    status: 403,
    body: { code: 'HOST_NOT_ALLOWED', message: `the local cloud answers requests for 127.0.0.1:${port} or localhost:${port} only, not ${JSON.stringify(host ?? '(no Host header)')}` },
  };
}

/** A refusal, or undefined when an /admin request looks like the SDK's (no browser headers, an SDK content type). */
export function refuseBrowserAdminRequest(headers: IncomingHttpHeaders): HttpReply | undefined {
  const browserHeader = ['origin', 'sec-fetch-site'].find((h) => headers[h] !== undefined);
  if (browserHeader) {
    return { status: 403, body: { code: 'BROWSER_REQUEST_REFUSED', message: `/admin is for wx-server-sdk, not for web pages (the request carries ${browserHeader})` } };
  }
  const type = (headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json' && type !== 'multipart/form-data') {
    return { status: 415, body: { code: 'UNSUPPORTED_MEDIA_TYPE', message: `/admin takes application/json or multipart/form-data, not ${JSON.stringify(type || '(none)')}` } };
  }
  return undefined;
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
const DEVTOOLS_REFERER = /^https:\/\/servicewechat\.com\/[^/]+\/devtools\/page-frame\.html$/;

/** A refusal, or undefined when a request reads only, or its sender is this local cloud's own page, DevTools or no browser. */
export function refuseCrossSiteRequest(method: string, headers: IncomingHttpHeaders, port: number): HttpReply | undefined {
  if (READS.has(method.toUpperCase())) return undefined;
  if (typeof headers.referer === 'string' && DEVTOOLS_REFERER.test(headers.referer)) return undefined;
  const site = headers['sec-fetch-site'];
  const origin = headers.origin;
  if (site === undefined && origin === undefined) return undefined; // no browser
  const sameSite = site === undefined || site === 'same-origin' || site === 'none';
  if (sameSite && (origin === undefined || isOwnOrigin(origin, port))) return undefined;
  return {
    status: 403,
    body: {
      code: 'CROSS_SITE_REQUEST_REFUSED',
      message: `the local cloud changes state only for its own pages, WeChat DevTools and scripts, not for a web page at ${JSON.stringify(origin ?? `(Sec-Fetch-Site: ${String(site)})`)}`,
    },
  };
}

function isOwnOrigin(origin: string, port: number): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // "null" (a sandboxed frame, a file) or garbage
  }
  return url.protocol === 'http:' && LOCAL_NAMES.has(url.hostname) && Number(url.port || 80) === port;
}
