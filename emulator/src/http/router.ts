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
      const params = match.slice(1).map((p) => (p === undefined ? '' : decodeURIComponent(p)));
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
