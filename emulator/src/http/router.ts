import type { HttpReply, HttpRequest, RouteHandler } from '../contracts';

interface Route {
  method: string;
  pattern: RegExp;
  handler: RouteHandler;
}

/** Method + anchored regex routes; the first match wins, so specific routes go first. Method '*' takes any. */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: RegExp, handler: RouteHandler): void {
    this.routes.push({ method: method.toUpperCase(), pattern, handler });
  }

  async dispatch(req: Omit<HttpRequest, 'params'>): Promise<HttpReply | undefined> {
    let pathMatched = false;
    for (const route of this.routes) {
      const match = route.pattern.exec(req.path);
      if (!match) continue;
      pathMatched = true;
      if (route.method !== '*' && route.method !== req.method) continue;
      const params = decodePathParams(match.slice(1));
      if (!params) return malformedUrl(req.path);
      return route.handler({ ...req, params });
    }
    if (pathMatched) return { status: 405, body: { code: 'METHOD_NOT_ALLOWED', message: `${req.method} is not allowed on ${req.path}` } };
    return undefined;
  }
}

export function json(status: number, body: unknown): HttpReply {
  return { status, body };
}

/** Parses a JSON request body, answering a clear 400 rather than throwing on bad input. */
export function parseJsonBody(req: HttpRequest): { ok: true; value: unknown } | { ok: false; reply: HttpReply } {
  if (req.body.length === 0) return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(req.body.toString('utf8')) };
  } catch {
    return { ok: false, reply: json(400, { code: 'INVALID_JSON', message: 'the request body is not valid JSON' }) };
  }
}

/** A path segment decoded, or undefined when its percent-encoding is malformed (`%E0%A4%A`, a lone `%`). */
export function decodePathSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** Route parameters decoded (a missing optional group is ''), or undefined when one is malformed. */
export function decodePathParams(raw: Array<string | undefined>): string[] | undefined {
  const params: string[] = [];
  for (const p of raw) {
    const decoded = p === undefined ? '' : decodePathSegment(p);
    if (decoded === undefined) return undefined;
    params.push(decoded);
  }
  return params;
}

/** The client's mistake, not the server's: a 400 with what was wrong. */
export function malformedUrl(path: string): HttpReply {
  return json(400, { code: 'INVALID_URL', message: `the path ${JSON.stringify(path.slice(0, 200))} has malformed percent-encoding` });
}
