// The health of a site's dependencies for the supervisor console (annex 2 condition 5): the PBX
// (connected, request round trip), the recording storage (free space, low), and the answer rate
// today and per day over the last weeks (replayed from the site's history, as the exports do),
// Redis (one PING) and the LRM endpoint (deliveries, backlog, last error) (docs/dependencies.md).
// A failure comes with a code the console words in French and the raw detail, which is also
// logged once each time a dependency starts failing (or fails differently), not at every poll.
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
import { PBX_UNKNOWN, type DependencyHealth } from '../../observability/dependency-health.js';
import { failureOf, within, type FailureCode } from '../../ports/failure.js';
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
const FAILURE_CODES = [
  'refused',
  'timeout',
  'dns',
  'unreachable',
  'reset',
  'down',
  'auth',
  'http',
  'other',
] as const;
const errorCode = z
  .enum(FAILURE_CODES)
  .nullable()
  .describe('why it failed: refused, timeout, dns, unreachable, reset, down, auth, http, other');
const schema = z.object({
  at: z.number(),
  pbx: z.object({
    connected: z.boolean().nullable().describe('null: this server does not say'),
    kind: z.enum(['asterisk', 'freeswitch']).nullable().describe('null: this server does not say'),
    measured: z.boolean().describe('false: no round trip measured here (a standby on FreeSWITCH)'),
    ok: z.boolean(),
    roundTripMs: z.number().nullable(),
    error: z.string().nullable().describe('the technical detail'),
    errorCode,
    drachtioConnected: z
      .boolean()
      .nullable()
      .describe('FreeSWITCH: drachtio-server connected (null: Asterisk, or no link held here)'),
    standby: z
      .boolean()
      .describe('FreeSWITCH: this process does not lead the site and holds no PBX link (not a failure)'),
  }),
  redis: z
    .object({
      ok: z.boolean(),
      roundTripMs: z.number().nullable(),
      error: z.string().nullable().describe('the technical detail'),
      errorCode,
    })
    .nullable()
    .describe('null: this server has no Redis (in-memory sites)'),
  lrm: z
    .object({
      ok: z
        .boolean()
        .describe('false: the last attempt failed and nothing delivered since, or retries pending'),
      waiting: z
        .number()
        .nullable()
        .describe('events queued, not delivered yet (null: Redis did not answer)'),
      retrying: z.number().nullable().describe('calls waiting for a retry'),
      givenUp: z.number().nullable().describe('events given up, the last 7 days'),
      lastDeliveredAt: z.number().nullable(),
      lastLagMs: z.number().nullable().describe('queued to delivered, the last delivery'),
      lastErrorAt: z.number().nullable(),
      lastError: z.string().nullable().describe('the technical detail'),
      lastErrorCode: errorCode,
    })
    .nullable()
    .describe('null: the site has no LRM link (LRM_WEBHOOK_URL unset)'),
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
  /** One Redis PING round trip in ms (the process's; absent without Redis). */
  redisRoundTripMs?: () => Promise<number>;
  minAnswerRate?: number;
};

/** A Redis PING slower than this is shown as not answering (ioredis queues commands while down). */
const REDIS_BOUND_MS = 2_000;

export function dependencyRoutes(ctx: ApiContext, o: DependencyRoutesOptions) {
  const minRate = o.minAnswerRate ?? DEFAULT_MIN_ANSWER_RATE;
  const mark = (d: DayAnswerRate) => ({ ...d, low: d.rate !== null && d.rate < minRate });
  // The last failure logged per site and dependency: logged again only when it changes.
  const logged = new Map<string, string | null>();
  const note = (site: string, dep: string, code: FailureCode | null, detail: string | null) => {
    const key = `${site}/${dep}`;
    const now = code ? `${code}: ${detail}` : null;
    if ((logged.get(key) ?? null) === now) return;
    logged.set(key, now);
    if (code) ctx.logger.warn({ site, dependency: dep, code, err: detail }, 'dependency failing');
    else ctx.logger.info({ site, dependency: dep }, 'dependency answering again');
  };
  const redis = async () => {
    if (!o.redisRoundTripMs) return null;
    try {
      const ms = await within(o.redisRoundTripMs(), REDIS_BOUND_MS, 'Redis PING');
      return { ok: true, roundTripMs: Math.round(ms * 10) / 10, error: null, errorCode: null };
    } catch (err) {
      const f = failureOf(err);
      return { ok: false, roundTripMs: null, error: f.detail, errorCode: f.code };
    }
  };
  return [
    defineRoute({
      id: 'siteDependencies',
      method: 'get',
      path: '/sites/:siteId/dependencies',
      tag: 'room',
      summary:
        'Health of the PBX, Redis, the LRM endpoint, the recording storage and the answer rate (today and per day)',
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
        const [pbx, redisHealth, lrm] = await Promise.all([
          deps ? deps.pbx() : PBX_UNKNOWN,
          redis(),
          deps ? deps.lrm() : null,
        ]);
        note(params.siteId, 'pbx', pbx.errorCode, pbx.error);
        if (redisHealth) note(params.siteId, 'redis', redisHealth.errorCode, redisHealth.error);
        if (lrm) note(params.siteId, 'lrm', lrm.ok ? null : lrm.lastErrorCode, lrm.lastError);
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
          redis: redisHealth,
          lrm,
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
