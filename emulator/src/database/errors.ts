// The error codes wx-server-sdk knows for the database (it maps them to errCode: -502001, -502002, -502005,
// -501007); anything the local cloud cannot do faithfully is refused with a message that says so.
import { AdminError } from '../contracts';

export const DbErrorCode = {
  requestFailed: 'DATABASE_REQUEST_FAILED',
  invalidOperator: 'DATABASE_INVALID_OPERRATOR', // sic: the SDK's spelling
  collectionNotExist: 'DATABASE_COLLECTION_NOT_EXIST',
  collectionExists: 'DATABASE_COLLECTION_ALREADY_EXIST',
  transactionConflict: 'DATABASE_TRANSACTION_CONFLICT',
  invalidParam: 'INVALID_PARAM',
} as const;

export function invalidParam(message: string): AdminError {
  return new AdminError(DbErrorCode.invalidParam, message);
}

export function requestFailed(message: string): AdminError {
  return new AdminError(DbErrorCode.requestFailed, message);
}

export function unsupported(what: string): AdminError {
  return new AdminError(DbErrorCode.invalidOperator, `${what} is not supported by the local cloud database (see docs/local-cloud-database.md)`);
}

export function collectionNotExist(name: string): AdminError {
  return new AdminError(
    DbErrorCode.collectionNotExist,
    `collection ${name} does not exist: declare it in cloudbase/database-indexes.json (and create it in the CloudBase console) or call db.createCollection('${name}')`,
  );
}

export function transactionConflict(message: string): AdminError {
  return new AdminError(DbErrorCode.transactionConflict, message);
}

export function duplicateKey(collection: string, index: string, key: string): AdminError {
  // The MongoDB wording, which is what the cloud passes through and what code matching on "duplicate key" expects.
  return requestFailed(`E11000 duplicate key error collection: ${collection} index: ${index} dup key: ${key}`);
}
