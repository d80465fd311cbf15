// The callback worklist (rappels): tasks created when a waiting MG caller accepts a callback.
// Agents claim one (once) and complete it with an outcome; supervisors see them all and may
// assign one to an agent. An agent lists only the tasks it may claim (its roles serve the task's
// queue, as the engine checks on claim) and its own: no caller numbers for the others.
import { z } from 'zod';
import type { Principal } from '../../auth/index.js';
import type { SiteHandle } from '../../ports/site-handle.js';
import type { SiteConfig } from '../../core/config.js';
import type { CallbackTask } from '../../core/model.js';
import { isSupervisor, ownAgentId, siteOf } from '../access.js';
import type { ApiContext } from '../context.js';
import { dispatch, eventSummaries } from '../dispatch.js';
import { onBehalf, plainText, siteParams, taskParams } from '../params.js';
import { forbidden, notFound } from '../problem.js';
import { defineRoute } from '../route.js';
import { callbackView, callbackViewSchema, eventSummarySchema } from '../../read-models/views.js';
import { DESK_ROLES } from './agent-desk.js';

const ROLES = [...DESK_ROLES, 'admin'] as const;
const actionSchema = z.object({
  task: callbackViewSchema.nullable().describe('the task after the command (null once completed)'),
  events: z.array(eventSummarySchema),
});

function agentFor(principal: Principal, requested: string | undefined): string {
  if (isSupervisor(principal)) {
    if (!requested)
      throw forbidden('agent-required', 'Précisez « agentId »', 'give "agentId" (the agent to act for)');
    return requested;
  }
  const own = ownAgentId(principal);
  if (requested !== undefined && requested !== own)
    throw forbidden(
      'not-yourself',
      'Vous agissez pour votre seul poste',
      'you may only act for your own agent',
    );
  return own;
}

function findTask(site: SiteHandle, taskId: string) {
  const task = Object.hasOwn(site.state.data.callbacks, taskId)
    ? site.state.data.callbacks[taskId]
    : undefined;
  if (!task)
    throw notFound('unknown-task', `Rappel ${taskId} inconnu ou terminé`, `no callback task ${taskId}`);
  return task;
}

/** The engine's claim rule (core/distribution.ts roleFor): a role of the agent serves the queue, or an exception. */
function mayClaim(config: SiteConfig, agentId: string, queueId: string): boolean {
  const roles = config.agents.find((a) => a.id === agentId)?.roles ?? [];
  const queue = config.queues.find((q) => q.id === queueId);
  if (queue?.roles.some((r) => roles.includes(r))) return true;
  return config.roleExceptions.some((e) => e.agentId === agentId && e.queueId === queueId);
}

function visibleTo(principal: Principal, config: SiteConfig): (t: CallbackTask) => boolean {
  if (isSupervisor(principal)) return () => true;
  const own = ownAgentId(principal);
  return (t) => t.claimedBy === own || (t.claimedBy === null && mayClaim(config, own, t.queueId));
}

export function callbackRoutes(ctx: ApiContext) {
  return [
    defineRoute({
      id: 'listCallbacks',
      method: 'get',
      path: '/sites/:siteId/callbacks',
      tag: 'callbacks',
      summary: 'The callback worklist, oldest first',
      description:
        'Supervisors see every task; an agent sees the open tasks it may claim and the ones it holds.',
      access: ROLES,
      params: siteParams,
      query: z.object({
        status: z.enum(['open', 'claimed', 'all']).default('all').describe('open = not claimed yet'),
      }),
      response: { description: 'Tasks', schema: z.object({ tasks: z.array(callbackViewSchema) }) },
      handler: ({ principal, params, query }) => {
        const site = siteOf(ctx, principal, params.siteId);
        const visible = visibleTo(principal, site.state.data.config);
        const tasks = Object.values(site.state.data.callbacks)
          .filter(visible)
          .filter((t) => query.status === 'all' || (query.status === 'open') === (t.claimedBy === null))
          .sort((a, b) => a.createdAt - b.createdAt)
          .map(callbackView);
        return { tasks };
      },
    }),
    defineRoute({
      id: 'claimCallback',
      method: 'post',
      path: '/sites/:siteId/callbacks/:taskId/claim',
      tag: 'callbacks',
      summary: 'Claim a callback task (only one agent may)',
      access: ROLES,
      params: taskParams,
      body: z.object({ agentId: onBehalf }),
      response: { description: 'The claimed task', schema: actionSchema },
      problems: [404, 409, 422],
      handler: async ({ principal, params, body }) => {
        const site = siteOf(ctx, principal, params.siteId);
        findTask(site, params.taskId);
        const agentId = agentFor(principal, body.agentId);
        const result = await dispatch(ctx, site, { type: 'claimCallback', taskId: params.taskId, agentId });
        const t = site.state.data.callbacks[params.taskId];
        return { task: t ? callbackView(t) : null, events: eventSummaries(result) };
      },
    }),
    defineRoute({
      id: 'completeCallback',
      method: 'post',
      path: '/sites/:siteId/callbacks/:taskId/complete',
      tag: 'callbacks',
      summary: 'Complete a claimed callback task with an outcome',
      access: ROLES,
      params: taskParams,
      body: z.object({
        outcome: plainText(100).min(1).describe('e.g. "rappelé", "injoignable", a disposition'),
        agentId: onBehalf,
      }),
      response: { description: 'The task is done', schema: actionSchema },
      problems: [404, 409, 422],
      handler: async ({ principal, params, body }) => {
        const site = siteOf(ctx, principal, params.siteId);
        const task = findTask(site, params.taskId);
        const agentId = isSupervisor(principal)
          ? (body.agentId ?? task.claimedBy ?? agentFor(principal, undefined))
          : agentFor(principal, body.agentId);
        const result = await dispatch(ctx, site, {
          type: 'completeCallback',
          taskId: params.taskId,
          agentId,
          outcome: body.outcome,
        });
        const t = site.state.data.callbacks[params.taskId];
        return { task: t ? callbackView(t) : null, events: eventSummaries(result) };
      },
    }),
  ];
}
