// Calls: the detail, and what the agent holding the call (or a supervisor of its site) does with
// it: answer (when the phone does not answer by itself), qualify, transfer, bring in the doctor,
// hang up with a disposition; and the caller's acceptance of a callback.
import { z } from 'zod';
import { QUALIFICATIONS } from '../../core/model.js';
import type { Command } from '../../core/commands.js';
import { SUPERVISION_ROLES } from '../../auth/index.js';
import { actingAgent, findCall, isSupervisor, siteOf } from '../access.js';
import type { ApiContext } from '../context.js';
import { dispatch, eventSummaries } from '../dispatch.js';
import { callParams, onBehalf, plainText } from '../params.js';
import { forbidden } from '../problem.js';
import { defineRoute } from '../route.js';
import { callView, callViewSchema, eventSummarySchema } from '../../read-models/views.js';
import { DESK_ROLES } from './agent-desk.js';

const actionSchema = z.object({
  call: callViewSchema.nullable().describe('the call after the command (null once it has ended)'),
  events: z.array(eventSummarySchema),
});

const qualifyBody = z.object({
  qualification: z
    .enum(QUALIFICATIONS)
    .describe('P0 urgence vitale, P1 AMU, P2 MG, DR dossier de régulation'),
  name: plainText(200).optional().describe("DRM: caller's name (default: caller id name)"),
  phone: z
    .string()
    .trim()
    .regex(/^[+0-9 .()-]{0,30}$/, 'expected a phone number (digits, spaces, + . ( ) -)')
    .optional()
    .describe('DRM: phone to call back (default: caller number)'),
  agentId: onBehalf,
});

const transferBody = z.object({
  to: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe(
      'target queue; default: the N2 queue of the qualification (from N1) or the doctors (from N2 AMU)',
    ),
  mode: z.enum(['blind', 'warm']).optional().describe('default: the site routing.transferMode'),
  agentId: onBehalf,
});

type Body = { agentId?: string | undefined };

