// One SQLite value per document field, ordered the way the cloud database orders values, so that SQLite
// expression indexes can serve equality, ranges and orderBy:
//   missing/null → NULL < numbers → INTEGER/REAL < strings → TEXT (UTF-8 binary) < everything else → BLOB,
// the BLOB starting with a byte in BSON type order (object 03 < array 04 < boolean 08 < date 09 < regex 0B)
// followed by an encoding whose byte order is the database's order (objects field by field: type, name, value).
// Values reached through an array (one field, many values) and NaN are not keyed: such paths are marked
// "multikey" and never pushed down to SQL.
import { fromStorageValue } from './ejson';
import { RegexValue, isDoc, typeRank, type Doc, type Value } from './values';

export type SqlKey = null | number | string | Buffer;

const TWO_63 = BigInt(2) ** BigInt(63);

function dateBytes(ms: number): Buffer {
  const buf = Buffer.alloc(8);
  buf.writeBigUInt64BE(BigInt(ms) + TWO_63);
  return buf;
}

export function dateKey(ms: number): Buffer {
  return Buffer.concat([Buffer.from([0x09]), dateBytes(ms)]);
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
  if (v instanceof RegexValue) return Buffer.concat([Buffer.from([0x0b]), ...orderedBytes(v)]);
  return Buffer.concat([Buffer.from([0x03]), ...orderedBytes(v)]);
}

/** A string's UTF-8 bytes, 00 and 01 escaped, then a 00 terminator: a prefix sorts first. */
function stringBytes(s: string): Buffer {
  const raw = Buffer.from(s);
  const out: number[] = [];
  for (const b of raw) {
    if (b <= 1) out.push(1, b + 1);
    else out.push(b);
  }
  out.push(0);
  return Buffer.from(out);
}

/** A double whose bytes sort as the numbers do (NaN first, as in the database). */
function numberBytes(n: number): Buffer {
  const buf = Buffer.alloc(8);
  if (Number.isNaN(n)) return buf;
  buf.writeDoubleBE(n === 0 ? 0 : n); // -0 equals 0
  if (buf[0] & 0x80) for (let i = 0; i < 8; i++) buf[i] = ~buf[i] & 0xff;
  else buf[0] |= 0x80;
  return buf;
}

/** The payload of a value inside an object or array key (its type byte is written before it). */
function orderedBytes(v: Value): Buffer[] {
  if (v === null) return [];
  if (typeof v === 'number') return [numberBytes(v)];
  if (typeof v === 'string') return [stringBytes(v)];
  if (typeof v === 'boolean') return [Buffer.from([v ? 1 : 0])];
  if (v instanceof Date) return [dateBytes(v.getTime())];
  if (v instanceof RegexValue) return [stringBytes(v.pattern), stringBytes(v.options)];
  const parts: Buffer[] = [];
  if (Array.isArray(v)) {
    for (const el of v) parts.push(Buffer.from([typeRank(el)]), ...orderedBytes(el));
  } else if (isDoc(v)) {
    for (const k of Object.keys(v)) parts.push(Buffer.from([typeRank(v[k])]), stringBytes(k), ...orderedBytes(v[k]));
  }
  parts.push(Buffer.from([0])); // end: shorter sorts first
  return parts;
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
  return Object.hasOwn(v, '$date') || Object.hasOwn(v, '$double') || Object.hasOwn(v, '$regex');
}

/** Whether the key of a path stands for its value: no array on the way or at the end, and not NaN. */
export function isKeyable(doc: Doc, segments: readonly string[]): boolean {
  const key = keyAt(doc, segments);
  if (key === ARRAY_MARKER) return false;
  if (key !== null) return true;
  let current: Value | undefined = doc;
  for (const seg of segments) current = isDoc(current) && Object.prototype.hasOwnProperty.call(current, seg) ? current[seg] : undefined;
  return !(typeof current === 'number' && Number.isNaN(current));
}
