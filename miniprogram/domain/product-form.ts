// The product editor's rules, apart from the page: what a saved product reads as in the form, how one spec's values
// make the SKU rows, and what the form sends (prices typed in yuan become fen here, never floats). The functions
// validate again (src/domain/product-events.ts); the limits below are theirs.
import type { Fen, MerchantProduct, ProductInput, ProductSkuInput, ProductSpec } from '../../typings/api';
import { fenToYuanText, parseYuanText } from '../utils/money';
import { cleanText, textLength } from './limits';

export const PRODUCT_FORM = { nameMax: 40, descriptionMax: 200, photosMax: 9, specTextMax: 20, specValuesMax: 20, stockMax: 1_000_000 } as const;
/** The row of a product without specs. */
export const DEFAULT_ROW_LABEL = '默认';

export interface SkuRow {
  /** The spec values' text ('默认' without specs): also the row's key on the page. */
  label: string;
  /** Absent on a row the merchant just added (the server names it from its values). */
  skuId?: string;
  specs: Record<string, string>;
  priceText: string;
  stockText: string;
  /** The shelf count the form was opened with (saved SKUs): the save changes it only from this count. */
  stockFrom?: number;
  held: number;
  sold: number;
}

export interface ProductForm {
  /** '' for a new product. */
  productId: string;
  name: string;
  description: string;
  active: boolean;
  /** Up to three specs, each a name and its values as typed; none for a product of one kind. */
  specs: SpecField[];
  /** One row per combination of the specs' values (one `默认` row without specs). */
  rows: SkuRow[];
  /** Cloud fileIDs, the first is the thumbnail. */
  images: string[];
}

export interface SpecField {
  name: string;
  valuesText: string;
}

export const MAX_SPECS = 3;
export const MAX_SKUS = 100;

export type FormErrors = Partial<Record<'name' | 'description' | 'spec' | 'rows' | 'photos', string>>;

const emptyRow = (label: string, specs: Record<string, string>, priceText = ''): SkuRow => ({ label, specs, priceText, stockText: '', held: 0, sold: 0 });

export function newProductForm(): ProductForm {
  return { productId: '', name: '', description: '', active: true, specs: [], rows: [emptyRow(DEFAULT_ROW_LABEL, {})], images: [] };
}

export function productForm(p: MerchantProduct): ProductForm {
  const specs = p.specs ?? [];
  const rows = p.skus.map((s) => ({
    label: s.spec ?? DEFAULT_ROW_LABEL,
    skuId: s.skuId,
    specs: { ...s.specs },
    priceText: fenToYuanText(s.price),
    // A product from before stock was counted has no count yet: the first save sets one.
    stockText: s.stock === null ? '' : String(s.stock),
    ...(s.stock === null ? {} : { stockFrom: s.stock }),
    held: s.held,
    sold: s.sold,
  }));
  return {
    productId: p.productId,
    name: p.name,
    description: p.description ?? '',
    active: p.active,
    specs: specs.map((spec) => ({ name: spec.name, valuesText: spec.values.join(' ') })),
    rows,
    images: [...(p.images ?? [])],
  };
}

/** "250g 500g，1kg" → ['250g', '500g', '1kg']: spaces, commas and 、 separate values; a repeated value counts once. */
export function specValues(text: string): string[] {
  return [...new Set(text.split(/[\s,，、;；]+/).map((v) => cleanText(v)).filter((v) => v !== ''))];
}

/** The specs the fields name: each with a name and at least one value (a field still being typed is left out). */
export function specsOf(fields: readonly SpecField[]): ProductSpec[] {
  return fields.map((f) => ({ name: cleanText(f.name), values: specValues(f.valuesText) })).filter((s) => s.name !== '' && s.values.length > 0);
}

/**
 * The rows for the specs' values, one per combination, in the specs' order: a combination that had a row keeps it
 * (its SKU, price, stock); a new one gets an empty row with the first row's price; no specs is the one default row.
 * Rows of combinations no longer listed go (the server refuses to remove a SKU that unpaid orders hold).
 */
