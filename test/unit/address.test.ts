import { maskedAddressLine, maskName, maskPhone, parseAddress } from '../../src/domain/address';
import { AppError } from '../../src/domain/errors';

const chosen = {
  errMsg: 'chooseAddress:ok',
  userName: '张三',
  telNumber: '13800138000',
  provinceName: '浙江省',
  cityName: '杭州市',
  countyName: '西湖区',
  streetName: '北山街道',
  detailInfo: '北山街 84 号',
  detailInfoNew: '北山街 84 号',
  nationalCode: '330106',
  postalCode: '310000',
};

function refusal(raw: unknown): string {
  try {
    parseAddress(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return (err as AppError).message;
  }
  throw new Error('expected the address to be refused');
}

describe('parseAddress', () => {
  it('keeps wx.chooseAddress’s own fields, trimmed, and drops what the picker adds besides', () => {
    expect(parseAddress({ ...chosen, userName: ' 张三 ' })).toEqual({
      userName: '张三',
      telNumber: '13800138000',
      provinceName: '浙江省',
      cityName: '杭州市',
      countyName: '西湖区',
      detailInfo: '北山街 84 号',
      postalCode: '310000',
    });
  });

  it('accepts an address without a postal code', () => {
    const { postalCode: _, ...rest } = chosen;
    expect(parseAddress(rest)).not.toHaveProperty('postalCode');
    expect(parseAddress({ ...chosen, postalCode: '' })).not.toHaveProperty('postalCode');
  });

  it.each([
    [null, 'must be the object'],
    [[], 'must be the object'],
    [{ ...chosen, userName: '' }, 'userName is required'],
    [{ ...chosen, detailInfo: undefined }, 'detailInfo is required'],
    [{ ...chosen, telNumber: 'call me' }, 'telNumber must be a phone number'],
    [{ ...chosen, telNumber: 13800138000 }, 'telNumber must be text'],
    [{ ...chosen, postalCode: '31000' }, 'postalCode must be 6 digits'],
    [{ ...chosen, detailInfo: 'x'.repeat(121) }, 'at most 120 characters'],
    [{ ...chosen, cityName: '杭州\n市' }, 'one line'],
    [{ ...chosen, openid: 'someone-else' }, 'unknown field "openid"'],
  ])('refuses %j', (raw, why) => {
    expect(refusal(raw)).toContain(why);
  });

  // JSON.parse makes each of these an own field of the event; `in` finds them on every object's prototype.
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'])('refuses a field named %s as unknown', (name) => {
    const raw = JSON.parse(JSON.stringify(chosen).replace(/^\{/, `{"${name}":"x",`)) as Record<string, unknown>;
    expect(Object.keys(raw)).toContain(name);
    expect(refusal(raw)).toContain(`unknown field "${name}"`);
  });

  // The same rule as refund and rejection reasons (src/domain/text.ts): C0, DEL, C1 and the Unicode line separators.
  it.each(['\u0000', '\u0007', '\u001b[2J', '\u007f', '\u0085', '\u009b', '\u2028', '\u2029'])('refuses a control character (%j) inside a field', (c) => {
    expect(refusal({ ...chosen, detailInfo: `北山街${c}84 号` })).toContain('detailInfo must be one line of text');
    expect(refusal({ ...chosen, userName: `张${c}三` })).toContain('userName must be one line of text');
  });
});

describe('masking', () => {
  it.each([
    ['13800138000', '138****8000'],
    ['+86 13800138000', '138****8000'],
    ['021-12345678', '***-****5678'],
    ['0571 8888 6666', '**** **** 6666'],
    ['123', '***'],
  ])('maskPhone(%s) = %s: only the last four digits (and a mobile’s prefix) show', (tel, masked) => {
    expect(maskPhone(tel)).toBe(masked);
  });

  it('shows a name’s first character only', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳娜娜')).toBe('欧***');
    expect(maskName('J')).toBe('J*');
  });

  it('a masked line has the district but neither the street nor the full name or number', () => {
    const line = maskedAddressLine(parseAddress(chosen));
    expect(line).toBe('浙江省杭州市西湖区 张* 138****8000');
    expect(line).not.toContain('北山街');
    expect(line).not.toContain('13800138000');
  });
});
