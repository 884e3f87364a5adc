// The merchant's catalogue (the `products` function): every product with its SKUs' counters, save, shelve, adjust
// stock. The server refuses anyone who is not a configured merchant.
import type { MerchantProduct, ProductInput, ProductsData } from '../../typings/api';
import { callProducts, type Outcome } from './call';
import { isProduct, listOf } from './shapes';

export function fetchCatalogue(): Promise<Outcome<MerchantProduct[]>> {
  return callProducts<'list'>({ action: 'list' }, listOf(isProduct));
}

/** One product of the catalogue (the list is at most 100 products: there is no cheaper read). */
export async function fetchCatalogueProduct(productId: string): Promise<Outcome<MerchantProduct | undefined>> {
  const all = await fetchCatalogue();
  return all.ok ? { ok: true, data: all.data.find((p) => p.productId === productId) } : all;
}

export function saveProduct(product: ProductInput): Promise<Outcome<ProductsData['save']>> {
  return callProducts<'save'>({ action: 'save', product });
}

export function setOnShelf(productId: string, active: boolean): Promise<Outcome<ProductsData['shelve']>> {
  return callProducts<'shelve'>({ action: active ? 'shelve' : 'unshelve', productId });
}

/** Puts stock in or takes it out (`delta`), or sets the count the merchant counted (`to`, from the count shown). */
export function adjustStock(request: { productId: string; skuId: string; reason: string } & ({ delta: number } | { to: number; from: number })): Promise<Outcome<ProductsData['adjust']>> {
  return callProducts<'adjust'>({ action: 'adjust', ...request });
}
