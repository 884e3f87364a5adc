// What the shop page shows of a product: its thumbnail, a spec picker, the chosen SKU's price and stock, 售罄.
// Pure, so the page only keeps the choices and renders what this returns.
import type { Product, ProductSku } from '../../typings/api';
import { formatFen } from '../utils/money';

export const SOLD_OUT_TEXT = '售罄';
export const CHOOSE_SPEC_TEXT = '请选择规格';
/** Below this many left, the page says how many. */
export const FEW_LEFT = 10;

export interface SpecValueVM {
  value: string;
  selected: boolean;
  /** Every SKU with this value (and the other values chosen) is sold out. */
  soldOut: boolean;
}

export interface ProductCardVM {
  productId: string;
  name: string;
  description: string;
  image: string;
  specs: Array<{ name: string; values: SpecValueVM[] }>;
  /** The SKU the choices name, or '' while a spec is still unchosen. */
  skuId: string;
  priceText: string;
  /** 仅剩 3 件, 售罄, or ''. */
  stockText: string;
  soldOut: boolean;
  /** How many can be ordered of the chosen SKU (stock, or the page's own limit when uncounted). */
  max: number;
}

const available = (sku: ProductSku) => sku.stock === null || sku.stock > 0;

/** The SKU whose spec values are exactly the chosen ones, if every spec has a choice. */
export function chosenSku(product: Product, chosen: Readonly<Record<string, string>>): ProductSku | undefined {
  if (product.skus.length === 1) return product.skus[0];
  const specs = product.specs ?? [];
  if (specs.some((s) => !chosen[s.name])) return undefined;
  return product.skus.find((sku) => specs.every((s) => sku.specs[s.name] === chosen[s.name]));
}

/** The first choice a product opens with: the first SKU that can be bought (or the first at all). */
export function initialChoice(product: Product): Record<string, string> {
  const sku = product.skus.find(available) ?? product.skus[0];
  return sku ? { ...sku.specs } : {};
}

export function productCard(product: Product, chosen: Readonly<Record<string, string>>, pageLimit: number): ProductCardVM {
  const sku = chosenSku(product, chosen);
  const specs = (product.specs ?? []).map((spec) => ({
    name: spec.name,
    values: spec.values.map((value) => {
      const others = { ...chosen, [spec.name]: value };
      const matching = product.skus.filter((s) => Object.entries(others).every(([k, v]) => s.specs[k] === undefined || s.specs[k] === v));
      return { value, selected: chosen[spec.name] === value, soldOut: matching.length > 0 && !matching.some(available) };
    }),
  }));
  const soldOut = product.soldOut || (sku !== undefined && !available(sku));
  let stockText = '';
  if (soldOut) stockText = SOLD_OUT_TEXT;
  else if (sku && sku.stock !== null && sku.stock <= FEW_LEFT) stockText = `仅剩 ${sku.stock} 件`;
  else if (!sku) stockText = CHOOSE_SPEC_TEXT;
  return {
    productId: product.productId,
    name: product.name,
    description: product.description ?? '',
    // A link from the functions: pages never load a fileID (only its uploader may read the file).
    image: product.imageUrls?.[0] ?? '',
    specs,
    skuId: sku?.skuId ?? '',
    priceText: formatFen(sku?.price ?? product.price),
    stockText,
    soldOut,
    max: soldOut || !sku ? 0 : Math.min(pageLimit, sku.stock ?? pageLimit),
  };
}
