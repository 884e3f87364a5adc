// How deeply a parsed JSON value nests, measured without recursion: JSON.parse accepts any depth, but everything
// after it (structured clone to a function's worker, JSON.stringify, the SDK) recurses and overflows its stack.

/** Deeper events are refused with a clear 400 rather than failing inside the runner. */
export const MAX_EVENT_DEPTH = 256;

export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: v, depth } = stack.pop() as { value: unknown; depth: number };
    if (v === null || typeof v !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v as Record<string, unknown>)) {
      if (child !== null && typeof child === 'object') stack.push({ value: child, depth: depth + 1 });
    }
  }
  return false;
}
