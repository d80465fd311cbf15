// The consultative outside transfer from the agent's panel (docs/lrm.md): the agent calls a number
// with the caller on hold (music), talks to it, then hands the caller over (or makes a three-way
// call), or takes the caller back. Not offered to the LRM: a consultation needs the agent's voice.
// Built on Asterisk and FreeSWITCH; an adapter without it (`canConsultOutside` false) answers 501
// and nothing changes.
import { z } from 'zod';
import { CONSULTATION_COMPLETIONS } from '../../core/consultation.js';
import { OUTBOUND_PURPOSES } from '../../core/model.js';
import { callView, callViewSchema, eventSummarySchema } from '../../read-models/views.js';
import { findCall, ownAgentId, siteOf } from '../access.js';
import type { ApiContext } from '../context.js';
import { dispatch, eventSummaries } from '../dispatch.js';
import { siteParams } from '../params.js';
import { fr_en, Problem } from '../problem.js';
import { defineRoute } from '../route.js';
import { DESK_ROLES } from './agent-desk.js';
import { dialFromCall } from './dial-from-call.js';
import { dialNumber, outboundCallSchema } from './outbound-schemas.js';

export type ConsultOutsideOptions = {
  /** Whether the PBX adapter runs a consultation (false: 501). */
  canConsultOutside: boolean;
};

/** 501: the PBX adapter cannot put the caller on hold while the agent consults a number. */
export const consultOutsideUnsupported = () =>
  new Problem(
    501,
    'consult-outside-not-supported',
    'Not implemented on this PBX',
    fr_en(
      "Le transfert accompagné vers l'extérieur n'est pas disponible sur ce PBX : utilisez le transfert direct",
      'a consultative outside transfer is not supported on this PBX; use the blind outside transfer',
    ),
  );

const callIdField = z.string().min(1).max(200).describe('the call the agent is on (the caller’s)');
const stepSchema = z.object({
  call: callViewSchema.nullable().describe('the caller’s call after the step (null once it has ended)'),
  events: z.array(eventSummarySchema),
});

export function consultOutsideRoutes(
  ctx: ApiContext,
  opts: ConsultOutsideOptions = { canConsultOutside: true },
) {
  return [
    defineRoute({
      id: 'consultOutside',
      method: 'post',
      path: '/sites/:siteId/agent/consult-outside',
      tag: 'agent',
      summary: 'Consultative outside transfer: the caller on hold, the agent calls a number first',
      description:
        'The caller of the call the agent is on hears music in its call (still recorded) while the ' +
        'agent calls the number (fire brigade 18/112, 115, a GP, a partner SAS) and talks to it alone. ' +
        'Then `…/complete` (hand the caller over, or `mode: conference` for all three) or `…/cancel` ' +
        '(take the caller back). A number busy, unreachable, unanswered or hanging up puts the agent ' +
        'back with the caller; the caller hanging up leaves the agent with the number; the agent’s ' +
        'phone dropping hangs the number up and puts the caller back in its queue. Counted as one ' +
        'outbound call (purpose `external-transfer` by default), never as an answered call. 409 ' +
        '`consultation-in-progress` or `transfer-in-progress` when one is under way; 501 on a PBX adapter without it.',
      access: DESK_ROLES,
      params: siteParams,
      body: z.object({
        callId: callIdField,
        number: dialNumber,
        purpose: z.enum(OUTBOUND_PURPOSES).optional().describe('default: external-transfer'),
      }),
      response: { status: 201, description: 'The outbound call', schema: outboundCallSchema },
      problems: [404, 409, 422, 501],
      handler: async ({ principal, params, body }) => {
        const site = siteOf(ctx, principal, params.siteId);
        const agentId = ownAgentId(principal);
        if (!opts.canConsultOutside) throw consultOutsideUnsupported();
        return dialFromCall(ctx, site, agentId, body, { consult: true });
      },
    }),
    defineRoute({
      id: 'completeConsultOutside',
      method: 'post',
      path: '/sites/:siteId/agent/consult-outside/complete',
      tag: 'agent',
      summary: 'Hands the caller over to the consulted number (or joins all three)',
      description:
        'Once the number has answered (409 `consultation-not-answered` before): `transfer` (default) puts ' +
        'the caller with the number and releases the agent (wrap-up or available), the call still ' +
        'recorded, ended once when either hangs up; `conference` joins the caller, the number and the ' +
        'agent. 409 `no-consultation` when none is under way from this agent.',
      access: DESK_ROLES,
      params: siteParams,
      body: z.object({
        callId: callIdField,
        mode: z.enum(CONSULTATION_COMPLETIONS).optional().describe('default: transfer'),
      }),
      response: { status: 200, description: 'The caller’s call after the step', schema: stepSchema },
      problems: [404, 409, 422, 501],
      handler: async ({ principal, params, body }) => {
        const site = siteOf(ctx, principal, params.siteId);
        const agentId = ownAgentId(principal);
        if (!opts.canConsultOutside) throw consultOutsideUnsupported();
        const call = findCall(site, body.callId);
        const result = await dispatch(ctx, site, {
          type: 'completeConsultation',
          callId: call.id,
          agentId,
          ...(body.mode ? { mode: body.mode } : {}),
        });
        const after = site.state.data.calls[call.id];
        return { call: after ? callView(after, site.state) : null, events: eventSummaries(result) };
      },
    }),
    defineRoute({
      id: 'cancelConsultOutside',
      method: 'post',
      path: '/sites/:siteId/agent/consult-outside/cancel',
      tag: 'agent',
      summary: 'Ends the consultation: the number is hung up, the agent takes the caller back',
      description:
        'The outbound call ends (counted once, by purpose); the agent is back with the caller, the music ' +
        'stopped. 409 `no-consultation` when none is under way from this agent.',
      access: DESK_ROLES,
      params: siteParams,
      body: z.object({ callId: callIdField }),
      response: { status: 200, description: 'The caller’s call after the step', schema: stepSchema },
      problems: [404, 409, 422, 501],
      handler: async ({ principal, params, body }) => {
        const site = siteOf(ctx, principal, params.siteId);
        const agentId = ownAgentId(principal);
        if (!opts.canConsultOutside) throw consultOutsideUnsupported();
        const call = findCall(site, body.callId);
        const result = await dispatch(ctx, site, { type: 'cancelConsultation', callId: call.id, agentId });
        const after = site.state.data.calls[call.id];
        return { call: after ? callView(after, site.state) : null, events: eventSummaries(result) };
      },
    }),
  ];
}
