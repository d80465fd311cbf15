// Every indicator of every span (15-minute interval … year) as JSON, for the people who run the
// room (forecasting, staffing): SAS hours, PDSA hours and 24 h, with the per-call breakdowns by
// department, line, origin SAS and operating mode.
import type { Indicators } from '../core/indicators/accumulator.js';
import type { Figures } from '../core/indicators/figures.js';
import { rollUp, type Granularity } from '../core/indicators/spans.js';
import { callValuesBy, indicatorValues } from '../core/indicators/values.js';

const DIMENSIONS = ['department', 'line', 'origin', 'mode'] as const;

function valuesWithBreakdowns(f: Figures) {
  return {
    ...indicatorValues(f),
    breakdowns: Object.fromEntries(DIMENSIONS.map((d) => [d, callValuesBy(f, d)])),
  };
}

/** The spans of that granularity whose label starts with `within` ('2026-03', '2026'…), in time order. */
export function exportSpans(acc: Indicators, granularity: Granularity, within = '') {
  return [...rollUp(acc, granularity, (label) => label.startsWith(within))].map(([span, f]) => ({
    span,
    sas: valuesWithBreakdowns(f.sas),
    pdsa: valuesWithBreakdowns(f.pdsa),
    h24: valuesWithBreakdowns(f.all),
  }));
}
