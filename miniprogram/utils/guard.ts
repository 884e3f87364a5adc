// One action at a time on a page: a second tap while the first is still working (paying, confirming) is ignored.

/** Runs `work` unless `state` is already busy with another; `state.busy` is the page's own flag. */
export async function oneAtATime(state: { busy: boolean }, work: () => Promise<void>): Promise<void> {
  if (state.busy) return;
  state.busy = true;
  try {
    await work();
  } finally {
    state.busy = false;
  }
}
