// The functions' check of the photos a buyer names (src/server/storage-files.ts), against the local cloud's storage
// through the real wx-server-sdk: only files in the caller's folder, that exist, of an allowed type and size.
import type { UploadLimits } from '../../typings/api';
import { UPLOAD_LIMITS } from '../../src/domain/uploads';
import { connectSdk, startTestCloud, type LocalCloud } from '../helpers/local-cloud';

jest.setTimeout(60_000);

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 1)]);
const GIF = Buffer.from('GIF89a-not-allowed');

let cloud: LocalCloud;
let files: typeof import('../../src/server/storage-files');

beforeAll(async () => {
  cloud = await startTestCloud({ env: 'photos-env' });
  connectSdk(cloud);
  files = await import('../../src/server/storage-files');
});
afterAll(() => cloud?.close());

/** As the buyer's page uploads it (wx.cloud.uploadFile), so the storage records the buyer as owner. */
async function uploadAs(openid: string, cloudPath: string, content: Buffer): Promise<string> {
  const form = new FormData();
  form.append('cloudPath', cloudPath);
  form.append('file', new Blob([content]), 'photo');
  const res = await fetch(`${cloud.url}/storage/client/upload`, { method: 'POST', body: form, headers: { 'x-wx-openid': openid } });
  return ((await res.json()) as { fileID: string }).fileID;
}

describe('checkBuyerPhotos', () => {
  it("accepts the caller's own photos with their size and type", async () => {
    const a = await uploadAs('oPhotoA', 'buyer-uploads/oPhotoA/1.png', PNG);
    const b = await uploadAs('oPhotoA', 'buyer-uploads/oPhotoA/2.jpg', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 1]));
    await expect(files.checkBuyerPhotos('oPhotoA', [a, b])).resolves.toEqual([
      { fileID: a, size: PNG.length, contentType: 'image/png' },
      { fileID: b, size: 6, contentType: 'image/jpeg' },
    ]);
    await expect(files.checkBuyerPhotos('oPhotoA', undefined)).resolves.toEqual([]);
  });

  it("refuses another buyer's photo, one that is gone, a renamed non-picture, and too many", async () => {
    const theirs = await uploadAs('oPhotoB', 'buyer-uploads/oPhotoB/1.png', PNG);
    await expect(files.checkBuyerPhotos('oPhotoA', [theirs])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: 'photo 1 was not uploaded by you' });

    const gone = await uploadAs('oPhotoA', 'buyer-uploads/oPhotoA/gone.png', PNG);
    await fetch(`${cloud.url}/storage/client/delete`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-wx-openid': 'oPhotoA' }, body: JSON.stringify({ fileList: [gone] }) });
    await expect(files.checkBuyerPhotos('oPhotoA', [gone])).rejects.toMatchObject({ message: 'photo 1 was not found in storage: upload it again' });

    const disguised = await uploadAs('oPhotoA', 'buyer-uploads/oPhotoA/fake.png', GIF);
    await expect(files.checkBuyerPhotos('oPhotoA', [disguised])).rejects.toMatchObject({ message: 'photo 1 is not a JPEG, PNG or WebP picture' });

    const named = cloud.storage.put('buyer-uploads/oPhotoA/notes.txt', Buffer.from('hello'), 'oPhotoA');
    await expect(files.checkBuyerPhotos('oPhotoA', [named.fileID])).rejects.toMatchObject({ message: 'photo 1 must be a photo (jpg, jpeg, png, webp)' });

    const ten = Array.from({ length: 10 }, (_, i) => `cloud://photos-env.x/buyer-uploads/oPhotoA/${i}.png`);
    await expect(files.checkBuyerPhotos('oPhotoA', ten)).rejects.toMatchObject({ message: 'at most 9 photos' });
    await expect(files.checkBuyerPhotos('oPhotoA', [ten[0], ten[0]])).rejects.toMatchObject({ message: 'a photo is listed twice' });
    await expect(files.checkBuyerPhotos('oPhotoA', 'cloud://x')).rejects.toMatchObject({ message: 'photos must be a list of file ids' });
  });

  it('refuses a photo over the size limit', async () => {
    const big = await uploadAs('oPhotoA', 'buyer-uploads/oPhotoA/big.png', PNG);
    const small: UploadLimits = { ...UPLOAD_LIMITS, photoMaxBytes: 100 as UploadLimits['photoMaxBytes'] };
    await expect(files.checkBuyerPhotos('oPhotoA', [big], small)).rejects.toMatchObject({ message: expect.stringContaining('photo 1 is larger than') });
  });
});

describe('merchantPhotoLinks', () => {
  it('gives the merchant a link per existing photo, and none for a deleted one', async () => {
    const shown = await uploadAs('oPhotoC', 'buyer-uploads/oPhotoC/1.png', PNG);
    const links = await files.merchantPhotoLinks([shown, 'cloud://photos-env.7068-photos-env-1300000000/buyer-uploads/oPhotoC/missing.png']);
    expect(Object.keys(links)).toEqual([shown]);
    const served = await fetch(links[shown]);
    expect(Buffer.from(await served.arrayBuffer())).toEqual(PNG);
  });
});
