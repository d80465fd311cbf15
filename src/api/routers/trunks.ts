// Trunk occupancy and calls refused before distribution, per line (docs/trunks.md), for the
// supervisor console: the same figures as /metrics, read from the site's live state and Redis.
import { z } from 'zod';
import { SUPERVISION_ROLES } from '../../auth/index.js';
import type { TrunkStats } from '../../observability/trunk-stats.js';
import { siteOf } from '../access.js';
import type { ApiContext } from '../context.js';
import { siteParams } from '../params.js';
import { fr_en, Problem } from '../problem.js';
import { defineRoute } from '../route.js';

const lineSchema = z.object({
  line: z.string(),
  label: z.string().nullable(),
  channels: z.number().nullable().describe('channels of the trunk (configuration); null: not given'),
  busy: z.number(),
  occupancy: z.number().nullable().describe('busy / channels, 0 to 1'),
  peak15: z.number().describe('highest busy in the current 15-minute interval'),
  refusedToday: z.number().describe('calls refused before distribution today (site time)'),
});

export function trunkRoutes(ctx: ApiContext & { trunks: (siteId: string) => TrunkStats | null }) {
  return [
    defineRoute({
      id: 'trunkOccupancy',
      method: 'get',
      path: '/sites/:siteId/trunks',
      tag: 'room',
      summary: 'Trunk occupancy and calls refused before distribution, per line',
      access: SUPERVISION_ROLES,
      params: siteParams,
      problems: [404],
      response: {
        description: 'Per line',
        schema: z.object({ at: z.number(), lines: z.array(lineSchema) }),
      },
      handler: async ({ principal, params }) => {
        siteOf(ctx, principal, params.siteId);
        const stats = ctx.trunks(params.siteId);
        if (!stats)
          throw new Problem(
            404,
            'trunks-off',
            'Not found',
            fr_en(
              `Les lignes du site ${params.siteId} ne sont pas mesurées par ce serveur`,
              `trunks of site ${params.siteId} are not measured by this server`,
            ),
          );
        return { at: ctx.clock(), lines: await stats.lines() };
      },
    }),
  ];
}
