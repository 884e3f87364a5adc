// Checks Tencent Cloud API v3 signatures (TC3-HMAC-SHA256), as tcb/scf.tencentcloudapi.com do, against the
// local cloud's own SecretId/SecretKey. The canonical request is the one manager-node signs
// (lib/utils/cloud-api-request.js): POST, path, empty query, content-type and host, sha256 of the body.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface Tc3Request {
  method: string;
  path: string;
  query: string;
  /** Lower-case header names. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export type Tc3Check = { ok: true; service: string } | { ok: false; code: string; message: string };

/** Tencent Cloud refuses a request signed more than 5 minutes away from its clock. */
const MAX_SKEW_SECONDS = 300;

const hmac = (key: Buffer | string, text: string) => createHmac('sha256', key).update(text).digest();
const sha256hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

function header(req: Tc3Request, name: string): string {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : (v ?? '');
}

export function tc3Signature(secretKey: string, service: string, timestamp: number, canonicalRequest: string): string {
  const date = new Date(timestamp * 1000).toISOString().slice(0, 10);
  const stringToSign = `TC3-HMAC-SHA256\n${timestamp}\n${date}/${service}/tc3_request\n${sha256hex(canonicalRequest)}`;
  const kDate = hmac(`TC3${secretKey}`, date);
  const kService = hmac(kDate, service);
  const kSigning = hmac(kService, 'tc3_request');
  return createHmac('sha256', kSigning).update(stringToSign).digest('hex');
}

export function verifyTc3(req: Tc3Request, secret: { secretId: string; secretKey: string }, nowSeconds = Math.floor(Date.now() / 1000)): Tc3Check {
  const auth = header(req, 'authorization');
  const m = /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([a-z0-9-]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) return { ok: false, code: 'AuthFailure.SignatureFailure', message: 'the Authorization header is not a TC3-HMAC-SHA256 signature' };
  const [, secretId, date, service, signedHeaders, signature] = m;
  if (secretId !== secret.secretId) return { ok: false, code: 'AuthFailure.SecretIdNotFound', message: 'the SecretId is not known to this environment' };
  const host = header(req, 'host').replace(/:\d+$/, '');
  if (!host.startsWith(`${service}.`)) return { ok: false, code: 'AuthFailure.SignatureFailure', message: `the signature is for service ${service}, the request went to ${host}` };
  const timestamp = Number(header(req, 'x-tc-timestamp'));
  if (!Number.isInteger(timestamp)) return { ok: false, code: 'AuthFailure.SignatureFailure', message: 'X-TC-Timestamp is missing' };
  if (Math.abs(nowSeconds - timestamp) > MAX_SKEW_SECONDS) return { ok: false, code: 'AuthFailure.SignatureExpire', message: 'the signature has expired (clock off by more than 5 minutes)' };
  if (new Date(timestamp * 1000).toISOString().slice(0, 10) !== date) return { ok: false, code: 'AuthFailure.SignatureFailure', message: 'the credential date is not the timestamp’s date' };
  const names = signedHeaders.split(';');
  if (!names.includes('host') || !names.includes('content-type')) return { ok: false, code: 'AuthFailure.SignatureFailure', message: 'content-type and host must be signed' };
  const canonicalHeaders = names.map((n) => `${n}:${(n === 'host' ? host : header(req, n)).trim().toLowerCase()}\n`).join('');
  const canonical = `${req.method.toUpperCase()}\n${req.path}\n${req.query}\n${canonicalHeaders}\n${signedHeaders}\n${sha256hex(req.body)}`;
  const expected = Buffer.from(tc3Signature(secret.secretKey, service, timestamp, canonical), 'hex');
  const given = Buffer.from(signature, 'hex');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, code: 'AuthFailure.SignatureFailure', message: 'the signature does not match: check the SecretKey' };
  return { ok: true, service };
}
