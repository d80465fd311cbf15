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
  table3Entries,
  TABLE_ITEMS,
  type ImportedValue,
  type Table3Entry,
  type TableItem,
  type TableRow,
} from './annex3.js';
export { TALK_LABELS, ANNEX_ROLES, annexRole, talkLabel } from './role-labels.js';
export { TABLE3_ITEMS, type Table3Item, type Table3Source } from './table3-items.js';
export { DEFAULT_MG_DECISIONS, mgDecisionMapping, type MgDecisionMapping } from './mg-decisions.js';
export * from './rules.js';
