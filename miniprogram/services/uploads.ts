// Photos a buyer attaches: uploaded to the buyer's own folder (where the functions accept them from), one at a
// time so that the page can show each one's progress and keep what already went up when one fails.
import { adapters } from '../adapters/index';
import type { UploadLimits } from '../../typings/api';
import { buyerPhotoPath, PRODUCT_PHOTO_FOLDER } from '../domain/uploads';
import type { Outcome } from './call';
import { fetchMe } from './session';

export function uploadBuyerPhoto(tempFilePath: string): Promise<Outcome<{ fileID: string }>> {
  return uploadOwnPhoto(tempFilePath);
}

/** A product photo the merchant picked, into their own product folder. */
export function uploadProductPhoto(tempFilePath: string): Promise<Outcome<{ fileID: string }>> {
  return uploadOwnPhoto(tempFilePath, PRODUCT_PHOTO_FOLDER);
}

async function uploadOwnPhoto(tempFilePath: string, folder?: UploadLimits['buyerFolder']): Promise<Outcome<{ fileID: string }>> {
  const me = await fetchMe();
  if (!me.ok) return me;
  try {
    const fileID = await adapters().storage.upload(buyerPhotoPath(me.data.openid, tempFilePath, Date.now(), Math.random(), folder), tempFilePath);
    return { ok: true, data: { fileID } };
  } catch (err) {
    return { ok: false, code: 'NETWORK', message: err instanceof Error ? err.message : String(err) };
  }
}

/** Drops a photo the buyer removed before sending; a failure leaves an orphan file, which harms no one. */
export async function discardBuyerPhoto(fileID: string): Promise<void> {
  try {
    await adapters().storage.remove([fileID]);
  } catch {
    // see above
  }
}

/** Links to show photos (the buyer's own; the merchant gets links from the functions instead). */
export async function photoLinks(fileIDs: string[]): Promise<Record<string, string>> {
  if (fileIDs.length === 0) return {};
  try {
    const links = await adapters().storage.tempUrls(fileIDs);
    return Object.fromEntries(links.filter((l) => l.tempFileURL).map((l) => [l.fileID, l.tempFileURL]));
  } catch {
    return {};
  }
}
