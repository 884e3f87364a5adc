// Loading states as explicit unions: a template tests `state.kind === 'error'`, never `listLoading === 3`.

export type LoadState =
  | { kind: 'loading' }
  | { kind: 'ready' }
  | { kind: 'empty' }
  | { kind: 'error'; message: string; code: string };

/** The footer of a paged list. */
export type MoreState = 'idle' | 'loading' | 'end' | 'error';

export const LOADING: LoadState = { kind: 'loading' };
export const READY: LoadState = { kind: 'ready' };
export const EMPTY: LoadState = { kind: 'empty' };

export function failed(code: string, message: string): LoadState {
  return { kind: 'error', code, message };
}
