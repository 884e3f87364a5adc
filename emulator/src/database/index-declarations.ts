// The project's one declaration of its collections and indexes (cloudbase/database-indexes.json). The local
// cloud creates exactly these; a user reads the same file to create them in the CloudBase console.
import { readFileSync } from 'node:fs';

export interface IndexDeclaration {
  /** Index name as it appears in the console; unique within its collection. */
  name: string;
  /** Fields in index order, 1 ascending / -1 descending, as in the console's "索引字段". */
  keys: Record<string, 1 | -1>;
  unique?: boolean;
}

/** Collection name → its indexes (an empty list declares a collection without secondary indexes). */
export type IndexDeclarations = Record<string, IndexDeclaration[]>;

export class IndexDeclarationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IndexDeclarationError';
  }
}

export const COLLECTION_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const INDEX_NAME = /^[A-Za-z0-9_]{1,64}$/;
const FIELD_PATH = /^[^$.][^.]*(\.[^$.][^.]*)*$/;

export function loadIndexDeclarations(path: string): IndexDeclarations {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new IndexDeclarationError(`cannot read the index declarations ${path}: ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new IndexDeclarationError(`${path} is not valid JSON: ${(e as Error).message}`);
  }
  return validateIndexDeclarations(raw, path);
}

/** Checks the declarations; keys starting with "//" are comments for the human reader. */
export function validateIndexDeclarations(raw: unknown, source = 'index declarations'): IndexDeclarations {
  const fail = (where: string, problem: string): never => {
    throw new IndexDeclarationError(`${source}: ${where}: ${problem}`);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('top level', 'must be an object of collection name → list of indexes');
  const out: IndexDeclarations = {};
  for (const [collection, list] of Object.entries(raw as Record<string, unknown>)) {
    if (collection.startsWith('//')) continue;
    if (!COLLECTION_NAME.test(collection)) fail(collection, 'collection names start with a letter and hold letters, digits, _ or - (at most 64)');
    if (!Array.isArray(list)) fail(collection, 'must be a list of indexes ([] for none)');
    const names = new Set<string>();
    out[collection] = (list as unknown[]).map((entry, i) => {
      const where = `${collection}[${i}]`;
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) fail(where, 'an index is an object {name, keys, unique}');
      const e = entry as Record<string, unknown>;
      for (const k of Object.keys(e)) if (!['name', 'keys', 'unique'].includes(k) && !k.startsWith('//')) fail(where, `unknown property ${k}`);
      if (typeof e.name !== 'string' || !INDEX_NAME.test(e.name)) fail(where, 'name must be 1-64 letters, digits or _');
      const name = e.name as string;
      if (names.has(name)) fail(where, `duplicate index name ${name}`);
      names.add(name);
      if (typeof e.keys !== 'object' || e.keys === null || Array.isArray(e.keys)) fail(`${collection}.${name}`, 'keys must be an object of field → 1 or -1');
      const keys: Record<string, 1 | -1> = {};
      const entries = Object.entries(e.keys as Record<string, unknown>);
      if (entries.length === 0) fail(`${collection}.${name}`, 'keys is empty');
      for (const [field, dir] of entries) {
        if (!FIELD_PATH.test(field)) fail(`${collection}.${name}`, `invalid field path ${JSON.stringify(field)}`);
        if (dir !== 1 && dir !== -1) fail(`${collection}.${name}`, `direction of ${field} must be 1 or -1`);
        keys[field] = dir as 1 | -1;
      }
      if (e.unique !== undefined && typeof e.unique !== 'boolean') fail(`${collection}.${name}`, 'unique must be true or false');
      return { name, keys, unique: e.unique === true };
    });
  }
  return out;
}
