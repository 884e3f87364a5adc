// Products and their SKUs as the shop sells them: which SKU an order line means, at what price, and whether its
// stock is counted. Pure rules shared by pay (server/order-flow.ts), the product views and the merchant's catalogue.
import type { OrderItem, Product, ProductSku } from '../../typings/api';
import type { OrderDoc, ProductDoc, SkuRecord, StockLine } from './documents';
import { invalid } from './errors';

/** The one SKU of a product without specs (and how a product written before SKUs existed reads). */
export const DEFAULT_SKU_ID = 'default';

/** A SKU id is a field name in the product document (`skus.<id>.stock`): no dots, no `$`, never all digits. */
export const SKU_ID = /^[A-Za-z][0-9A-Za-z_-]{0,31}$/;

export interface Sku {
  skuId: string;
  specs: Record<string, string>;
  price: number;
  /** null: not counted (a product from before SKUs existed). */
  stock: number | null;
}

/** The spec values as one text, in the product's spec order: "500g", "红 / L". */
export function specText(specs: Readonly<Record<string, string>>): string | undefined {
  const values = Object.values(specs);
  return values.length ? values.join(' / ') : undefined;
}

/** A product's SKUs in display order; a product without `skus` is one uncounted SKU at its price. */
export function skusOf(product: Pick<ProductDoc, 'price' | 'skus'>): Sku[] {
  if (!product.skus) return [{ skuId: DEFAULT_SKU_ID, specs: {}, price: product.price, stock: null }];
  return Object.entries(product.skus).map(([skuId, sku]: [string, SkuRecord]) => ({ skuId, specs: sku.specs ?? {}, price: sku.price, stock: sku.stock }));
}

/** The SKU an order line names: required when the product has several, optional when it has one. */
export function resolveSku(product: Pick<ProductDoc, '_id' | 'price' | 'skus'>, skuId: string | undefined, line: string): Sku {
  const skus = skusOf(product);
  if (skuId === undefined) {
    if (skus.length === 1) return skus[0];
    throw invalid(`${line}: product ${product._id} has ${skus.length} specifications; say which with skuId`);
  }
  const sku = skus.find((s) => s.skuId === skuId);
  if (!sku) throw invalid(`${line}: product ${product._id} has no SKU ${skuId}`);
  return sku;
}

export interface PricedOrder {
  items: OrderItem[];
  stockLines: StockLine[];
}

/**
 * Order lines priced from the database (never from the client), with the SKU's spec text and the product's thumbnail
 * kept as bought, and the lines whose stock is counted.
 */
export function priceLines(products: ReadonlyMap<string, ProductDoc>, lines: ReadonlyArray<{ productId: string; quantity: number; skuId?: string }>): PricedOrder {
  const items: OrderItem[] = [];
  const stockLines: StockLine[] = [];
  lines.forEach((line, i) => {
    const product = products.get(line.productId);
    if (!product || !product.active) throw invalid(`unknown product ${line.productId}`);
    const sku = resolveSku(product, line.skuId, `items[${i}]`);
    const spec = specText(sku.specs);
    const image = product.images?.[0];
    items.push({
      productId: product._id,
      name: product.name,
      unitPrice: sku.price,
      quantity: line.quantity,
      ...(product.skus ? { skuId: sku.skuId } : {}),
      ...(spec ? { spec } : {}),
      ...(image ? { image } : {}),
    });
    if (sku.stock !== null) stockLines.push({ productId: product._id, skuId: sku.skuId, quantity: line.quantity });
  });
  return { items, stockLines };
}

/** How an order line reads in an out-of-stock message: `items[1] (花茶 500g)`. */
export function lineLabel(items: readonly OrderItem[], line: StockLine): string {
  const index = items.findIndex((i) => i.productId === line.productId && (i.skuId ?? DEFAULT_SKU_ID) === line.skuId);
  const item = items[index];
  return item ? `items[${index}] (${item.name}${item.spec ? ` ${item.spec}` : ''})` : `${line.productId}/${line.skuId}`;
}

/** What a buyer sees of a product: each SKU's stock (null when uncounted), sold out when none has any. */
export function productView(doc: ProductDoc): Product {
  const skus: ProductSku[] = skusOf(doc).map((s) => {
    const spec = specText(s.specs);
    return { skuId: s.skuId, specs: s.specs, ...(spec ? { spec } : {}), price: s.price, stock: s.stock };
  });
  return {
    productId: doc._id,
    name: doc.name,
    price: lowestPrice(skus, doc.price),
    ...(doc.description ? { description: doc.description } : {}),
    ...(doc.images?.length ? { images: doc.images } : {}),
    ...(doc.specs?.length ? { specs: doc.specs } : {}),
    skus,
    soldOut: skus.every((s) => s.stock !== null && s.stock <= 0),
  };
}

export function lowestPrice(skus: ReadonlyArray<{ price: number }>, fallback: number): number {
  return skus.length ? Math.min(...skus.map((s) => s.price)) : fallback;
}

export type StockSettlement = 'SOLD' | 'RELEASED' | 'NONE';

/** Where a HELD order's stock goes for its status: nowhere yet while unpaid; back to the shelf once closed; sold otherwise. */
export function stockDestination(order: Pick<OrderDoc, 'status' | 'stockState'>): StockSettlement {
  if (order.stockState !== 'HELD' || order.status === 'PENDING') return 'NONE';
  return order.status === 'CLOSED' ? 'RELEASED' : 'SOLD';
}