export function rowsForSpecs(form: Pick<ProductForm, 'rows'>, fields: readonly SpecField[]): SkuRow[] {
  const specs = specsOf(fields);
  const price = form.rows[0]?.priceText ?? '';
  if (specs.length === 0) return [form.rows.find((r) => Object.keys(r.specs).length === 0) ?? emptyRow(DEFAULT_ROW_LABEL, {}, price)];
  let combos: Array<Record<string, string>> = [{}];
  for (const spec of specs) combos = combos.flatMap((c) => spec.values.map((v) => ({ ...c, [spec.name]: v })));
  const key = (specs: Record<string, string>) => JSON.stringify(Object.entries(specs).sort());
  return combos.slice(0, MAX_SKUS + 1).map((combo) => {
    const label = Object.values(combo).join(' / ');
    const kept = form.rows.find((r) => key(r.specs) === key(combo));
    return kept ? { ...kept, label, specs: combo } : emptyRow(label, combo, price);
  });
}

function count(text: string): number | null {
  const t = text.trim();
  if (!/^\d{1,7}$/.test(t)) return null;
  const n = Number(t);
  return n <= PRODUCT_FORM.stockMax ? n : null;
}

function price(text: string): Fen | null {
  const fen = parseYuanText(text);
  return fen !== null && fen > 0 ? fen : null;
}

/** What the form sends, or what to correct, field by field. */
export function checkProductForm(form: ProductForm): { ok: true; product: ProductInput } | { ok: false; errors: FormErrors } {
  const errors: FormErrors = {};
  const name = cleanText(form.name);
  if (name === '') errors.name = '请填写商品名称';
  else if (textLength(name) > PRODUCT_FORM.nameMax) errors.name = `名称最多 ${PRODUCT_FORM.nameMax} 字`;
  const description = cleanText(form.description);
  if (textLength(description) > PRODUCT_FORM.descriptionMax) errors.description = `介绍最多 ${PRODUCT_FORM.descriptionMax} 字`;
  if (form.images.length > PRODUCT_FORM.photosMax) errors.photos = `最多 ${PRODUCT_FORM.photosMax} 张照片`;

  let specs: ProductSpec[] | undefined;
  const typed = form.specs.map((f) => ({ name: cleanText(f.name), values: specValues(f.valuesText) })).filter((f) => f.name !== '' || f.values.length > 0);
  const names = typed.map((f) => f.name);
  if (typed.some((f) => f.name === '')) errors.spec = '请填写规格名称，例如：规格、颜色';
  else if (typed.some((f) => f.values.length === 0)) errors.spec = '请填写规格值，用空格分开，例如：250g 500g';
  else if (new Set(names).size !== names.length) errors.spec = '两个规格的名称相同';
  else if (typed.length > MAX_SPECS) errors.spec = `最多 ${MAX_SPECS} 种规格`;
  else if (typed.some((f) => f.values.length > PRODUCT_FORM.specValuesMax)) errors.spec = `每种规格最多 ${PRODUCT_FORM.specValuesMax} 个值`;
  else if (typed.some((f) => [f.name, ...f.values].some((v) => textLength(v) > PRODUCT_FORM.specTextMax))) errors.spec = `规格名称和规格值最多 ${PRODUCT_FORM.specTextMax} 字`;
  else if (form.rows.length > MAX_SKUS) errors.spec = `规格组合最多 ${MAX_SKUS} 个`;
  else if (typed.length > 0) specs = typed;

  const skus: ProductSkuInput[] = [];
  for (const row of form.rows) {
    const fen = price(row.priceText);
    const stock = count(row.stockText);
    const which = specs ? `「${row.label}」的` : '';
    if (fen === null) {
      errors.rows = `${which}价格请填写金额（元），例如 12.50`;
      break;
    }
    if (stock === null) {
      errors.rows = `${which}库存请填写 0 到 ${PRODUCT_FORM.stockMax} 的整数`;
      break;
    }
    skus.push({ ...(row.skuId ? { skuId: row.skuId } : {}), specs: row.specs, price: fen, stock, ...(row.stockFrom !== undefined ? { stockFrom: row.stockFrom } : {}) });
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const common = {
    ...(form.productId ? { productId: form.productId } : {}),
    name,
    active: form.active,
    images: form.images,
    ...(description ? { description } : {}),
  };
  if (!specs) {
    const only = skus[0];
    return { ok: true, product: { ...common, price: only.price, stock: only.stock, ...(only.stockFrom !== undefined ? { stockFrom: only.stockFrom } : {}) } };
  }
  return { ok: true, product: { ...common, specs, skus } };
}
