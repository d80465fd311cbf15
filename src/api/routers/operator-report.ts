// The operator's monthly report reconciled with what the ACD saw (src/report/operator-report.ts):
// supervisors send the CSV, the answer gives per month and number the calls the operator counted,
// those presented to the platform and answered (replayed from the site's history, as the exports
// do), and the gap. Each month of an accepted file is kept (../../report/operator-report-store.ts:
// the same rows again change nothing, new rows replace the month) and read back with GET; a refused
// file changes nothing.
import { z } from 'zod';
import { SUPERVISION_ROLES } from '../../auth/index.js';
import type { Event } from '../../core/events.js';
import { createIndicators } from '../../core/indicators/accumulator.js';
import { applyIndicatorEvent } from '../../core/indicators/reducer.js';
import { newSpanFigures, rollUp } from '../../core/indicators/spans.js';
import type { HistorySource } from '../../ports/history.js';
import { parseOperatorReport, reconcileOperatorRow } from '../../report/operator-report.js';
import type { OperatorReportStore, StoredOperatorReport } from '../../report/operator-report-store.js';
import { periodBounds } from '../../report/period-bounds.js';
import { siteOf } from '../access.js';
import type { ApiContext } from '../context.js';
import { siteParams } from '../params.js';
import { fr_en, notFound, Problem } from '../problem.js';
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

const stored = z.object({
  month: z.string(),
  rows: z.array(row),
  historyGaps: z.number(),
  importedAt: z.number(),
  importedBy: z.string().describe('the user who sent the file that made this month what it is'),
});
const monthParams = siteParams.extend({
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'month must be YYYY-MM'),
});
const summary = (r: StoredOperatorReport) => ({
  month: r.month,
  importedAt: r.importedAt,
  importedBy: r.importedBy,
  numbers: r.rows.length,
  calls: r.rows.reduce((n, x) => n + x.calls, 0),
  presented: r.rows.reduce((n, x) => n + x.presented, 0),
  answered: r.rows.reduce((n, x) => n + x.answered, 0),
  gap: r.rows.reduce((n, x) => n + x.gap, 0),
});

export function operatorReportRoutes(
  ctx: ApiContext & { history(siteId: string): HistorySource; reports: OperatorReportStore },
) {
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
        schema: z.object({
          rows: z.array(row),
          historyGaps: z.number(),
          stored: z
            .array(z.object({ month: z.string(), outcome: z.enum(['created', 'replaced', 'unchanged']) }))
            .describe('each month of the file kept: new, replacing other rows, or the same rows again'),
        }),
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
        const gapsOf = new Map<string, number>();
        const figures = new Map<string, ReturnType<typeof newSpanFigures>>();
        for (const month of months) {
          const { start, end } = periodBounds(tz, month);
          const acc = createIndicators(config);
          const read = await ctx
            .history(params.siteId)
            .read(start, end + TAIL_MS, (e: Event) => applyIndicatorEvent(acc, e));
          historyGaps += read.gaps.length;
          gapsOf.set(month, read.gaps.length);
          figures.set(month, rollUp(acc, 'month', (l) => l === month).get(month) ?? newSpanFigures());
        }
        const rows = parsed.rows.map((r) => reconcileOperatorRow(r, figures.get(r.month)!.all));
        const importedAt = ctx.clock();
        const storedMonths = [];
        for (const month of months) {
          const report = {
            month,
            rows: rows.filter((r) => r.month === month),
            historyGaps: gapsOf.get(month)!,
            importedAt,
            importedBy: principal.username,
          };
          storedMonths.push({ month, outcome: await ctx.reports.put(params.siteId, report) });
        }
        return { rows, historyGaps, stored: storedMonths };
      },
    }),
    defineRoute({
      id: 'listOperatorReports',
      method: 'get',
      path: '/sites/:siteId/operator-reports',
      tag: 'exports',
      summary: "The operator's monthly reports kept for the site, newest month first, with their totals",
      access: SUPERVISION_ROLES,
      params: siteParams,
      response: {
        description: 'One line per month',
        schema: z.object({
          months: z.array(
            z.object({
              month: z.string(),
              importedAt: z.number(),
              importedBy: z.string(),
              numbers: z.number(),
              calls: z.number(),
              presented: z.number(),
              answered: z.number(),
              gap: z.number(),
            }),
          ),
        }),
      },
      handler: async ({ principal, params }) => {
        siteOf(ctx, principal, params.siteId);
        return { months: (await ctx.reports.list(params.siteId)).map(summary) };
      },
    }),
    defineRoute({
      id: 'getOperatorReport',
      method: 'get',
      path: '/sites/:siteId/operator-reports/:month',
      tag: 'exports',
      summary: "One month's operator report as it was reconciled and kept",
      access: SUPERVISION_ROLES,
      params: monthParams,
      response: { description: 'The month, per number', schema: stored },
      handler: async ({ principal, params }) => {
        siteOf(ctx, principal, params.siteId);
        const report = await ctx.reports.get(params.siteId, params.month);
        if (!report)
          throw notFound(
            'no-such-operator-report',
            `Aucun relevé de l’opérateur pour ${params.month} sur le site ${params.siteId}`,
            `no operator report for ${params.month} on site ${params.siteId}`,
          );
        return report;
      },
    }),
  ];
}
