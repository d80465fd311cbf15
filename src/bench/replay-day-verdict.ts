// The verdict of `bench replay-day`: do the live day (sim-pbx's ground truth) and the twin agree
// within statistical tolerance? Pure: the figures in, per queue and indicator `agrees: true|false`
// with its tolerance, and one overall verdict (the bench exits 1 when it is false).
//
// The rule: |twin − live| ≤ max(K × the indicator's day-to-day standard deviation, one call's
// worth). Why K = 2: both sides play the very same calls, so a faithful twin's gap should sit well
// inside what the traffic itself moves from one day to the next; 2 standard deviations is the usual
// band that holds about 19 days in 20 of that spread (normal approximation). A gap beyond it is
// larger than what nearly any other ordinary day would change, so a planner reading the twin would be
// misled by it; within it, the twin's error is below the uncertainty the traffic already carries.
// A tighter K would flip on the noise of the spread itself: estimated from 20 days, a standard
// deviation is only known to about ±16 % (1/√(2×19)). One call's worth (1 for a count, 1/answered
// for QS) is the floor, because a count cannot differ by less than one and one caller near its
// patience may be answered on one side and give up on the other; without it a spread of 0 (every
// baseline day gave 0 abandons) would make a single such caller a disagreement.
import type { Indicators } from './replay-day.js';

/** How many day-to-day standard deviations a gap may be (see above). */
export const K_SPREADS = 2;

export const VERDICT_RULE = `|twin − live| ≤ max(${K_SPREADS} × day-to-day sd, one call's worth: 1 for a count, 1/answered for QS)`;

export type IndicatorKey = keyof Indicators;
const KEYS: IndicatorKey[] = ['offered', 'qs', 'meanWaitSeconds', 'abandoned'];

export type Spread = Partial<Record<IndicatorKey, { mean: number; sd: number } | null>>;

export type IndicatorVerdict = {
  live: number | null;
  twin: number | null;
  /** twin − live (null when a side has no value). */
  gap: number | null;
  /** The largest |gap| that agrees (null when the sides cannot be compared). */
  tolerance: number | null;
  agrees: boolean;
  /** Why it does not agree, or why there was nothing to compare. */
  note?: string;
};

export type DayVerdict = {
  k: number;
  rule: string;
  queues: Record<string, Record<IndicatorKey, IndicatorVerdict>>;
  /** The live day reconciled with its PBX (else the comparison is void). */
  reconciled: boolean;
  /** Reconciled, and every indicator of every queue agrees. */
  agrees: boolean;
  /** One line per indicator that does not agree. */
  disagreements: string[];
};

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/** One indicator: `twinAnswered` gives QS's floor (one answer's worth of the twin's queue). */
export function indicatorVerdict(
  key: IndicatorKey,
  live: number | null | undefined,
  twin: number | null | undefined,
  spread: { mean: number; sd: number } | null | undefined,
  twinAnswered: number,
): IndicatorVerdict {
  const l = live ?? null;
  const t = twin ?? null;
  if (l === null && t === null)
    return { live: l, twin: t, gap: null, tolerance: null, agrees: true, note: 'no value on either side' };
  if (l === null || t === null)
    return {
      live: l,
      twin: t,
      gap: null,
      tolerance: null,
      agrees: false,
      note: `${l === null ? 'live' : 'twin'} has no value`,
    };
  const floor = key === 'qs' ? (twinAnswered > 0 ? 1 / twinAnswered : 0) : key === 'meanWaitSeconds' ? 0 : 1;
  const tolerance = round(Math.max(K_SPREADS * (spread?.sd ?? 0), floor), 3);
  const gap = round(t - l, 3);
  // A hair of slack for the rounding of the figures (3 decimals).
  const agrees = Math.abs(gap) <= tolerance + 1e-9;
  return {
    live: l,
    twin: t,
    gap,
    tolerance,
    agrees,
    ...(agrees ? {} : { note: `|gap| ${Math.abs(gap)} > ${tolerance}` }),
  };
}

/** Every queue of either side, every indicator; `twinAnswered` per queue (QS's floor). */
export function dayVerdict(
  live: Record<string, Indicators>,
  twin: Record<string, Indicators>,
  spread: Record<string, Spread>,
  twinAnswered: Record<string, number>,
  reconciled: boolean,
): DayVerdict {
  const ids = [...new Set([...Object.keys(live), ...Object.keys(twin)])].sort();
  const queues: DayVerdict['queues'] = {};
  const disagreements: string[] = [];
  for (const id of ids) {
    const out = {} as Record<IndicatorKey, IndicatorVerdict>;
    for (const k of KEYS) {
      const v = indicatorVerdict(k, live[id]?.[k], twin[id]?.[k], spread[id]?.[k], twinAnswered[id] ?? 0);
      out[k] = v;
      if (!v.agrees)
        disagreements.push(
          `${id} ${k}: live ${v.live ?? '—'}, twin ${v.twin ?? '—'}` +
            (v.gap === null ? ` (${v.note})` : `, gap ${v.gap} beyond ±${v.tolerance}`),
        );
    }
    queues[id] = out;
  }
  if (!reconciled) disagreements.unshift('the live day did not reconcile with its PBX');
  return {
    k: K_SPREADS,
    rule: VERDICT_RULE,
    queues,
    reconciled,
    agrees: disagreements.length === 0,
    disagreements,
  };
}