export function callRoutes(ctx: ApiContext) {
  const action = <B extends z.ZodType<Body>>(
    id: string,
    path: string,
    summary: string,
    body: B,
    command: (callId: string, agentId: string, body: z.output<B>) => Command,
    offered = false,
  ) =>
    defineRoute({
      id,
      method: 'post',
      path: `/sites/:siteId/calls/:callId/${path}`,
      tag: 'calls',
      summary,
      access: DESK_ROLES,
      params: callParams,
      body,
      response: { description: 'The call after the command', schema: actionSchema },
      problems: [404, 409, 422],
      handler: async ({ principal, params, body: b }) => {
        const site = siteOf(ctx, principal, params.siteId);
        const call = findCall(site, params.callId);
        const agentId = actingAgent(principal, call, b.agentId, { offered });
        const result = await dispatch(ctx, site, command(call.id, agentId, b));
        const after = site.state.data.calls[call.id];
        return { call: after ? callView(after, site.state) : null, events: eventSummaries(result) };
      },
    });

  return [
    defineRoute({
      id: 'getCall',
      method: 'get',
      path: '/sites/:siteId/calls/:callId',
      tag: 'calls',
      summary: 'One live call, with the caller and the DRM (its agent or a supervisor)',
      access: DESK_ROLES,
      params: callParams,
      response: { description: 'The call', schema: callViewSchema },
      problems: [404],
      handler: ({ principal, params }) => {
        const site = siteOf(ctx, principal, params.siteId);
        const call = findCall(site, params.callId);
        const mine =
          principal.agentId !== null &&
          (call.parties.some((p) => p.agentId === principal.agentId) ||
            call.pending?.offer?.agentId === principal.agentId);
        if (!mine && !isSupervisor(principal))
          throw forbidden(
            'not-your-call',
            `L'appel ${call.id} n'est pas le vôtre`,
            `call ${call.id} is not yours`,
          );
        return callView(call, site.state);
      },
    }),
    action(
      'answerCall',
      'answer',
      'Answer the call offered to the agent (agents without auto-answer)',
      z.object({ agentId: onBehalf }),
      (callId, agentId) => ({ type: 'answerOffer', callId, agentId }),
      true,
    ),
    action(
      'qualifyCall',
      'qualify',
      'Qualify the call (P0/P1/P2/DR) and fill the DRM name and phone',
      qualifyBody,
      (callId, agentId, b) => ({
        type: 'qualifyCall',
        callId,
        agentId,
        qualification: b.qualification,
        ...(b.name !== undefined ? { name: b.name } : {}),
        ...(b.phone !== undefined ? { phone: b.phone } : {}),
      }),
    ),
    action(
      'transferCall',
      'transfer',
      'Transfer the call, blind or warm, to the default or a named queue (the caller is never cut)',
      transferBody,
      (callId, agentId, b) => ({
        type: 'transferCall',
        callId,
        agentId,
        ...(b.to !== undefined ? { to: b.to } : {}),
        ...(b.mode !== undefined ? { mode: b.mode } : {}),
      }),
    ),
    defineRoute({
      id: 'reorientCall',
      method: 'post',
      path: '/sites/:siteId/calls/:callId/reorient',
      tag: 'calls',
      summary: 'Reorient the call to the other branch from N2 (MG → AMU, AMU → MG OSNP), the caller kept',
      description:
        "A transfer to the other branch's N2 queue (routing.p1Queue for AMU, routing.p2Queue for MG). " +
        'MG → AMU takes the reorientation priority and keeps its original arrival. Only from an N2 step.',
      access: DESK_ROLES,
      params: callParams,
      body: z.object({
        to: z.enum(['amu', 'mg']).describe('the branch to send the call to'),
        mode: z.enum(['blind', 'warm']).optional().describe('default: the site routing.transferMode'),
        agentId: onBehalf,
      }),
      response: { description: 'The call after the command', schema: actionSchema },
      problems: [404, 409, 422],
      handler: async ({ principal, params, body }) => {
        const site = siteOf(ctx, principal, params.siteId);
        const call = findCall(site, params.callId);
        const agentId = actingAgent(principal, call, body.agentId);
        // The rule (from N2 to the other branch's N2 queue) is the engine's: src/core/rules/reorientation.ts.
        const command: Command = {
          type: 'reorientCall',
          callId: call.id,
          agentId,
          to: body.to,
          ...(body.mode !== undefined ? { mode: body.mode } : {}),
        };
        const result = await dispatch(ctx, site, command);
        const after = site.state.data.calls[call.id];
        return { call: after ? callView(after, site.state) : null, events: eventSummaries(result) };
      },
    }),
    action(
      'bringInDoctor',
      'doctor',
      'Bring the emergency doctor into the call (conference; the agent stays)',
      z.object({ agentId: onBehalf }),
      (callId, agentId) => ({ type: 'bringInDoctor', callId, agentId }),
    ),
    action(
      'hangUpCall',
      'hangup',
      "Leave or end the call, with the site's disposition (issue) when it ends",
      z.object({
        disposition: z.string().min(1).max(100).optional().describe("one of the site's dispositions"),
        agentId: onBehalf,
      }),
      (callId, agentId, b) => ({
        type: 'hangUp',
        callId,
        agentId,
        ...(b.disposition !== undefined ? { disposition: b.disposition } : {}),
      }),
    ),
    defineRoute({
      id: 'acceptCallback',
      method: 'post',
      path: '/sites/:siteId/calls/:callId/callback',
      tag: 'calls',
      summary:
        'Record that the waiting caller accepts the callback offered (MG queues): the call ends, a task is created',
      access: SUPERVISION_ROLES,
      params: callParams,
      body: z.object({}),
      response: { description: 'The call has ended with a callback task', schema: actionSchema },
      problems: [404, 409, 422],
      handler: async ({ principal, params }) => {
        const site = siteOf(ctx, principal, params.siteId);
        findCall(site, params.callId);
        const result = await dispatch(ctx, site, { type: 'acceptCallback', callId: params.callId });
        const after = site.state.data.calls[params.callId];
        return { call: after ? callView(after, site.state) : null, events: eventSummaries(result) };
      },
    }),
  ];
}
