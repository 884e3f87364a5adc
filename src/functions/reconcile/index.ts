// reconcile: runs on a timer (config.json). Closes unpaid orders past their deadline, marks paid the orders whose
// notify never came, and settles PROCESSING refunds through queryRefund.
import { caller, database } from '../../server/cloud';
import { payments } from '../../server/provider';
import { reconcile } from '../../server/reconcile-flow';
import { loadSettings } from '../../server/settings';
import { probeable } from '../../server/openapi-probe';

async function run(): Promise<unknown> {
  const store = database();
  const settings = await loadSettings(store);
  return reconcile(store, settings, payments(settings, caller().env), new Date());
}

// The doctor's cloud-call probe is answered before the timer work (server/openapi-probe.ts).
export const main = probeable('reconcile', run);
