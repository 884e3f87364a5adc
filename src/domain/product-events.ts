// Validation of the merchant's `products` events, as strict as every other event: a price in yuan (12.5), a negative
// stock, an empty name, an unknown field, a SKU that names a spec value the product does not have: INVALID_ARGUMENT,
// and nothing is written.
import type { ProductInput, ProductSkuInput, ProductSpec, ProductsEvent } from '../../typings/api';
import { DEFAULT_SKU_ID, SKU_ID } from './catalogue';
import { invalid } from './errors';
import { object, PRODUCT_ID, reason, text, type Fields } from './events';
import { requireFen } from './money';

export const MAX_STOCK = 1_000_000;
export const NAME_MAX = 40;
export const DESCRIPTION_MAX = 200;
export const MAX_IMAGES = 9;
export const MAX_SPECS = 3;
export const MAX_SPEC_VALUES = 20;
export const SPEC_TEXT_MAX = 20;
export const MAX_SKUS = 100;
/** A cloud storage fileID (`cloud://<env>.<bucket>/<path>`), as wx.cloud.uploadFile answers it. */
const FILE_ID = /^cloud:\/\/[0-9A-Za-z_.-]+\/[^\s?#]{1,400}$/;
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

function label(value: unknown, key: string, max: number): string {
  if (typeof value !== 'string') throw invalid(`${key} must be text`);
  const t = value.trim();
  if (t === '') throw invalid(`${key} must not be empty`);
  if (CONTROLS.test(t)) throw invalid(`${key} must not contain control characters`);
  if (Array.from(t).length > max) throw invalid(`${key} must be at most ${max} characters`);
  return t;
}

export function requireStock(value: unknown, key: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_STOCK) {
    throw invalid(`${key} must be a whole number of items in 0..${MAX_STOCK}, got ${JSON.stringify(value)?.slice(0, 20)}`);
  }
  return value;
}

function list(value: unknown, key: string, min: number, max: number): unknown[] {
  if (!Array.isArray(value) || value.length < min || value.length > max) throw invalid(`${key} must be a list of ${min}..${max}`);
  return value;
}

function parseSpecs(value: unknown): ProductSpec[] {
  const names = new Set<string>();
  return list(value, 'specs', 1, MAX_SPECS).map((raw, i) => {
    const f = object(raw, `specs[${i}]`, ['name', 'values']);
    const name = label(f.name, `specs[${i}].name`, SPEC_TEXT_MAX);
    if (names.has(name)) throw invalid(`spec ${name} appears twice`);
    names.add(name);
    const values = list(f.values, `specs[${i}].values`, 1, MAX_SPEC_VALUES).map((v, j) => label(v, `specs[${i}].values[${j}]`, SPEC_TEXT_MAX));
    if (new Set(values).size !== values.length) throw invalid(`specs[${i}].values: a value appears twice`);
    return { name, values };
  });
}

/** A short, stable id for a spec combination: the same values get the same SKU id on every save. */
export function skuIdFor(specs: Readonly<Record<string, string>>): string {
  let h = 0x811c9dc5;
  for (const ch of JSON.stringify(Object.entries(specs))) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `s${h.toString(36)}`;
}

function parseSkus(value: unknown, specs: ProductSpec[]): ProductSkuInput[] {
  const ids = new Set<string>();
  const combos = new Set<string>();
  return list(value, 'skus', 1, MAX_SKUS).map((raw, i) => {
    const f = object(raw, `skus[${i}]`, ['skuId', 'specs', 'price', 'stock', 'stockFrom']);
    const given = object(f.specs, `skus[${i}].specs`, specs.map((s) => s.name));
    const chosen: Record<string, string> = {};
    for (const spec of specs) {
      const v = given[spec.name];
      if (typeof v !== 'string' || !spec.values.includes(v)) throw invalid(`skus[${i}].specs.${spec.name} must be one of ${spec.values.join(', ')}`);
      chosen[spec.name] = v;
    }
    const combo = JSON.stringify(chosen);
    if (combos.has(combo)) throw invalid(`skus[${i}]: another SKU has the same spec values`);
    combos.add(combo);
    const skuId = f.skuId === undefined ? skuIdFor(chosen) : text(f, 'skuId', SKU_ID, `a SKU id (skus[${i}]): a letter, then up to 31 of 0-9 A-Z a-z _ -`);
    if (ids.has(skuId)) throw invalid(`skus[${i}]: SKU id ${skuId} appears twice`);
    ids.add(skuId);
    const sku: ProductSkuInput = { skuId, specs: chosen, price: requireFen(f.price, `skus[${i}].price`), stock: requireStock(f.stock, `skus[${i}].stock`) };
    if (f.stockFrom !== undefined) sku.stockFrom = requireStock(f.stockFrom, `skus[${i}].stockFrom`);
    return sku;
  });
}

