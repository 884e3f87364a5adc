// Cloud storage through the unmodified wx-server-sdk (cloud.uploadFile, getTempFileURL, downloadFile, deleteFile)
// and through the mini-program's client calls (what wx.cloud.uploadFile and friends do in the preview), with the
// project's storage rule (only the creator reads and writes) and expiring links.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectSdk, startTestCloud, type LocalCloud, type WxServerSdk } from '../helpers/local-cloud';

jest.setTimeout(60_000);

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('a tiny picture')]);

let cloud: LocalCloud;
let sdk: WxServerSdk;

// The SDK's typings answer `void | result` (the callback form); these calls use the promise form.
type Listed = { fileList: Array<{ fileID: string; status: number; errMsg: string; tempFileURL?: string }> };
const tempUrls = async (fileList: Array<string | { fileID: string; maxAge: number }>) => (await sdk.getTempFileURL({ fileList })) as Listed;
const deleteFiles = async (fileList: string[]) => (await sdk.deleteFile({ fileList })) as Listed;
const upload = async (cloudPath: string, fileContent: Buffer) => (await sdk.uploadFile({ cloudPath, fileContent })) as { fileID: string };

beforeAll(async () => {
  cloud = await startTestCloud({ env: 'storage-env' });
  sdk = connectSdk(cloud);
});
afterAll(() => cloud?.close());

async function clientUpload(openid: string | undefined, cloudPath: string, content: Buffer): Promise<{ status: number; body: { fileID?: string; errCode?: number; errMsg?: string } }> {
  const form = new FormData();
  form.append('cloudPath', cloudPath);
  form.append('file', new Blob([content]), 'photo');
  const res = await fetch(`${cloud.url}/storage/client/upload`, { method: 'POST', body: form, headers: openid ? { 'x-wx-openid': openid } : {} });
  return { status: res.status, body: (await res.json()) as { fileID?: string } };
}

