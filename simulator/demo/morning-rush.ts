// The demo's opening minutes: a morning rush (several times the base rate) so that a person who
// just opened the wallboard sees a queue build and drain within minutes at --speed 1, then the
// base traffic. Both parts come from the same generator; every number is ILLUSTRATIVE.
import { generateTrace } from '../traffic/generate.js';
import type { Scenario } from '../traffic/scenario.js';
import type { TraceCall } from '../traffic/trace.js';

export type Rush = { minutes: number; factor: number };

/** The base trace with its first `minutes` replaced by the same scenario at `factor` × the rate. */
export function withMorningRush(
  scenarioAt: (callsPerHour: number) => Scenario,
  callsPerHour: number,
  rush: Rush,
): TraceCall[] {
  const base = generateTrace(scenarioAt(callsPerHour));
  if (rush.minutes <= 0 || rush.factor <= 1) return base;
  const end = rush.minutes * 60;
  const busy = generateTrace(scenarioAt(callsPerHour * rush.factor)).filter((c) => c.arrivalS < end);
  return [...busy, ...base.filter((c) => c.arrivalS >= end)];
}
