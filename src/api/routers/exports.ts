// Files for the people who report on the SAS: the annex 3 indicators of a month or a year, and the
// call detail records of a span of days, as CSV. Both are computed by replaying the site's history
// (the Redis archive + the recent stream, without personal data; for an in-memory site, what this
// process has seen) through the same reducers as the live figures, so the files and the screens
// agree. Parts of the span missing from the history are said in the X-History-Gaps header.
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { HistoryRead, HistorySource } from '../../ports/history.js';
import { SUPERVISION_ROLES } from '../../auth/index.js';
import type { Event } from '../../core/events.js';
import { createIndicators } from '../../core/indicators/accumulator.js';
import { applyIndicatorEvent } from '../../core/indicators/reducer.js';
import { allRecords, applyCdrEvent, createCdrBook, recordsArrivedIn } from '../../core/indicators/cdr.js';
import { cdrCsv } from '../../report/cdr-csv.js';
import { periodBounds } from '../../report/period-bounds.js';
import { buildReport, reportCsv } from '../../report/annex3-report.js';
import { siteOf } from '../access.js';
import type { ApiContext } from '../context.js';
import { siteParams } from '../params.js';
import { defineRoute } from '../route.js';
import type { Response } from 'express';

const DAY_MS = 24 * 3600_000;
/** Events this long after the span still belong to calls that arrived in it (figures by arrival). */
const TAIL_MS = DAY_MS;

const separator = z
  .enum([',', ';'])
  .default(';')
  .describe('";" (default, decimal comma, for French spreadsheets) or ","');

const periodQuery = z
  .object({
    month: z
      .string()
      .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected YYYY-MM')
      .optional()
      .describe('table 1 of the month, e.g. 2026-03'),
    year: z
      .string()
      .regex(/^\d{4}$/, 'expected YYYY')
      .optional()
      .describe('table 3 of the year, e.g. 2026'),
    separator,
  })
  .refine((q) => (q.month === undefined) !== (q.year === undefined), {
    message: 'give either month=YYYY-MM (table 1) or year=YYYY (table 3)',
    path: ['month'],
  });

/** The longest span of call detail records one request may ask for. */
const MAX_CDR_DAYS = 92;
const localDate = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'expected YYYY-MM-DD')
  .refine((v) => DateTime.fromISO(v).isValid, 'no such day in the calendar');

const cdrQuery = z
  .object({
    from: localDate.describe('first day (site local time), e.g. 2026-03-01'),
    to: localDate.describe('last day, included, e.g. 2026-03-31'),
    separator,
  })
  .refine((q) => q.from <= q.to, { message: 'to must not be before from', path: ['to'] })
  .refine((q) => (Date.parse(q.to) - Date.parse(q.from)) / DAY_MS < MAX_CDR_DAYS, {
    message: `at most ${MAX_CDR_DAYS} days per file`,
    path: ['to'],
  });

function setHistoryHeaders(res: Response, read: HistoryRead): void {
  res.setHeader('X-History-Events', String(read.events));
  if (read.gaps.length > 0)
    res.setHeader(
      'X-History-Gaps',
      read.gaps
        .map((g) => `${new Date(g.fromMs).toISOString()}/${new Date(g.toMs).toISOString()}`)
        .join(', '),
    );
}

export function exportRoutes(ctx: ApiContext & { history(siteId: string): HistorySource }) {
  return [
    defineRoute({
      id: 'exportAnnex3',
      method: 'get',
      path: '/sites/:siteId/exports/annex3.csv',
      tag: 'exports',
      summary: 'Annex 3 indicators as CSV: table 1 of a month, or table 3 of a year',
      description:
        'SAS hours, PDSA hours and 24 h in columns; one row per item. Definitions: docs/indicators.md. ' +
        'Spans in the site time zone. X-History-Gaps lists parts of the span missing from the history.',
      access: SUPERVISION_ROLES,
      params: siteParams,
      query: periodQuery,
      response: { description: 'CSV, header row, UTF-8', schema: z.string() },
      file: {
        contentType: 'text/csv',
        filename: ({ params, query }) => `sas-${params.siteId}-annexe3-${query.month ?? query.year}.csv`,
      },
      handler: async ({ principal, params, query, res }) => {
        const site = siteOf(ctx, principal, params.siteId);
        const config = site.state.data.config;
        const tz = config.calendar.timeZone;
        const label = (query.month ?? query.year)!;
        const { start, end } = periodBounds(tz, label);
        const acc = createIndicators(config);
        const read = await ctx
          .history(params.siteId)
          .read(start, end + TAIL_MS, (e: Event) => applyIndicatorEvent(acc, e));
        setHistoryHeaders(res, read);
        const report = buildReport(acc, query.month ? { month: query.month } : { year: label }, []);
        return reportCsv(report, query.separator);
      },
    }),
    defineRoute({
      id: 'exportCdr',
      method: 'get',
      path: '/sites/:siteId/exports/cdr.csv',
      tag: 'exports',
      summary: 'Call detail records as CSV: one row per call that arrived in the days asked',
      description:
        'No caller number, caller name or DRM identity: the call id and DRM id link to the LRM. ' +
        'Calls still in progress have inProgress = 1. Columns: docs/api.md.',
      access: SUPERVISION_ROLES,
      params: siteParams,
      query: cdrQuery,
      response: { description: 'CSV, header row, UTF-8', schema: z.string() },
      file: {
        contentType: 'text/csv',
        filename: ({ params, query }) => `sas-${params.siteId}-appels-${query.from}-${query.to}.csv`,
      },
      handler: async ({ principal, params, query, res }) => {
        const site = siteOf(ctx, principal, params.siteId);
        const config = site.state.data.config;
        const tz = config.calendar.timeZone;
        const { start } = periodBounds(tz, query.from);
        const { end } = periodBounds(tz, query.to);
        const book = createCdrBook(config);
        const read = await ctx
          .history(params.siteId)
          .read(start, end + TAIL_MS, (e: Event) => void applyCdrEvent(book, e));
        setHistoryHeaders(res, read);
        return cdrCsv(recordsArrivedIn(allRecords(book), start, end), query.separator);
      },
    }),
  ];
}
