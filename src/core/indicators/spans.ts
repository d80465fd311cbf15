// Reporting spans: the 15-minute intervals added up into hours, days, months, quarters and years
// of the site's local calendar (IANA zone offsets, so DST days have 23 or 25 hours), SAS hours and PDSA hours
// apart with the 24 h total beside.
import { IANAZone } from 'luxon';
import type { Period } from '../calendar.js';
import type { Indicators } from './accumulator.js';
import { addFigures, newFigures, type Figures } from './figures.js';

export const GRANULARITIES = ['interval', 'hour', 'day', 'month', 'quarter', 'year'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** SAS hours, PDSA hours (by the call's arrival period) and their sum ("24 h"). */
export type SpanFigures = Record<Period | 'all', Figures>;

export const newSpanFigures = (): SpanFigures => ({
  sas: newFigures(),
  pdsa: newFigures(),
  all: newFigures(),
});

const DAY_MS = 86_400_000;
type UtcDayOffsets = { before: number; after: number; switchAt: number };
const zones = new Map<string, { zone: IANAZone; days: Map<number, UtcDayOffsets> }>();

/** UTC offset (minutes) of `zone` at `t`, memoised per UTC day: luxon (Intl) is slow per call. */
function offsetAt(timeZone: string, t: number): number {
  let z = zones.get(timeZone);
  if (!z) {
    if (!IANAZone.isValidZone(timeZone)) throw new RangeError(`unknown time zone '${timeZone}'`);
    z = { zone: IANAZone.create(timeZone), days: new Map() };
    zones.set(timeZone, z);
  }
  const dayStart = Math.floor(t / DAY_MS) * DAY_MS;
  let d = z.days.get(dayStart);
  if (!d) {
    const before = z.zone.offset(dayStart);
    const after = z.zone.offset(dayStart + DAY_MS - 1);
    // One change a day at most (DST); found to the millisecond by bisection.
    let lo = dayStart;
    let hi = dayStart + DAY_MS - 1;
    if (before !== after) {
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (z.zone.offset(mid) === before) lo = mid;
        else hi = mid;
      }
    }
    d = { before, after, switchAt: before === after ? dayStart + DAY_MS : hi };
    if (z.days.size > 4000) z.days.clear();
    z.days.set(dayStart, d);
  }
  return t < d.switchAt ? d.before : d.after;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * Local label of the span holding an interval: '2026-03-02T10:15+01:00' (interval),
 * '2026-03-02T10+01:00' (hour; the offset tells apart the repeated hour of the DST change),
 * '2026-03-02' (day), '2026-03' (month), '2026-Q1' (quarter), '2026' (year).
 */
export function spanLabel(start: number, granularity: Granularity, timeZone: string): string {
  const off = offsetAt(timeZone, start);
  // The wall clock read as UTC: its UTC fields are the local date and time.
  const w = new Date(start + off * 60_000);
  const year = pad(w.getUTCFullYear(), 4);
  const month = w.getUTCMonth() + 1;
  const day = `${year}-${pad(month)}-${pad(w.getUTCDate())}`;
  const zz = `${off < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
  switch (granularity) {
    case 'interval':
      return `${day}T${pad(w.getUTCHours())}:${pad(w.getUTCMinutes())}${zz}`;
    case 'hour':
      return `${day}T${pad(w.getUTCHours())}${zz}`;
    case 'day':
      return day;
    case 'month':
      return `${year}-${pad(month)}`;
    case 'quarter':
      return `${year}-Q${Math.ceil(month / 3)}`;
    case 'year':
      return year;
  }
}

/** Intervals counted: those starting at or after `since` and before `until` (epoch ms). */
export type IntervalRange = { since?: number; until?: number };

/**
 * Every span of that granularity holding activity, in time order, each with its figures; only the
 * intervals in `range` are added up (a screen asks for today, not for every interval ever seen).
 */
export function rollUp(
  acc: Indicators,
  granularity: Granularity,
  keep: (label: string) => boolean = () => true,
  range: IntervalRange = {},
): Map<string, SpanFigures> {
  const out = new Map<string, SpanFigures>();
  const zone = acc.config.calendar.timeZone;
  const since = range.since ?? -Infinity;
  const until = range.until ?? Infinity;
  const starts = [...acc.intervals.keys()].filter((t) => t >= since && t < until).sort((a, b) => a - b);
  for (const start of starts) {
    const label = spanLabel(start, granularity, zone);
    if (!keep(label)) continue;
    let span = out.get(label);
    if (!span) {
      span = newSpanFigures();
      out.set(label, span);
    }
    const slot = acc.intervals.get(start)!;
    for (const period of ['sas', 'pdsa'] as const) {
      const fig = slot[period];
      if (!fig) continue;
      addFigures(span[period], fig);
      addFigures(span.all, fig);
    }
  }
  return out;
}

/** The figures of one span (empty figures when nothing happened in it). */
export function spanFigures(acc: Indicators, granularity: Granularity, label: string): SpanFigures {
  return rollUp(acc, granularity, (l) => l === label).get(label) ?? newSpanFigures();
}
