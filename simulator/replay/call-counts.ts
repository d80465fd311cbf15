// Annex 3's per-call counts (table 1: each SAS call once, whatever its queue steps), from sim-pbx's
// timelines (ground truth) and from the ACD's indicators, and their reconciliation. The ACD's
// thresholds (30 s for the QS, 5 s for a short abandon) are constants in real time: they do not
// scale with --speed, so the ground truth uses them on real waits too.
import { QS_THRESHOLD_MS, SHORT_ABANDON_MS } from '../../src/core/indicators/rules.js';
import type { CallRecord } from '../pbx/timeline.js';
import { alignRows, type Mismatch } from './reconcile.js';
import { formatGap } from './twin-gap.js';

export type CallCounts = {
  arrived: number;
  /** Answered by an agent at least once (appels décrochés). */
  answered: number;
  /** Of which the first answer came less than 30 s (real) after the arrival. */
  answeredWithin30s: number;
  /** Never answered, ended by the caller (or their patience). */
  abandoned: number;
  /** Of which within 5 s (real) of the arrival. */
  shortAbandoned: number;
};

export const NO_CALLS: CallCounts = {
  arrived: 0,
  answered: 0,
  answeredWithin30s: 0,
  abandoned: 0,
  shortAbandoned: 0,
};

/** The counts, and how many calls fell within `toleranceMs` of a threshold (either side is fair). */
export function callCountsOf(
  records: Iterable<CallRecord>,
  toleranceMs: number,
): { counts: CallCounts; nearQs: number; nearShort: number } {
  const counts = { ...NO_CALLS };
  let nearQs = 0;
  let nearShort = 0;
  for (const call of records) {
    const arrived = call.entries.find((e) => e.kind === 'arrived')?.atMs ?? call.arrivedAtMs;
    counts.arrived++;
    const answer = call.entries.find((e) => e.kind === 'connected-to-agent');
    if (answer) {
      counts.answered++;
      const wait = answer.atMs - arrived;
      if (wait < QS_THRESHOLD_MS) counts.answeredWithin30s++;
      if (Math.abs(wait - QS_THRESHOLD_MS) <= toleranceMs) nearQs++;
    } else if (call.endedAtMs !== null && (call.endedBy === 'caller' || call.endedBy === 'patience')) {
      if (
        call.entries.some((e) => e.kind === 'redirected' || e.kind === 'referred' || e.kind === 'continued')
      )
        continue; // sent elsewhere: not an abandon
      counts.abandoned++;
      const lived = call.endedAtMs - arrived;
      if (lived < SHORT_ABANDON_MS) counts.shortAbandoned++;
      if (Math.abs(lived - SHORT_ABANDON_MS) <= toleranceMs) nearShort++;
    }
  }
  return { counts, nearQs, nearShort };
}

/** Counts must be equal; the two threshold counts may differ by the calls near their threshold. */
export function reconcileCallCounts(
  truth: { counts: CallCounts; nearQs: number; nearShort: number },
  acd: CallCounts,
): Mismatch[] {
  const out: Mismatch[] = [];
  const t = truth.counts;
  for (const f of ['arrived', 'answered', 'abandoned'] as const)
    if (t[f] !== acd[f]) out.push({ queue: '(SAS calls)', figure: f, groundTruth: t[f], acd: acd[f] });
  if (Math.abs(t.answeredWithin30s - acd.answeredWithin30s) > truth.nearQs)
    out.push({
      queue: '(SAS calls)',
      figure: 'answeredWithin30s',
      groundTruth: t.answeredWithin30s,
      acd: acd.answeredWithin30s,
    });
  if (Math.abs(t.shortAbandoned - acd.shortAbandoned) > truth.nearShort)
    out.push({
      queue: '(SAS calls)',
      figure: 'shortAbandoned',
      groundTruth: t.shortAbandoned,
      acd: acd.shortAbandoned,
    });
  return out;
}

/** Annex 3's per-call counts as a table: PBX | ACD (| twin | gap), a mark where PBX and ACD differ. */
export function formatCallCounts(
  truth: CallCounts,
  acd: CallCounts,
  mismatches: Mismatch[],
  twin?: CallCounts,
): string {
  const rows = [['SAS calls (annex 3 table 1)', twin ? 'PBX | ACD | twin | gap' : 'PBX | ACD']];
  for (const f of Object.keys(NO_CALLS) as (keyof CallCounts)[]) {
    const bad = mismatches.some((m) => m.queue === '(SAS calls)' && m.figure === f);
    const w = twin ? ` | ${twin[f]} | ${formatGap(twin[f] - truth[f])}` : '';
    rows.push([f, `${truth[f]} | ${acd[f]}${w}${bad ? ' ✗' : ''}`]);
  }
  return alignRows(rows);
}
