// The indicators' values from the figures of any span: ratios and means are computed here, at the
// end, from sums (never averaged twice). Keys are the ids of definitions.ts.
import type { CallCounts, Duration, Figures, QueueFigures, Timed } from './figures.js';
import { nearestRank } from './quantile.js';

export type Value = number | null;
export type Keyed = Record<string, Value>;
export type IndicatorValues = Record<string, Value | Keyed>;

const ratio = (n: number, d: number): Value => (d > 0 ? n / d : null);
const meanS = (totalMs: number, n: number): Value => (n > 0 ? totalMs / n / 1000 : null);
const seconds = (ms: number | null): Value => (ms === null ? null : ms / 1000);

function keyed<V>(map: Map<string, V>, f: (v: V) => Value): Keyed {
  const out: Keyed = {};
  for (const k of [...map.keys()].sort()) out[k] = f(map.get(k)!);
  return out;
}

/** The per-call values (annex 3) of one set of counters: the site's, or one department's, line's… */
export function callValues(c: CallCounts): Record<string, Value> {
  return {
    'calls.arrived': c.arrived,
    'calls.answered': c.answered,
    'calls.answeredWithin30s': c.answeredWithin,
    'calls.qs30': ratio(c.answeredWithin, c.answered),
    'calls.answerRate': ratio(c.answered, c.arrived),
    'calls.meanAnswerWaitS': meanS(c.answerWaitMs, c.answered),
    'calls.abandoned': c.abandoned,
    'calls.shortAbandoned': c.shortAbandoned,
    'calls.redirected': c.redirected,
    'calls.fallbackAnswered': c.fallbackAnswered,
    'calls.fallbackAnsweredWithin30s': c.fallbackAnsweredWithin,
    'calls.fallbackAbandoned': c.fallbackAbandoned,
  };
}

function queueValues(queues: Map<string, QueueFigures>): IndicatorValues {
  const per = (f: (q: QueueFigures) => Value) => keyed(queues, f);
  return {
    'queue.offered': per((q) => q.offered),
    'queue.answered': per((q) => q.answered),
    'queue.answeredWithinThreshold': per((q) => q.answeredWithin),
    'queue.serviceLevel': per((q) => ratio(q.answeredWithin, q.answered)),
    'queue.abandoned': per((q) => q.abandoned),
    'queue.otherExits': per((q) => q.otherExits),
    'queue.waitMeanS': per((q) => meanS(q.waitSumMs, q.answered)),
    'queue.waitP50S': per((q) => seconds(nearestRank(q.waitsMs, 0.5))),
    'queue.waitP90S': per((q) => seconds(nearestRank(q.waitsMs, 0.9))),
    'queue.waitMaxS': per((q) => (q.answered > 0 ? q.waitMaxMs / 1000 : null)),
    'queue.abandonWaitMeanS': per((q) => meanS(q.abandonWaitSumMs, q.abandoned)),
  };
}

const timedMean = (t: Timed) => meanS(t.totalMs, t.count);
const timedShare = (t: Timed) => ratio(t.within, t.count);
const durMean = (d: Duration) => meanS(d.totalMs, d.count);

/** Every defined (non-live) indicator's value for the figures of one span and period. */
export function indicatorValues(f: Figures): IndicatorValues {
  let lost = 0;
  for (const n of f.lostAfterTriage.values()) lost += n;
  return {
    ...callValues(f.calls),
    ...queueValues(f.queues),
    'n1.oriented': f.n1Orientation.count,
    'n1.orientationMeanS': timedMean(f.n1Orientation),
    'n1.orientationWithin30sShare': timedShare(f.n1Orientation),
    'n1.byArm.oriented': keyed(f.n1OrientationByAgent, (t) => t.count),
    'n1.byArm.orientationMeanS': keyed(f.n1OrientationByAgent, timedMean),
    'n1.byArm.orientationWithin30sShare': keyed(f.n1OrientationByAgent, timedShare),
    'n1.kept': keyed(f.keptAtN1, (d) => d.count),
    'n1.keptDecisionMeanS': keyed(f.keptAtN1, durMean),
    'talk.calls': keyed(f.talk, (d) => d.count),
    'talk.meanS': keyed(f.talk, durMean),
    'wrapUp.count': keyed(f.wrapUp, (d) => d.count),
    'wrapUp.meanS': keyed(f.wrapUp, durMean),
    'callDuration.calls': keyed(f.callDuration, (d) => d.count),
    'callDuration.meanS': keyed(f.callDuration, durMean),
    'files.drmOpenedAtN1': f.files.drm,
    'files.drmAmu': f.files.drmAmu,
    'files.drmMg': f.files.drmMg,
    'files.dr': f.files.dr,
    'files.noFile': f.files.noFile,
    'lostAfterTriage.total': lost,
    'lostAfterTriage.byStep': keyed(f.lostAfterTriage, (n) => n),
    'reorientations.mgToAmu': f.reorientations.mgToAmu,
    'reorientations.amuToMg': f.reorientations.amuToMg,
    dispositions: keyed(f.dispositions, (n) => n),
    outbound: keyed(f.outbound, (n) => n),
  };
}

/** The per-call values broken down by one dimension ('department', 'line', 'origin', 'mode'). */
export function callValuesBy(f: Figures, dimension: string): Record<string, Record<string, Value>> {
  const out: Record<string, Record<string, Value>> = {};
  const prefix = `${dimension}:`;
  for (const k of [...f.byDimension.keys()].sort()) {
    if (k.startsWith(prefix)) out[k.slice(prefix.length)] = callValues(f.byDimension.get(k)!);
  }
  return out;
}
