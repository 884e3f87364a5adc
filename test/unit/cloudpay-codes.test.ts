import { CODE_MEANING, DESCRIPTION_CODES, UNCLASSIFIED, wechatErrorCode } from '../../src/providers/cloudpay';
import { parseChinaTime } from '../../src/providers/wechat-fields';

// wx-server-sdk resolves every cloudPay answer with its own errCode: 0, so WeChat's code is read from errCodeDes,
// through one table: every row is checked with the wording WeChat uses, for every API it applies to.
describe('the wording table (DESCRIPTION_CODES)', () => {
  const rows = DESCRIPTION_CODES.flatMap((row) => (row.apis === '*' ? ['unifiedOrder', 'queryOrder', 'closeOrder', 'refund', 'queryRefund'] : row.apis).map((api) => [api, row.example, row.code] as const));
  it.each(rows)('%s "%s" → %s', (api, example, code) => expect(wechatErrorCode(api, { errCode: 0, errCodeDes: example })).toBe(code));

  it('has a meaning for every code it can produce', () => {
    for (const row of DESCRIPTION_CODES) expect(CODE_MEANING[row.code]).toBeDefined();
  });
});

describe('wechatErrorCode', () => {
  it.each([
    ['a code in errCode wins over any wording', 'refund', { errCode: 'NOTENOUGH', errCodeDes: '系统超时' }, 'NOTENOUGH'],
    ['a code given as the description', 'refund', { errCode: 0, errCodeDes: 'TRADE_OVERDUE' }, 'TRADE_OVERDUE'],
    ['words that mean another code on another API', 'refund', { errCode: 0, errCodeDes: '订单已关闭，不能退款' }, 'ORDERNOTEXIST'],
    ['unknown wording', 'refund', { errCode: 0, errCodeDes: '前所未见的错误' }, UNCLASSIFIED],
    ['no description at all', 'closeOrder', { errCode: 0 }, UNCLASSIFIED],
  ])('%s', (_, api, answer, code) => expect(wechatErrorCode(api, answer)).toBe(code));

  it('an unknown code is an unknown outcome, never a final failure', () => {
    expect(CODE_MEANING[UNCLASSIFIED]).toBeUndefined(); // the caller's default for anything unlisted is UNKNOWN
    expect(CODE_MEANING.SOMETHING_NEW).toBeUndefined();
  });
});

describe('parseChinaTime', () => {
  it.each([
    ['20261122150514', '2026-11-22T07:05:14.000Z'],
    ['20270101000000', '2026-12-31T16:00:00.000Z'],
  ])('%s → %s', (text, iso) => expect(parseChinaTime(text)?.toISOString()).toBe(iso));
  it.each(['2026-11-22', '', '2026112215051'])('refuses %p', (text) => expect(parseChinaTime(text)).toBeUndefined());
});
