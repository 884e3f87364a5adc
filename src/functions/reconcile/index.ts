// reconcile: runs on a timer (config.json). Closes unpaid orders past their deadline, marks paid the orders whose
// notify never came, and settles PROCESSING refunds through queryRefund.
import { caller, database } from '../../server/cloud';
import { payments } from '../../server/provider';
import { reconcile } from '../../server/reconcile-flow';
import { loadSettings } from '../../server/settings';

export async function main(): Promise<unknown> {
  const store = database();
  const settings = await loadSettings(store);
  return reconcile(store, settings, payments(settings, caller().env), new Date());
}
