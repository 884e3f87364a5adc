// Rules every stored document follows, and its forms outside the wire: generated ids, inspection JSON.
import { randomBytes } from 'node:crypto';
import { invalidParam, requestFailed } from './errors';
import { RegexValue, ServerDateRef, isDoc, type Doc, type Value } from './values';

const MAX_DEPTH = 100;

/** CloudBase's (MongoDB's) limit for one document, 16 MB, measured here on the stored JSON in UTF-8. */
export const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

/**
 * Refuses a document whose stored form is larger than a document may be, with MongoDB's wording (what the cloud
 * passes through, as DATABASE_REQUEST_FAILED). Cheap: a UTF-8 character takes at most 3 bytes per UTF-16 unit, so
 * only text longer than a third of the limit is measured at all.
 */
export function checkDocumentSize(storedText: string, where: string): void {
  if (storedText.length * 3 <= MAX_DOCUMENT_BYTES) return;
  const bytes = Buffer.byteLength(storedText, 'utf8');
  if (bytes > MAX_DOCUMENT_BYTES) {
    throw requestFailed(`BSONObj size: ${bytes} (0x${bytes.toString(16).toUpperCase()}) is invalid. Size must be between 0 and ${MAX_DOCUMENT_BYTES}(16MB) (document ${where})`);
  }
}

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
