// Supervision of agents: the list, moving an agent between levels (its queue skills, within the
// role rules), pausing or logging out an agent from the supervisor's desk.
import { z } from 'zod';
import { SUPERVISION_ROLES } from '../../auth/index.js';
import { findAgent, siteOf } from '../access.js';
import type { ApiContext } from '../context.js';
import { dispatch, eventSummaries } from '../dispatch.js';
import { agentParams, plainText, siteParams } from '../params.js';
import { defineRoute } from '../route.js';
import { agentView, agentViewSchema, eventSummarySchema, skillSchema } from '../../read-models/views.js';

const actionSchema = z.object({ agent: agentViewSchema, events: z.array(eventSummarySchema) });

export function agentRoutes(ctx: ApiContext) {
  const after = (siteId: string, agentId: string) => {
    const site = ctx.sites.get(siteId)!;
    return agentView(site.state, site.state.data.agents[agentId]!);
  };
  return [
    defineRoute({
      id: 'listAgents',
      method: 'get',
      path: '/sites/:siteId/agents',
      tag: 'supervision',
      summary: 'Every agent of the site with its live state',
      access: SUPERVISION_ROLES,
      params: siteParams,
      response: { description: 'Agents', schema: z.object({ agents: z.array(agentViewSchema) }) },
      handler: ({ principal, params }) => {
        const site = siteOf(ctx, principal, params.siteId);
        return { agents: Object.values(site.state.data.agents).map((a) => agentView(site.state, a)) };
      },
    }),
    defineRoute({
      id: 'moveAgent',
      method: 'put',
      path: '/sites/:siteId/agents/:agentId/skills',
      tag: 'supervision',
      summary: 'Move an agent between levels: replace its queue skills (role rules apply)',
      access: SUPERVISION_ROLES,
      params: agentParams,
      body: z.object({
        skills: z
          .array(skillSchema)
          .max(200)
          .refine((list) => new Set(list.map((s) => s.queue)).size === list.length, {
            message: 'a queue is given twice',
          })
          .describe('queues the agent serves, preference 1 (best) to 9'),
      }),
      response: { description: 'The agent with its new skills', schema: actionSchema },
      problems: [404, 409, 422],
      handler: async ({ principal, params, body }) => {
        const site = siteOf(ctx, principal, params.siteId);
        findAgent(site, params.agentId);
        const result = await dispatch(ctx, site, {
          type: 'moveAgent',
          agentId: params.agentId,
          skills: body.skills,
        });
        return { agent: after(params.siteId, params.agentId), events: eventSummaries(result) };
      },
    }),
    defineRoute({
      id: 'pauseAgent',
      method: 'post',
      path: '/sites/:siteId/agents/:agentId/pause',
      tag: 'supervision',
      summary: 'Pause an agent, with a reason',
      access: SUPERVISION_ROLES,
      params: agentParams,
      body: z.object({ reason: plainText(100).min(1) }),
      response: { description: 'The paused agent', schema: actionSchema },
      problems: [404, 409, 422],
      handler: async ({ principal, params, body }) => {
        const site = siteOf(ctx, principal, params.siteId);
        findAgent(site, params.agentId);
        const result = await dispatch(ctx, site, {
          type: 'agentPause',
          agentId: params.agentId,
          reason: body.reason,
        });
        return { agent: after(params.siteId, params.agentId), events: eventSummaries(result) };
      },
    }),
    defineRoute({
      id: 'logoutAgent',
      method: 'post',
      path: '/sites/:siteId/agents/:agentId/logout',
      tag: 'supervision',
      summary: 'Log an agent out of the ACD (not while on a call)',
      access: SUPERVISION_ROLES,
      params: agentParams,
      body: z.object({}),
      response: { description: 'The logged-out agent', schema: actionSchema },
      problems: [404, 409, 422],
      handler: async ({ principal, params }) => {
        const site = siteOf(ctx, principal, params.siteId);
        findAgent(site, params.agentId);
        const result = await dispatch(ctx, site, {
          type: 'agentLogout',
          agentId: params.agentId,
          by: 'supervisor',
        });
        return { agent: after(params.siteId, params.agentId), events: eventSummaries(result) };
      },
    }),
  ];
}
