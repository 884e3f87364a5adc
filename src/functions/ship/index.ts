// ship: the merchant records how an order left the shop; the shipment is uploaded to WeChat's shipping-info service
// (retried by reconcile until WeChat takes it) and the buyer is told. `{orderId, logisticsType, expressCompany?,
// trackingNo?}` → `{orderId, status: 'SHIPPED', corrected}`. The same call again changes nothing; a different
// shipment is the one correction WeChat allows.
import type { ShipData } from '../../../typings/api';
import { forbidden } from '../../domain/errors';
import { isMerchant } from '../../domain/settings';
import { parseShipEvent } from '../../domain/shipping';
import { database } from '../../server/cloud';
import { clientFunction } from '../../server/handler';
import { loadSettings } from '../../server/settings';
import { shipOrder } from '../../server/shipping-flow';

export const main = clientFunction<ShipData>('ship', async (event, who) => {
  const request = parseShipEvent(event);
  const store = database();
  const settings = await loadSettings(store);
  if (!isMerchant(settings, who.openid)) throw forbidden('only the shop’s merchants can ship orders');
  return shipOrder({ store, settings, now: new Date() }, who.openid, request);
});
