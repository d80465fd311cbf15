// The operator's monthly report reconciled with what the ACD saw (src/report/operator-report.ts):
// supervisors send the CSV, the answer gives per month and number the calls the operator counted,
// those presented to the platform and answered (replayed from the site's history, as the exports
// do), and the gap. Nothing is stored: a refused file and an accepted one change nothing.
import { z } from 'zod';
import { SUPERVISION_ROLES } from '../../auth/index.js';
import type { Event } from '../../core/events.js';
import { createIndicators } from '../../core/indicators/accumulator.js';
import { applyIndicatorEvent } from '../../core/indicators/reducer.js';
import { newSpanFigures, rollUp } from '../../core/indicators/spans.js';
import type { HistorySource } from '../../ports/history.js';
import { parseOperatorReport, reconcileOperatorRow } from '../../report/operator-report.js';
import { periodBounds } from '../../report/period-bounds.js';
import { siteOf } from '../access.js';
import type { ApiContext } from '../context.js';
import { siteParams } from '../params.js';
import { fr_en, Problem } from '../problem.js';
import { defineRoute } from '../route.js';

/** Events this long after the month still belong to calls that arrived in it (figures by arrival). */
const TAIL_MS = 24 * 3600_000;

const row = z.object({
  month: z.string(),
  number: z.string(),
  line: z.string(),
  calls: z.number().describe('calls addressed to the number, by the operator'),
  source: z.string(),
  presented: z.number().describe('calls presented to the platform (arrived), from the history'),
  answered: z.number(),
  gap: z.number().describe('calls − presented'),
  gapShare: z.number().nullable(),
  answeredShare: z.number().nullable().describe('answered / calls'),
});

export function operatorReportRoutes(ctx: ApiContext & { history(siteId: string): HistorySource }) {
  return [
    defineRoute({
      id: 'reconcileOperatorReport',
      method: 'post',
      path: '/sites/:siteId/operator-report',
      tag: 'exports',
      summary: "The operator's monthly report beside the calls presented and answered, the gap shown",
      description:
        'CSV "month;number;calls;source" (docs/trunks.md, "Operator report"); a bad file is refused whole, every bad line named.',
      access: SUPERVISION_ROLES,
      params: siteParams,
      body: z.object({ csv: z.string().min(1).max(200_000) }),
      problems: [422],
      response: {
        description: 'Per month and number',
        schema: z.object({ rows: z.array(row), historyGaps: z.number() }),
      },
      handler: async ({ principal, params, body }) => {
        const site = siteOf(ctx, principal, params.siteId);
        const config = site.state.data.config;
        const parsed = parseOperatorReport(body.csv, config);
        if (!parsed.ok)
          throw new Problem(
            422,
            'bad-operator-report',
            'Unprocessable content',
            fr_en('Relevé de l’opérateur refusé', 'operator report refused'),
            parsed.errors.map((message) => ({ field: 'csv', message })),
          );
        const tz = config.calendar.timeZone;
        const months = [...new Set(parsed.rows.map((r) => r.month))];
        let historyGaps = 0;
        const figures = new Map<string, ReturnType<typeof newSpanFigures>>();
        for (const month of months) {
          const { start, end } = periodBounds(tz, month);
          const acc = createIndicators(config);
          const read = await ctx
            .history(params.siteId)
            .read(start, end + TAIL_MS, (e: Event) => applyIndicatorEvent(acc, e));
          historyGaps += read.gaps.length;
          figures.set(month, rollUp(acc, 'month', (l) => l === month).get(month) ?? newSpanFigures());
        }
        return {
          rows: parsed.rows.map((r) => reconcileOperatorRow(r, figures.get(r.month)!.all)),
          historyGaps,
        };
      },
    }),
  ];
}
