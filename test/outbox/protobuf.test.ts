// Cross-checks the hand codec with protobufjs (which wx-server-sdk itself uses) on the same message definitions.
import * as protobuf from 'protobufjs';
import { decodeCommApiData, encodeCommOpenApiResp, ProtobufError } from '../../emulator/src/outbox/protobuf';

const root = protobuf.Root.fromJSON({
  nested: {
    KeyValuePair: { fields: { key: { type: 'string', id: 1 }, value: { type: 'bytes', id: 2 }, contenttype: { type: 'string', id: 3 }, filename: { type: 'string', id: 4 } } },
    OpenApiData: { fields: { pairs: { rule: 'repeated', type: 'KeyValuePair', id: 1 } } },
    CommApiData: { fields: { apiType: { type: 'int32', id: 1 }, openapiData: { type: 'OpenApiData', id: 2 }, appid: { type: 'string', id: 6 } } },
    CommOpenApiResp: { fields: { respData: { type: 'bytes', id: 1 }, contentType: { type: 'string', id: 2 }, errorCode: { type: 'int32', id: 3 }, httpCode: { type: 'uint32', id: 4 } } },
  },
});
const CommApiData = root.lookupType('CommApiData');
const CommOpenApiResp = root.lookupType('CommOpenApiResp');

describe('the wx.openApi protobuf codec', () => {
  it('decodes CommApiData as protobufjs encodes it, including unicode values', () => {
    const value = Buffer.from(JSON.stringify({ thing1: { value: '乌龙茶' } }));
    const bytes = Buffer.from(CommApiData.encode(CommApiData.create({ apiType: 0, openapiData: { pairs: [{ key: 'touser', value: Buffer.from('"oA"') }, { key: 'data', value, contenttype: 'x' }] }, appid: 'wxapp' })).finish());
    const decoded = decodeCommApiData(bytes);
    expect(decoded.appid).toBe('wxapp');
    expect(decoded.pairs.map((p) => [p.key, p.value.toString('utf8')])).toEqual([
      ['touser', '"oA"'],
      ['data', JSON.stringify({ thing1: { value: '乌龙茶' } })],
    ]);
  });

  it('encodes CommOpenApiResp so protobufjs reads it back, negative error codes included', () => {
    const ok = CommOpenApiResp.toObject(CommOpenApiResp.decode(encodeCommOpenApiResp({ respData: Buffer.from('{"errcode":0}'), contentType: 'application/json' })), { bytes: String });
    expect(ok).toEqual({ respData: Buffer.from('{"errcode":0}').toString('base64'), contentType: 'application/json' });
    const denied = CommOpenApiResp.toObject(CommOpenApiResp.decode(encodeCommOpenApiResp({ errorCode: -604101 })));
    expect(denied.errorCode).toBe(-604101);
  });

  it('refuses truncated input', () => {
    const bytes = Buffer.from(CommApiData.encode(CommApiData.create({ openapiData: { pairs: [{ key: 'touser', value: Buffer.from('"oA"') }] } })).finish());
    expect(() => decodeCommApiData(bytes.subarray(0, bytes.length - 2))).toThrow(ProtobufError);
  });
});
