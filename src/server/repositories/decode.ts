// Documents come back from the database as `unknown`. These checks are deliberately light (we wrote the documents),
// but they turn a corrupted or hand-edited document into a clear error instead of wrong money arithmetic.
import type { OrderDoc, ProductDoc, RefundDoc } from '../../domain/documents';
import { isOrderStatus, isRefundStatus } from '../../domain/states';

export class CorruptDocumentError extends Error {
  constructor(collection: string, id: unknown, problem: string) {
    super(`${collection}/${String(id)} is not a valid document: ${problem}`);
    this.name = 'CorruptDocumentError';
  }
}

function record(raw: unknown, collection: string): Record<string, unknown> {
  if (!raw || typeof raw !== 'object' || typeof (raw as { _id?: unknown })._id !== 'string') throw new CorruptDocumentError(collection, undefined, 'no _id');
  return raw as Record<string, unknown>;
}

const isCount = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

export function asOrder(raw: unknown): OrderDoc {
  const d = record(raw, 'orders');
  if (!isOrderStatus(d.status)) throw new CorruptDocumentError('orders', d._id, `status ${String(d.status)}`);
  for (const k of ['totalFee', 'refundedFee', 'refundingFee']) if (d[k] !== undefined && !isCount(d[k])) throw new CorruptDocumentError('orders', d._id, k);
  return { refundedFee: 0, refundingFee: 0, refundCount: 0, timeline: [], items: [], ...d } as unknown as OrderDoc;
}

export function asRefund(raw: unknown): RefundDoc {
  const d = record(raw, 'refunds');
  if (!isRefundStatus(d.status)) throw new CorruptDocumentError('refunds', d._id, `status ${String(d.status)}`);
  if (!isCount(d.refundFee) || !isCount(d.totalFee)) throw new CorruptDocumentError('refunds', d._id, 'refundFee/totalFee');
  return d as unknown as RefundDoc;
}

export function asProduct(raw: unknown): ProductDoc {
  const d = record(raw, 'products');
  if (typeof d.name !== 'string' || !isCount(d.price)) throw new CorruptDocumentError('products', d._id, 'name/price');
  return { active: true, ...d } as unknown as ProductDoc;
}
