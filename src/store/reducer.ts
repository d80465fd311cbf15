// The generic shape the store works with: any reducer over JSON events with a string `type`.
// The routing engine's `evolve` plugs in here; tests use a small ledger reducer.

export type StoreEvent = { type: string };

export type Reducer<S, E extends StoreEvent> = {
  initial(): S;
  /** Either mutates `state` in place (returns nothing) or returns the next state. */
  evolve(state: S, event: E): void | S;
};

/** How state is written into and read back from a snapshot; JSON by default. */
export type StateCodec<S> = {
  encode(state: S): string;
  decode(text: string): S;
};

export function jsonCodec<S>(): StateCodec<S> {
  return { encode: (state) => JSON.stringify(state), decode: (text) => JSON.parse(text) as S };
}

export function applyEvent<S, E extends StoreEvent>(reducer: Reducer<S, E>, state: S, event: E): S {
  const next = reducer.evolve(state, event);
  return next === undefined ? state : next;
}
