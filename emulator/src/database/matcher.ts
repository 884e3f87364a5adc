// Query semantics of the cloud database (MongoDB's): a query is compiled once, validating every operator, into a
// predicate over documents. A field that holds an array matches when the array itself or any element matches.
import { invalidParam, unsupported } from './errors';
import { reach, splitPath } from './paths';
import { compileRegex } from './regex';
import { RegexValue, ServerDateRef, compareValues, isDoc, setField, typeRank, valuesEqual, type Doc, type Value } from './values';

export type Predicate = (doc: Doc) => boolean;
type ValuesTest = (reached: Array<Value | undefined>) => boolean;

const GEO = new Set(['$geoNear', '$near', '$nearSphere', '$geoWithin', '$geoIntersects']);

/** Replaces `db.serverDate()` placeholders by the server's clock (queries, inserts and updates alike). */
export function resolveServerDates(v: Value, now: number): Value {
  if (v instanceof ServerDateRef) return new Date(now + v.offsetMs);
  if (Array.isArray(v)) return v.map((x) => resolveServerDates(x, now));
  if (isDoc(v)) {
    const out: Doc = {};
    for (const k of Object.keys(v)) setField(out, k, resolveServerDates(v[k], now));
    return out;
  }
  return v;
}

export function compileQuery(query: Value | undefined): Predicate {
  if (query === undefined || query === null) return () => true;
  if (!isDoc(query)) throw invalidParam('query must be an object');
  const parts: Predicate[] = [];
  for (const key of Object.keys(query)) {
    const arg = query[key];
    if (key.startsWith('$')) parts.push(compileLogical(key, arg));
    else parts.push(compileField(key, arg));
  }
  return (doc) => parts.every((p) => p(doc));
}

function compileLogical(op: string, arg: Value): Predicate {
  if (op === '$and' || op === '$or' || op === '$nor') {
    if (!Array.isArray(arg) || arg.length === 0) throw invalidParam(`${op} needs a non-empty array of conditions`);
    const subs = arg.map((q) => compileQuery(q));
    if (op === '$and') return (doc) => subs.every((s) => s(doc));
    if (op === '$or') return (doc) => subs.some((s) => s(doc));
    return (doc) => !subs.some((s) => s(doc));
  }
  if (op === '$where' || op === '$expr' || op === '$text' || op === '$jsonSchema') throw unsupported(`the query operator ${op}`);
  throw unsupported(`the unknown query operator ${op}`);
}

function isOperatorObject(v: Value): v is Doc {
  if (!isDoc(v)) return false;
  const keys = Object.keys(v);
  if (keys.length === 0 || !keys[0].startsWith('$')) return false;
  const plain = keys.find((k) => !k.startsWith('$'));
  if (plain) throw invalidParam(`cannot mix operators and fields in one condition (${keys[0]} and ${plain})`);
  return true;
}

function compileField(path: string, arg: Value): Predicate {
  const segments = splitPath(path);
  const test = compileCondition(arg);
  return (doc) => test(reach(doc, segments));
}

/** A condition on the values one path reaches: an operator object, a regex, or a value to equal. */
function compileCondition(arg: Value): ValuesTest {
  if (arg instanceof RegexValue) return regexTest(arg);
  if (!isOperatorObject(arg)) return equalsTest(arg);
  const keys = Object.keys(arg);
  const tests: ValuesTest[] = [];
  for (const op of keys) {
    if (op === '$options') {
      if (!keys.includes('$regex')) throw invalidParam('$options needs $regex');
      continue;
    }
    tests.push(compileOperator(op, arg[op], arg));
  }
  return (reached) => tests.every((t) => t(reached));
}

/** Values a comparison looks at: each reached value, and the elements of reached arrays. */
function expand(reached: Array<Value | undefined>): Array<Value | undefined> {
  const out: Array<Value | undefined> = [];
  for (const r of reached) {
    out.push(r);
    if (Array.isArray(r)) out.push(...r);
  }
  return out;
}

function equalsTest(arg: Value): ValuesTest {
  if (arg instanceof ServerDateRef) throw new Error('serverDate must be resolved before matching');
  return (reached) => expand(reached).some((v) => valuesEqual(v, arg));
}

