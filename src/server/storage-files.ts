// Files a client names in a request (after-sales photos): the functions never trust a file id from a page. A file
// is accepted when it is in the caller's own folder (src/domain/uploads.ts), exists, and the storage serves it as
// an allowed type within the size limit. CloudBase's server SDK does not report who uploaded a file, so ownership
// rests on the folder: the storage security rule (cloudbase/storage-security-rules.json, only the creator reads and
// writes) keeps other users from reading or replacing what is there, and the page uploads only to its own folder.
// The merchant sees the photos through temporary links made here, never through public URLs.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { UploadLimits } from '../../typings/api';
import { invalid } from '../domain/errors';
import { buyerPhotoProblem, UPLOAD_LIMITS } from '../domain/uploads';
import { tempFileLinks } from './cloud';

export interface CheckedFile {
  fileID: string;
  size: number;
  contentType: string;
}

/** How long a link handed to the merchant's page lives: long enough to look, short enough not to travel. */
export const MERCHANT_LINK_SECONDS = 3600;
const CHECK_LINK_SECONDS = 60;

/**
 * The buyer's photos named in a request, checked; throws INVALID_ARGUMENT with a message for the buyer when one is
 * not acceptable. `undefined` means none.
 */
export async function checkBuyerPhotos(openid: string, value: unknown, limits: UploadLimits = UPLOAD_LIMITS): Promise<CheckedFile[]> {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw invalid('photos must be a list of file ids');
  const fileIDs = value as string[];
  if (fileIDs.length > limits.photosMax) throw invalid(`at most ${limits.photosMax} photos`);
  if (new Set(fileIDs).size !== fileIDs.length) throw invalid('a photo is listed twice');
  fileIDs.forEach((fileID, i) => {
    const problem = buyerPhotoProblem(fileID, openid, limits);
    if (problem) throw invalid(`photo ${i + 1} ${problem}`);
  });
  if (fileIDs.length === 0) return [];
  const links = await tempFileLinks(fileIDs, CHECK_LINK_SECONDS);
  return Promise.all(
    fileIDs.map(async (fileID, i) => {
      const link = links.find((l) => l.fileID === fileID);
      if (!link || link.status !== 0 || !link.tempFileURL) throw invalid(`photo ${i + 1} was not found in storage: upload it again`);
      const head = await headOf(link.tempFileURL);
      if (head.status !== 200) throw invalid(`photo ${i + 1} was not found in storage: upload it again`);
      const contentType = head.contentType.split(';')[0].trim().toLowerCase();
      if (!(limits.photoContentTypes as readonly string[]).includes(contentType)) throw invalid(`photo ${i + 1} is not a JPEG, PNG or WebP picture`);
      if (head.size > limits.photoMaxBytes) throw invalid(`photo ${i + 1} is larger than ${Math.floor(limits.photoMaxBytes / 1024 / 1024)} MB`);
      return { fileID, size: head.size, contentType };
    }),
  );
}

/** Temporary links by file id, 50 per call (WeChat's limit); a file that is gone has none (the page says so). */
async function fileLinks(fileIDs: readonly string[], seconds: number): Promise<Record<string, string>> {
  const unique = [...new Set(fileIDs)];
  const links: Record<string, string> = {};
  for (let start = 0; start < unique.length; start += 50) {
    for (const link of await tempFileLinks(unique.slice(start, start + 50), seconds)) {
      if (link.status === 0 && link.tempFileURL) links[link.fileID] = link.tempFileURL;
    }
  }
  return links;
}

/** Temporary links for the merchant's page, by file id. */
export function merchantPhotoLinks(fileIDs: string[]): Promise<Record<string, string>> {
  return fileLinks(fileIDs, MERCHANT_LINK_SECONDS);
}

/** How long a product photo's link lives: a page kept open a day still shows its pictures (WeChat's longest). */
export const PRODUCT_LINK_SECONDS = 86_400;

/**
 * Links to product photos and order thumbnails (`items[].image`), for buyers and merchants alike. The storage rule
 * lets only a file's uploader read it (cloudbase/storage-security-rules.json), so pages never load a fileID
 * themselves: the functions, which read everything, hand out links. Never throws: a page without pictures still works.
 */
export async function productImageLinks(fileIDs: readonly string[]): Promise<Record<string, string>> {
  if (fileIDs.length === 0) return {};
  try {
    return await fileLinks(fileIDs, PRODUCT_LINK_SECONDS);
  } catch {
    return {};
  }
}

/** Size and type of what a link serves, without downloading it (COS answers HEAD like GET, without the body). */
function headOf(url: string): Promise<{ status: number; size: number; contentType: string }> {
  return new Promise((resolve, reject) => {
    const request = (url.startsWith('https:') ? httpsRequest : httpRequest)(url, { method: 'HEAD', timeout: 5000 }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, size: Number(res.headers['content-length'] ?? 0) || 0, contentType: String(res.headers['content-type'] ?? '') });
    });
    request.on('timeout', () => request.destroy(new Error('the storage did not answer in time')));
    request.on('error', reject);
    request.end();
  });
}

/** Products with `imageUrls`: a link for each of `images`, in order ('' for a file that is gone). */
export async function withImageUrls<P extends { images?: string[] }>(products: P[]): Promise<Array<P & { imageUrls?: string[] }>> {
  const links = await productImageLinks(products.flatMap((p) => p.images ?? []));
  return products.map((p) => (p.images?.length ? { ...p, imageUrls: p.images.map((id) => links[id] ?? '') } : p));
}
