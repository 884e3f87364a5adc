// Per-instance state that the view never renders (cursors, request counters) stays out of `data`, so it never
// costs a setData. Keyed weakly by the component instance.

export function instanceState<S>(init: () => S): (instance: object) => S {
  const states = new WeakMap<object, S>();
  return (instance) => {
    let state = states.get(instance);
    if (!state) {
      state = init();
      states.set(instance, state);
    }
    return state;
  };
}
