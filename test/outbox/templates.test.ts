import { join } from 'node:path';
import { checkSend, loadTemplates, parseTemplates, TemplatesFileError } from '../../emulator/src/outbox/templates';

const templates = loadTemplates(join(__dirname, '../../cloudbase/local-templates.json'));

const paid = (data: Record<string, unknown>, over: Record<string, unknown> = {}) => ({ touser: 'oBuyer_1', template_id: 'LOCAL_TMPL_ORDER_PAID', page: 'pages/order/detail?id=O1', data, ...over });
const validData = () => ({ character_string1: { value: 'O20260102abc' }, thing2: { value: '乌龙茶 ×2' }, amount3: { value: '¥24.00' }, time4: { value: '2026-01-02 10:00' } });

describe('the project templates file', () => {
  it('declares the templates the functions use', () => {
    expect([...templates.keys()].sort()).toEqual(['LOCAL_TMPL_BILL_SUMMARY', 'LOCAL_TMPL_LOW_STOCK', 'LOCAL_TMPL_ORDER_PAID', 'LOCAL_TMPL_ORDER_SHIPPED', 'LOCAL_TMPL_REFUND_DECISION', 'LOCAL_TMPL_REFUND_REQUESTED', 'LOCAL_TMPL_REFUND_RESULT']);
  });
});

describe('checking a send against its template', () => {
  it('accepts valid data and keeps the values', () => {
    const checked = checkSend(paid(validData()), templates);
    expect(checked).toEqual({ ok: true, request: expect.objectContaining({ touser: 'oBuyer_1', templateId: 'LOCAL_TMPL_ORDER_PAID', data: expect.objectContaining({ thing2: '乌龙茶 ×2' }), miniprogramState: 'formal', lang: 'zh_CN' }) });
  });

  it('answers 40037 for an unknown template and 40003 for a bad receiver', () => {
    expect(checkSend(paid(validData(), { template_id: 'nope' }), templates)).toMatchObject({ ok: false, error: { errcode: 40037 } });
    expect(checkSend(paid(validData(), { touser: '' }), templates)).toMatchObject({ ok: false, error: { errcode: 40003 } });
  });

  it.each([
    ['a missing field', { ...validData(), thing2: undefined }, 'data.thing2.value is empty'],
    ['an empty value', { ...validData(), thing2: { value: '' } }, 'data.thing2.value is empty'],
    ['a thing over 20 characters', { ...validData(), thing2: { value: '这是一个非常非常长的商品名称超过了二十个字符' } }, 'data.thing2.value exceeds 20 characters'],
    ['a malformed amount', { ...validData(), amount3: { value: '24.001' } }, 'data.amount3.value'],
    ['a malformed time', { ...validData(), time4: { value: 'now' } }, 'data.time4.value'],
    ['an extra field', { ...validData(), thing9: { value: 'x' } }, 'data.thing9 is not a field'],
  ])('answers 47003 naming the field for %s', (_n, data, message) => {
    const checked = checkSend(paid(data), templates);
    expect(checked).toMatchObject({ ok: false, error: { errcode: 47003 } });
    if (!checked.ok) expect(checked.error.errmsg).toContain(message);
  });

  it('refuses an unknown miniprogram_state or lang', () => {
    expect(checkSend(paid(validData(), { miniprogram_state: 'beta' }), templates)).toMatchObject({ ok: false, error: { errcode: 47003 } });
    expect(checkSend(paid(validData(), { lang: 'fr_FR' }), templates)).toMatchObject({ ok: false, error: { errcode: 47003 } });
  });
});

describe('templates file errors', () => {
  it.each([
    ['not JSON', '{', 'not valid JSON'],
    ['no templates array', '{}', '"templates" array'],
    ['a key that does not match its kind', JSON.stringify({ templates: [{ id: 'T', fields: [{ key: 'thing1', kind: 'amount' }] }] }), 'does not name a amount field'],
    ['an unknown kind', JSON.stringify({ templates: [{ id: 'T', fields: [{ key: 'colour1', kind: 'colour' }] }] }), 'field kind'],
    ['a duplicate id', JSON.stringify({ templates: [{ id: 'T', fields: [{ key: 'thing1', kind: 'thing' }] }, { id: 'T', fields: [{ key: 'thing1', kind: 'thing' }] }] }), 'declared twice'],
    ['an enum without values', JSON.stringify({ templates: [{ id: 'T', fields: [{ key: 'enum1', kind: 'enum' }] }] }), 'values'],
  ])('says what is wrong: %s', (_n, text, message) => {
    expect(() => parseTemplates(text, 'f.json')).toThrow(TemplatesFileError);
    expect(() => parseTemplates(text, 'f.json')).toThrow(message);
  });
});
