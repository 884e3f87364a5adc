import { kindViolation, type FieldKind } from '../../emulator/src/outbox/kinds';

describe('subscribe-message field kinds', () => {
  it.each<[FieldKind, string]>([
    ['thing', '乌龙茶 ×2 等3件商品'],
    ['thing', 'x'.repeat(20)],
    ['number', '339208499'],
    ['number', '12.5'],
    ['letter', 'abcXYZ'],
    ['symbol', '%$#'],
    ['character_string', 'O20260102-ab_12|*@'],
    ['time', '15:01'],
    ['time', '2019年10月1日 15:01'],
    ['time', '2024-01-02 15:04:05'],
    ['time', '2024-01-02 15:04~2024-01-02 18:00'],
    ['date', '2019年10月1日'],
    ['date', '2018-01-01'],
    ['date', '2019年10月1日 15:01'],
    ['amount', '¥12.34'],
    ['amount', '12.34元'],
    ['amount', '￥100'],
    ['phone_number', '+86-0766-66888866'],
    ['car_number', '粤A8Z888挂'],
    ['name', '张三'],
    ['name', 'John Smith'],
    ['phrase', '配送中'],
    ['phrase', '退款成功'],
  ])('accepts a valid %s: %s', (kind, value) => {
    expect(kindViolation(kind, value)).toBeUndefined();
  });

  it.each<[FieldKind, string, string]>([
    ['thing', 'x'.repeat(21), '20 characters'],
    ['thing', '', 'empty'],
    ['thing', 'two\nlines', 'control'],
    ['number', '12a', 'number'],
    ['number', '1'.repeat(33), 'number'],
    ['letter', 'abc1', 'letter'],
    ['symbol', 'ab', 'symbol'],
    ['character_string', '订单123', 'character_string'],
    ['character_string', 'x'.repeat(33), 'character_string'],
    ['time', '25:00', 'time'],
    ['time', 'tomorrow', 'time'],
    ['date', '2019/13', 'date'],
    ['amount', '12.345', 'amount'],
    ['amount', '¥12345678901', 'amount'],
    ['amount', 'twelve', 'amount'],
    ['phone_number', '1'.repeat(18), 'phone_number'],
    ['car_number', '粤A8Z8889999', 'car_number'],
    ['name', '张三李四王五赵六钱七孙', 'name'],
    ['phrase', '退款已经成功了', 'phrase'],
    ['phrase', 'OK', 'phrase'],
  ])('refuses an invalid %s (%s), saying why', (kind, value, why) => {
    expect(kindViolation(kind, value)).toContain(why);
  });

  it('counts characters, not bytes or UTF-16 units', () => {
    expect(kindViolation('thing', '茶'.repeat(20))).toBeUndefined();
    expect(kindViolation('thing', '😀'.repeat(20))).toBeUndefined();
    expect(kindViolation('thing', '😀'.repeat(21))).toContain('20 characters');
  });

  it('accepts an enum value only from the template list', () => {
    expect(kindViolation('enum', '已发货', ['已发货', '已签收'])).toBeUndefined();
    expect(kindViolation('enum', '丢失', ['已发货', '已签收'])).toContain('已发货');
  });
});
