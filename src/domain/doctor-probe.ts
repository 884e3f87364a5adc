// The doctor's cloud-call probe: `npm run doctor` invokes each deployed function through the Tencent Cloud API
// with `{"$doctor": "openapi", "apis": [...]}`, and the function calls each listed open API once, harmlessly, to
// learn whether CloudBase lets it (a call without the permission fails with -604101 before it reaches WeChat).
// This file is the contract: the event, its check at the function's edge, and the answer.

/** The cloud calls the product functions make: the only ones a probe may try. */
export const PROBED_APIS = ['subscribeMessage.send', 'wxa.sec.order.uploadShippingInfo', 'wxa.sec.order.getOrder'] as const;
export type ProbedApi = (typeof PROBED_APIS)[number];

/** wx-server-sdk's errCode when the function's config.json did not grant the API (at the last DevTools upload). */
export const NO_PERMISSION = -604101;

export const PROBE_KEY = '$doctor';

export interface ProbeEvent {
  apis: ProbedApi[];
}

export interface ProbeOutcome {
  api: ProbedApi;
  /** granted: WeChat answered (with an error, as intended: nothing was sent); denied: -604101; unknown: no answer. */
  outcome: 'granted' | 'denied' | 'unknown';
  errCode?: number;
}

export interface ProbeAnswer {
  probe: 'openapi';
  results: ProbeOutcome[];
}

/** A `$doctor` key marks a probe: no event the mini-program, WeChat Pay, a timer or HTTP access sends has one. */
export function isProbeEvent(event: unknown): boolean {
  return typeof event === 'object' && event !== null && Object.prototype.hasOwnProperty.call(event, PROBE_KEY);
}

export type ProbeParse = { ok: true; probe: ProbeEvent } | { ok: false; message: string };

export function parseProbeEvent(event: unknown): ProbeParse {
  const e = event as Record<string, unknown>;
  const extra = Object.keys(e).filter((k) => k !== PROBE_KEY && k !== 'apis');
  if (extra.length) return { ok: false, message: `a probe has only "${PROBE_KEY}" and "apis"; unknown: ${extra.join(', ')}` };
  if (e[PROBE_KEY] !== 'openapi') return { ok: false, message: `"${PROBE_KEY}" must be "openapi"` };
  const apis = e.apis;
  if (!Array.isArray(apis) || apis.length === 0 || apis.length > PROBED_APIS.length) return { ok: false, message: `"apis" must list 1 to ${PROBED_APIS.length} of ${PROBED_APIS.join(', ')}` };
  const unknown = apis.filter((a) => !(PROBED_APIS as readonly unknown[]).includes(a));
  if (unknown.length) return { ok: false, message: `"apis" may only name ${PROBED_APIS.join(', ')}; not ${unknown.map(String).join(', ')}` };
  if (new Set(apis).size !== apis.length) return { ok: false, message: '"apis" names an API twice' };
  return { ok: true, probe: { apis: apis as ProbedApi[] } };
}

export function probeOutcome(api: ProbedApi, errCode: number | undefined): ProbeOutcome {
  if (errCode === undefined) return { api, outcome: 'unknown' };
  return { api, outcome: errCode === NO_PERMISSION ? 'denied' : 'granted', errCode };
}
