// One SQLite value per document field, ordered the way the cloud database orders values, so that SQLite
// expression indexes can serve equality, ranges and orderBy:
//   missing/null → NULL < numbers → INTEGER/REAL < strings → TEXT (UTF-8 binary) < everything else → BLOB,
// the BLOB starting with the BSON type rank (object 03 < array 04 < boolean 08 < date 09 < regex 0B).
// Values reached through an array are not representable (one field, many values): such paths are marked
// "multikey" and never pushed down to SQL.
import { fromStorageValue } from './ejson';
import { RegexValue, isDoc, type Doc, type Value } from './values';

export type SqlKey = null | number | string | Buffer;

const TWO_63 = BigInt(2) ** BigInt(63);

export function dateKey(ms: number): Buffer {
  const buf = Buffer.alloc(9);
  buf[0] = 0x09;
  buf.writeBigUInt64BE(BigInt(ms) + TWO_63, 1);
  return buf;
}

/** Keys at or above this bound are not dates (the next BSON type). */
export const AFTER_DATES = Buffer.from([0x0a]);
export const FIRST_DATE = Buffer.from([0x09]);
export const ARRAY_MARKER = Buffer.from([0x04]);

export function encodeKey(v: Value | undefined): SqlKey {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') return Number.isNaN(v) ? null : v;
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return Buffer.from([0x08, v ? 1 : 0]);
  if (v instanceof Date) return dateKey(v.getTime());
  if (Array.isArray(v)) return ARRAY_MARKER;
  if (v instanceof RegexValue) return Buffer.concat([Buffer.from([0x0b]), Buffer.from(`${v.pattern}/${v.options}`)]);
  return Buffer.concat([Buffer.from([0x03]), Buffer.from(JSON.stringify(v))]);
}

/** The key of a path without fanning out over arrays (an array on the way gives the array marker). */
export function keyAt(doc: Doc, segments: readonly string[]): SqlKey {
  let current: Value | undefined = doc;
  for (const seg of segments) {
    if (Array.isArray(current)) return ARRAY_MARKER;
    if (!isDoc(current)) return null;
    current = Object.prototype.hasOwnProperty.call(current, seg) ? current[seg] : undefined;
  }
  return encodeKey(current);
}

/** The SQL function `tcb_key(doc, path)` used in index expressions; memoises the last parsed document. */
export function makeKeyFunction(): (docText: unknown, path: unknown) => SqlKey {
  let lastText: string | undefined;
  let lastRaw: unknown;
  const segmentsOf = new Map<string, string[]>();
  return (docText, path) => {
    if (typeof docText !== 'string' || typeof path !== 'string') return null;
    if (docText !== lastText) {
      // Plain JSON.parse: only the value at the end of the path needs converting.
      lastRaw = JSON.parse(docText);
      lastText = docText;
    }
    let segments = segmentsOf.get(path);
    if (!segments) {
      segments = path.split('.');
      segmentsOf.set(path, segments);
    }
    let current: unknown = lastRaw;
    for (const seg of segments) {
      if (Array.isArray(current)) return ARRAY_MARKER;
      if (typeof current !== 'object' || current === null || isStoredScalar(current)) return null;
      current = Object.prototype.hasOwnProperty.call(current, seg) ? (current as Record<string, unknown>)[seg] : undefined;
    }
    return current === undefined ? null : encodeKey(fromStorageValue(current));
  };
}

/** A stored date, regex or special number: a value, not an object to walk into. */
function isStoredScalar(v: object): boolean {
  return '$date' in v || '$double' in v || '$regex' in v;
}
