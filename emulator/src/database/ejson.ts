// Two encodings of documents:
// - EJSON, on the wire: what @cloudbase/database sends (bson's canonical EJSON, plus `$tcb_server_date`) and what
//   it parses back (so numbers come back as numbers and dates as Date, exactly as the SDK itself would write them).
// - storage JSON, in SQLite: plain JSON with dates as {"$date": ms}; unambiguous because stored field names may
//   not start with `$`.
import { invalidParam, unsupported } from './errors';
import { RegexValue, ServerDateRef, isDoc, setField, type Doc, type Value } from './values';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

// ---- wire (EJSON) --------------------------------------------------------------------------------------------

/** Parses one EJSON string from the SDK. Operator objects (`{$gt: …}`) are kept as plain objects. */
export function parseEjson(text: unknown, what: string): Value {
  if (typeof text !== 'string') throw invalidParam(`${what} must be an EJSON string`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw invalidParam(`${what} is not valid EJSON`);
  }
  return fromEjsonValue(raw, what, 0);
}

/** Deeper than any document the database accepts (100 levels) plus operators around it. */
const MAX_WIRE_DEPTH = 150;

function fromEjsonValue(raw: unknown, what: string, depth: number): Value {
  if (depth > MAX_WIRE_DEPTH) throw invalidParam(`${what} is nested too deeply`);
  if (raw === null || typeof raw === 'string' || typeof raw === 'boolean') return raw;
  if (typeof raw === 'number') return raw;
  if (Array.isArray(raw)) return raw.map((x) => fromEjsonValue(x, what, depth + 1));
  if (typeof raw !== 'object') throw invalidParam(`${what} holds a value JSON cannot carry`);
  const obj = raw as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1 && keys[0].startsWith('$')) {
    const special = fromTypeWrapper(keys[0], obj[keys[0]], what, depth);
    if (special !== undefined) return special;
  }
  const out: Doc = {};
  for (const k of keys) {
    // `__proto__` as a field name must stay a field, never become the object's prototype.
    setField(out, k, fromEjsonValue(obj[k], what, depth + 1));
  }
  return out;
}

function numberFromString(v: unknown, what: string): number {
  if (typeof v !== 'string') throw invalidParam(`${what}: malformed EJSON number`);
  const n = Number(v);
  if (v.trim() === '' || (Number.isNaN(n) && v !== 'NaN')) throw invalidParam(`${what}: malformed EJSON number ${JSON.stringify(v)}`);
  return n;
}

/** A `{$type: …}` wrapper, or undefined when the key is an operator. */
function fromTypeWrapper(key: string, body: unknown, what: string, depth: number): Value | undefined {
  switch (key) {
    case '$numberInt':
    case '$numberDouble':
      return numberFromString(body, what);
    case '$numberLong': {
      const n = numberFromString(body, what);
      if (!Number.isSafeInteger(n)) throw unsupported(`the 64-bit integer ${String(body)} (beyond 2^53)`);
      return n;
    }
    case '$date': {
      let ms: number;
      if (typeof body === 'number') ms = body;
      else if (typeof body === 'string') ms = Date.parse(body);
      else if (body && typeof body === 'object' && Object.hasOwn(body, '$numberLong')) ms = numberFromString((body as { $numberLong: unknown }).$numberLong, what);
      else throw invalidParam(`${what}: malformed $date`);
      if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) throw invalidParam(`${what}: invalid date`);
      return new Date(ms);
    }
    case '$regularExpression': {
      const b = body as { pattern?: unknown; options?: unknown } | null;
      if (!b || typeof b.pattern !== 'string') throw invalidParam(`${what}: malformed $regularExpression`);
      return new RegexValue(b.pattern, typeof b.options === 'string' ? b.options : '');
    }
    case '$tcb_server_date': {
      const b = body as { offset?: unknown } | null;
      const offset = b && b.offset !== undefined ? fromEjsonValue(b.offset, what, depth + 1) : 0;
      if (typeof offset !== 'number' || !Number.isFinite(offset)) throw invalidParam(`${what}: serverDate offset must be a number of milliseconds`);
      return new ServerDateRef(offset);
    }
    case '$oid':
      throw unsupported('ObjectId values');
    case '$numberDecimal':
      throw unsupported('Decimal128 values');
    case '$binary':
      throw unsupported('binary values');
    case '$timestamp':
      throw unsupported('BSON timestamps');
    case '$minKey':
    case '$maxKey':
      throw unsupported(`${key} values`);
    default:
      return undefined;
  }
}

/** Canonical EJSON, as bson's `EJSON.stringify(v, {relaxed: false})` writes it. */
export function toEjson(v: Value): string {
  return JSON.stringify(toEjsonValue(v));
}

function toEjsonValue(v: Value): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (Number.isInteger(v)) {
      if (v >= INT32_MIN && v <= INT32_MAX) return { $numberInt: String(Object.is(v, -0) ? 0 : v) };
      if (Number.isSafeInteger(v)) return { $numberLong: String(v) };
    }
    return { $numberDouble: String(v) };
  }
  if (v instanceof Date) return { $date: { $numberLong: String(v.getTime()) } };
  if (v instanceof RegexValue) return { $regularExpression: { pattern: v.pattern, options: v.options } };
  if (v instanceof ServerDateRef) return { $tcb_server_date: { offset: { $numberInt: String(v.offsetMs) } } };
  if (Array.isArray(v)) return v.map(toEjsonValue);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) defineKey(out, k, toEjsonValue(v[k]));
  return out;
}

/** Plain assignment, except for a field named `__proto__`, which must stay a field. */
function defineKey(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

// ---- storage JSON --------------------------------------------------------------------------------------------

export function toStorage(doc: Doc): string {
  return JSON.stringify(toStorageValue(doc));
}

function toStorageValue(v: Value): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : { $double: String(v) };
  if (v instanceof Date) return { $date: v.getTime() };
  if (v instanceof RegexValue) return { $regex: v.pattern, $options: v.options };
  if (v instanceof ServerDateRef) throw new Error('serverDate must be resolved before storage');
  if (Array.isArray(v)) return v.map(toStorageValue);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) defineKey(out, k, toStorageValue(v[k]));
  return out;
}

export function fromStorage(text: string): Doc {
  const v = fromStorageValue(JSON.parse(text));
  if (!isDoc(v)) throw new Error('stored document is not an object');
  return v;
}

/** One stored value, from its parsed JSON (a leaf is all an index key needs). */
export function fromStorageValue(raw: unknown): Value {
  if (raw === null || typeof raw !== 'object') return raw as Value;
  if (Array.isArray(raw)) return raw.map(fromStorageValue);
  const obj = raw as Record<string, unknown>;
  // Own keys only: nothing inherited may turn a stored object into a date.
  if (Object.hasOwn(obj, '$date')) return new Date(obj.$date as number);
  if (Object.hasOwn(obj, '$double')) return Number(obj.$double);
  if (Object.hasOwn(obj, '$regex')) return new RegexValue(String(obj.$regex), String(obj.$options ?? ''));
  const out: Doc = {};
  for (const k of Object.keys(obj)) {
    setField(out, k, fromStorageValue(obj[k]));
  }
  return out;
}
