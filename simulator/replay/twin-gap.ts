// `simulate replay --twin`: the twin's gap to what really happened, figure by figure. The gap is
// twin − ground truth (the PBX's account, which the ACD's must equal): positive when the twin
// counts more or waits longer than the live system did. Not reconciled: a model is compared.
import type { CallCounts } from './call-counts.js';
import type { QueueFigures } from './ground-truth.js';

export type QueueGap = { [K in keyof QueueFigures]: number | null };
export type TwinGap = { queues: Record<string, QueueGap>; calls: CallCounts };

const NO_QUEUE: QueueFigures = {
  offered: 0,
  answered: 0,
  abandoned: 0,
  answeredWithinThreshold: 0,
  meanWaitSeconds: null,
};

/** twin − truth; null when either side has no value (a mean wait over no answered call). */
export function gapOf(truth: number | null, twin: number | null): number | null {
  if (truth === null || twin === null) return null;
  // Rounded to the millisecond: a mean wait's float noise is no gap.
  return Math.round((twin - truth) * 1000) / 1000 || 0; // never -0
}

/** Per queue step (any queue on either side) and per annex 3 count. */
export function twinGap(
  truth: { queues: Record<string, QueueFigures>; calls: CallCounts },
  twin: { queues: Record<string, QueueFigures>; calls: CallCounts },
): TwinGap {
  const ids = [...new Set([...Object.keys(truth.queues), ...Object.keys(twin.queues)])].sort();
  const queues: Record<string, QueueGap> = {};
  for (const id of ids) {
    const t = truth.queues[id] ?? NO_QUEUE;
    const w = twin.queues[id] ?? NO_QUEUE;
    queues[id] = {
      offered: gapOf(t.offered, w.offered),
      answered: gapOf(t.answered, w.answered),
      abandoned: gapOf(t.abandoned, w.abandoned),
      answeredWithinThreshold: gapOf(t.answeredWithinThreshold, w.answeredWithinThreshold),
      meanWaitSeconds: gapOf(t.meanWaitSeconds, w.meanWaitSeconds),
    };
  }
  const calls = {} as CallCounts;
  for (const k of Object.keys(truth.calls) as (keyof CallCounts)[]) calls[k] = twin.calls[k] - truth.calls[k];
  return { queues, calls };
}

/** A gap as the table shows it: signed, "0" when none, "—" when there is nothing to compare. */
export function formatGap(v: number | null): string {
  if (v === null) return '—';
  if (v === 0) return '0';
  const s = Number.isInteger(v) ? String(Math.abs(v)) : Math.abs(v).toFixed(1);
  if (s === '0.0') return '0';
  return `${v > 0 ? '+' : '-'}${s}`;
}
