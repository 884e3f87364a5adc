// The edge of every client-facing function: whatever happens inside, the mini-program gets a Result with a stable
// code. Unexpected errors are logged with detail and answered INTERNAL without it.
import type { Result } from '../../typings/api';
import { AppError } from '../domain/errors';
import { ProviderError } from '../providers/payment-provider';
import { caller } from './cloud';
import { errorSummary, log } from './logger';
import { probeable } from './openapi-probe';

export interface ClientCall {
  openid: string;
  clientIp: string;
  env: string | undefined;
}

export function clientFunction<T>(name: string, run: (event: unknown, who: ClientCall) => Promise<T>) {
  return probeable(name, async (event: unknown): Promise<Result<T>> => {
    try {
      const ctx = caller();
      if (!ctx.openid) throw new AppError('UNAUTHENTICATED', 'this function must be called from the mini-program by a signed-in user');
      const data = await run(event, { openid: ctx.openid, clientIp: ctx.clientIp, env: ctx.env });
      return { ok: true, data };
    } catch (err) {
      if (err instanceof AppError) return err.toResult();
      if (err instanceof ProviderError) {
        log('warn', `${name}.provider_error`, { code: err.code, error: err.message });
        return { ok: false, code: 'PROVIDER_ERROR', message: 'WeChat Pay could not complete the request; please try again' };
      }
      log('error', `${name}.failed`, { error: errorSummary(err) });
      return { ok: false, code: 'INTERNAL', message: 'something went wrong on our side; nothing was charged twice, please try again' };
    }
  });
}
