// The site configuration, for administrators: read it, replace it whole (PUT, every section
// given: a section left out is refused, never reset to its defaults), or change some sections
// (PATCH: the sections given replace the ones in force, the others stay). Either way the
// resulting configuration is checked whole, with every bad field named (schema and
// cross-references), before the engine sees it, and a refused one changes nothing; the engine
// then refuses one that live calls or logged-in agents still depend on.
import { z } from 'zod';
import type { SiteHandle } from '../../ports/site-handle.js';
import { parseSiteConfig, siteConfigSchema } from '../../core/config.js';
import { siteOf } from '../access.js';
import type { ApiContext } from '../context.js';
import { dispatch, eventSummaries } from '../dispatch.js';
import { siteParams } from '../params.js';
import { fr_en, Problem } from '../problem.js';
import { defineRoute } from '../route.js';
import { eventSummarySchema } from '../../read-models/views.js';

const SECTIONS = Object.keys(siteConfigSchema.shape);
/**
 * Sections whose absence means a documented default (presence: annex 1 II.b; reporting: the
 * default MG-decision mapping of annex 3; panelKeys: the product's key map; recording: off;
 * listenIn: the agent is told; trunks: occupancy not measured; qsTarget: the illustrative 90 %), as
 * in `config check`: PUT may leave them out. GET returns them when the site sets them, so a
 * read-modify-PUT keeps them.
 */
const RULE_SECTIONS = ['presence', 'reporting', 'panelKeys', 'recording', 'listenIn', 'trunks', 'qsTarget'];
const resultSchema = z.object({ config: siteConfigSchema, events: z.array(eventSummarySchema) });

const refused = (errors: { field: string; message: string }[], title = 'Invalid configuration') => {
  const list = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
  return new Problem(
    400,
    'validation-failed',
    title,
    fr_en(`Configuration refusée, corrigez : ${list}`, `configuration refused, fix: ${list}`),
    errors,
  );
};

/** Checks the whole configuration, then hands it to the engine (which may still refuse it). */
async function apply(ctx: ApiContext, site: SiteHandle, candidate: unknown) {
  const parsed = parseSiteConfig(candidate);
  if (!parsed.ok)
    throw refused(
      parsed.errors.map((e) => {
        const at = e.indexOf(': ');
        return { field: `body.${e.slice(0, at)}`, message: e.slice(at + 2) };
      }),
    );
  const result = await dispatch(ctx, site, { type: 'replaceConfig', config: parsed.config });
  return { config: site.state.data.config, events: eventSummaries(result) };
}

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
      response: { description: 'The configuration now in force', schema: resultSchema },
      problems: [404, 409, 422],
      handler: async ({ principal, params, req }) => {
        const site = siteOf(ctx, principal, params.siteId);
        const raw = (req.body ?? {}) as Record<string, unknown>;
        const missing = SECTIONS.filter((k) => raw[k] === undefined && !RULE_SECTIONS.includes(k));
        if (missing.length > 0)
          throw refused(
            missing.map((k) => ({
              field: `body.${k}`,
              message: 'required: PUT replaces the whole configuration (use PATCH to change some sections)',
            })),
            'Incomplete configuration',
          );
        return apply(ctx, site, raw);
      },
    }),
    defineRoute({
      id: 'patchConfig',
      method: 'patch',
      path: '/sites/:siteId/config',
      tag: 'admin',
      summary: 'Replace some sections of the site configuration (the others stay as they are)',
      description:
        'Each top-level section given (e.g. "agents", "calendar") replaces that section whole; the ' +
        'resulting configuration is validated whole, and a bad one changes nothing.',
      access: ['admin'],
      params: siteParams,
      body: siteConfigSchema.partial(),
      response: { description: 'The configuration now in force', schema: resultSchema },
      problems: [404, 409, 422],
      handler: async ({ principal, params, req }) => {
        const site = siteOf(ctx, principal, params.siteId);
        // The sections as sent (not as parsed with defaults): one left out keeps its value in force.
        const raw = (req.body ?? {}) as Record<string, unknown>;
        const given = Object.fromEntries(
          SECTIONS.filter((k) => raw[k] !== undefined).map((k) => [k, raw[k]]),
        );
        return apply(ctx, site, { ...site.state.data.config, ...given });
      },
    }),
  ];
}
