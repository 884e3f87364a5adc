// Cloud storage security rules, as the CloudBase console takes them: {"read": R, "write": W}, each true, false or
// an expression about the caller (`auth`) and the file (`resource`). They bind the mini-program only; functions and
// the console always read and write everything. The local cloud understands the expressions of the four presets
// (and `auth != null`), which is what CloudBase's "basic permissions" are written as:
//   所有用户可读，仅创建者可读写 (CloudBase's default)  {"read": true, "write": "resource.openid == auth.openid"}
//   仅创建者可读写                                  {"read": "resource.openid == auth.openid", "write": "resource.openid == auth.openid"}
//   所有用户可读，仅管理员可写                        {"read": true, "write": false}
//   仅管理员可读写                                  {"read": false, "write": false}
// For a new file, `resource.openid` is the uploader: anyone signed in may create files under the creator rule.
import { readFileSync } from 'node:fs';

type Check = (caller: string | undefined, owner: string | undefined) => boolean;

export interface StorageRules {
  canRead(caller: string | undefined, owner: string | undefined): boolean;
  canWrite(caller: string | undefined, owner: string | undefined): boolean;
  /** As written, for the UI. */
  readonly source: { read: unknown; write: unknown };
}

const isOwner: Check = (caller, owner) => caller !== undefined && owner === caller;
const EXPRESSIONS: Record<string, Check> = {
  'resource.openid == auth.openid': isOwner,
  'auth.openid == resource.openid': isOwner,
  'resource.openid == auth.uid': isOwner,
  'auth.uid == resource.openid': isOwner,
  'auth != null': (caller) => caller !== undefined,
};

function checkOf(value: unknown, key: string, origin: string): Check {
  if (value === true) return () => true;
  if (value === false || value === undefined) return () => false; // CloudBase: a missing key denies
  const expression = typeof value === 'string' ? EXPRESSIONS[value.replace(/\s+/g, ' ').trim()] : undefined;
  if (!expression) throw new Error(`${origin}: "${key}" must be true, false, "auth != null" or "resource.openid == auth.openid"`);
  return expression;
}

export function parseStorageRules(source: unknown, origin = 'storage rules'): StorageRules {
  if (!source || typeof source !== 'object' || Array.isArray(source)) throw new Error(`${origin}: must be a JSON object`);
  const { read, write } = source as { read?: unknown; write?: unknown };
  const canRead = checkOf(read, 'read', origin);
  const canWrite = checkOf(write, 'write', origin);
  return { canRead, canWrite, source: { read, write } };
}

export function loadStorageRules(path: string): StorageRules {
  return parseStorageRules(JSON.parse(readFileSync(path, 'utf8')), path);
}

/** CloudBase's default for a new environment: everyone reads, only the creator writes. */
export const DEFAULT_STORAGE_RULES = parseStorageRules({ read: true, write: 'resource.openid == auth.openid' }, 'default storage rules');
