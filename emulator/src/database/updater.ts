// Update semantics of the cloud database: the operators wx-server-sdk's commands become ($set, $inc, $push …),
// and whole-document replacement (`doc().set()`). Updates are compiled once, validating every operator and path,
// then applied to copies of the documents they match.
import { invalidParam, requestFailed, unsupported } from './errors';
import { compileElementTest } from './matcher';
import { getForUpdate, paddingBudget, setAt, splitPath, unsetAt, type PaddingBudget } from './paths';
import { cloneValue, compareValues, describeType, isDoc, setField, valuesEqual, type Doc, type Value } from './values';

export type Updater = (doc: Doc) => Doc;
/** One operator on one path; `budget` is shared by all steps of one update of one document. */
type Step = (doc: Doc, budget: PaddingBudget) => void;

const SUPPORTED = ['$set', '$unset', '$inc', '$mul', '$min', '$max', '$rename', '$push', '$pull', '$pullAll', '$addToSet', '$pop'];

export function compileUpdate(update: Value): Updater {
  if (!isDoc(update)) throw invalidParam('update data must be an object');
  const ops = Object.keys(update);
  if (ops.length === 0) throw invalidParam('update data is empty');
  const steps: Step[] = [];
  const targets: string[] = [];
  for (const op of ops) {
    if (!op.startsWith('$')) throw invalidParam(`update data must use update operators, got the field ${JSON.stringify(op)}`);
    if (!SUPPORTED.includes(op)) throw unsupported(op === '$bit' || op === '$currentDate' || op === '$setOnInsert' ? `the update operator ${op}` : `the unknown update operator ${op}`);
    const fields = update[op];
    if (!isDoc(fields)) throw invalidParam(`${op} needs an object of fields`);
    for (const path of Object.keys(fields)) {
      const segments = splitPath(path);
      if (segments[0] === '_id') throw invalidParam('_id cannot be updated');
      targets.push(path);
      if (op === '$rename') {
        const to = fields[path];
        if (typeof to !== 'string') throw invalidParam('$rename needs the new field name as a string');
        const toSegments = splitPath(to);
        if (toSegments[0] === '_id') throw invalidParam('_id cannot be updated');
        targets.push(to);
        steps.push(renameStep(segments, toSegments));
      } else {
        steps.push(fieldStep(op, segments, fields[path]));
      }
    }
  }
  checkConflicts(targets);
  return (doc) => {
    const out = cloneValue(doc);
    const budget = paddingBudget();
    for (const step of steps) step(out, budget);
    return out;
  };
}

/** `doc().set(data)`: the document becomes `data`, keeping its `_id`. */
export function compileReplacement(data: Value): Updater {
  if (!isDoc(data)) throw invalidParam('the new document must be an object');
  for (const k of Object.keys(data)) if (k.startsWith('$')) throw invalidParam(`a replacement document cannot hold the operator ${k}`);
  return (doc) => {
    const out: Doc = { _id: doc._id };
    for (const k of Object.keys(data)) if (k !== '_id') setField(out, k, cloneValue(data[k]));
    return out;
  };
}

/**
 * Two paths conflict when one is the other or lies inside it. Sorted segment by segment, everything inside a path
 * follows it directly, so comparing neighbours finds every conflict in O(n log n): an update naming 20 000 fields
 * must not cost 200 million comparisons.
 */
export function checkConflicts(paths: string[]): void {
  const sorted = paths.map((p) => ({ path: p, segments: p.split('.') })).sort((a, b) => compareSegments(a.segments, b.segments));
  for (let i = 1; i < sorted.length; i++) {
    const [outer, inner] = [sorted[i - 1], sorted[i]];
    if (isPrefix(outer.segments, inner.segments)) {
      throw requestFailed(`Updating the path '${inner.path}' would create a conflict at '${outer.path}'`);
    }
  }
}

function compareSegments(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return a.length - b.length;
}

function isPrefix(outer: string[], inner: string[]): boolean {
  return outer.length <= inner.length && outer.every((s, i) => s === inner[i]);
}

function renameStep(from: string[], to: string[]): Step {
  return (doc, budget) => {
    const v = getForUpdate(doc, from);
    if (v === undefined) return;
    unsetAt(doc, from);
    setAt(doc, to, v, budget);
  };
}

function numberArg(op: string, arg: Value): number {
  if (typeof arg !== 'number') throw invalidParam(`${op} needs a number, got ${describeType(arg)}`);
  return arg;
}

function arrayAt(doc: Doc, op: string, segments: string[]): Value[] | undefined {
  const current = getForUpdate(doc, segments);
  if (current === undefined) return undefined;
  if (!Array.isArray(current)) throw requestFailed(`${op} needs an array at ${segments.join('.')}, found ${describeType(current)}`);
  return current;
}