export function parseProductInput(value: unknown): ProductInput & { skus: ProductSkuInput[] } {
  const f = object(value, 'product', ['productId', 'name', 'active', 'price', 'stock', 'stockFrom', 'specs', 'skus', 'images', 'description']);
  const out: ProductInput & { skus: ProductSkuInput[] } = { name: label(f.name, 'name', NAME_MAX), active: boolean(f.active, 'active'), skus: [] };
  if (f.productId !== undefined) out.productId = text(f, 'productId', PRODUCT_ID, 'a product id (1-64 of 0-9 A-Z a-z _ -)');
  if (f.description !== undefined && f.description !== '') out.description = label(f.description, 'description', DESCRIPTION_MAX);
  if (f.images !== undefined) {
    out.images = list(f.images, 'images', 0, MAX_IMAGES).map((img, i) => {
      if (typeof img !== 'string' || !FILE_ID.test(img)) throw invalid(`images[${i}] must be a cloud fileID (cloud://…) from wx.cloud.uploadFile`);
      return img;
    });
    if (new Set(out.images).size !== out.images.length) throw invalid('images: a photo appears twice');
  }
  if (f.specs === undefined) {
    if (f.skus !== undefined) throw invalid('skus go with specs: name the specs the SKUs choose from');
    out.price = requireFen(f.price, 'price');
    out.stock = requireStock(f.stock, 'stock');
    out.skus = [{ skuId: DEFAULT_SKU_ID, specs: {}, price: out.price, stock: out.stock }];
    if (f.stockFrom !== undefined) out.skus[0].stockFrom = out.stockFrom = requireStock(f.stockFrom, 'stockFrom');
    return out;
  }
  if (f.price !== undefined || f.stock !== undefined || f.stockFrom !== undefined) throw invalid('a product with specs has a price and a stock per SKU (skus[].price, skus[].stock), none of its own');
  out.specs = parseSpecs(f.specs);
  out.skus = parseSkus(f.skus, out.specs);
  return out;
}

function boolean(value: unknown, key: string): boolean {
  if (typeof value !== 'boolean') throw invalid(`${key} must be true or false`);
  return value;
}

export function parseProductsEvent(event: unknown): ProductsEvent {
  const action = event && typeof event === 'object' ? (event as Fields).action : undefined;
  switch (action) {
    case 'list':
      object(event, 'products.list', ['action']);
      return { action };
    case 'save': {
      const f = object(event, 'products.save', ['action', 'product']);
      return { action, product: parseProductInput(f.product) };
    }
    case 'shelve':
    case 'unshelve': {
      const f = object(event, `products.${action}`, ['action', 'productId']);
      return { action, productId: text(f, 'productId', PRODUCT_ID, 'a product id') };
    }
    case 'adjust': {
      const f = object(event, 'products.adjust', ['action', 'productId', 'skuId', 'delta', 'to', 'from', 'reason']);
      const target = {
        action,
        productId: text(f, 'productId', PRODUCT_ID, 'a product id'),
        ...(f.skuId !== undefined ? { skuId: text(f, 'skuId', SKU_ID, 'a SKU id') } : {}),
        reason: reason(f.reason, 'reason'),
      } as const;
      if (f.to !== undefined || f.from !== undefined) {
        if (f.delta !== undefined) throw invalid('give either delta (put in or take out) or to and from (set the count), not both');
        return { ...target, to: requireStock(f.to, 'to'), from: requireStock(f.from, 'from') };
      }
      const d = f.delta;
      if (typeof d !== 'number' || !Number.isInteger(d) || d === 0 || Math.abs(d) > MAX_STOCK) throw invalid(`delta must be a whole number of items, not 0, at most ${MAX_STOCK} either way`);
      return { ...target, delta: d };
    }
    default:
      throw invalid('action must be one of list, save, shelve, unshelve, adjust');
  }
}
