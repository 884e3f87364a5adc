// Cloud storage in the browser preview: a photo picked with wx.chooseImage (the browser's file dialog) goes up
// with wx.cloud.uploadFile as the phone holder, an <image> with its cloud file id shows it, and another holder is
// refused a link by the storage rule, as on a phone.
import { Phone, browserAvailable } from './phone';
import { previewSession } from './support/session';

const run = browserAvailable() ? describe : describe.skip;

// A 2×1 PNG (red, blue).
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAAEUlEQVR4nGP4z8DAwMDAxAAADfkBAeQzLqQAAAAASUVORK5CYII=', 'base64');

run('storage in the browser preview', () => {
  const session = previewSession({ demo: true });

  it('uploads a picked photo as the holder, shows it by file id, and refuses it to another holder', async () => {
    const phone = await Phone.open(session.browser, session.cloud.url, 'demo-buyer');
    const chooser = phone.page.waitForEvent('filechooser');
    const picked = phone.page.evaluate(async () => {
      const w = (globalThis as unknown as { wx: Record<string, any> }).wx;
      const chosen = await w.chooseImage({ count: 1 });
      const uploaded = await w.cloud.uploadFile({ cloudPath: 'buyer-uploads/demo-buyer/shot.png', filePath: chosen.tempFilePaths[0] });
      return { tempFilePath: chosen.tempFilePaths[0] as string, fileID: uploaded.fileID as string };
    });
    await (await chooser).setFiles({ name: 'shot.png', mimeType: 'image/png', buffer: PNG });
    const { tempFilePath, fileID } = await picked;
    expect(tempFilePath).toMatch(/^http:\/\/tmp\/.+\.png$/);
    // Beside the demo products' photos (the demo merchant's).
    const buyers = () => session.cloud.storage.list().filter((f) => f.owner !== 'demo-merchant');
    expect(buyers()).toEqual([expect.objectContaining({ fileID, owner: 'demo-buyer', contentType: 'image/png', size: PNG.length })]);

    // An <image src="cloud://…"> in a page draws the picture (the preview exchanges the id for a link).
    const drawn = await phone.page.evaluate(async (id) => {
      const w = (globalThis as unknown as { wx: Record<string, any> }).wx;
      const links = await w.cloud.getTempFileURL({ fileList: [id] });
      const doc = (globalThis as unknown as { document: { createElement(tag: 'img'): { src: string; naturalWidth: number; naturalHeight: number; decode(): Promise<void> } } }).document;
      const img = doc.createElement('img');
      img.src = links.fileList[0].tempFileURL;
      await img.decode();
      return { width: img.naturalWidth, height: img.naturalHeight, status: links.fileList[0].status };
    }, fileID);
    expect(drawn).toEqual({ width: 2, height: 1, status: 0 });

    await phone.holdAs('demo-buyer-2');
    const refused = await phone.page.evaluate(async (id) => {
      const w = (globalThis as unknown as { wx: Record<string, any> }).wx;
      const links = await w.cloud.getTempFileURL({ fileList: [id] });
      const removed = await w.cloud.deleteFile({ fileList: [id] });
      return { link: links.fileList[0].status, delete: removed.fileList[0].status };
    }, fileID);
    expect(refused).toEqual({ link: -503002, delete: -503002 });
    expect(buyers()).toHaveLength(1);
    await phone.close();
  });

  it("lists the files in the local cloud UI's Storage tab, with the owner and the picture drawn", async () => {
    const page = await session.browser.newPage({ viewport: { width: 1200, height: 800 } });
    await page.goto(`${session.cloud.url}/`);
    await page.locator('#tabs button', { hasText: 'Storage' }).click();
    const row = page.locator('#storage tr', { hasText: 'buyer-uploads/demo-buyer/shot.png' });
    await row.waitFor();
    await expect(row.innerText()).resolves.toContain('demo-buyer');
    await expect(row.innerText()).resolves.toContain('image/png');
    await page.waitForFunction(() => {
      const img = (globalThis as unknown as { document: { querySelector(s: string): { complete: boolean; naturalWidth: number } | null } }).document.querySelector('#storage img.thumb');
      return Boolean(img && img.complete && img.naturalWidth === 2);
    });
    await expect(page.locator('#storage-rules').innerText()).resolves.toContain('resource.openid == auth.openid');
    await page.close();
  });
});
