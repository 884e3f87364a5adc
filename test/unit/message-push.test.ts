// WeChat's message push as the product reads it, checked against WeChat's published examples and against the local
// cloud's own sender (a separate implementation of WeChat's side).
import { encryptForPush, pushRequest } from '../../emulator/src/shipping/push';
import { decryptPush } from '../../src/providers/message-push/crypto';
import { readPush, type PushConfig } from '../../src/providers/message-push/read';
import { pushSignature } from '../../src/providers/message-push/signature';
import { readTradeManageEvent } from '../../src/domain/trade-manage';

const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const APPID = 'wx10ca1c10d0000000';
const config: PushConfig = { token: 'AAAAA', encodingAESKey: KEY, appid: APPID };

describe("WeChat's message-push signature", () => {
  it("matches WeChat's worked examples (Token AAAAA): the URL check and a plain-mode push", () => {
    expect(pushSignature(['AAAAA', '1714036504', '1514711492'])).toBe('f464b24fc39322e44b38aa78f5edd27bd1441696');
    expect(pushSignature(['AAAAA', '1714037059', '486452656'])).toBe('899cf89e464efb63f54ddac96b0a0a235f53aa78');
  });

  it("answers WeChat's URL check with echostr, and refuses one with a wrong signature", () => {
    const query = { signature: 'f464b24fc39322e44b38aa78f5edd27bd1441696', echostr: '4375120948345356249', timestamp: '1714036504', nonce: '1514711492' };
    const at = new Date(1714036504 * 1000);
    expect(readPush({ method: 'GET', query, body: '' }, { token: 'AAAAA', appid: APPID }, at)).toEqual({ kind: 'verify', echostr: '4375120948345356249' });
    expect(readPush({ method: 'GET', query: { ...query, signature: '0'.repeat(40) }, body: '' }, { token: 'AAAAA', appid: APPID }, at)).toEqual({ kind: 'refused', reason: 'bad signature' });
  });
});

describe('safe mode, as the local cloud sends it', () => {
  const event = { MsgType: 'event', Event: 'trade_manage_order_settlement', merchant_trade_no: 'A1', transaction_id: '4200001', confirm_receive_method: 2 };
  const now = Date.UTC(2026, 11, 6, 2, 0, 0);
  const sent = () => pushRequest({ token: 'AAAAA', encodingAESKey: KEY, mode: 'safe', appid: APPID }, event, now);
  const asRequest = (r: ReturnType<typeof sent>) => ({ method: 'POST', query: Object.fromEntries(r.query), body: r.body });

  it('decrypts to the event the sender encrypted, for our appid only', () => {
    expect(readPush(asRequest(sent()), config, new Date(now))).toEqual({ kind: 'event', event });
    expect(decryptPush(encryptForPush('{"a":1}', KEY, APPID), KEY, APPID)).toBe('{"a":1}');
    expect(() => decryptPush(encryptForPush('{"a":1}', KEY, 'wx0000000000000000'), KEY, APPID)).toThrow(/another mini-program/);
  });

  it.each([
    ['a body changed on the way', (r: ReturnType<typeof sent>) => ({ ...asRequest(r), body: JSON.stringify({ Encrypt: encryptForPush('{"MsgType":"event"}', KEY, APPID) }) }), 'bad msg_signature'],
    ['a push replayed ten minutes later', (r: ReturnType<typeof sent>) => asRequest(r), 'the timestamp is not recent', 600_000],
    ['a plain push where safe mode is configured', () => { const p = pushRequest({ token: 'AAAAA', encodingAESKey: KEY, mode: 'plain', appid: APPID }, event, now); return { method: 'POST', query: Object.fromEntries(p.query), body: p.body }; }, 'plain pushes are not accepted once a safe-mode key is configured'],
    ['a push encrypted with another key', () => { const p = pushRequest({ token: 'AAAAA', encodingAESKey: 'Z'.repeat(43), mode: 'safe', appid: APPID }, event, now); return { method: 'POST', query: Object.fromEntries(p.query), body: p.body }; }, /bad padding|another mini-program|past the end|too short/],
  ] as const)('refuses %s', (_name, make, reason, later: number = 0) => {
    // A wrong key decrypts to noise: whichever check sees it first refuses it.
    expect(readPush(make(sent()), config, new Date(now + later))).toEqual({ kind: 'refused', reason: typeof reason === 'string' ? reason : expect.stringMatching(reason) });
  });
});

describe('the order-management events', () => {
  it('reads the two the shop acts on, and ignores the rest', () => {
    expect(readTradeManageEvent({ MsgType: 'event', Event: 'trade_manage_remind_shipping', merchant_trade_no: 'A1', transaction_id: '4200001', pay_time: 1714000000, msg: '请尽快发货' })).toEqual({ kind: 'remindShipping', outTradeNo: 'A1', transactionId: '4200001', payTime: 1714000000, msg: '请尽快发货' });
    expect(readTradeManageEvent({ MsgType: 'event', Event: 'trade_manage_order_settlement', merchant_trade_no: 'A1', transaction_id: '4200001', confirm_receive_method: 1, settlement_time: 1714100000 })).toEqual({ kind: 'settlement', outTradeNo: 'A1', transactionId: '4200001', confirmReceiveMethod: 1, settlementTime: 1714100000 });
    expect(readTradeManageEvent({ MsgType: 'event', Event: 'trade_manage_remind_access_api', msg: 'x' })).toEqual({ kind: 'other', event: 'trade_manage_remind_access_api' });
    expect(readTradeManageEvent({ MsgType: 'event', Event: 'trade_manage_order_settlement', merchant_trade_no: '../x', transaction_id: '1' })).toEqual({ kind: 'invalid', reason: 'trade_manage_order_settlement without a merchant_trade_no' });
  });
});
