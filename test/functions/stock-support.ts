// Products with counted stock for the stock suites, and how a test reads a SKU's counters.
import { putDocument } from '../../emulator/src/demo';
import type { Shop } from './support';

export interface Counters {
  stock: number;
  held: number;
  sold: number;
}

/** A tea in two weights, 5 and 2 on the shelf, and a cup with one default SKU (3 on the shelf). */
export function putStockedProducts(shop: Shop, stock = { small: 5, large: 2, cup: 3 }): void {
  putDocument(shop.cloud, 'products', {
    _id: 'leaf-tea',
    name: '高山茶',
    price: 3000,
    active: true,
    sort: 20,
    images: ['cloud://demo-env.6465-demo/products/leaf-tea.png'],
    specs: [{ name: '规格', values: ['250g', '500g'] }],
    skus: {
      g250: { specs: { 规格: '250g' }, price: 3000, stock: stock.small, held: 0, sold: 0 },
      g500: { specs: { 规格: '500g' }, price: 5600, stock: stock.large, held: 0, sold: 0 },
    },
  });
  putDocument(shop.cloud, 'products', {
    _id: 'clay-cup',
    name: '陶杯',
    price: 1500,
    active: true,
    sort: 21,
    skus: { default: { specs: {}, price: 1500, stock: stock.cup, held: 0, sold: 0 } },
  });
}

export async function counters(shop: Shop, productId: string, skuId: string): Promise<Counters> {
  const doc = await shop.doc<{ skus: Record<string, Counters> }>('products', productId);
  const { stock, held, sold } = doc!.skus[skuId];
  return { stock, held, sold };
}

