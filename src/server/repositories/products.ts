import type { ProductDoc } from '../../domain/documents';
import { COLLECTIONS, type Store } from '../store';
import { asProduct } from './decode';

export async function productsByIds(store: Store, ids: string[]): Promise<Map<string, ProductDoc>> {
  const { data } = await store.collection(COLLECTIONS.products).where({ _id: store.command.in(ids) }).limit(ids.length).get();
  return new Map(data.map(asProduct).map((p) => [p._id, p]));
}

export async function activeProducts(store: Store): Promise<ProductDoc[]> {
  const { data } = await store.collection(COLLECTIONS.products).where({ active: true }).orderBy('sort', 'asc').limit(100).get();
  return data.map(asProduct);
}

export async function findProduct(store: Store, productId: string): Promise<ProductDoc | undefined> {
  const { data } = await store.collection(COLLECTIONS.products).where({ _id: productId }).limit(1).get();
  return data.length ? asProduct(data[0]) : undefined;
}
