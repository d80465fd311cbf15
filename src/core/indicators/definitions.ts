// Every indicator's exact definition, as data. docs/indicators.md is rendered from this list
// (report/dictionary.ts) and a test checks that the values the code computes (values.ts, live.ts)
// are exactly the ones defined here, so the published definitions and the code cannot drift apart.
import { perCall, perQueue } from './call-definitions.js';
import type { IndicatorDefinition, IndicatorGroup } from './definition.js';
import { live } from './live-definitions.js';
import { files, n1, roles } from './triage-definitions.js';

export type { IndicatorDefinition, IndicatorGroup } from './definition.js';

export const INDICATOR_GROUPS: IndicatorGroup[] = [perCall, perQueue, n1, roles, files, live];
export const INDICATORS: IndicatorDefinition[] = INDICATOR_GROUPS.flatMap((g) => g.items);
