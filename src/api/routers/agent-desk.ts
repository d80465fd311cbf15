// The agent's own desk: log in to the ACD and out, ready, pause with a reason, the current call
// and today's figures. The agent is the one the token's user is linked to.
import { z } from 'zod';
import type { UserRole } from '../../auth/index.js';
import { findAgent, ownAgentId, siteOf } from '../access.js';
import type { ApiContext } from '../context.js';
import { dispatch, eventSummaries } from '../dispatch.js';
import { plainText, siteParams } from '../params.js';
import { defineRoute } from '../route.js';
import {
  agentStatsSchema,
  agentView,
  agentViewSchema,
  callView,
  callViewSchema,
  eventSummarySchema,
} from '../../read-models/views.js';

/** Roles that sit at a desk; a supervisor may also take calls when configured as an agent. */
export const DESK_ROLES: readonly UserRole[] = ['arm', 'osnp', 'mrg', 'mru', 'supervisor'];

const deskSchema = z.object({
  agent: agentViewSchema,
  call: callViewSchema.nullable(),
  stats: agentStatsSchema,
});
const actionSchema = z.object({ agent: agentViewSchema, events: z.array(eventSummarySchema) });

export function agentDeskRoutes(ctx: ApiContext) {
  const desk = (siteId: string, agentId: string) => {
    const site = ctx.sites.get(siteId)!;
    const agent = findAgent(site, agentId);
    const call = agent.callId ? site.state.data.calls[agent.callId] : undefined;
    return {
      agent: agentView(site.state, agent),
      call: call ? callView(call, site.state) : null,
      stats: ctx.feeds.get(siteId)!.stats.stats(agentId, ctx.clock()),
    };
  };
  const action = (
    id: string,
    path: string,
    summary: string,
    command: (agentId: string, body: { reason?: string }) => Parameters<typeof dispatch>[2],
    body?: z.ZodType<{ reason?: string }>,
  ) =>
    defineRoute({
      id,
      method: 'post',
      path: `/sites/:siteId/agent/${path}`,
      tag: 'agent',
      summary,
      access: DESK_ROLES,
      params: siteParams,
      body: body ?? z.object({}),
      response: { description: 'The agent after the command', schema: actionSchema },
      problems: [404, 409, 422],
      handler: async ({ principal, params, body: b }) => {
        const site = siteOf(ctx, principal, params.siteId);
        const agentId = ownAgentId(principal);
        findAgent(site, agentId);
        const result = await dispatch(ctx, site, command(agentId, b));
        return {
          agent: agentView(site.state, site.state.data.agents[agentId]!),
          events: eventSummaries(result),
        };
      },
    });
  return [
    defineRoute({
      id: 'getDesk',
      method: 'get',
      path: '/sites/:siteId/agent',
      tag: 'agent',
      summary: "The agent's state, current call and today's figures",
      access: DESK_ROLES,
      params: siteParams,
      response: { description: 'The desk', schema: deskSchema },
      problems: [404],
      handler: ({ principal, params }) => {
        siteOf(ctx, principal, params.siteId);
        return desk(params.siteId, ownAgentId(principal));
      },
    }),
    action('agentLogin', 'login', 'Log in to the ACD (becomes available)', (agentId) => ({
      type: 'agentLogin',
      agentId,
    })),
    action('agentLogout', 'logout', 'Log out of the ACD (not while on a call)', (agentId) => ({
      type: 'agentLogout',
      agentId,
      by: 'agent',
    })),
    action('agentReady', 'ready', 'Become available (end a pause or wrap-up)', (agentId) => ({
      type: 'agentReady',
      agentId,
    })),
    action(
      'agentPause',
      'pause',
      'Pause with a reason',
      (agentId, b) => ({ type: 'agentPause', agentId, reason: b.reason ?? '' }),
      z.object({
        reason: plainText(100).min(1).describe('e.g. "pause", "formation", "débriefing"'),
      }),
    ),
  ];
}
