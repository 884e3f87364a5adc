// The merchant's 对账: the days compared with WeChat Pay's bill and their differences. The server refuses anyone else.
import type { BillDifferenceView, OrdersData } from '../../typings/api';
import { callOrders, type Outcome } from './call';
import type { Check } from './shapes';

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;
const isDay: Check = (x) => isObj(x) && typeof x.date === 'string' && typeof x.channel === 'string' && typeof x.state === 'string' && typeof x.paidFee === 'number';
const isDifference: Check = (x) => isObj(x) && typeof x.id === 'string' && typeof x.kind === 'string' && typeof x.detail === 'string' && (x.state === 'OPEN' || x.state === 'EXPLAINED');

export function fetchBillDays(): Promise<Outcome<OrdersData['bills']>> {
  return callOrders<'bills'>({ action: 'bills' }, (x) => isObj(x) && Array.isArray(x.days) && x.days.every(isDay));
}

export function fetchBillDay(date: string): Promise<Outcome<OrdersData['billDay']>> {
  return callOrders<'billDay'>({ action: 'billDay', date }, (x) => isObj(x) && Array.isArray(x.runs) && x.runs.every(isDay) && Array.isArray(x.differences) && x.differences.every(isDifference));
}

export function explainDifference(differenceId: string, note: string): Promise<Outcome<BillDifferenceView>> {
  return callOrders<'explainBillDifference'>({ action: 'explainBillDifference', differenceId, note }, isDifference);
}
