// Switching a line to a partner SAS (bascule), wholly or a share of its calls, and back.
import { z } from 'zod';
import { SUPERVISION_ROLES } from '../../auth/index.js';
import { lineSwitchViewSchema, lineSwitchViews } from '../../realtime/supervisor-snapshot.js';
import { siteOf } from '../access.js';
import type { ApiContext } from '../context.js';
import { dispatch, eventSummaries } from '../dispatch.js';
import { lineParams } from '../params.js';
import { defineRoute } from '../route.js';
import { eventSummarySchema } from '../../read-models/views.js';

const resultSchema = z.object({
  lineSwitches: z.array(lineSwitchViewSchema),
  events: z.array(eventSummarySchema),
});

/** A time as epoch ms, before 2100: a far-off date is a typo, not a plan. */
const epochMs = z
  .number()
  .int()
  .positive()
  .max(Date.UTC(2100, 0, 1));

export function lineRoutes(ctx: ApiContext) {
  return [
    defineRoute({
      id: 'switchLine',
      method: 'post',
      path: '/sites/:siteId/lines/:lineId/switch',
      tag: 'supervision',
      summary: 'Switch a line to a partner SAS (all its calls, or a share)',
      access: SUPERVISION_ROLES,
      params: lineParams,
      body: z.object({
        partnerId: z.string().min(1).max(100).describe('a partner of the site configuration'),
        share: z.number().gt(0).max(1).optional().describe('fraction of calls switched, default 1'),
        from: epochMs.optional().describe('epoch ms; default now'),
        until: epochMs.optional().describe('epoch ms when the line comes back'),
      }),
      response: { description: 'Lines switched now', schema: resultSchema },
      problems: [409, 422],
      handler: async ({ principal, params, body }) => {
        const site = siteOf(ctx, principal, params.siteId);
        const result = await dispatch(ctx, site, {
          type: 'switchLine',
          line: params.lineId,
          partnerId: body.partnerId,
          ...(body.share !== undefined ? { share: body.share } : {}),
          ...(body.from !== undefined ? { from: body.from } : {}),
          ...(body.until !== undefined ? { until: body.until } : {}),
        });
        return { lineSwitches: lineSwitchViews(site.state), events: eventSummaries(result) };
      },
    }),
    defineRoute({
      id: 'restoreLine',
      method: 'post',
      path: '/sites/:siteId/lines/:lineId/restore',
      tag: 'supervision',
      summary: 'Bring a switched line back to this site',
      access: SUPERVISION_ROLES,
      params: lineParams,
      body: z.object({}),
      response: { description: 'Lines switched now', schema: resultSchema },
      problems: [409, 422],
      handler: async ({ principal, params }) => {
        const site = siteOf(ctx, principal, params.siteId);
        const result = await dispatch(ctx, site, { type: 'restoreLine', line: params.lineId });
        return { lineSwitches: lineSwitchViews(site.state), events: eventSummaries(result) };
      },
    }),
  ];
}
