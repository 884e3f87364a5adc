// /sandbox/bills: see a day's bill as WeChat would hand it out, publish it before 09:00 the next day (WeChat makes
// bills the next morning; a test or a developer cannot wait), and arm the faults a shop's reconciliation must catch.
import type { LocalCloudHost } from '../../contracts';
import { json, parseJsonBody } from '../../http/router';
import { BILL_FAULTS, chinaDay, type BillAccount, type BillFaultMode, type TradeBills } from './index';

const DATE_ROUTE = '(\\d{4}-\\d{2}-\\d{2})';

export function registerBillRoutes(host: LocalCloudHost, bills: TradeBills): void {
  const withDate = (date: string | undefined, then: (date: string) => ReturnType<typeof json>) =>
    date && chinaDay(date) ? then(date) : json(400, { code: 'INVALID_ARGUMENT', message: `"${date ?? ''}" is not a date (yyyy-MM-dd)` });

  host.registerRoute('GET', new RegExp(`^/sandbox/bills/${DATE_ROUTE}$`), (req) =>
    withDate(req.params[0], (date) => {
      const account = req.query.get('account') ?? 'cloudpay';
      if (account !== 'cloudpay' && account !== 'direct') return json(400, { code: 'INVALID_ARGUMENT', message: 'account is cloudpay (cloudPay) or direct (APIv2/APIv3)' });
      const answer = bills.bill(date, account as BillAccount);
      return json(200, { date, account, state: answer.kind, faults: bills.faultsOf(date), ...(answer.kind === 'bill' ? { text: answer.text } : {}) });
    }),
  );

  host.registerRoute('POST', new RegExp(`^/sandbox/bills/${DATE_ROUTE}/publish$`), (req) =>
    withDate(req.params[0], (date) => {
      bills.publish(date);
      host.log('sandbox.bill.published', { date });
      return json(200, { date, published: true });
    }),
  );

  host.registerRoute('POST', new RegExp(`^/sandbox/bills/${DATE_ROUTE}/faults$`), (req) =>
    withDate(req.params[0], (date) => {
      const parsed = parseJsonBody(req);
      if (!parsed.ok) return parsed.reply;
      const body = (parsed.value ?? {}) as Record<string, unknown>;
      const mode = body.mode;
      if (typeof mode !== 'string' || !(BILL_FAULTS as readonly string[]).includes(mode)) {
        return json(400, { code: 'INVALID_ARGUMENT', message: `mode must be one of ${BILL_FAULTS.join(', ')}` });
      }
      if (body.outTradeNo !== undefined && (typeof body.outTradeNo !== 'string' || !/^[0-9A-Za-z_-]{1,32}$/.test(body.outTradeNo))) {
        return json(400, { code: 'INVALID_ARGUMENT', message: 'outTradeNo must be an order number' });
      }
      bills.arm(date, { mode: mode as BillFaultMode, ...(typeof body.outTradeNo === 'string' ? { outTradeNo: body.outTradeNo } : {}) });
      host.log('sandbox.bill.fault', { date, mode });
      return json(200, { date, faults: bills.faultsOf(date) });
    }),
  );
}