async function clientCall(openid: string, what: 'temp-urls' | 'delete', fileList: unknown[]) {
  const res = await fetch(`${cloud.url}/storage/client/${what}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-wx-openid': openid }, body: JSON.stringify({ fileList }) });
  return { status: res.status, body: (await res.json()) as { fileList: Array<{ fileID: string; status: number; errMsg: string; tempFileURL?: string }> } };
}

describe('storage through wx-server-sdk', () => {
  it('uploads, links, downloads and deletes a file, and then reports it gone', async () => {
    const uploaded = await upload('products/p1/main.png', PNG);
    expect(uploaded.fileID).toBe('cloud://storage-env.7374-storage-env-1300000000/products/p1/main.png');

    const links = await tempUrls([uploaded.fileID]);
    expect(links.fileList[0]).toMatchObject({ fileID: uploaded.fileID, status: 0 });
    const served = await fetch(links.fileList[0].tempFileURL as string);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer())).toEqual(PNG);

    const downloaded = (await sdk.downloadFile({ fileID: uploaded.fileID })) as { fileContent: Buffer };
    expect(Buffer.from(downloaded.fileContent)).toEqual(PNG);

    const deleted = await deleteFiles([uploaded.fileID]);
    expect(deleted.fileList).toEqual([expect.objectContaining({ fileID: uploaded.fileID, status: 0 })]);
    const after = await tempUrls([uploaded.fileID]);
    expect(after.fileList[0]).toMatchObject({ status: -503003, tempFileURL: '' });
    expect((await fetch(links.fileList[0].tempFileURL as string)).status).toBe(404);
    const again = await deleteFiles([uploaded.fileID]);
    expect(again.fileList[0].status).toBe(-503003);
    expect(cloud.storage.list().map((f) => f.cloudPath)).not.toContain('products/p1/main.png');
  });

  it('refuses a cloud path that would leave the bucket, and a file id of another environment', async () => {
    await expect(upload('a/../../escape.png', PNG)).rejects.toMatchObject({ errMsg: expect.stringContaining('".."') });
    const foreign = await tempUrls(['cloud://other-env.6f74-other-env-1300000000/x.png']);
    expect(foreign.fileList[0].status).toBe(-503003);
  });

  it('hands out links that expire, and refuses a forged one', async () => {
    const { fileID } = await upload('short/lived.png', PNG);
    const links = await tempUrls([{ fileID, maxAge: 1 }]);
    const url = links.fileList[0].tempFileURL as string;
    expect((await fetch(url)).status).toBe(200);
    expect((await fetch(url.replace(/sign=[^&]+/, 'sign=forged'))).status).toBe(403);
    await new Promise((r) => setTimeout(r, 2100));
    const expired = await fetch(url);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('Request has expired');
  });

  it('refuses a PUT without the authorisation the upload metadata gave', async () => {
    const res = await fetch(`${cloud.url}/storage/cos/sneaky.png`, { method: 'PUT', body: PNG, headers: { authorization: 'forged' } });
    expect(res.status).toBe(403);
    expect(cloud.storage.list().map((f) => f.cloudPath)).not.toContain('sneaky.png');
  });
});

describe("the mini-program's storage calls, under the project's rule (only the creator reads and writes)", () => {
  it("records the uploader as owner: the owner gets a link, another buyer neither reads nor deletes it, a function reads it", async () => {
    const up = await clientUpload('oBuyerA', 'aftersale/oBuyerA/1.png', PNG);
    expect(up.status).toBe(200);
    const fileID = up.body.fileID as string;
    expect(cloud.storage.list().find((f) => f.fileID === fileID)).toMatchObject({ owner: 'oBuyerA', size: PNG.length, contentType: 'image/png' });

    const own = await clientCall('oBuyerA', 'temp-urls', [fileID]);
    expect(own.body.fileList[0]).toMatchObject({ status: 0 });
    expect((await fetch(own.body.fileList[0].tempFileURL as string)).status).toBe(200);

    const other = await clientCall('oBuyerB', 'temp-urls', [fileID]);
    expect(other.body.fileList[0]).toMatchObject({ status: -503002, tempFileURL: '' });
    const otherDelete = await clientCall('oBuyerB', 'delete', [fileID]);
    expect(otherDelete.body.fileList[0].status).toBe(-503002);
    const overwrite = await clientUpload('oBuyerB', 'aftersale/oBuyerA/1.png', Buffer.from('not a photo'));
    expect(overwrite.status).toBe(403);

    const byFunction = await tempUrls([fileID]);
    expect(byFunction.fileList[0].status).toBe(0);
    expect(Buffer.from(await (await fetch(byFunction.fileList[0].tempFileURL as string)).arrayBuffer())).toEqual(PNG);

    const ownDelete = await clientCall('oBuyerA', 'delete', [fileID]);
    expect(ownDelete.body.fileList[0].status).toBe(0);
  });

  it('needs a signed-in caller', async () => {
    const anonymous = await clientUpload(undefined, 'aftersale/x/1.png', PNG);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.errMsg).toContain('cloud.storage:fail');
  });
});

describe('storage in a data folder', () => {
  it('keeps files and their owners across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'storage-'));
    try {
      const first = await startTestCloud({ env: 'storage-env', dataDir, memory: false });
      const form = new FormData();
      form.append('cloudPath', 'aftersale/oKeep/photo.jpg');
      form.append('file', new Blob([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3])]), 'photo.jpg');
      const res = await fetch(`${first.url}/storage/client/upload`, { method: 'POST', body: form, headers: { 'x-wx-openid': 'oKeep' } });
      expect(res.status).toBe(200);
      await first.close();

      const second = await startTestCloud({ env: 'storage-env', dataDir, memory: false });
      try {
        expect(second.storage.list()).toEqual([expect.objectContaining({ cloudPath: 'aftersale/oKeep/photo.jpg', owner: 'oKeep', contentType: 'image/jpeg', size: 7 })]);
        const served = await fetch(second.storage.tempUrl('aftersale/oKeep/photo.jpg'));
        expect(Buffer.from(await served.arrayBuffer())).toEqual(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
