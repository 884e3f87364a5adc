// Conditions SQLite checks on a document's stored JSON text before JavaScript parses it, for the parts of a query
// no index serves. Each condition is *necessary*: every document the matcher accepts passes it (documents that pass
// may still fail the matcher, which has the last word). So a filter only decides how many documents are parsed,
// never which ones are answered.
//
// Why the stored text can be searched: documents are written by JSON.stringify (ejson.ts toStorage), so a value v
// appears in the text as its JSON, a field `k` holding v as `"k":<JSON of v>` and a field holding an array as
// `"k":[`, whatever the nesting. Equality is therefore a substring test (instr), far cheaper than parsing; ranges
// use json_extract.
import { RegexValue, isDoc, type Value } from './values';

export interface SqlCondition {
  sql: string;
  params: Array<string | number>;
}

const isIndex = (s: string): boolean => /^(0|[1-9][0-9]*)$/.test(s);

/** A JSON path SQLite understands, or undefined for segments it cannot quote. */
export function jsonPath(segments: readonly string[]): string | undefined {
  if (segments.some((s) => s === '' || /["\\]/.test(s))) return undefined;
  return `$${segments.map((s) => `."${s}"`).join('')}`;
}

const or = (parts: SqlCondition[]): SqlCondition =>
  parts.length === 1 ? parts[0] : { sql: `(${parts.map((p) => p.sql).join(' OR ')})`, params: parts.flatMap((p) => p.params) };
const and = (parts: SqlCondition[]): SqlCondition =>
  parts.length === 1 ? parts[0] : { sql: `(${parts.map((p) => p.sql).join(' AND ')})`, params: parts.flatMap((p) => p.params) };
const contains = (text: string): SqlCondition => ({ sql: 'instr(doc, ?) > 0', params: [text] });

/** Values whose stored JSON a document must contain to equal them (objects and arrays are left to the matcher). */
function isTextComparable(v: Value): v is string | number | boolean | Date {
  return typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean' || v instanceof Date;
}

/**
 * Text a document equal to v at the field `key` must contain. A string or a date appears as its own JSON token
 * wherever it sits (directly or in an array), so that token alone is enough: one substring test. A number's digits
 * also appear inside other numbers (5 in 1700000005), so a number is looked for with its key, `"k":5`, or the key
 * opening an array, `"k":[` (whose elements the matcher then looks at).
 */
function equalsText(key: string, v: string | number | boolean | Date, mayHoldArray: boolean): SqlCondition | undefined {
  // As ejson.ts toStorage writes them (test: scan-filter.test.ts checks every kind against it).
  if (typeof v === 'string') return contains(JSON.stringify(v));
  if (v instanceof Date) return contains(JSON.stringify({ $date: v.getTime() }));
  if (typeof v === 'boolean') return undefined; // "true" and "false" are in nearly every document
  const member = `${JSON.stringify(key)}:`;
  const direct = contains(`${member}${JSON.stringify(v)}`);
  return mayHoldArray ? or([direct, contains(`${member}[`)]) : direct;
}

/**
 * Which top-level fields have never held an array in any document of the collection (the store tracks them): there
 * a number is looked for directly, one substring test instead of two. Deeper fields are assumed to hold arrays.
 */
export type ArrayFields = (field: string) => boolean;

/** The condition for one path, or undefined when no necessary condition is known cheaply. */
function fieldCondition(segments: string[], arg: Value, arrays: ArrayFields): SqlCondition | undefined {
  const key = segments[segments.length - 1];
  const mayHoldArray = segments.length > 1 || arrays(key);
  // A numeric last segment may be an array position, which the text does not name.
  if (isIndex(key)) return undefined;
  if (arg instanceof RegexValue) return undefined;
  const isOperators = isDoc(arg) && Object.keys(arg).length > 0 && Object.keys(arg).every((k) => k.startsWith('$'));
  if (!isOperators) return isTextComparable(arg) ? equalsText(key, arg, mayHoldArray) : undefined;
  const parts: SqlCondition[] = [];
  for (const op of Object.keys(arg)) {
    const v = arg[op];
    if (op === '$eq' && isTextComparable(v)) {
      const c = equalsText(key, v, mayHoldArray);
      if (c) parts.push(c);
    } else if (op === '$in' && Array.isArray(v) && v.every(isTextComparable)) {
      const each = v.map((x) => equalsText(key, x, mayHoldArray));
      if (v.length === 0) parts.push({ sql: '0', params: [] });
      else if (each.every((c): c is SqlCondition => c !== undefined)) parts.push(or(each));
    } else if (op === '$gt' || op === '$gte' || op === '$lt' || op === '$lte') {
      const range = rangeCondition(segments, op, v);
      if (range) parts.push(range);
    } else if (op === '$exists' && v === true) parts.push(contains(`${JSON.stringify(key)}:`));
  }
  return parts.length > 0 ? and(parts) : undefined;
}

/**
 * A range holds only within one type: a number, a string or a date at the path, compared in SQL. Documents with an
 * array anywhere on the path (the matcher fans out over it) or a non-finite number there (stored as an object) pass.
 */
function rangeCondition(segments: string[], op: string, v: Value): SqlCondition | undefined {
  const path = jsonPath(segments);
  if (!path) return undefined;
  const sqlOp = op === '$gt' ? '>' : op === '$gte' ? '>=' : op === '$lt' ? '<' : '<=';
  let compare: SqlCondition;
  let numeric = false;
  if (typeof v === 'number' && Number.isFinite(v)) {
    compare = { sql: `json_extract(doc, ?) ${sqlOp} ?`, params: [path, v] };
    numeric = true;
  } else if (typeof v === 'string') compare = { sql: `json_extract(doc, ?) ${sqlOp} ?`, params: [path, v] };
  else if (v instanceof Date) compare = { sql: `json_extract(doc, ?) ${sqlOp} ?`, params: [`${path}."$date"`, v.getTime()] };
  else return undefined;
  const escapes: SqlCondition[] = [];
  for (let i = 1; i <= segments.length; i++) {
    const prefix = jsonPath(segments.slice(0, i)) as string;
    const types = i === segments.length && numeric ? "('array', 'object')" : "('array')";
    escapes.push({ sql: `json_type(doc, ?) IN ${types}`, params: [prefix] });
  }
  // Only documents that name the field at all are worth a json_extract.
  return and([contains(`${JSON.stringify(segments[segments.length - 1])}:`), or([compare, ...escapes])]);
}

/** The condition for a whole query (a conjunction of fields, $and, $or), or undefined when none is known. */
export function scanFilter(query: Value | undefined, arrays: ArrayFields = () => true): SqlCondition | undefined {
  if (!isDoc(query)) return undefined;
  const parts: SqlCondition[] = [];
  for (const key of Object.keys(query)) {
    const arg = query[key];
    if (key === '$and' && Array.isArray(arg)) {
      for (const sub of arg) {
        const c = scanFilter(sub, arrays);
        if (c) parts.push(c);
      }
    } else if (key === '$or' && Array.isArray(arg) && arg.length > 0) {
      const branches = arg.map((b) => scanFilter(b, arrays));
      // One branch without a condition may match anything, so the $or as a whole says nothing.
      if (branches.every((b): b is SqlCondition => b !== undefined)) parts.push(or(branches));
    } else if (!key.startsWith('$')) {
      const c = fieldCondition(key.split('.'), arg, arrays);
      if (c) parts.push(c);
    }
  }
  return parts.length > 0 ? and(parts) : undefined;
}

/**
 * The index that would serve a query: its equality fields, then its range fields, then its order (as MongoDB's
 * equality-sort-range rule has it, ranges go last when there is no order), e.g. `{"status": 1, "createdAt": -1}`.
 */
export function indexHint(query: Value | undefined, order: Array<{ path: string; dir: 1 | -1 }>): string | undefined {
  const equal: string[] = [];
  const ranged: string[] = [];
  const visit = (q: Value | undefined): void => {
    if (!isDoc(q)) return;
    for (const key of Object.keys(q)) {
      const arg = q[key];
      if (key === '$and' && Array.isArray(arg)) arg.forEach(visit);
      else if (!key.startsWith('$') && key !== '_id') {
        const isOperators = isDoc(arg) && Object.keys(arg).length > 0 && Object.keys(arg).every((k) => k.startsWith('$'));
        (isOperators && !('$eq' in arg) && !('$in' in arg) ? ranged : equal).push(key);
      }
    }
  };
  visit(query);
  const keys = new Map<string, 1 | -1>();
  for (const k of equal) keys.set(k, 1);
  for (const k of order) if (!keys.has(k.path)) keys.set(k.path, k.dir);
  for (const k of ranged) if (!keys.has(k)) keys.set(k, 1);
  if (keys.size === 0) return undefined;
  return `{${[...keys].map(([k, d]) => `${JSON.stringify(k)}: ${d}`).join(', ')}}`;
}
