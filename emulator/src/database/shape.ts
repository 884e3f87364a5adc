// Result shaping: `orderBy` (several keys, arrays sorted by their smallest or largest element as MongoDB does)
// and `field()` projections.
import { invalidParam, unsupported } from './errors';
import { reach, splitPath } from './paths';
import { cloneValue, compareValues, isDoc, setField, type Doc, type Value } from './values';

export interface SortKey {
  path: string;
  segments: string[];
  dir: 1 | -1;
}

export const MAX_SORT_KEYS = 32;

export function parseOrder(order: Value | undefined): SortKey[] {
  if (order === undefined || order === null) return [];
  const entries: Array<[string, Value]> = [];
  if (Array.isArray(order)) {
    // Older SDKs send [{field, direction}].
    for (const o of order) {
      if (!isDoc(o) || typeof o.field !== 'string') throw invalidParam('order entries need a field');
      entries.push([o.field, o.direction ?? 'asc']);
    }
  } else if (isDoc(order)) {
    for (const k of Object.keys(order)) entries.push([k, order[k]]);
  } else {
    throw invalidParam('order must be an object of field directions');
  }
  // MongoDB's limit; without it, 20 000 keys would make every comparison of a sort walk 20 000 paths.
  if (entries.length > MAX_SORT_KEYS) throw invalidParam(`a sort can have at most ${MAX_SORT_KEYS} keys, got ${entries.length}`);
  return entries.map(([path, d]) => {
    const dir = d === 1 || d === 'asc' ? 1 : d === -1 || d === 'desc' ? -1 : undefined;
    if (dir === undefined) throw invalidParam(`order direction of ${path} must be 1/-1 (asc/desc)`);
    return { path, segments: splitPath(path), dir };
  });
}

function sortValue(doc: Doc, key: SortKey): Value | undefined {
  let best: Value | undefined;
  let first = true;
  for (const r of reach(doc, key.segments)) {
    const candidates: Array<Value | undefined> = Array.isArray(r) ? (r.length === 0 ? [undefined] : r) : [r];
    for (const c of candidates) {
      if (first || (key.dir === 1 ? compareValues(c, best) < 0 : compareValues(c, best) > 0)) best = c;
      first = false;
    }
  }
  return best;
}

export function compareDocs(keys: SortKey[]): (a: Doc, b: Doc) => number {
  return (a, b) => {
    for (const key of keys) {
      const c = compareValues(sortValue(a, key), sortValue(b, key));
      if (c !== 0) return key.dir * c;
    }
    return 0;
  };
}

// ---- projection ----------------------------------------------------------------------------------------------

interface PathTree {
  [segment: string]: PathTree | true;
}

/** Without a prototype: a path named `__proto__` or `constructor` is a field here, never Object.prototype. */
const pathTree = (): PathTree => Object.create(null) as PathTree;

export type Projector = (doc: Doc) => Doc;

export function compileProjection(spec: Value | undefined): Projector {
  if (spec === undefined || spec === null) return (d) => d;
  if (!isDoc(spec)) throw invalidParam('projection must be an object');
  let includeId = true;
  const include = pathTree();
  const exclude = pathTree();
  let includes = 0;
  let excludes = 0;
  for (const path of Object.keys(spec)) {
    const v = spec[path];
    if (isDoc(v) || Array.isArray(v)) throw unsupported(`the projection operator on ${path} (${isDoc(v) ? Object.keys(v).join(', ') : 'array'})`);
    const on = v === true || (typeof v === 'number' && v !== 0);
    if (v !== true && v !== false && typeof v !== 'number') throw invalidParam(`projection of ${path} must be 1 or 0`);
    if (path === '_id') {
      includeId = on;
      continue;
    }
    addPath(on ? include : exclude, splitPath(path));
    if (on) includes++;
    else excludes++;
  }
  if (includes > 0 && excludes > 0) throw invalidParam('a projection cannot both include and exclude fields (except _id)');
  const onlyId = includes === 0 && excludes === 0 && includeId && Object.keys(spec).includes('_id');
  if (includes > 0 || onlyId) {
    return (doc) => {
      const picked = pick(doc, include);
      if (!includeId || doc._id === undefined) return picked;
      const out: Doc = { _id: doc._id };
      for (const k of Object.keys(picked)) setField(out, k, picked[k]);
      return out;
    };
  }
  return (doc) => {
    const out = drop(doc, exclude);
    if (!includeId) delete out._id;
    return out;
  };
}

function addPath(tree: PathTree, segments: string[]): void {
  let node = tree;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    if (i === segments.length - 1) {
      node[seg] = true;
      return;
    }
    const next = node[seg];
    if (next === true) return; // a parent is already projected whole
    if (next === undefined) node[seg] = pathTree();
    node = node[seg] as PathTree;
  }
}

function pick(doc: Doc, tree: PathTree): Doc {
  const out: Doc = {};
  for (const key of Object.keys(tree)) {
    if (!Object.prototype.hasOwnProperty.call(doc, key)) continue;
    const sub = tree[key];
    const v = doc[key];
    if (sub === true) setField(out, key, cloneValue(v));
    else if (isDoc(v)) setField(out, key, pick(v, sub));
    else if (Array.isArray(v)) setField(out, key, v.filter(isDoc).map((el) => pick(el, sub)));
  }
  return out;
}

function drop(doc: Doc, tree: PathTree): Doc {
  const out: Doc = {};
  for (const key of Object.keys(doc)) {
    const sub = tree[key];
    const v = doc[key];
    if (sub === true) continue;
    if (sub === undefined) setField(out, key, cloneValue(v));
    else if (isDoc(v)) setField(out, key, drop(v, sub));
    else if (Array.isArray(v)) setField(out, key, v.map((el) => (isDoc(el) ? drop(el, sub) : cloneValue(el))));
    else setField(out, key, cloneValue(v));
  }
  return out;
}
