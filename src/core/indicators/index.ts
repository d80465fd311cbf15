// The indicators: a pure reducer over the routing engine's events (the same events, no second
// source of truth), so live figures, reports, the digital twin and the load simulator count alike.
export { createIndicators, forgetIntervalsBefore, type Indicators } from './accumulator.js';
export { applyIndicatorEvent } from './reducer.js';
export {
  rollUp,
  spanFigures,
  spanLabel,
  GRANULARITIES,
  type Granularity,
  type SpanFigures,
} from './spans.js';
export { indicatorValues, callValues, callValuesBy, type IndicatorValues, type Value } from './values.js';
export { liveValues, type LiveValues } from './live.js';
export { INDICATORS, INDICATOR_GROUPS, type IndicatorDefinition } from './definitions.js';
export {
  table1,
  table3,
  quarterOf,
  TABLE_ITEMS,
  MG_OUTCOME_DISPOSITIONS,
  type ImportedValue,
  type TableItem,
  type TableRow,
} from './annex3.js';
export { TALK_LABELS, talkLabel } from './role-labels.js';
export * from './rules.js';
