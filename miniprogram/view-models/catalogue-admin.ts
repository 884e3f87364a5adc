// What the merchant's catalogue shows of a product: its thumbnail, 下架 / 售罄, and each SKU's counters (on the shelf,
// held by unpaid orders, sold). Pure: the pages render what this returns.
import type { MerchantProduct, MerchantSku } from '../../typings/api';
import { formatFen } from '../utils/money';
import { SOLD_OUT_TEXT } from './catalogue';

export const OFF_SHELF_TEXT = '下架';
/** A product saved before stock was counted: buyers can order any number until the merchant sets a count. */
export const UNCOUNTED_TEXT = '不限';

export interface AdminSkuVM {
  skuId: string;
  label: string;
  priceText: string;
  /** 库存 3 (or 不限), 待付款 1, 已售 12. */
  stockText: string;
  heldText: string;
  soldText: string;
  soldOut: boolean;
  counted: boolean;
}

export interface AdminProductVM {
  productId: string;
  name: string;
  image: string;
  priceText: string;
  /** 下架 first (buyers do not see it at all), then 售罄; '' when on sale. */
  stateText: string;
  active: boolean;
  skus: AdminSkuVM[];
}

function skuVM(sku: MerchantSku): AdminSkuVM {
  const counted = sku.stock !== null;
  return {
    skuId: sku.skuId,
    label: sku.spec ?? '',
    priceText: formatFen(sku.price),
    stockText: `库存 ${counted ? sku.stock : UNCOUNTED_TEXT}`,
    heldText: sku.held ? `待付款 ${sku.held}` : '',
    soldText: `已售 ${sku.sold}`,
    soldOut: counted && (sku.stock ?? 0) <= 0,
    counted,
  };
}

export function adminProduct(p: MerchantProduct): AdminProductVM {
  return {
    productId: p.productId,
    name: p.name,
    image: p.imageUrls?.[0] ?? '',
    priceText: p.skus.length > 1 ? `${formatFen(p.price)} 起` : formatFen(p.price),
    stateText: !p.active ? OFF_SHELF_TEXT : p.soldOut ? SOLD_OUT_TEXT : '',
    active: p.active,
    skus: p.skus.map(skuVM),
  };
}
