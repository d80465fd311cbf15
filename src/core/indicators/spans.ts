// Reporting spans: the 15-minute intervals added up into hours, days, months, quarters and years
// of the site's local calendar (luxon, so DST days have 23 or 25 hours), SAS hours and PDSA hours
// apart with the 24 h total beside.
import { DateTime } from 'luxon';
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

/**
 * Local label of the span holding an interval: '2026-03-02T10:15+01:00' (interval),
 * '2026-03-02T10+01:00' (hour; the offset tells apart the repeated hour of the DST change),
 * '2026-03-02' (day), '2026-03' (month), '2026-Q1' (quarter), '2026' (year).
 */
export function spanLabel(start: number, granularity: Granularity, timeZone: string): string {
  const t = DateTime.fromMillis(start, { zone: timeZone });
  switch (granularity) {
    case 'interval':
      return t.toFormat("yyyy-MM-dd'T'HH:mmZZ");
    case 'hour':
      return t.toFormat("yyyy-MM-dd'T'HHZZ");
    case 'day':
      return t.toFormat('yyyy-MM-dd');
    case 'month':
      return t.toFormat('yyyy-MM');
    case 'quarter':
      return `${t.toFormat('yyyy')}-Q${t.quarter}`;
    case 'year':
      return t.toFormat('yyyy');
  }
}

/** Every span of that granularity holding activity, in time order, each with its figures. */
export function rollUp(
  acc: Indicators,
  granularity: Granularity,
  keep: (label: string) => boolean = () => true,
): Map<string, SpanFigures> {
  const out = new Map<string, SpanFigures>();
  const zone = acc.config.calendar.timeZone;
  const starts = [...acc.intervals.keys()].sort((a, b) => a - b);
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
