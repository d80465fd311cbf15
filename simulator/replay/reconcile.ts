// Ground truth against the ACD, queue step by queue step. Counts must be equal. Two figures depend
// on when each side saw the same instant (the PBX and the ACD are separate processes, a few
// milliseconds apart): the mean wait may differ by the tolerance, and an answer whose wait lies
// within the tolerance of its queue's threshold may fall on either side of it.
import type { QueueFigures, QueueTruth } from './ground-truth.js';
import { formatGap, gapOf } from './twin-gap.js';

export type Mismatch = { queue: string; figure: string; groundTruth: number | null; acd: number | null };

export type Reconciliation = { reconciled: boolean; mismatches: Mismatch[]; queueIds: string[] };

const EMPTY: QueueFigures = {
  offered: 0,
  answered: 0,
  abandoned: 0,
  answeredWithinThreshold: 0,
  meanWaitSeconds: null,
};

export function reconcile(
  truth: Record<string, QueueTruth>,
  acd: Record<string, QueueFigures>,
  /** Mean-wait tolerance in simulated seconds. */
  waitToleranceSeconds: number,
  extra: Mismatch[] = [],
): Reconciliation {
  const queueIds = [...new Set([...Object.keys(truth), ...Object.keys(acd)])].sort();
  const mismatches: Mismatch[] = [...extra];
  for (const id of queueIds) {
    const t = truth[id] ?? { ...EMPTY, waitSumMs: 0, nearThreshold: 0 };
    const a = acd[id] ?? EMPTY;
    for (const f of ['offered', 'answered', 'abandoned'] as const)
      if (t[f] !== a[f]) mismatches.push({ queue: id, figure: f, groundTruth: t[f], acd: a[f] });
    if (Math.abs(t.answeredWithinThreshold - a.answeredWithinThreshold) > t.nearThreshold)
      mismatches.push({
        queue: id,
        figure: 'answeredWithinThreshold',
        groundTruth: t.answeredWithinThreshold,
        acd: a.answeredWithinThreshold,
      });
    const tw = t.meanWaitSeconds;
    const aw = a.meanWaitSeconds;
    if (
      (tw === null) !== (aw === null) ||
      (tw !== null && aw !== null && Math.abs(tw - aw) > waitToleranceSeconds)
    )
      mismatches.push({ queue: id, figure: 'meanWaitSeconds', groundTruth: tw, acd: aw });
  }
  return { reconciled: mismatches.length === 0, mismatches, queueIds };
}

/** The public figures of the ground truth (without the tolerance bookkeeping). */
export function publicFigures(truth: Record<string, QueueTruth>): Record<string, QueueFigures> {
  const out: Record<string, QueueFigures> = {};
  for (const [id, t] of Object.entries(truth))
    out[id] = {
      offered: t.offered,
      answered: t.answered,
      abandoned: t.abandoned,
      answeredWithinThreshold: t.answeredWithinThreshold,
      meanWaitSeconds: t.meanWaitSeconds,
    };
  return out;
}

const num = (v: number | null) => (v === null ? '—' : Number.isInteger(v) ? String(v) : v.toFixed(1));

/**
 * The reconciliation table: each queue's figures, ground truth | ACD (| twin | gap, the twin's
 * gap to the ground truth), a mark where ground truth and ACD differ.
 */
export function formatTable(
  truth: Record<string, QueueFigures>,
  acd: Record<string, QueueFigures>,
  r: Reconciliation,
  twin?: Record<string, QueueFigures>,
): string {
  const figures = ['offered', 'answered', 'abandoned', 'answeredWithinThreshold', 'meanWaitSeconds'] as const;
  const heads = ['offered', 'answered', 'abandoned', 'within thr.', 'mean wait s'];
  const sides = twin ? 'PBX | ACD | twin | gap' : 'PBX | ACD';
  const rows = [['queue', ...heads.map((h) => `${h} (${sides})`)]];
  const ids = twin ? [...new Set([...r.queueIds, ...Object.keys(twin)])].sort() : r.queueIds;
  for (const id of ids) {
    const t = truth[id] ?? EMPTY;
    const a = acd[id] ?? EMPTY;
    rows.push([
      id,
      ...figures.map((f) => {
        const bad = r.mismatches.some((m) => m.queue === id && m.figure === f);
        const tw = (twin?.[id] ?? EMPTY)[f];
        const w = twin ? ` | ${num(tw)} | ${formatGap(gapOf(t[f], tw))}` : '';
        return `${num(t[f])} | ${num(a[f])}${w}${bad ? ' ✗' : ''}`;
      }),
    ]);
  }
  return alignRows(rows);
}

/** Rows of cells as aligned columns. */
export function alignRows(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n');
}
