// The health of a site's dependencies for the supervisor console (annex 2 condition 5): the PBX
// (connected, request round trip), the recording storage (free space, low), and the answer rate
// today and per day over the last weeks (replayed from the site's history, as the exports do).
// Redis and the LRM link are on /metrics (docs/dependencies.md).
import { DateTime } from 'luxon';
import { z } from 'zod';
import { SUPERVISION_ROLES } from '../../auth/index.js';
import type { Event } from '../../core/events.js';
import { createIndicators } from '../../core/indicators/accumulator.js';
import { applyIndicatorEvent } from '../../core/indicators/reducer.js';
import {
  answerRateByDay,
  answerRateToday,
  DEFAULT_MIN_ANSWER_RATE,
  type DayAnswerRate,
} from '../../observability/answer-rate.js';
import type { DependencyHealth } from '../../observability/dependency-health.js';
import type { HistorySource } from '../../ports/history.js';
import { siteOf } from '../access.js';
import type { ApiContext } from '../context.js';
import { siteParams } from '../params.js';
import { defineRoute } from '../route.js';

const day = z.object({
  day: z.string(),
  presented: z.number(),
  answered: z.number(),
  rate: z.number().nullable(),
  low: z.boolean().describe('rate below the threshold'),
});
const schema = z.object({
  at: z.number(),
  pbx: z.object({
    connected: z.boolean().nullable().describe('null: this server does not say'),
    measured: z.boolean().describe('false: no round trip for this PBX kind'),
    ok: z.boolean(),
    roundTripMs: z.number().nullable(),
    error: z.string().nullable(),
  }),
  recordingStorage: z
    .object({
      dir: z.string(),
      ok: z.boolean(),
      low: z.boolean(),
      freeBytes: z.number().nullable(),
      totalBytes: z.number().nullable(),
      freeRatio: z.number().nullable(),
      minFreeRatio: z.number(),
      error: z.string().nullable(),
    })
    .nullable()
    .describe('null: no RECORDING_STORAGE_DIR'),
  answerRate: z.object({
    minRate: z.number(),
    today: day,
    days: z.array(day).describe('the days asked, oldest first, from the history'),
    historyGaps: z.number().describe('parts of the span missing from the history'),
  }),
});

export type DependencyRoutesOptions = {
  history(siteId: string): HistorySource;
  dependencies?: (siteId: string) => DependencyHealth | null;
  telephonyConnected?: () => boolean;
  minAnswerRate?: number;
};

export function dependencyRoutes(ctx: ApiContext, o: DependencyRoutesOptions) {
  const minRate = o.minAnswerRate ?? DEFAULT_MIN_ANSWER_RATE;
  const mark = (d: DayAnswerRate) => ({ ...d, low: d.rate !== null && d.rate < minRate });
  return [
    defineRoute({
      id: 'siteDependencies',
      method: 'get',
      path: '/sites/:siteId/dependencies',
      tag: 'room',
      summary: 'Health of the PBX, the recording storage and the answer rate (today and per day)',
      access: SUPERVISION_ROLES,
      params: siteParams,
      query: z.object({
        days: z.coerce
          .number()
          .int()
          .min(1)
          .max(92)
          .default(28)
          .describe('days of answer rate, today included (at most 92)'),
      }),
      response: { description: 'Each dependency', schema },
      handler: async ({ principal, params, query }) => {
        const site = siteOf(ctx, principal, params.siteId);
        const now = ctx.clock();
        const deps = o.dependencies?.(params.siteId) ?? null;
        const pbx = deps ? await deps.pbx() : { measured: false, ok: true, roundTripMs: null, error: null };
        const config = site.state.data.config;
        const since = DateTime.fromMillis(now, { zone: config.calendar.timeZone })
          .startOf('day')
          .minus({ days: query.days - 1 })
          .toMillis();
        const acc = createIndicators(config);
        const read = await o
          .history(params.siteId)
          .read(since, now + 1, (e: Event) => applyIndicatorEvent(acc, e));
        const days = answerRateByDay(acc, { since });
        // Today from the live figures (the same reducer; the history may lag by a few events).
        const today = answerRateToday(ctx.feeds.get(params.siteId)!.indicators, now);
        return {
          at: now,
          pbx: { connected: o.telephonyConnected ? o.telephonyConnected() : null, ...pbx },
          recordingStorage: deps ? await deps.storage() : null,
          answerRate: {
            minRate,
            today: mark(today),
            days: days.map(mark),
            historyGaps: read.gaps.length,
          },
        };
      },
    }),
  ];
}
