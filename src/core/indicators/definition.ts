// The shape of an indicator's definition and the phrases definitions share, so every group of
// definitions (calls, triage, live) states dates and clocks the same way.
export type IndicatorDefinition = {
  id: string;
  label: string;
  unit: 'calls' | 'ratio' | 'seconds' | 'count' | 'agents';
  /** Null for a site-wide value; otherwise what the value is broken down by. */
  keyedBy: string | null;
  /** What is counted, from which events. */
  counts: string;
  /** What starts and stops the clock (durations only). */
  clock: string | null;
  /** Where the boundaries fall. */
  boundary: string | null;
  /** Which span and period (SAS / PDSA) the value falls in. */
  dated: string;
};

export type IndicatorGroup = { id: string; title: string; intro: string; items: IndicatorDefinition[] };

export const seconds = (ms: number) => `${ms / 1000} s`;
export const BY_ARRIVAL =
  "The 15-minute interval of the call's arrival (CallArrived.at), in SAS or PDSA hours by the period in force at arrival (CallArrived.period); the 24 h column is their sum.";
export const BY_ENTRY =
  "The 15-minute interval of the call's entry into the queue (CallQueued.at), in SAS or PDSA hours by the call's arrival period; the 24 h column is their sum.";
export const LIVE = 'Live: computed at the instant asked, from the calls and agents in progress.';

export function def(
  id: string,
  label: string,
  unit: IndicatorDefinition['unit'],
  counts: string,
  more: Partial<Omit<IndicatorDefinition, 'id' | 'label' | 'unit' | 'counts'>> = {},
): IndicatorDefinition {
  return { id, label, unit, counts, keyedBy: null, clock: null, boundary: null, dated: BY_ARRIVAL, ...more };
}
