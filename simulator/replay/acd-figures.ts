// The ACD's own account, read through its API as a supervisor would: the queue indicators of every
// span (GET /sites/{site}/indicators, all hours), summed; the figures from before the replay are
// subtracted, so a running ACD with a history can be replayed against too.
import type { AcdClient } from './acd-client.js';
import { NO_CALLS, type CallCounts } from './call-counts.js';
import type { QueueFigures } from './ground-truth.js';

type Values = Record<string, number | null | Record<string, number | null>>;
type SpansResponse = { spans: { label: string; all: Values }[] };

export type AcdCounts = {
  queues: Record<
    string,
    { offered: number; answered: number; abandoned: number; within: number; waitSumS: number }
  >;
  arrived: number;
  /** Annex 3's per-call counts (calls.*). */
  calls: CallCounts;
};

const keyed = (v: Values, id: string): Record<string, number | null> =>
  (typeof v[id] === 'object' && v[id] !== null ? v[id] : {}) as Record<string, number | null>;

export async function readAcdCounts(client: AcdClient, siteId: string): Promise<AcdCounts> {
  const r = await client.get<SpansResponse>(`/sites/${siteId}/indicators?granularity=day`);
  const out: AcdCounts = { queues: {}, arrived: 0, calls: { ...NO_CALLS } };
  const n = (v: Values, key: string) => (typeof v[key] === 'number' ? v[key] : 0);
  for (const span of r.spans) {
    const v = span.all;
    out.arrived += n(v, 'calls.arrived');
    for (const k of Object.keys(out.calls) as (keyof CallCounts)[]) out.calls[k] += n(v, `calls.${k}`);
    const offered = keyed(v, 'queue.offered');
    for (const id of Object.keys(offered)) {
      const q = (out.queues[id] ??= { offered: 0, answered: 0, abandoned: 0, within: 0, waitSumS: 0 });
      const answered = keyed(v, 'queue.answered')[id] ?? 0;
      q.offered += offered[id] ?? 0;
      q.answered += answered;
      q.abandoned += keyed(v, 'queue.abandoned')[id] ?? 0;
      q.within += keyed(v, 'queue.answeredWithinThreshold')[id] ?? 0;
      q.waitSumS += (keyed(v, 'queue.waitMeanS')[id] ?? 0) * answered;
    }
  }
  return out;
}

/** What happened between two readings, waits in simulated seconds. */
export function acdFigures(
  before: AcdCounts,
  after: AcdCounts,
  speed: number,
): { queues: Record<string, QueueFigures>; arrived: number; calls: CallCounts } {
  const queues: Record<string, QueueFigures> = {};
  for (const [id, a] of Object.entries(after.queues)) {
    const b = before.queues[id] ?? { offered: 0, answered: 0, abandoned: 0, within: 0, waitSumS: 0 };
    const answered = a.answered - b.answered;
    const offered = a.offered - b.offered;
    if (offered === 0 && answered === 0) continue;
    queues[id] = {
      offered,
      answered,
      abandoned: a.abandoned - b.abandoned,
      answeredWithinThreshold: a.within - b.within,
      meanWaitSeconds: answered > 0 ? ((a.waitSumS - b.waitSumS) / answered) * speed : null,
    };
  }
  const calls = { ...NO_CALLS };
  for (const k of Object.keys(calls) as (keyof CallCounts)[]) calls[k] = after.calls[k] - before.calls[k];
  return { queues, arrived: after.arrived - before.arrived, calls };
}
