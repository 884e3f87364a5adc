import { EJSON } from 'bson';
import { fromStorage, parseEjson, toEjson, toStorage } from '../ejson';
import { RegexValue, ServerDateRef, type Doc } from '../values';

// bson's EJSON is what @cloudbase/database uses on both ends: our output must read back as the SDK expects.
const sdkParse = (text: string): unknown => EJSON.parse(text);
const sdkStringify = (v: unknown): string => EJSON.stringify(v as never, { relaxed: false });

describe('wire EJSON', () => {
  const doc: Doc = {
    _id: 'o1',
    int: 42,
    negative: -7,
    big: 2 ** 40,
    double: 12.5,
    date: new Date('2026-11-22T07:00:00.123Z'),
    text: '订单',
    yes: true,
    nothing: null,
    nested: { a: { b: [1, 'two', { c: new Date(0) }] } },
    list: [],
  };

  it('writes what the SDK reads back to the same values', () => {
    expect(sdkParse(toEjson(doc))).toEqual(doc);
  });

  it('writes numbers the way the SDK itself encodes them', () => {
    expect(toEjson({ a: 1, b: 2 ** 40, c: 1.5, d: -0 })).toBe(sdkStringify({ a: 1, b: 2 ** 40, c: 1.5, d: -0 }));
    expect(toEjson({ n: NaN, i: Infinity })).toBe(sdkStringify({ n: NaN, i: Infinity }));
  });

  it('reads what the SDK sends: numbers, dates, regular expressions, serverDate', () => {
    const sent = sdkStringify({ n: 1, d: 2.25, l: 2 ** 40, at: new Date(5), re: /ab+c/i, when: { $tcb_server_date: { offset: -1000 } } });
    const v = parseEjson(sent, 'data') as Doc;
    expect(v.n).toBe(1);
    expect(v.d).toBe(2.25);
    expect(v.l).toBe(2 ** 40);
    expect(v.at).toEqual(new Date(5));
    expect(v.re).toEqual(new RegexValue('ab+c', 'i'));
    expect(v.when).toEqual(new ServerDateRef(-1000));
  });

  it('keeps operators as plain objects', () => {
    expect(parseEjson(sdkStringify({ a: { $gt: 5 } }), 'query')).toEqual({ a: { $gt: 5 } });
  });

  it('keeps a field named __proto__ as a field', () => {
    const v = parseEjson('{"__proto__":{"polluted":true}}', 'data') as Doc;
    expect(Object.keys(v)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['not a string', 5],
    ['broken JSON', '{'],
    ['ObjectId', '{"a":{"$oid":"5f0000000000000000000000"}}'],
    ['Decimal128', '{"a":{"$numberDecimal":"1.1"}}'],
    ['an unsafe 64-bit integer', '{"a":{"$numberLong":"9223372036854775807"}}'],
    ['a date beyond what dates can hold', '{"a":{"$date":{"$numberLong":"9000000000000000"}}}'],
  ])('refuses %s with a clear error', (_what, text) => {
    expect(() => parseEjson(text, 'data')).toThrow(/data|not supported/);
  });
});

describe('storage JSON', () => {
  it('round-trips every stored type', () => {
    const doc: Doc = { a: 1, b: 1.5, c: new Date(123), d: [null, true, 'x'], e: { f: NaN, g: -Infinity }, r: new RegexValue('x', 'm') };
    const back = fromStorage(toStorage(doc));
    expect(back).toEqual(doc);
    expect(back.c).toBeInstanceOf(Date);
  });
});

describe('hostile wire input', () => {
  it('refuses absurd nesting with a clear error rather than exhausting the stack', () => {
    const text = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(() => parseEjson(text, 'data')).toThrow(/data (is nested too deeply|is not valid EJSON)/);
    expect(() => parseEjson('{"a":'.repeat(1000) + '1' + '}'.repeat(1000), 'query')).toThrow(/query is nested too deeply/);
  });
});
