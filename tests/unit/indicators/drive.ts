// Test helpers: run a TestSite's event log through the indicators reducer and read one span.
import type { SiteConfig } from '../../../src/core/config.js';
import type { Event } from '../../../src/core/events.js';
import { createIndicators, type Indicators } from '../../../src/core/indicators/accumulator.js';
import { applyIndicatorEvent } from '../../../src/core/indicators/reducer.js';
import { spanFigures, type Granularity } from '../../../src/core/indicators/spans.js';
import { indicatorValues } from '../../../src/core/indicators/values.js';

export function indicate(config: SiteConfig, log: Event[]): Indicators {
  const acc = createIndicators(config);
  for (const e of log) applyIndicatorEvent(acc, e);
  return acc;
}

/** The values of one span: SAS hours, PDSA hours and 24 h. */
export function valuesOf(acc: Indicators, granularity: Granularity, label: string) {
  const f = spanFigures(acc, granularity, label);
  return { sas: indicatorValues(f.sas), pdsa: indicatorValues(f.pdsa), all: indicatorValues(f.all) };
}
