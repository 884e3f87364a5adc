// Rules every stored document follows, and its forms outside the wire: generated ids, inspection JSON.
import { randomBytes } from 'node:crypto';
import { invalidParam } from './errors';
import { RegexValue, ServerDateRef, isDoc, type Doc, type Value } from './values';

const MAX_DEPTH = 100;

/** Auto `_id`: 32 hex characters, like the ids the cloud generates. */
export function newId(): string {
  return randomBytes(16).toString('hex');
}

export function checked(doc: Doc): Doc {
  validateDocument(doc);
  return doc;
}

/** Field names the database refuses: `$…` (operators), dotted names (ambiguous with paths); nesting depth. */
export function validateDocument(v: Value, depth = 0, path = ''): void {
  if (depth > MAX_DEPTH) throw invalidParam(`document nesting is deeper than ${MAX_DEPTH} levels`);
  if (v instanceof ServerDateRef) throw invalidParam(`serverDate at ${path} was not resolved`);
  if (Array.isArray(v)) v.forEach((x, i) => validateDocument(x, depth + 1, `${path}.${i}`));
  else if (isDoc(v)) {
    for (const k of Object.keys(v)) {
      if (k.startsWith('$')) throw invalidParam(`field names cannot start with $ (${path ? `${path}.` : ''}${k})`);
      if (k.includes('.')) throw invalidParam(`field names cannot contain a dot (${path ? `${path}.` : ''}${k})`);
      validateDocument(v[k], depth + 1, path ? `${path}.${k}` : k);
    }
  }
}

/** Documents as plain JSON for inspection: dates as ISO strings. */
export function toPlainJson(v: Value): unknown {
  if (v instanceof Date) return v.toISOString();
  if (v instanceof RegexValue) return `/${v.pattern}/${v.options}`;
  if (Array.isArray(v)) return v.map(toPlainJson);
  if (isDoc(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) {
      if (k === '__proto__') Object.defineProperty(out, k, { value: toPlainJson(v[k]), enumerable: true });
      else out[k] = toPlainJson(v[k]);
    }
    return out;
  }
  return v;
}
