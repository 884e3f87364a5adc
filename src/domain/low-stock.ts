// The low-stock alert's rule: a SKU whose shelf count an order left at or below the shop's threshold, and whose
// merchant has not been told since they last put stock in, is owed one message. Pure: server/low-stock.ts claims it.
import { specText } from './catalogue';
import type { ProductDoc } from './documents';

export interface LowStockFacts {
  productId: string;
  productName: string;
  spec?: string;
  stock: number;
  threshold: number;
  /** 「正山小种红茶 250g 仅剩2件」 (a `thing` field: at most 20 characters once fitted). */
  summary: string;
}

/** What the merchant is told about one SKU, or undefined when it is not (or no longer) owed a message. */
export function lowStockFacts(product: Pick<ProductDoc, '_id' | 'name' | 'skus'>, skuId: string, threshold: number): LowStockFacts | undefined {
  const sku = product.skus?.[skuId];
  if (threshold <= 0 || !sku || sku.lowAlerted === true || sku.stock > threshold) return undefined;
  const spec = specText(sku.specs ?? {});
  const left = sku.stock > 0 ? `仅剩${sku.stock}件` : '已售罄';
  return {
    productId: product._id,
    productName: product.name,
    ...(spec ? { spec } : {}),
    stock: sku.stock,
    threshold,
    summary: `${product.name}${spec ? ` ${spec}` : ''} ${left}`,
  };
}
