// The control plane's pure parts: TC3 signature checks and the zip reader's refusals.
import { createHash } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { tc3Signature, verifyTc3 } from '../../emulator/src/control-plane/tc3';
import { readZip } from '../../emulator/src/control-plane/zip';

const secret = { secretId: 'AKIDlocal', secretKey: 'key' };

function signed(body: string, ts: number, key = secret.secretKey, host = 'tcb.tencentcloudapi.com') {
  const service = host.split('.')[0];
  const canonical = `POST\n/\n\ncontent-type:application/json\nhost:${host}\n\ncontent-type;host\n${createHash('sha256').update(body).digest('hex')}`;
  const date = new Date(ts * 1000).toISOString().slice(0, 10);
  return {
    method: 'POST',
    path: '/',
    query: '',
    body: Buffer.from(body),
    headers: {
      host,
      'content-type': 'application/json',
      'x-tc-timestamp': String(ts),
      authorization: `TC3-HMAC-SHA256 Credential=${secret.secretId}/${date}/${service}/tc3_request, SignedHeaders=content-type;host, Signature=${tc3Signature(key, service, ts, canonical)}`,
    },
  };
}

describe('TC3-HMAC-SHA256', () => {
  const now = 1_800_000_000;
  test('a request signed with the key passes; another key, another body, an old timestamp do not', () => {
    expect(verifyTc3(signed('{"a":1}', now), secret, now)).toEqual({ ok: true, service: 'tcb' });
    expect(verifyTc3(signed('{"a":1}', now, 'other'), secret, now)).toMatchObject({ ok: false, code: 'AuthFailure.SignatureFailure' });
    expect(verifyTc3({ ...signed('{"a":1}', now), body: Buffer.from('{"a":2}') }, secret, now)).toMatchObject({ ok: false, code: 'AuthFailure.SignatureFailure' });
    expect(verifyTc3(signed('{}', now - 301), secret, now)).toMatchObject({ ok: false, code: 'AuthFailure.SignatureExpire' });
    expect(verifyTc3(signed('{}', now), { ...secret, secretId: 'AKIDother' }, now)).toMatchObject({ ok: false, code: 'AuthFailure.SecretIdNotFound' });
  });
});

function zip(entries: Array<{ name: string; data: Buffer }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const packed = deflateRawSync(e.data);
    const name = Buffer.from(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(e.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += 30 + name.length + packed.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

describe('zip reader', () => {
  test('unpacks deflated entries, and refuses paths that leave the function folder', () => {
    expect(readZip(zip([{ name: 'index.js', data: Buffer.from('exports.main = 1') }]))).toEqual([{ path: 'index.js', data: Buffer.from('exports.main = 1') }]);
    expect(() => readZip(zip([{ name: '../evil.js', data: Buffer.from('x') }]))).toThrow('outside the function folder');
    expect(() => readZip(zip([{ name: '/etc/passwd', data: Buffer.from('x') }]))).toThrow('outside the function folder');
    expect(() => readZip(Buffer.from('not a zip'))).toThrow('not a zip');
  });
});
