// Indicators for the people who run the room: the live figures, and the annex 3 figures by
// interval, hour, day, month… with SAS hours, PDSA hours and the 24 h total apart. Computed by the
// indicators reducer (src/core/indicators) over the events this process has seen since it started
// following the site; reports over the whole history read the event store (sas-acd report).
import { z } from 'zod';
import { SUPERVISION_ROLES } from '../../auth/index.js';
import { GRANULARITIES, rollUp } from '../../core/indicators/spans.js';
import { indicatorValues } from '../../core/indicators/values.js';
import { liveValues } from '../../core/indicators/live.js';
import { siteOf } from '../access.js';
import type { ApiContext } from '../context.js';
import { siteParams } from '../params.js';
import { defineRoute } from '../route.js';

const value = z.number().nullable();
/** A time in a query string: epoch ms, digits only, before 2100 (a far-off date is a typo). */
const epochMsQuery = z
  .string()
  .regex(/^\d{1,15}$/, 'epoch milliseconds (digits)')
  .transform(Number)
  .pipe(
    z
      .number()
      .int()
      .max(Date.UTC(2100, 0, 1)),
  );
const values = z.record(z.string(), z.union([value, z.record(z.string(), value)]));

export function indicatorRoutes(ctx: ApiContext) {
  return [
    defineRoute({
      id: 'liveIndicators',
      method: 'get',
      path: '/sites/:siteId/indicators/live',
      tag: 'indicators',
      summary:
        'Live figures: waiting and oldest wait per queue, agents by role and state, rolling QS 30 s, P0 in progress',
      access: SUPERVISION_ROLES,
      params: siteParams,
      response: { description: 'Live values by indicator id', schema: z.object({ at: z.number(), values }) },
      handler: ({ principal, params }) => {
        siteOf(ctx, principal, params.siteId);
        const at = ctx.clock();
        return { at, values: liveValues(ctx.feeds.get(params.siteId)!.indicators, at) };
      },
    }),
    defineRoute({
      id: 'indicatorsBySpan',
      method: 'get',
      path: '/sites/:siteId/indicators',
      tag: 'indicators',
      summary: 'Indicators by span (local calendar), SAS hours, PDSA hours and 24 h apart',
      description:
        'Definitions: docs/indicators.md. Spans are labelled in local time (e.g. 2026-03-02, 2026-03, 2026-Q1).',
      access: SUPERVISION_ROLES,
      params: siteParams,
      query: z
        .object({
          granularity: z.enum(GRANULARITIES).default('day'),
          span: z.string().min(1).optional().describe('one span label only, e.g. 2026-03-02'),
          since: epochMsQuery
            .optional()
            .describe('count only the 15-minute intervals starting at or after (epoch ms)'),
          until: epochMsQuery
            .optional()
            .describe('count only the 15-minute intervals starting before (epoch ms)'),
        })
        .refine((q) => q.since === undefined || q.until === undefined || q.since < q.until, {
          message: 'since must be before until',
          path: ['until'],
        }),
      response: {
        description: 'Values per span and period',
        schema: z.object({
          granularity: z.enum(GRANULARITIES),
          spans: z.array(z.object({ label: z.string(), sas: values, pdsa: values, all: values })),
        }),
      },
      handler: ({ principal, params, query }) => {
        siteOf(ctx, principal, params.siteId);
        const acc = ctx.feeds.get(params.siteId)!.indicators;
        const spans = rollUp(
          acc,
          query.granularity,
          (label) => query.span === undefined || label === query.span,
          { since: query.since, until: query.until },
        );
        return {
          granularity: query.granularity,
          spans: [...spans].map(([label, f]) => ({
            label,
            sas: indicatorValues(f.sas),
            pdsa: indicatorValues(f.pdsa),
            all: indicatorValues(f.all),
          })),
        };
      },
    }),
  ];
}