function regexTest(re: RegexValue): ValuesTest {
  const test = compileRegex(re);
  return (reached) => expand(reached).some((v) => typeof v === 'string' && test(v));
}

function rangeTest(op: string, arg: Value): ValuesTest {
  const ok = (c: number): boolean => (op === '$gt' ? c > 0 : op === '$gte' ? c >= 0 : op === '$lt' ? c < 0 : c <= 0);
  const rank = typeRank(arg);
  // Comparisons only hold between values of the same type: {$gt: 5} never matches a string.
  return (reached) => expand(reached).some((v) => typeRank(v) === rank && ok(compareValues(v, arg)));
}

function inTest(op: string, arg: Value): ValuesTest {
  if (!Array.isArray(arg)) throw invalidParam(`${op} needs an array`);
  const tests = arg.map((a) => (a instanceof RegexValue ? regexTest(a) : equalsTest(a)));
  return (reached) => tests.some((t) => t(reached));
}

function compileOperator(op: string, arg: Value, whole: Doc): ValuesTest {
  switch (op) {
    case '$eq':
      return equalsTest(arg);
    case '$ne': {
      const eq = equalsTest(arg);
      return (reached) => !eq(reached);
    }
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      return rangeTest(op, arg);
    case '$in':
      return inTest(op, arg);
    case '$nin': {
      const t = inTest(op, arg);
      return (reached) => !t(reached);
    }
    case '$exists': {
      const want = Boolean(arg);
      return (reached) => reached.some((v) => v !== undefined) === want;
    }
    case '$not': {
      if (!(arg instanceof RegexValue) && !isOperatorObject(arg)) throw invalidParam('$not needs an operator expression or a regular expression');
      const t = compileCondition(arg);
      return (reached) => !t(reached);
    }
    case '$regex': {
      const options = typeof whole.$options === 'string' ? whole.$options : '';
      if (arg instanceof RegexValue) return regexTest(new RegexValue(arg.pattern, options || arg.options));
      if (typeof arg !== 'string') throw invalidParam('$regex needs a string or a regular expression');
      return regexTest(new RegexValue(arg, options));
    }
    case '$size': {
      if (typeof arg !== 'number' || !Number.isInteger(arg) || arg < 0) throw invalidParam('$size needs a non-negative integer');
      return (reached) => reached.some((v) => Array.isArray(v) && v.length === arg);
    }
    case '$all': {
      if (!Array.isArray(arg)) throw invalidParam('$all needs an array');
      const tests = arg.map((a) => (a instanceof RegexValue ? regexTest(a) : equalsTest(a)));
      return (reached) => tests.length > 0 && tests.every((t) => t(reached));
    }
    case '$elemMatch': {
      if (!isDoc(arg)) throw invalidParam('$elemMatch needs an object');
      const onValue = Object.keys(arg).length > 0 && Object.keys(arg).every((k) => k.startsWith('$') && k !== '$and' && k !== '$or' && k !== '$nor');
      if (onValue) {
        const t = compileCondition(arg);
        return (reached) => reached.some((v) => Array.isArray(v) && v.some((el) => t([el])));
      }
      const q = compileQuery(arg);
      return (reached) => reached.some((v) => Array.isArray(v) && v.some((el) => isDoc(el) && q(el)));
    }
    case '$mod': {
      if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== 'number' || typeof arg[1] !== 'number' || arg[0] === 0) {
        throw invalidParam('$mod needs [divisor, remainder] with a non-zero divisor');
      }
      const [d, r] = arg;
      return (reached) => expand(reached).some((v) => typeof v === 'number' && Math.trunc(v) % Math.trunc(d) === Math.trunc(r));
    }
    default:
      if (GEO.has(op)) throw unsupported(`the geo query operator ${op}`);
      throw unsupported(`the unknown query operator ${op}`);
  }
}

/** The test `$pull` applies to each element: a condition, a query on element documents, or a value to equal. */
export function compileElementTest(arg: Value): (element: Value) => boolean {
  if (arg instanceof RegexValue || isOperatorObject(arg)) {
    const t = compileCondition(arg);
    return (el) => t([el]);
  }
  if (isDoc(arg)) {
    const q = compileQuery(arg);
    return (el) => isDoc(el) && q(el);
  }
  return (el) => valuesEqual(el, arg);
}
