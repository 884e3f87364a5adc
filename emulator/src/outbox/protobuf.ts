// The two protobuf messages of `wx.openApi`, decoded and encoded by hand (field numbers as in the generated code
// that wx-server-sdk carries): `CommApiData` comes in, `CommOpenApiResp` goes out.
//
//   message KeyValuePair   { string key = 1; bytes value = 2; string contenttype = 3; string filename = 4; }
//   message OpenApiData    { repeated KeyValuePair pairs = 1; }
//   message CommApiData    { int32 apiType = 1; OpenApiData openapiData = 2; /* 3-5: other API kinds */ string appid = 6; }
//   message CommOpenApiResp{ bytes respData = 1; string contentType = 2; int32 errorCode = 3; uint32 httpCode = 4; ... }

export interface OpenApiPair {
  key: string;
  value: Buffer;
}

export interface CommApiData {
  apiType: number;
  pairs: OpenApiPair[];
  appid?: string;
}

export interface CommOpenApiResp {
  respData?: Buffer;
  contentType?: string;
  errorCode?: number;
}

/** CommApiData.ApiType.OPEN_API */
export const OPEN_API = 0;

export class ProtobufError extends Error {}

class Reader {
  private pos = 0;

  constructor(private readonly buf: Buffer) {}

  done(): boolean {
    return this.pos >= this.buf.length;
  }

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) throw new ProtobufError('truncated varint');
      const byte = this.buf[this.pos++];
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 63n) throw new ProtobufError('varint too long');
    }
  }

  bytes(): Buffer {
    const length = Number(this.varint());
    if (length < 0 || this.pos + length > this.buf.length) throw new ProtobufError('truncated length-delimited field');
    const out = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 2) this.bytes();
    else if (wireType === 1) this.advance(8);
    else if (wireType === 5) this.advance(4);
    else throw new ProtobufError(`unsupported wire type ${wireType}`);
  }

  /** The next field's number and wire type. */
  tag(): { field: number; wireType: number } {
    const tag = Number(this.varint());
    return { field: tag >>> 3, wireType: tag & 7 };
  }

  private advance(n: number): void {
    if (this.pos + n > this.buf.length) throw new ProtobufError('truncated fixed field');
    this.pos += n;
  }
}

function int32Of(value: bigint): number {
  return Number(BigInt.asIntN(32, value));
}

function decodePair(buf: Buffer): OpenApiPair {
  const r = new Reader(buf);
  const pair: OpenApiPair = { key: '', value: Buffer.alloc(0) };
  while (!r.done()) {
    const { field, wireType } = r.tag();
    if (field === 1 && wireType === 2) pair.key = r.bytes().toString('utf8');
    else if (field === 2 && wireType === 2) pair.value = Buffer.from(r.bytes());
    else r.skip(wireType);
  }
  return pair;
}

function decodeOpenApiData(buf: Buffer): OpenApiPair[] {
  const r = new Reader(buf);
  const pairs: OpenApiPair[] = [];
  while (!r.done()) {
    const { field, wireType } = r.tag();
    if (field === 1 && wireType === 2) pairs.push(decodePair(r.bytes()));
    else r.skip(wireType);
  }
  return pairs;
}

export function decodeCommApiData(buf: Buffer): CommApiData {
  const r = new Reader(buf);
  const out: CommApiData = { apiType: OPEN_API, pairs: [] };
  while (!r.done()) {
    const { field, wireType } = r.tag();
    if (field === 1 && wireType === 0) out.apiType = int32Of(r.varint());
    else if (field === 2 && wireType === 2) out.pairs.push(...decodeOpenApiData(r.bytes()));
    else if (field === 6 && wireType === 2) out.appid = r.bytes().toString('utf8');
    else r.skip(wireType);
  }
  return out;
}

function varint(value: bigint): Buffer {
  const bytes: number[] = [];
  let v = BigInt.asUintN(64, value);
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    bytes.push(byte);
  } while (v > 0n);
  return Buffer.from(bytes);
}

function lengthDelimited(field: number, payload: Buffer): Buffer {
  return Buffer.concat([varint(BigInt((field << 3) | 2)), varint(BigInt(payload.length)), payload]);
}

export function encodeCommOpenApiResp(resp: CommOpenApiResp): Buffer {
  const parts: Buffer[] = [];
  if (resp.respData !== undefined) parts.push(lengthDelimited(1, resp.respData));
  if (resp.contentType !== undefined) parts.push(lengthDelimited(2, Buffer.from(resp.contentType, 'utf8')));
  // int32 negatives are sign-extended to 64 bits on the wire, as protobufjs writes them.
  if (resp.errorCode) parts.push(varint(BigInt((3 << 3) | 0)), varint(BigInt(resp.errorCode)));
  return Buffer.concat(parts);
}
