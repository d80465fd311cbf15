// One difference between what Asterisk did (the trace) and what sim-pbx did.

export interface Divergence {
  /** Stable text the README's accepted list matches, e.g. `missing-event ChannelVarset RTPAUDIOQOS …`. */
  code: string;
  kind: 'request' | 'event' | 'replay';
  /** What Asterisk did and what sim-pbx did. */
  asterisk: unknown;
  sim: unknown;
  /** Where in the trace (ms since the start of the recording). */
  t_ms?: number;
  accepted: boolean;
  /** Why it is accepted (from the README), when it is. */
  reason?: string;
}

export type NewDivergence = Omit<Divergence, 'accepted' | 'reason'>;
