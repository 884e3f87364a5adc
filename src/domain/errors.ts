// Errors that cross the function boundary carry a stable code (clients branch on it) and a message people read.
import type { ErrorCode, Fail } from '../../typings/api';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }

  toResult(): Fail {
    return { ok: false, code: this.code, message: this.message };
  }
}

export const invalid = (message: string) => new AppError('INVALID_ARGUMENT', message);
export const forbidden = (message: string) => new AppError('FORBIDDEN', message);
export const notFound = (message: string) => new AppError('NOT_FOUND', message);
export const conflict = (message: string) => new AppError('CONFLICT', message);
