// Files in the preview, as the WeChat client keeps them: a picked photo is a temporary path (`http://tmp/<n>.<ext>`)
// standing for a Blob held here; a cloud file id (`cloud://…`) shown in an <image> is exchanged for a link by the
// local cloud's storage under the phone holder's openid, as WeChat does under the storage rules.

const temporary = new Map<string, { blob: Blob; url: string }>();
let counter = 0;
let holderOpenid: () => string = () => '';

export function setFileHolder(openid: () => string): void {
  holderOpenid = openid;
}

export function holderOf(): string {
  return holderOpenid();
}

const EXTENSIONS: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/gif': 'gif', 'video/mp4': 'mp4' };

/** A temporary path for a Blob, as wx.chooseMedia answers `tempFilePath`. */
export function keepTemporary(blob: Blob): string {
  counter += 1;
  const path = `http://tmp/preview-${Date.now().toString(36)}-${counter}.${EXTENSIONS[blob.type] ?? 'bin'}`;
  temporary.set(path, { blob, url: URL.createObjectURL(blob) });
  return path;
}

export function temporaryBlob(path: string): Blob | undefined {
  return temporary.get(path)?.blob;
}

export async function tempUrlsFor(fileList: unknown[]): Promise<Array<{ fileID: string; tempFileURL: string; status: number; errMsg: string; maxAge?: number }>> {
  const res = await fetch('/storage/client/temp-urls', { method: 'POST', headers: { 'content-type': 'application/json', 'x-wx-openid': holderOpenid() }, body: JSON.stringify({ fileList }) });
  const body = (await res.json()) as { fileList?: Array<{ fileID: string; tempFileURL: string; status: number; errMsg: string }>; errMsg?: string };
  if (!res.ok || !body.fileList) throw new Error(body.errMsg ?? `cloud.getTempFileURL:fail ${res.status}`);
  return body.fileList;
}

/** What an <image src> shows: a temporary path's Blob, a cloud file's link, anything else as given. */
export async function displayableSrc(src: string): Promise<string> {
  if (!src) return '';
  const kept = temporary.get(src);
  if (kept) return kept.url;
  if (src.startsWith('cloud://')) {
    const [link] = await tempUrlsFor([src]);
    return link?.status === 0 ? link.tempFileURL : '';
  }
  return src;
}

/** The photo picker: the browser's file dialog, limited to images. */
export function pickImages(count: number): Promise<File[]> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = 'image/*';
    input.multiple = count > 1;
    input.style.display = 'none';
    input.addEventListener('change', () => {
      resolve(Array.from(input.files ?? []).slice(0, count));
      input.remove();
    });
    input.addEventListener('cancel', () => {
      resolve([]);
      input.remove();
    });
    document.body.appendChild(input);
    input.click();
  });
}
