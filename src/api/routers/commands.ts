// After a 503 `outcome-unknown`: was the command it names decided? `decided` (applied or refused,
// once: look at the state), `not-yet` (waiting for a writer: ask again), 404 when the site never
// saw that id (or more than 24 h ago). Same roles and site scope as the command routes. The id is
// a random UUID given only to the request that sent the command, and the answer says nothing of
// what the command was: so the id itself is the proof of asking (the store keeps no sender per
// command, see docs/api.md).
import { z } from 'zod';
import { siteOf } from '../access.js';
import type { ApiContext } from '../context.js';
import { siteParams } from '../params.js';
import { notFound } from '../problem.js';
import { defineRoute } from '../route.js';
import { DESK_ROLES } from './agent-desk.js';

const commandParams = siteParams.extend({
  commandId: z
    .string()
    .regex(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      'expected a command id (a UUID, as in the "commandId" of an outcome-unknown answer)',
    )
    .describe('the "commandId" of a 503 outcome-unknown answer'),
});

const statusSchema = z.object({
  commandId: z.string(),
  status: z
    .enum(['decided', 'not-yet'])
    .describe('decided: applied or refused, once (look at the state); not-yet: waiting, ask again'),
});

export function commandRoutes(ctx: ApiContext) {
  return [
    defineRoute({
      id: 'getCommandStatus',
      method: 'get',
      path: '/sites/:siteId/commands/:commandId',
      tag: 'commands',
      summary: 'Whether a command answered outcome-unknown has been decided',
      access: DESK_ROLES,
      params: commandParams,
      response: { description: 'Where the command stands', schema: statusSchema },
      problems: [404],
      async handler({ principal, params }) {
        const site = siteOf(ctx, principal, params.siteId);
        // A site without a store decides every command at once (SiteShell in memory).
        const status = site.commandOutcome ? await site.commandOutcome(params.commandId) : 'decided';
        if (status === 'unknown')
          throw notFound(
            'unknown-command',
            `Commande ${params.commandId} inconnue sur ce site (ou plus vieille que 24 h) : vérifiez l'état affiché`,
            `command ${params.commandId} was never sent to this site, or more than 24 h ago`,
          );
        return { commandId: params.commandId, status };
      },
    }),
  ];
}
