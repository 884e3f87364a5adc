// Dotted field paths (`address.city`, `items.0.price`) as the cloud database resolves them: a query path fans
// out over arrays of objects; an update path addresses exactly one place.
import { invalidParam, requestFailed } from './errors';
import { isDoc, setField, type Doc, type Value } from './values';

export function splitPath(path: string): string[] {
  const segments = path.split('.');
  if (path === '' || segments.some((s) => s === '')) throw invalidParam(`invalid field path ${JSON.stringify(path)}`);
  return segments;
}

const isIndex = (s: string): boolean => /^(0|[1-9][0-9]*)$/.test(s);

function ownField(doc: Doc, key: string): Value | undefined {
  return Object.prototype.hasOwnProperty.call(doc, key) ? doc[key] : undefined;
}

/**
 * Every value a query path reaches; `undefined` stands for a branch where the field is missing.
 * Arrays at the end of the path are returned whole: operators decide whether to look at their elements.
 */
export function reach(value: Value | undefined, segments: readonly string[], from = 0): Array<Value | undefined> {
  if (from === segments.length) return [value];
  const seg = segments[from];
  if (isDoc(value)) return reach(ownField(value, seg), segments, from + 1);
  if (Array.isArray(value)) {
    const out: Array<Value | undefined> = [];
    if (isIndex(seg) && Number(seg) < value.length) out.push(...reach(value[Number(seg)], segments, from + 1));
    for (const element of value) {
      if (isDoc(element)) out.push(...reach(element, segments, from));
    }
    return out.length > 0 ? out : [undefined];
  }
  return [undefined];
}

/** The single value an update path designates, or undefined. */
export function getForUpdate(doc: Doc, segments: readonly string[]): Value | undefined {
  let current: Value | undefined = doc;
  for (const seg of segments) {
    if (isDoc(current)) current = ownField(current, seg);
    else if (Array.isArray(current) && isIndex(seg)) current = current[Number(seg)];
    else if (Array.isArray(current)) throw requestFailed(`cannot use the part (${seg} of ${segments.join('.')}) to traverse the array element`);
    else return undefined;
  }
  return current;
}

/** MongoDB's limit on the nulls one update may add to arrays to reach an index past their end. */
export const MAX_ARRAY_PADDING = 1_500_000;

/** What is left of an update's padding allowance: `a.200000000` must be refused, not allocated. */
export interface PaddingBudget {
  left: number;
}

export const paddingBudget = (): PaddingBudget => ({ left: MAX_ARRAY_PADDING });

/** Sets a value, creating the objects on the way (MongoDB's $set). */
export function setAt(doc: Doc, segments: readonly string[], value: Value, budget: PaddingBudget = paddingBudget()): void {
  let current: Value = doc;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    const last = i === segments.length - 1;
    if (isDoc(current)) {
      if (last) {
        setField(current, seg, value);
        return;
      }
      let next = ownField(current, seg);
      if (next === undefined || next === null) {
        next = {};
        setField(current, seg, next);
      }
      current = next;
    } else if (Array.isArray(current) && isIndex(seg)) {
      const idx = Number(seg);
      const padding = idx - current.length;
      if (padding > budget.left) {
        throw requestFailed(`can't backfill more than ${MAX_ARRAY_PADDING} elements (${segments.join('.')} is ${padding} past the end of its array)`);
      }
      if (padding > 0) budget.left -= padding;
      while (current.length < idx) current.push(null);
      if (last) {
        current[idx] = value;
        return;
      }
      if (current[idx] === undefined || current[idx] === null) current[idx] = {};
      current = current[idx];
    } else {
      throw requestFailed(`cannot create field '${seg}' of ${segments.join('.')}: the element on the way is ${Array.isArray(current) ? 'an array' : 'not an object'}`);
    }
  }
}

/** Removes a field (array elements become null, as MongoDB's $unset does). */
export function unsetAt(doc: Doc, segments: readonly string[]): boolean {
  let current: Value | undefined = doc;
  for (let i = 0; i < segments.length - 1; i++) {
    const seg = segments[i];
    if (isDoc(current)) current = ownField(current, seg);
    else if (Array.isArray(current) && isIndex(seg)) current = current[Number(seg)];
    else return false;
  }
  const lastSeg = segments[segments.length - 1];
  if (isDoc(current) && Object.prototype.hasOwnProperty.call(current, lastSeg)) {
    delete current[lastSeg];
    return true;
  }
  if (Array.isArray(current) && isIndex(lastSeg) && Number(lastSeg) < current.length) {
    current[Number(lastSeg)] = null;
    return true;
  }
  return false;
}
