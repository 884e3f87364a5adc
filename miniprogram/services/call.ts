// One typed door to the cloud functions. Whatever comes back is checked to be a Result before anyone trusts it,
// and a call that never got an answer becomes a NETWORK failure, so pages handle exactly one shape.
import type {
  ApplyRefundData,
  ApplyRefundEvent,
  ApproveRefundData,
  ApproveRefundEvent,
  OrdersData,
  OrdersEvent,
  Ok,
  PayData,
  PayEvent,
  ProductsData,
  ProductsEvent,
  ShipData,
  ShipEvent,
} from '../../typings/api';
import { adapters } from '../adapters/index';
import type { FunctionName } from '../adapters/transport';
import { isErrorCode, type ClientFail } from '../domain/errors';
import type { Check } from './shapes';

export type Outcome<T> = Ok<T> | ClientFail;

interface Contract {
  pay: { event: PayEvent; data: PayData };
  applyRefund: { event: ApplyRefundEvent; data: ApplyRefundData };
  approveRefund: { event: ApproveRefundEvent; data: ApproveRefundData };
  ship: { event: ShipEvent; data: ShipData };
}

/** The merchant's catalogue function: `K` names the answer (shelve and unshelve answer alike). */
export function callProducts<K extends keyof ProductsData>(event: ProductsEvent, check?: Check): Promise<Outcome<ProductsData[K]>> {
  return invoke<ProductsData[K]>('products', event, check);
}

function asOutcome<T>(raw: unknown, check?: Check): Outcome<T> {
  if (raw !== null && typeof raw === 'object') {
    const r = raw as { ok?: unknown; data?: unknown; code?: unknown; message?: unknown };
    if (r.ok === true && 'data' in r) {
      if (check && !check(r.data)) return { ok: false, code: 'INTERNAL', message: 'the function answered data of an unexpected shape' };
      return { ok: true, data: r.data as T };
    }
    if (r.ok === false) {
      return {
        ok: false,
        code: isErrorCode(r.code) ? r.code : 'INTERNAL',
        message: typeof r.message === 'string' ? r.message : '',
      };
    }
  }
  return { ok: false, code: 'INTERNAL', message: 'the function answered something that is not a Result' };
}

async function invoke<T>(name: FunctionName, event: unknown, check?: Check): Promise<Outcome<T>> {
  let raw: unknown;
  try {
    raw = await adapters().transport.call(name, event);
  } catch (err) {
    return { ok: false, code: 'NETWORK', message: err instanceof Error ? err.message : String(err) };
  }
  return asOutcome<T>(raw, check);
}

export function callFunction<N extends keyof Contract>(
  name: N,
  event: Contract[N]['event'],
  check?: Check,
): Promise<Outcome<Contract[N]['data']>> {
  return invoke<Contract[N]['data']>(name, event, check);
}

/** `check` guards the answers pages iterate over or format (see shapes.ts). */
export function callOrders<A extends OrdersEvent['action']>(
  event: Extract<OrdersEvent, { action: A }>,
  check?: Check,
): Promise<Outcome<OrdersData[A]>> {
  return invoke<OrdersData[A]>('orders', event, check);
}
