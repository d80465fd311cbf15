// Today's figures per queue and per 15-minute interval, read from the indicators route every
// 30 s (they change at each answer or abandon; the live feed carries waits and states). Only the
// last 26 hours are asked for: the last day span is today, whole.
import { api } from '../session.js';

type Values = Record<string, number | null | Record<string, number | null>>;
type Span = { label: string; all: Values };

export type QueueFigures = {
  offered: number;
  answered: number;
  abandoned: number;
  asaSeconds: number | null;
};
export type IntervalFigures = {
  at: number;
  arrived: number;
  answered: number;
  abandoned: number;
  qs30: number | null;
};
/** Today's calls answered by the dialplan fallback's group while the ACD was away. */
export type FallbackFigures = { answered: number; within30s: number };
export type Figures = {
  day: string | null;
  fallback: FallbackFigures;
  queues: Record<string, QueueFigures>;
  intervals: IntervalFigures[];
};

const num = (v: unknown) => (typeof v === 'number' ? v : 0);
const keyed = (v: Values, id: string, key: string) => {
  const o = v[id];
  return o && typeof o === 'object' ? (o[key] ?? null) : null;
};

/** Enough to hold today whatever the zone and a DST change (25 h), not the process's whole life. */
const LOOK_BACK_MS = 26 * 3_600_000;

export async function loadFigures(siteId: string, now: number): Promise<Figures> {
  const since = Math.floor(now - LOOK_BACK_MS);
  const [days, intervals] = await Promise.all([
    api<{ spans: Span[] }>('GET', `/sites/${siteId}/indicators?granularity=day&since=${since}`),
    api<{ spans: Span[] }>('GET', `/sites/${siteId}/indicators?granularity=interval&since=${since}`),
  ]);
  const today = days.spans.at(-1) ?? null;
  const queues: Record<string, QueueFigures> = {};
  if (today) {
    const ids = new Set(Object.keys((today.all['queue.offered'] as Record<string, number>) ?? {}));
    for (const id of ids)
      queues[id] = {
        offered: num(keyed(today.all, 'queue.offered', id)),
        answered: num(keyed(today.all, 'queue.answered', id)),
        abandoned: num(keyed(today.all, 'queue.abandoned', id)),
        asaSeconds: keyed(today.all, 'queue.waitMeanS', id),
      };
  }
  const day = today?.label ?? null;
  return {
    day,
    fallback: {
      answered: today ? num(today.all['calls.fallbackAnswered']) : 0,
      within30s: today ? num(today.all['calls.fallbackAnsweredWithin30s']) : 0,
    },
    queues,
    intervals: intervals.spans
      .filter((s) => day !== null && s.label.startsWith(day))
      .map((s) => ({
        at: Date.parse(s.label),
        arrived: num(s.all['calls.arrived']),
        answered: num(s.all['calls.answered']),
        abandoned: num(s.all['calls.abandoned']),
        qs30: typeof s.all['calls.qs30'] === 'number' ? (s.all['calls.qs30'] as number) : null,
      })),
  };
}
