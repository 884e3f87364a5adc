// APIv2 ⇄ the sandbox's cloudPay-shaped rules: names, amounts and numbered fields, without a server.
import { v2AnswerFields, v2RequestParams } from '../../emulator/src/sandbox/v2/translate';

const merchant = { appid: 'wx10ca1c10d0000000', mchId: '1900000109' };

describe('requests', () => {
  it('renames the direct merchant fields and reads plain-digit amounts as numbers', () => {
    expect(v2RequestParams({ appid: 'wxA', mch_id: '1900000109', openid: 'oB', total_fee: '2400', refund_fee: '100', offset: '10', body: '茶', sign: 'S', sign_type: 'MD5' })).toEqual({
      sub_appid: 'wxA',
      sub_mch_id: '1900000109',
      sub_openid: 'oB',
      total_fee: 2400,
      refund_fee: 100,
      offset: 10,
      body: '茶',
    });
  });

  it('leaves malformed amounts as text, for the rules to refuse', () => {
    expect(v2RequestParams({ total_fee: '12.5' }).total_fee).toBe('12.5');
    expect(v2RequestParams({ total_fee: '-1' }).total_fee).toBe('-1');
    expect(v2RequestParams({ total_fee: '1e3' }).total_fee).toBe('1e3');
  });

  it('ignores partner fields, which could otherwise stand in for the merchant', () => {
    expect(v2RequestParams({ mch_id: '1900000109', sub_mch_id: '1900000999' }).sub_mch_id).toBe('1900000109');
    expect(v2RequestParams({ sub_mch_id: '1900000999' }).sub_mch_id).toBeUndefined();
  });
});

describe('answers', () => {
  it('names the merchant and the buyer as a direct merchant sees them, without cloudPay-only fields', () => {
    const fields = v2AnswerFields(
      { return_code: 'SUCCESS', return_msg: 'OK', appid: 'wxProvider', mch_id: '1900000000', sub_appid: merchant.appid, sub_mch_id: merchant.mchId, nonce_str: 'n', sign: 'X', result_code: 'SUCCESS', openid: 'oProvider', sub_openid: 'oBuyer', sub_is_subscribe: 'N', total_fee: 2400, payment: { paySign: 'p' } },
      merchant,
    );
    expect(fields).toEqual({ return_code: 'SUCCESS', return_msg: 'OK', appid: merchant.appid, mch_id: merchant.mchId, openid: 'oBuyer', is_subscribe: 'N', nonce_str: 'n', result_code: 'SUCCESS', total_fee: 2400 });
  });

  it('numbers list fields from 0 and leaves empty lists out', () => {
    const fields = v2AnswerFields(
      { return_code: 'SUCCESS', sub_mch_id: merchant.mchId, result_code: 'SUCCESS', refund_count: 2, out_refund_no_list: ['R1', 'R2'], refund_status_list: ['SUCCESS', 'PROCESSING'], refund_channel: ['ORIGINAL', 'ORIGINAL'], coupon_type_array: [] },
      merchant,
    );
    expect(fields).toMatchObject({ refund_count: 2, out_refund_no_0: 'R1', out_refund_no_1: 'R2', refund_status_0: 'SUCCESS', refund_status_1: 'PROCESSING', refund_channel_0: 'ORIGINAL' });
    expect(Object.keys(fields).some((k) => k.startsWith('coupon_type'))).toBe(false);
  });

  it('keeps a protocol failure a protocol failure', () => {
    expect(v2AnswerFields({ return_code: 'FAIL', return_msg: '参数格式校验错误' }, merchant)).toEqual({ return_code: 'FAIL', return_msg: '参数格式校验错误' });
  });
});
