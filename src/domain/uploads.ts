// Rules for the files a buyer attaches, apart from any I/O: which folder is theirs, and whether a file id can be
// one of their photos. The storage's own answer (does it exist, how big, what type) is checked by
// src/server/storage-files.ts.
import type { UploadLimits } from '../../typings/api';

export const UPLOAD_LIMITS: UploadLimits = {
  buyerFolder: 'buyer-uploads',
  photosMax: 9,
  photoMaxBytes: 10485760,
  photoContentTypes: ['image/jpeg', 'image/png', 'image/webp'],
  photoExtensions: ['jpg', 'jpeg', 'png', 'webp'],
};

/**
 * A merchant's product photos: the same rules as a buyer's photos, in their own folder
 * (`product-photos/<openid>/…`), so a buyer's after-sale photo can never become a product picture.
 */
export const PRODUCT_PHOTO_LIMITS: UploadLimits = { ...UPLOAD_LIMITS, buyerFolder: 'product-photos' };

/** `cloud://<env>.<bucket>/<cloudPath>` → cloudPath; undefined when it is not a cloud file id. */
export function cloudPathOfFileId(fileID: string): string | undefined {
  const match = /^cloud:\/\/[^/]+\/(.+)$/.exec(fileID);
  return match ? match[1] : undefined;
}

export function buyerFolder(openid: string, limits: UploadLimits = UPLOAD_LIMITS): string {
  return `${limits.buyerFolder}/${openid}/`;
}

/** Why `fileID` cannot be one of this buyer's photos, judged from its name alone; undefined when it can. */
export function buyerPhotoProblem(fileID: string, openid: string, limits: UploadLimits = UPLOAD_LIMITS): string | undefined {
  const path = cloudPathOfFileId(fileID);
  if (!path) return 'is not a cloud file id';
  const folder = buyerFolder(openid, limits);
  const name = path.slice(folder.length);
  if (!path.startsWith(folder) || name === '' || name.includes('/') || name.startsWith('.')) return 'was not uploaded by you';
  const extension = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase();
  if (!extension || !(limits.photoExtensions as readonly string[]).includes(extension)) return `must be a photo (${limits.photoExtensions.join(', ')})`;
  return undefined;
}
