// The product editor's and the stock page's rules without a page: yuan typed → fen sent, one spec's values → SKU rows
// that keep what they had, and the three ways to adjust a count.
import type { MerchantProduct } from '../../../typings/api';
import { checkProductForm, newProductForm, productForm, rowsForSpecs, specValues } from '../../../miniprogram/domain/product-form';
import { adjustRequest } from '../../../miniprogram/domain/stock-adjust';

const TEA: MerchantProduct = {
  productId: 'black-tea',
  name: '红茶',
  price: 3800,
  active: true,
  images: ['cloud://e.b/product-photos/m/1.png'],
  specs: [{ name: '规格', values: ['100g', '250g'] }],
  skus: [
    { skuId: 'g100', specs: { 规格: '100g' }, spec: '100g', price: 3800, stock: 30, held: 1, sold: 12 },
    { skuId: 'g250', specs: { 规格: '250g' }, spec: '250g', price: 8800, stock: 2, held: 0, sold: 9 },
  ],
  soldOut: false,
};

describe('the product form', () => {
  it('a new product without specs: the price typed in yuan is sent in fen, with its stock', () => {
    const form = { ...newProductForm(), name: ' 茶盘 ', rows: [{ ...newProductForm().rows[0], priceText: '159', stockText: '2' }] };
    expect(checkProductForm(form)).toEqual({ ok: true, product: { name: '茶盘', active: true, images: [], price: 15900, stock: 2 } });
  });

  it('a saved product keeps its SKU ids and sends the counts it showed as stockFrom', () => {
    const form = productForm(TEA);
    expect(form.specs).toEqual([{ name: '规格', valuesText: '100g 250g' }]);
    const check = checkProductForm({ ...form, rows: form.rows.map((r, i) => (i === 1 ? { ...r, stockText: '10' } : r)) });
    expect(check.ok && check.product.skus).toEqual([
      { skuId: 'g100', specs: { 规格: '100g' }, price: 3800, stock: 30, stockFrom: 30 },
      { skuId: 'g250', specs: { 规格: '250g' }, price: 8800, stock: 10, stockFrom: 2 },
    ]);
  });

  it('editing the spec values keeps the rows of values still listed and adds empty ones', () => {
    const rows = rowsForSpecs(productForm(TEA), [{ name: '规格', valuesText: '250g，500g' }]);
    expect(rows.map((r) => [r.label, r.skuId, r.priceText, r.stockText])).toEqual([
      ['250g', 'g250', '88.00', '2'],
      ['500g', undefined, '38.00', ''],
    ]);
    expect(specValues(' a、b  a ')).toEqual(['a', 'b']);
  });

  it('two specs make a row per combination; the existing SKU keeps its row under a second spec only if its values match', () => {
    const form = productForm(TEA);
    const specs = [
      { name: '规格', valuesText: '100g 250g' },
      { name: '包装', valuesText: '罐装 袋装' },
    ];
    const rows = rowsForSpecs(form, specs);
    expect(rows.map((r) => r.label)).toEqual(['100g / 罐装', '100g / 袋装', '250g / 罐装', '250g / 袋装']);
    expect(rows.every((r) => r.skuId === undefined)).toBe(true);
    const filled = { ...form, specs, rows: rows.map((r) => ({ ...r, priceText: '10', stockText: '1' })) };
    const check = checkProductForm(filled);
    expect(check.ok && check.product.specs).toEqual([
      { name: '规格', values: ['100g', '250g'] },
      { name: '包装', values: ['罐装', '袋装'] },
    ]);
    expect(check.ok && check.product.skus?.[1]).toEqual({ specs: { 规格: '100g', 包装: '袋装' }, price: 1000, stock: 1 });
    // Back to one spec: the saved SKUs' rows come back with their counts.
    expect(rowsForSpecs({ rows: form.rows }, [specs[0]]).map((r) => [r.skuId, r.stockFrom])).toEqual([
      ['g100', 30],
      ['g250', 2],
    ]);
  });

  it.each([
    ['no name', { name: '' }, 'name', '请填写商品名称'],
    ['a price with three decimals', { priceText: '12.345' }, 'rows', '价格请填写金额（元），例如 12.50'],
    ['a zero price', { priceText: '0' }, 'rows', '价格请填写金额（元），例如 12.50'],
    ['a negative stock', { stockText: '-1' }, 'rows', '库存请填写 0 到 1000000 的整数'],
    ['values without a spec name', { specs: [{ name: '', valuesText: '大 小' }] }, 'spec', '请填写规格名称，例如：规格、颜色'],
    ['two specs of one name', { specs: [{ name: '色', valuesText: '红' }, { name: '色', valuesText: '蓝' }] }, 'spec', '两个规格的名称相同'],
  ])('%s is refused before anything is sent', (_, change, field, text) => {
    const base = newProductForm();
    const form = { ...base, name: '茶', ...change, rows: [{ ...base.rows[0], priceText: '1', stockText: '1', ...change }] } as ReturnType<typeof newProductForm>;
    const check = checkProductForm(form);
    expect(check.ok ? undefined : (check.errors as Record<string, string>)[field]).toBe(text);
  });
});

describe('the stock page’s request', () => {
  it('入库 and 出库 are deltas; 出库 never more than on the shelf; 盘点 sets from the count shown', () => {
    expect(adjustRequest('IN', '5', '', 2)).toEqual({ ok: true, request: { delta: 5, reason: '到货入库' } });
    expect(adjustRequest('OUT', '2', '碎了', 2)).toEqual({ ok: true, request: { delta: -2, reason: '碎了' } });
    expect(adjustRequest('OUT', '3', '', 2)).toEqual({ ok: false, error: '货架上只有 2 件，待付款订单占用的不能出库' });
    expect(adjustRequest('COUNT', '0', '', 2)).toEqual({ ok: true, request: { to: 0, from: 2, reason: '盘点' } });
    expect(adjustRequest('COUNT', '2', '', 2).ok).toBe(false);
    expect(adjustRequest('IN', '0', '', 2).ok).toBe(false);
    expect(adjustRequest('IN', '1.5', '', 2).ok).toBe(false);
  });
});
