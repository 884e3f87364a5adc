// A cloud receipt printer, whichever vendor: the flow hands it a Receipt and learns whether the job was taken.
// Each vendor is one folder beside this file; nothing outside it knows its markup, signature or error wording.
import type { DeliveryAddress, Fen } from '../../../typings/api';

/** What a receipt shows, free of any printer's markup. */
export interface Receipt {
  shopName: string;
  orderId: string;
  paidAt: Date;
  items: Array<{ name: string; quantity: number; amount: Fen }>;
  totalFee: Fen;
  /** Refunded so far: the packer must not send what the buyer got back. */
  refundedFee?: Fen;
  /** A refund request is open: the order must not be packed until the merchant decides it. */
  refundOpen?: boolean;
  /** Packing needs the full address: the printer is in the shop, not a log. */
  address?: DeliveryAddress;
  /** A merchant's reprint says so on paper, so two tickets for one order are not packed twice. */
  reprint: boolean;
}

export interface PrintJob {
  /** The vendor's id of the job. */
  jobId: string;
}

export interface ReceiptPrinter {
  readonly vendor: string;
  print(receipt: Receipt, copies: number): Promise<PrintJob>;
}

/** The printer service refused or could not be reached. `retryable` false means retrying the same job cannot help. */
export class PrinterError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'PrinterError';
  }
}
