// The storage's signed URLs: an upload authorisation (COS's `authorization` header for one PUT of one path, on
// behalf of one uploader) and temporary download links (`?sign=…&t=<expiry>`). Keyed by a secret made at start, so
// a restart invalidates what was handed out, as a rotated key would.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export class StorageSigner {
  private readonly secret = randomBytes(32);

  constructor(private readonly now: () => number = Date.now) {}

  private mac(...parts: string[]): string {
    return createHmac('sha256', this.secret).update(parts.join('\n')).digest('base64url');
  }

  /** Good for one PUT of `cloudPath` within `seconds`, recording `owner` (empty for a function's upload). */
  uploadAuthorization(cloudPath: string, owner: string, seconds = 600): string {
    const expires = String(Math.floor(this.now() / 1000) + seconds);
    return `${expires}.${Buffer.from(owner).toString('base64url')}.${this.mac('put', cloudPath, owner, expires)}`;
  }

  /** The owner the authorisation names, or undefined if it is forged, for another path, or expired. */
  checkUpload(cloudPath: string, authorization: string | undefined): { owner: string } | undefined {
    const [expires, encodedOwner, mac] = (authorization ?? '').split('.');
    if (!expires || encodedOwner === undefined || !mac) return undefined;
    const owner = Buffer.from(encodedOwner, 'base64url').toString('utf8');
    if (!same(mac, this.mac('put', cloudPath, owner, expires))) return undefined;
    return Number(expires) * 1000 >= this.now() ? { owner } : undefined;
  }

  downloadQuery(cloudPath: string, maxAgeSeconds: number): string {
    const expires = String(Math.floor(this.now() / 1000) + maxAgeSeconds);
    return `sign=${this.mac('get', cloudPath, expires)}&t=${expires}`;
  }

  checkDownload(cloudPath: string, sign: string | null, expires: string | null): 'ok' | 'forged' | 'expired' {
    if (!sign || !expires || !same(sign, this.mac('get', cloudPath, expires))) return 'forged';
    return Number(expires) * 1000 >= this.now() ? 'ok' : 'expired';
  }
}

function same(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
