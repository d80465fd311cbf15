// The site configuration, for administrators: read it, or replace it whole. A bad configuration is
// refused whole with every bad field named (schema and cross-references), before the engine sees
// it; the engine then refuses one that live calls or logged-in agents still depend on.
import { z } from 'zod';
import { parseSiteConfig, siteConfigSchema } from '../../core/config.js';
import { siteOf } from '../access.js';
import type { ApiContext } from '../context.js';
import { dispatch, eventSummaries } from '../dispatch.js';
import { siteParams } from '../params.js';
import { fr_en, Problem } from '../problem.js';
import { defineRoute } from '../route.js';
import { eventSummarySchema } from '../../read-models/views.js';

export function configRoutes(ctx: ApiContext) {
  return [
    defineRoute({
      id: 'getConfig',
      method: 'get',
      path: '/sites/:siteId/config',
      tag: 'admin',
      summary: 'The site configuration in force (see docs/config.md)',
      access: ['admin'],
      params: siteParams,
      response: { description: 'The configuration', schema: siteConfigSchema },
      handler: ({ principal, params }) => siteOf(ctx, principal, params.siteId).state.data.config,
    }),
    defineRoute({
      id: 'replaceConfig',
      method: 'put',
      path: '/sites/:siteId/config',
      tag: 'admin',
      summary: 'Replace the site configuration whole (validated; a bad one changes nothing)',
      access: ['admin'],
      params: siteParams,
      body: siteConfigSchema,
      response: {
        description: 'The configuration now in force',
        schema: z.object({ config: siteConfigSchema, events: z.array(eventSummarySchema) }),
      },
      problems: [404, 409, 422],
      handler: async ({ principal, params, body }) => {
        const site = siteOf(ctx, principal, params.siteId);
        const parsed = parseSiteConfig(body);
        if (!parsed.ok) {
          const errors = parsed.errors.map((e) => {
            const at = e.indexOf(': ');
            return { field: `body.${e.slice(0, at)}`, message: e.slice(at + 2) };
          });
          throw new Problem(
            400,
            'validation-failed',
            'Invalid configuration',
            fr_en(
              `Configuration refusée : ${parsed.errors.join('; ')}`,
              `configuration refused: ${parsed.errors.join('; ')}`,
            ),
            errors,
          );
        }
        const result = await dispatch(ctx, site, { type: 'replaceConfig', config: parsed.config });
        return { config: site.state.data.config, events: eventSummaries(result) };
      },
    }),
  ];
}
