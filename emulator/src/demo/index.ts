// `--demo`: a shop you can use at once. Writes the settings and products straight into the database engine (the
// local cloud is not listening yet when this runs) and gives the demo people a few one-time subscriptions, as if
// they had accepted wx.requestSubscribeMessage.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalCloudHost } from '../contracts';
import type { StorageService } from '../storage';
import { DEMO_BUYER, DEMO_MERCHANT, DEMO_PRODUCTS, DEMO_SETTINGS, DEMO_STOCKED_PRODUCTS } from './settings';
import { seedOrderToShip } from './paid-order';
import { DEFAULT_APPID as DEFAULT_DEMO_APPID } from '../sandbox';

export { DEMO_BUYER, DEMO_MERCHANT, DEMO_PRODUCTS, DEMO_SETTINGS, DEMO_STOCKED_PRODUCTS, DEMO_SUB_MCH_ID, channelSettings, paySettings } from './settings';

/** Something that can grant subscriptions (the outbox); optional so seeding works without one. */
export interface SubscriptionGranter {
  grant(openid: string, templateIds: readonly string[]): unknown;
}

export const DEMO_GRANTS = 20;

/** Where the demo products' photos come from (`emulator/demo-images/<productId>.png`) and go (the local storage). */
export interface DemoPhotos {
  dir: string;
  storage: Pick<StorageService, 'put'>;
}

/**
 * Each demo product whose photo is in `dir` gets it as its one image: stored as the demo merchant's upload to their
 * product folder, where the catalogue page would have put it, so the pages show real thumbnails.
 */
function withPhoto(product: { _id: string } & Record<string, unknown>, photos?: DemoPhotos): { _id: string } & Record<string, unknown> {
  const file = photos && join(photos.dir, `${product._id}.png`);
  if (!photos || !file || !existsSync(file)) return product;
  const stored = photos.storage.put(`product-photos/${DEMO_MERCHANT}/${product._id}.png`, readFileSync(file), DEMO_MERCHANT);
  return { ...product, images: [stored.fileID] };
}

/** Replaces (upserts) one document, as `db.collection(c).doc(id).set({data})` would. */
export function putDocument(host: Pick<LocalCloudHost, 'db'>, collection: string, doc: { _id: string } & Record<string, unknown>): void {
  const { _id, ...data } = doc;
  host.db.execute('database.modifyDocument', {
    collectionName: collection,
    queryType: 'DOC',
    query: JSON.stringify({ _id }),
    data: JSON.stringify(data),
    multi: false,
    merge: false,
    upsert: true,
  });
}

/** `pay`: the settings that choose the provider (paySettings()); cloudPay when absent. */
export async function seedDemo(
  host: Pick<LocalCloudHost, 'db' | 'log'> & Partial<Pick<LocalCloudHost, 'env'>>,
  outbox?: SubscriptionGranter,
  pay: Record<string, unknown> = {},
  appid = DEFAULT_DEMO_APPID,
  photos?: DemoPhotos,
): Promise<void> {
  // The demo shop warns its merchant at 3 left (the test suites' shops leave the alert off: it adds a write to every take).
  putDocument(host, 'settings', { ...DEMO_SETTINGS, stock: { lowStockThreshold: 3 }, ...pay });
  for (const product of [...DEMO_PRODUCTS, ...DEMO_STOCKED_PRODUCTS]) putDocument(host, 'products', withPhoto(product, photos));
  // A paid order waiting to ship, for the merchant's desk.
  if (host.env) seedOrderToShip({ db: host.db, env: host.env }, appid);
  if (outbox) {
    const t = DEMO_SETTINGS.templates;
    for (let i = 0; i < DEMO_GRANTS; i++) {
      outbox.grant(DEMO_MERCHANT, [t.orderPaid.templateId, t.refundRequested.templateId, t.lowStock.templateId]);
      outbox.grant(DEMO_BUYER, [t.refundResult.templateId, t.orderShipped.templateId]);
    }
  }
  host.log('demo.seeded', { products: DEMO_PRODUCTS.length + DEMO_STOCKED_PRODUCTS.length, buyer: DEMO_BUYER, merchant: DEMO_MERCHANT, subscriptions: outbox ? DEMO_GRANTS : 0 });
}
