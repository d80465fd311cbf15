// The room as a whole: the overview (the same snapshot the live feed sends), queues, live calls,
// alarms, and the operating mode (two-level / one-level) override.
import { z } from 'zod';
import { SUPERVISION_ROLES } from '../../auth/index.js';
import { siteSnapshot, siteSnapshotSchema } from '../../realtime/supervisor-snapshot.js';
import { siteOf } from '../access.js';
import type { ApiContext } from '../context.js';
import { dispatch, eventSummaries } from '../dispatch.js';
import { alarmParams, siteParams } from '../params.js';
import { personName } from '../person-name.js';
import { fr_en, Problem } from '../problem.js';
import { defineRoute } from '../route.js';
import {
  alarmView,
  alarmViewSchema,
  eventSummarySchema,
  liveCallView,
  liveCallViewSchema,
  queueViews,
  queueViewSchema,
} from '../../read-models/views.js';

export function roomRoutes(ctx: ApiContext) {
  return [
    defineRoute({
      id: 'getOverview',
      method: 'get',
      path: '/sites/:siteId/overview',
      tag: 'supervision',
      summary: 'The whole room: queues, agents, live calls, alarms, lines, mode, QS 30 s',
      access: SUPERVISION_ROLES,
      params: siteParams,
      response: {
        description: 'Snapshot (seq is 0: only the live feed numbers updates)',
        schema: siteSnapshotSchema,
      },
      handler: ({ principal, params }) => {
        siteOf(ctx, principal, params.siteId);
        return siteSnapshot(ctx.feeds.get(params.siteId)!, 0, ctx.clock());
      },
    }),
    defineRoute({
      id: 'listQueues',
      method: 'get',
      path: '/sites/:siteId/queues',
      tag: 'supervision',
      summary: 'Queues with calls waiting, ringing, oldest wait and staffing',
      access: SUPERVISION_ROLES,
      params: siteParams,
      response: {
        description: 'Queues',
        schema: z.object({ serverTime: z.number(), queues: z.array(queueViewSchema) }),
      },
      handler: ({ principal, params }) => {
        const site = siteOf(ctx, principal, params.siteId);
        return { serverTime: ctx.clock(), queues: queueViews(site.state) };
      },
    }),
    defineRoute({
      id: 'listCalls',
      method: 'get',
      path: '/sites/:siteId/calls',
      tag: 'supervision',
      summary: 'Live calls, oldest first (no caller data; see GET .../calls/{callId})',
      access: SUPERVISION_ROLES,
      params: siteParams,
      response: { description: 'Calls', schema: z.object({ calls: z.array(liveCallViewSchema) }) },
      handler: ({ principal, params }) => {
        const site = siteOf(ctx, principal, params.siteId);
        const calls = Object.values(site.state.data.calls).sort((a, b) => a.arrivedAt - b.arrivedAt);
        return { calls: calls.map(liveCallView) };
      },
    }),
    defineRoute({
      id: 'listAlarms',
      method: 'get',
      path: '/sites/:siteId/alarms',
      tag: 'supervision',
      summary: 'Alarms raised and not yet cleared',
      access: SUPERVISION_ROLES,
      params: siteParams,
      response: { description: 'Alarms', schema: z.object({ alarms: z.array(alarmViewSchema) }) },
      handler: ({ principal, params }) => {
        const site = siteOf(ctx, principal, params.siteId);
        return {
          alarms: Object.values(site.state.data.alarms).map(alarmView),
        };
      },
    }),
    defineRoute({
      id: 'acknowledgeAlarm',
      method: 'post',
      path: '/sites/:siteId/alarms/:alarmId/acknowledge',
      tag: 'supervision',
      summary: 'Acknowledge an alarm: every console shows who and when (it stays until its cause clears)',
      access: SUPERVISION_ROLES,
      params: alarmParams,
      body: z.object({}),
      response: { description: 'The alarm, acknowledged', schema: alarmViewSchema },
      problems: [409],
      handler: async ({ principal, params }) => {
        const site = siteOf(ctx, principal, params.siteId);
        const byName = await personName(ctx, principal, site);
        await dispatch(ctx, site, {
          type: 'acknowledgeAlarm',
          alarmId: params.alarmId,
          by: principal.username,
          ...(byName ? { byName } : {}),
        });
        const alarms = site.state.data.alarms;
        const alarm = Object.hasOwn(alarms, params.alarmId) ? alarms[params.alarmId] : undefined;
        // Cleared between the decision and this answer: the acknowledgement was recorded all the same.
        if (!alarm)
          throw new Problem(
            409,
            'unknown-alarm',
            'Alarm cleared',
            fr_en('Alarme levée entre-temps', 'alarm cleared'),
          );
        return alarmView(alarm);
      },
    }),
    defineRoute({
      id: 'setMode',
      method: 'put',
      path: '/sites/:siteId/mode',
      tag: 'supervision',
      summary:
        'Override the operating mode (two-level / one-level) until a time, or return to the schedule (null)',
      access: SUPERVISION_ROLES,
      params: siteParams,
      body: z.object({
        mode: z.enum(['two-level', 'one-level']).nullable().describe('null: back to the configured schedule'),
        until: z
          .number()
          .int()
          .positive()
          .max(Date.UTC(2100, 0, 1))
          .optional()
          .describe('epoch ms when the override ends'),
      }),
      response: {
        description: 'The mode in force',
        schema: z.object({
          mode: z.enum(['two-level', 'one-level']).nullable(),
          events: z.array(eventSummarySchema),
        }),
      },
      problems: [409, 422],
      handler: async ({ principal, params, body }) => {
        const site = siteOf(ctx, principal, params.siteId);
        const result = await dispatch(ctx, site, {
          type: 'setMode',
          mode: body.mode,
          ...(body.until !== undefined ? { until: body.until } : {}),
        });
        return { mode: site.state.data.mode, events: eventSummaries(result) };
      },
    }),
  ];
}
