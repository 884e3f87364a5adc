// The page's side of the upload rules shared with the functions (typings/api.d.ts UploadLimits; the functions'
// copy is src/domain/uploads.ts, and the type keeps both equal). A buyer's photo goes to their own folder, where
// the functions look for it.
import type { UploadLimits } from '../../typings/api';

export const UPLOAD_LIMITS: UploadLimits = {
  buyerFolder: 'buyer-uploads',
  photosMax: 9,
  photoMaxBytes: 10485760,
  photoContentTypes: ['image/jpeg', 'image/png', 'image/webp'],
  photoExtensions: ['jpg', 'jpeg', 'png', 'webp'],
};

/** The merchant's product photos: the same rules, their own folder (the functions check them the same way). */
export const PRODUCT_PHOTO_FOLDER: UploadLimits['buyerFolder'] = 'product-photos';

/** Where a photo picked at `tempFilePath` is uploaded: `buyer-uploads/<openid>/<time>-<random>.<ext>`. */
export function buyerPhotoPath(openid: string, tempFilePath: string, now: number, random: number, folder: UploadLimits['buyerFolder'] = UPLOAD_LIMITS.buyerFolder): string {
  const given = /\.([A-Za-z0-9]+)$/.exec(tempFilePath)?.[1]?.toLowerCase();
  const extension = given && (UPLOAD_LIMITS.photoExtensions as readonly string[]).includes(given) ? given : 'jpg';
  return `${folder}/${openid}/${now.toString(36)}-${Math.floor(random * 1e9).toString(36)}.${extension}`;
}
