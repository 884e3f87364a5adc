// setData crosses from the logic thread to the render thread as JSON: send the paths that changed, never a whole
// list to change one row.

type Plain = Record<string, unknown>;

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The `prefix.field` paths whose values differ between two view models of the same row. */
export function changedPaths(prefix: string, before: Plain, after: Plain): Plain {
  const patch: Plain = {};
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  keys.forEach((key) => {
    if (!sameValue(before[key], after[key])) patch[`${prefix}.${key}`] = after[key] ?? null;
  });
  return patch;
}

/** `list[n]` keys that append rows after the `start` rows already shown. */
export function appendPaths(listKey: string, start: number, rows: readonly unknown[]): Plain {
  const patch: Plain = {};
  rows.forEach((row, i) => {
    patch[`${listKey}[${start + i}]`] = row;
  });
  return patch;
}
