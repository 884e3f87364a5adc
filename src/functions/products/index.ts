// products: the merchant's catalogue (merchants only): list every product with its SKUs' counters, save a product
// (new or edited, with specs, SKUs, photos), shelve or unshelve it, adjust a SKU's stock with a reason.
import type { ProductsData } from '../../../typings/api';
import { forbidden } from '../../domain/errors';
import { parseProductsEvent } from '../../domain/product-events';
import { isMerchant } from '../../domain/settings';
import { adjustStock, listCatalogue, saveProduct, shelveProduct } from '../../server/catalogue';
import { database } from '../../server/cloud';
import { clientFunction } from '../../server/handler';
import { loadSettings } from '../../server/settings';

export const main = clientFunction<ProductsData[keyof ProductsData]>('products', async (event, who) => {
  const request = parseProductsEvent(event);
  const store = database();
  const settings = await loadSettings(store);
  if (!isMerchant(settings, who.openid)) throw forbidden('only the shop’s merchants can edit the catalogue');
  const ctx = { store, now: new Date(), openid: who.openid };
  switch (request.action) {
    case 'list':
      return listCatalogue(store);
    case 'save':
      return saveProduct(ctx, { ...request.product, skus: request.product.skus ?? [] });
    case 'shelve':
    case 'unshelve':
      return shelveProduct(ctx, request.productId, request.action === 'shelve');
    case 'adjust':
      return adjustStock(ctx, request);
  }
});
