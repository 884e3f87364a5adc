// The merchant's catalogue: save a product (with its SKUs), shelve it, adjust a SKU's stock with a reason. Stock that
// orders hold is never overwritten: an adjustment is an increment (`_.inc`), and a save that changes a shelf count is
// conditioned on the count it was decided from, so an order taking stock meanwhile makes the save answer CONFLICT
// instead of being lost. Every change of what the merchant put in is recorded in `stock_log`.
import { randomBytes } from 'node:crypto';
import type { MerchantProduct, ProductInput, ProductSkuInput, ProductsData } from '../../typings/api';
import { lowestPrice, productView, resolveSku } from '../domain/catalogue';
import type { ProductDoc, SkuRecord, StockLogDoc } from '../domain/documents';
import { conflict, invalid, notFound } from '../domain/errors';
import { PRODUCT_PHOTO_LIMITS } from '../domain/uploads';
import { log } from './logger';
import { asProduct } from './repositories/decode';
import { findProduct } from './repositories/products';
import { checkBuyerPhotos, withImageUrls } from './storage-files';
import { COLLECTIONS, type Command, type Store } from './store';

export interface CatalogueContext {
  store: Store;
  now: Date;
  /** The merchant acting. */
  openid: string;
}

export const SAVE_REASON = { created: '新建商品', edited: '编辑商品' } as const;

export function merchantView(doc: ProductDoc): MerchantProduct {
  const view = productView(doc);
  return {
    ...view,
    active: doc.active,
    skus: view.skus.map((s) => ({ ...s, held: doc.skus?.[s.skuId]?.held ?? 0, sold: doc.skus?.[s.skuId]?.sold ?? 0 })),
  };
}

export async function listCatalogue(store: Store): Promise<MerchantProduct[]> {
  const { data } = await store.collection(COLLECTIONS.products).orderBy('sort', 'asc').limit(100).get();
  return withImageUrls(data.map(asProduct).map(merchantView));
}

async function record(store: Store, entries: StockLogDoc[]): Promise<void> {
  for (const entry of entries) await store.collection(COLLECTIONS.stockLog).add({ data: { ...entry } });
}

const skuRecord = (s: ProductSkuInput): SkuRecord => ({ specs: s.specs, price: s.price, stock: s.stock, held: 0, sold: 0 });

export async function saveProduct(ctx: CatalogueContext, input: ProductInput & { skus: ProductSkuInput[] }): Promise<ProductsData['save']> {
  const { store } = ctx;
  const _ = store.command;
  const price = lowestPrice(input.skus, input.price ?? 0);
  const old = input.productId ? await findProduct(store, input.productId) : undefined;
  if (input.productId && !old) throw notFound(`product ${input.productId} not found`);
  // Photos the product already has stay; each new one must be this merchant's upload, a picture, within the limits.
  await checkBuyerPhotos(ctx.openid, (input.images ?? []).filter((id) => !old?.images?.includes(id)), PRODUCT_PHOTO_LIMITS);
  const common = {
    name: input.name,
    price,
    active: input.active,
    updatedAt: ctx.now,
    description: input.description ?? _.remove(),
    images: input.images?.length ? _.set(input.images) : _.remove(),
    specs: input.specs ? _.set(input.specs) : _.remove(),
  };
  const logEntry = (skuId: string, delta: number, reason: string): StockLogDoc => ({ productId: '', skuId, delta, reason, by: ctx.openid, at: ctx.now });

  if (!input.productId || !old) {
    const productId = `p${randomBytes(6).toString('hex')}`;
    const skus = Object.fromEntries(input.skus.map((s) => [s.skuId!, skuRecord(s)]));
    const doc: ProductDoc = {
      _id: productId,
      name: input.name,
      price,
      active: input.active,
      sort: ctx.now.getTime(),
      updatedAt: ctx.now,
      skus,
      ...(input.description ? { description: input.description } : {}),
      ...(input.images?.length ? { images: input.images } : {}),
      ...(input.specs ? { specs: input.specs } : {}),
    };
    await store.collection(COLLECTIONS.products).add({ data: { ...doc } });
    await record(store, input.skus.filter((s) => s.stock > 0).map((s) => ({ ...logEntry(s.skuId!, s.stock, SAVE_REASON.created), productId })));
    log('info', 'product.created', { productId, skus: input.skus.length });
    return { productId };
  }

  const productId = input.productId;
  const where: Record<string, unknown> = { _id: productId };
  const data: Record<string, unknown> = { ...common };
  const changes: StockLogDoc[] = [];
  const kept = new Set<string>();
  for (const sku of input.skus) {
    const id = sku.skuId!;
    const before = old.skus?.[id];
    kept.add(id);
    if (!before) {
      data[`skus.${id}`] = _.set(skuRecord(sku));
      if (sku.stock > 0) changes.push({ ...logEntry(id, sku.stock, SAVE_REASON.edited), productId });
      continue;
    }
    data[`skus.${id}.specs`] = _.set(sku.specs);
    data[`skus.${id}.price`] = sku.price;
    // The count the merchant saw (or, from a caller that does not say, the one read here).
    const seen = sku.stockFrom ?? before.stock;
    if (sku.stock !== seen) {
      // Decided from this count: an order that took (or gave back) stock meanwhile makes this save change nothing.
      where[`skus.${id}.stock`] = seen;
      data[`skus.${id}.stock`] = sku.stock;
      if (sku.stock > seen) data[`skus.${id}.lowAlerted`] = false;
      changes.push({ ...logEntry(id, sku.stock - seen, SAVE_REASON.edited), productId });
    }
  }
  for (const [id, before] of Object.entries(old.skus ?? {})) {
    if (kept.has(id)) continue;
    // A SKU unpaid orders hold cannot go: their close would give stock back to nothing.
    where[`skus.${id}.held`] = 0;
    data[`skus.${id}`] = _.remove();
    if (before.stock) changes.push({ ...logEntry(id, -before.stock, SAVE_REASON.edited), productId });
  }
  const { stats } = await store.collection(COLLECTIONS.products).where(where).update({ data: data as Record<string, Command | unknown> });
  if (stats.updated !== 1) {
    throw conflict('the stock changed while you edited (an order took or gave back some), or a removed specification is held by unpaid orders; reload and save again');
  }
  await record(store, changes);
  log('info', 'product.saved', { productId, skus: input.skus.length });
  return { productId };
}

