// The shop's printer, chosen by settings.printer.provider; undefined when the shop prints nothing or the printer's
// account is not configured in the function's environment.
import type { PrinterSettings } from '../../domain/shipping-settings';
import { feieFromEnv } from './feie';
import type { ReceiptPrinter } from './printer';

export type { Receipt, ReceiptPrinter, PrintJob } from './printer';
export { PrinterError } from './printer';

export function receiptPrinter(settings: PrinterSettings | undefined, env: NodeJS.ProcessEnv = process.env): ReceiptPrinter | undefined {
  if (!settings) return undefined;
  switch (settings.provider) {
    case 'feie':
      return feieFromEnv(settings.sn, env);
  }
}
