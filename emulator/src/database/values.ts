// The values a document can hold, and the comparison rules of the cloud database (MongoDB's): a total order
// across types, numbers compared by value whatever their encoding, strings by their UTF-8 bytes.

export class RegexValue {
  constructor(
    readonly pattern: string,
    readonly options: string,
  ) {}
}

/** `db.serverDate({offset})` as it arrives; replaced by a Date before anything is stored or compared. */
export class ServerDateRef {
  constructor(readonly offsetMs: number) {}
}

export type Value = null | boolean | number | string | Date | RegexValue | ServerDateRef | Value[] | Doc;
export interface Doc {
  [field: string]: Value;
}

export function isDoc(v: unknown): v is Doc {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof RegexValue) && !(v instanceof ServerDateRef);
}

/** BSON's canonical type order, which is the order of sort results across types. */
export function typeRank(v: Value | undefined): number {
  if (v === undefined || v === null) return 1;
  if (typeof v === 'number') return 2;
  if (typeof v === 'string') return 3;
  if (Array.isArray(v)) return 5;
  if (typeof v === 'boolean') return 8;
  if (v instanceof Date) return 9;
  if (v instanceof RegexValue) return 11;
  if (v instanceof ServerDateRef) return 9;
  return 4; // embedded document
}

export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  // UTF-16 order equals UTF-8 byte order except around surrogate pairs; only then pay for the bytes.
  if (/[\ud800-\udfff]/.test(a) || /[\ud800-\udfff]/.test(b)) return Buffer.compare(Buffer.from(a), Buffer.from(b));
  return a < b ? -1 : 1;
}

function compareNumbers(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1; // NaN sorts below every other number, as in MongoDB
  if (Number.isNaN(b)) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Total order of two values (missing counts as null). */
export function compareValues(a: Value | undefined, b: Value | undefined): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  if (a === undefined || a === null || b === undefined || b === null) return 0;
  if (typeof a === 'number' && typeof b === 'number') return compareNumbers(a, b);
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (a instanceof Date && b instanceof Date) return compareNumbers(a.getTime(), b.getTime());
  if (a instanceof RegexValue && b instanceof RegexValue) return compareStrings(a.pattern, b.pattern) || compareStrings(a.options, b.options);
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compareValues(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length === 0 ? 0 : a.length < b.length ? -1 : 1;
  }
  if (isDoc(a) && isDoc(b)) {
    // Field by field, in stored order: type, then name, then value (BSON document comparison).
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
      const va = a[ka[i]];
      const vb = b[kb[i]];
      const c = typeRank(va) - typeRank(vb) || compareStrings(ka[i], kb[i]) || compareValues(va, vb);
      if (c !== 0) return c < 0 ? -1 : 1;
    }
    return ka.length === kb.length ? 0 : ka.length < kb.length ? -1 : 1;
  }
  return 0;
}

/** Equality as the database sees it: 1 equals 1.0, missing equals null, objects need the same fields in the same order. */
export function valuesEqual(a: Value | undefined, b: Value | undefined): boolean {
  return typeRank(a) === typeRank(b) && compareValues(a, b) === 0;
}

/** Defines a field; plain assignment would turn a field named `__proto__` into the object's prototype. */
export function setField(doc: Doc, key: string, value: Value): void {
  if (key === '__proto__') Object.defineProperty(doc, key, { value, enumerable: true, writable: true, configurable: true });
  else doc[key] = value;
}

export function cloneValue<T extends Value>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => cloneValue(x)) as T;
  if (v instanceof Date) return new Date(v.getTime()) as T;
  if (isDoc(v)) {
    const out: Doc = {};
    for (const k of Object.keys(v)) setField(out, k, cloneValue(v[k]));
    return out as T;
  }
  return v;
}

export function describeType(v: Value | undefined): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (v instanceof Date) return 'date';
  if (v instanceof RegexValue) return 'regex';
  if (v instanceof ServerDateRef) return 'serverDate';
  if (isDoc(v)) return 'object';
  return typeof v;
}