export async function shelveProduct(ctx: CatalogueContext, productId: string, active: boolean): Promise<ProductsData['shelve']> {
  const { stats } = await ctx.store.collection(COLLECTIONS.products).where({ _id: productId }).update({ data: { active, updatedAt: ctx.now } });
  if (stats.updated !== 1 && !(await findProduct(ctx.store, productId))) throw notFound(`product ${productId} not found`);
  return { productId, active };
}

type AdjustRequest = { productId: string; skuId?: string; reason: string } & ({ delta: number } | { to: number; from: number });

/**
 * Puts stock in (delta > 0) or takes it out (delta < 0, never below zero), as one increment: an order taking stock at
 * the same moment keeps its take. Or sets the shelf count (`to`), conditioned on the count the merchant saw (`from`):
 * an order that took or gave back stock since makes it CONFLICT, never overwritten. Held stock is never touched.
 */
export async function adjustStock(ctx: CatalogueContext, request: AdjustRequest): Promise<ProductsData['adjust']> {
  const { store } = ctx;
  const _ = store.command;
  const product = await findProduct(store, request.productId);
  if (!product) throw notFound(`product ${request.productId} not found`);
  if (!product.skus) throw conflict(`product ${request.productId} has no stock count yet: save it with a stock first`);
  const { skuId } = resolveSku(product, request.skuId, 'adjust');
  const path = `skus.${skuId}.stock`;
  const delta = 'delta' in request ? request.delta : request.to - request.from;
  if (delta === 0) return { productId: request.productId, skuId, stock: product.skus[skuId]?.stock ?? 0 };
  const condition = 'delta' in request ? _.gte(Math.max(0, -delta)) : request.from;
  const change = 'delta' in request ? _.inc(delta) : request.to;
  const { stats } = await store
    .collection(COLLECTIONS.products)
    .where({ _id: request.productId, [path]: condition })
    .update({ data: { [path]: change, updatedAt: ctx.now, ...(delta > 0 ? { [`skus.${skuId}.lowAlerted`]: false } : {}) } });
  if (stats.updated !== 1) {
    if (!('delta' in request)) throw conflict(`the shelf count is no longer ${request.from} (an order took or gave back stock): reload and set it again`);
    if (delta < 0) throw conflict(`fewer than ${-delta} are on the shelf: nothing was taken out`);
    throw invalid(`product ${request.productId} has no SKU ${skuId}`);
  }
  await record(store, [{ productId: request.productId, skuId, delta, reason: request.reason, by: ctx.openid, at: ctx.now }]);
  const after = await findProduct(store, request.productId);
  return { productId: request.productId, skuId, stock: after?.skus?.[skuId]?.stock ?? 0 };
}
