// bill: runs on a timer (config.json: 10:00, 13:00, 16:00, 19:00 and 22:00 China time) and compares each recent day
// WeChat Pay has a trade bill for, not yet compared, with the books (server/bill-flow.ts); a day whose bill is not
// made yet is tried again on the next run. From the console (云函数 → 测试), `{"billDate": "2026-12-05"}` runs one
// day now. Clients cannot call it (cloudbase/function-security-rules.json).
import { reconcileBills } from '../../server/bill-flow';
import { database } from '../../server/cloud';
import { billSource } from '../../server/provider';
import { loadSettings } from '../../server/settings';
import { parseBillEvent } from '../../domain/bill-event';
import { billAccounts } from '../../domain/channels';
import { probeable } from '../../server/openapi-probe';

async function run(event: unknown): Promise<unknown> {
  const request = parseBillEvent(event, new Date());
  if (!request.ok) return { ok: false, code: 'INVALID_ARGUMENT', message: request.message };
  const store = database();
  const settings = await loadSettings(store);
  const now = new Date();
  // Each merchant account the shop has configured has its own bill (after a switch from cloudPay, both).
  const days = [];
  for (const channel of billAccounts(settings)) days.push(...(await reconcileBills(store, settings, billSource(settings, channel), now, request.days, channel)));
  return { ok: true, days };
}

// The doctor's cloud-call probe is answered before the timer work (server/openapi-probe.ts).
export const main = probeable('bill', run);
