// WeChat's message push (消息推送, server-URL mode, JSON) as the local cloud sends it: the shipping-info service's
// order-management events POSTed to the mini-program's push URL — the HTTP access path of `wxPush` — signed with the
// Token and, in safe mode (the default, as WeChat recommends), encrypted with the EncodingAESKey. The emulator's own
// implementation of WeChat's side: it shares no code with the product that reads it.
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { randomAlnum } from '../random-text';

export type PushMode = 'safe' | 'plain';

export interface PushSettings {
  token: string;
  encodingAESKey: string;
  mode: PushMode;
  appid: string;
  /** Where the pushes go: `<local cloud>/http/wxPush`. */
  url: () => string;
}

export interface PushRecord {
  at: number;
  event: string;
  outTradeNo: string;
  mode: PushMode;
  /** The HTTP status wxPush answered; FAILED: it could not be reached; DROPPED: lost on purpose (a fault). */
  status: number | 'FAILED' | 'DROPPED';
  answer: string;
}

/** A fresh Token and EncodingAESKey for each local cloud: made on this machine, they open nothing anywhere. */
export function newPushSecrets(): { token: string; encodingAESKey: string } {
  return { token: randomAlnum(32), encodingAESKey: randomAlnum(43) };
}

function sha1Sorted(parts: string[]): string {
  return createHash('sha1').update(parts.sort().join('')).digest('hex');
}

export function encryptForPush(message: string, encodingAESKey: string, appid: string): string {
  const key = Buffer.from(`${encodingAESKey}=`, 'base64');
  const body = Buffer.from(message, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const plain = Buffer.concat([randomBytes(16), length, body, Buffer.from(appid, 'utf8')]);
  const pad = 32 - (plain.length % 32);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
}

/** The URL query and body of one push, as WeChat builds them. */
export function pushRequest(settings: Omit<PushSettings, 'url'>, message: Record<string, unknown>, now: number): { query: URLSearchParams; body: string } {
  const timestamp = String(Math.floor(now / 1000));
  const nonce = String(Math.floor(Math.random() * 1e9));
  const query = new URLSearchParams({ signature: sha1Sorted([settings.token, timestamp, nonce]), timestamp, nonce });
  const json = JSON.stringify(message);
  if (settings.mode === 'plain') return { query, body: json };
  const encrypted = encryptForPush(json, settings.encodingAESKey, settings.appid);
  query.set('encrypt_type', 'aes');
  query.set('msg_signature', sha1Sorted([settings.token, timestamp, nonce, encrypted]));
  return { query, body: JSON.stringify({ ToUserName: 'gh_local0cloud00', Encrypt: encrypted }) };
}

export class MessagePusher {
  private readonly sent: PushRecord[] = [];
  private dropping = 0;

  constructor(private readonly settings: PushSettings, private readonly log: (event: string, fields?: Record<string, unknown>) => void) {}

  /** The variables a shop sets on wxPush in the console, for the local cloud's function instances. */
  functionEnv(): Record<string, string> {
    return { WECHAT_PUSH_TOKEN: this.settings.token, ...(this.settings.mode === 'safe' ? { WECHAT_PUSH_AES_KEY: this.settings.encodingAESKey } : {}) };
  }

  history(): PushRecord[] {
    return [...this.sent].reverse();
  }

  reset(): void {
    this.sent.length = 0;
    this.dropping = 0;
  }

  /** The next `count` pushes are lost on the way, as WeChat's sometimes are: the shop's polling must cover them. */
  dropNext(count: number): void {
    this.dropping += count;
  }

  async push(event: string, outTradeNo: string, fields: Record<string, unknown>): Promise<PushRecord> {
    const now = Date.now();
    const message = { ToUserName: 'gh_local0cloud00', FromUserName: 'o_wechat_system', CreateTime: Math.floor(now / 1000), MsgType: 'event', Event: event, ...fields };
    const { query, body } = pushRequest(this.settings, message, now);
    let record: PushRecord;
    if (this.dropping > 0) {
      this.dropping -= 1;
      record = { at: now, event, outTradeNo, mode: this.settings.mode, status: 'DROPPED', answer: '' };
    } else try {
      // Never follows a redirect: the push goes to the local cloud's own HTTP access path or nowhere.
      const res = await fetch(`${this.settings.url()}?${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, redirect: 'manual' });
      record = { at: now, event, outTradeNo, mode: this.settings.mode, status: res.status, answer: (await res.text()).slice(0, 200) };
    } catch (err) {
      record = { at: now, event, outTradeNo, mode: this.settings.mode, status: 'FAILED', answer: err instanceof Error ? err.message : String(err) };
    }
    this.sent.push(record);
    if (this.sent.length > 200) this.sent.shift();
    this.log('shipping.push', { event, outTradeNo, status: record.status });
    return record;
  }
}