function fieldStep(op: string, segments: string[], arg: Value): Step {
  const path = segments.join('.');
  switch (op) {
    case '$set':
      return (doc, budget) => setAt(doc, segments, cloneValue(arg), budget);
    case '$unset':
      return (doc) => void unsetAt(doc, segments);
    case '$inc':
    case '$mul': {
      const n = numberArg(op, arg);
      return (doc, budget) => {
        const current = getForUpdate(doc, segments);
        if (current === undefined) return setAt(doc, segments, op === '$inc' ? n : 0, budget);
        if (typeof current !== 'number') throw requestFailed(`cannot apply ${op} to ${path}: it holds ${describeType(current)}, not a number`);
        setAt(doc, segments, op === '$inc' ? current + n : current * n, budget);
      };
    }
    case '$min':
    case '$max':
      return (doc, budget) => {
        const current = getForUpdate(doc, segments);
        const c = current === undefined ? 0 : compareValues(arg, current);
        if (current === undefined || (op === '$min' ? c < 0 : c > 0)) setAt(doc, segments, cloneValue(arg), budget);
      };
    case '$push':
      return pushStep(segments, arg);
    case '$addToSet': {
      const values = isDoc(arg) && Object.hasOwn(arg, '$each') ? eachArg(op, arg) : [arg];
      return (doc, budget) => {
        const current = arrayAt(doc, op, segments) ?? [];
        const next = [...current];
        for (const v of values) if (!next.some((x) => valuesEqual(x, v))) next.push(cloneValue(v));
        setAt(doc, segments, next, budget);
      };
    }
    case '$pull': {
      const test = compileElementTest(arg);
      return (doc, budget) => {
        const current = arrayAt(doc, op, segments);
        if (current) setAt(doc, segments, current.filter((el) => !test(el)), budget);
      };
    }
    case '$pullAll': {
      if (!Array.isArray(arg)) throw invalidParam('$pullAll needs an array');
      return (doc, budget) => {
        const current = arrayAt(doc, op, segments);
        if (current) setAt(doc, segments, current.filter((el) => !arg.some((v) => valuesEqual(el, v))), budget);
      };
    }
    case '$pop': {
      if (arg !== 1 && arg !== -1) throw invalidParam('$pop needs 1 (last) or -1 (first)');
      return (doc, budget) => {
        const current = arrayAt(doc, op, segments);
        if (current && current.length > 0) setAt(doc, segments, arg === 1 ? current.slice(0, -1) : current.slice(1), budget);
      };
    }
    default:
      throw unsupported(`the update operator ${op}`);
  }
}

function eachArg(op: string, arg: Doc): Value[] {
  const each = arg.$each;
  if (!Array.isArray(each)) throw invalidParam(`${op} $each needs an array`);
  return each;
}

function pushStep(segments: string[], arg: Value): Step {
  if (!(isDoc(arg) && Object.hasOwn(arg, '$each'))) {
    return (doc, budget) => setAt(doc, segments, [...(arrayAt(doc, '$push', segments) ?? []), cloneValue(arg)], budget);
  }
  for (const k of Object.keys(arg)) {
    if (!['$each', '$position', '$slice', '$sort'].includes(k)) throw invalidParam(`unknown $push modifier ${k}`);
  }
  const values = eachArg('$push', arg);
  const position = arg.$position;
  const slice = arg.$slice;
  const sort = arg.$sort;
  if (position !== undefined && (typeof position !== 'number' || !Number.isInteger(position))) throw invalidParam('$position needs an integer');
  if (slice !== undefined && (typeof slice !== 'number' || !Number.isInteger(slice))) throw invalidParam('$slice needs an integer');
  const compare = sort === undefined ? undefined : sortComparator(sort);
  return (doc, budget) => {
    let next = [...(arrayAt(doc, '$push', segments) ?? [])];
    const copies = values.map((v) => cloneValue(v));
    if (position === undefined) next.push(...copies);
    else {
      const at = position < 0 ? Math.max(0, next.length + position) : Math.min(position, next.length);
      next.splice(at, 0, ...copies);
    }
    if (compare) next.sort(compare);
    if (slice !== undefined) next = slice >= 0 ? next.slice(0, slice) : next.slice(slice);
    setAt(doc, segments, next, budget);
  };
}

function sortComparator(sort: Value): (a: Value, b: Value) => number {
  if (sort === 1 || sort === -1) return (a, b) => sort * compareValues(a, b);
  if (!isDoc(sort)) throw invalidParam('$sort needs 1, -1 or an object of fields');
  const keys = Object.keys(sort).map((k) => {
    const dir = sort[k];
    if (dir !== 1 && dir !== -1) throw invalidParam('$sort directions are 1 or -1');
    return { segments: splitPath(k), dir };
  });
  return (a, b) => {
    for (const { segments, dir } of keys) {
      const va = isDoc(a) ? getForUpdate(a, segments) : undefined;
      const vb = isDoc(b) ? getForUpdate(b, segments) : undefined;
      const c = compareValues(va, vb);
      if (c !== 0) return dir * c;
    }
    return 0;
  };
}
