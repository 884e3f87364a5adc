// The Feie printer behind the ReceiptPrinter interface. The account (user name and UKEY) comes from the function's
// environment variables, never the database: FEIE_USER, FEIE_UKEY, and FEIE_API_URL to point elsewhere (the local cloud).
import type { PrintJob, Receipt, ReceiptPrinter } from '../printer';
import { PrinterError } from '../printer';
import { postForm } from '../http';
import { FEIE_API_URL, feieForm, feieReceipt, parseFeieAnswer, PRINT_MSG } from './protocol';

export interface FeieOptions {
  user: string;
  ukey: string;
  sn: string;
  apiUrl?: string;
  now?: () => Date;
}

export function feieFromEnv(sn: string, env: NodeJS.ProcessEnv = process.env): FeiePrinter | undefined {
  const user = env.FEIE_USER;
  const ukey = env.FEIE_UKEY;
  if (!user || !ukey) return undefined;
  return new FeiePrinter({ user, ukey, sn, ...(env.FEIE_API_URL ? { apiUrl: env.FEIE_API_URL } : {}) });
}

export class FeiePrinter implements ReceiptPrinter {
  readonly vendor = 'feie';

  constructor(private readonly options: FeieOptions) {}

  async print(receipt: Receipt, copies: number): Promise<PrintJob> {
    const now = this.options.now?.() ?? new Date();
    const body = feieForm(this.options, PRINT_MSG, { sn: this.options.sn, content: feieReceipt(receipt), times: String(copies) }, now);
    let reply: { status: number; body: string };
    try {
      // Short: a payment notify waits for this, and reconcile retries what did not get through.
      reply = await postForm(this.options.apiUrl ?? FEIE_API_URL, body, 3_000);
    } catch (err) {
      throw new PrinterError('UNREACHABLE', `the Feie service could not be reached: ${err instanceof Error ? err.message : String(err)}`, true);
    }
    const answer = reply.status === 200 ? parseFeieAnswer(reply.body) : undefined;
    if (!answer) throw new PrinterError('BAD_ANSWER', `the Feie service answered HTTP ${reply.status}`, true);
    if (answer.ret !== 0) {
      // Feie publishes no table of its ret codes: its message is what the merchant needs to read.
      throw new PrinterError(`FEIE_${answer.ret}`, answer.msg.slice(0, 120) || `Feie refused the job (ret ${answer.ret})`, true);
    }
    if (typeof answer.data !== 'string' || answer.data === '') throw new PrinterError('BAD_ANSWER', 'the Feie service took the job but gave no job id', true);
    return { jobId: answer.data };
  }
}
