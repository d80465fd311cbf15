// Outside calls from the agent's panel (click-to-dial): the agent calls a number alone, or from the
// call it is on (external transfer or conference with the fire brigade, 115, the patient's GP, a
// partner SAS). Counted by purpose, never as an answered call; a failed or ended outside leg frees
// the agent (src/telephony/ari/ari-adapter.ts). The LRM's own route is in ./lrm.ts.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { OUTBOUND_PURPOSES } from '../../core/model.js';
import { callView, callViewSchema, eventSummarySchema } from '../../read-models/views.js';
import { findCall, ownAgentId, siteOf } from '../access.js';
import type { ApiContext } from '../context.js';
import { dispatch, eventSummaries } from '../dispatch.js';
import { siteParams } from '../params.js';
import { defineRoute } from '../route.js';
import { DESK_ROLES } from './agent-desk.js';
import { dialFromCall } from './dial-from-call.js';
import { dialNumber, outboundCallSchema } from './outbound-schemas.js';
import { callRef } from '../../lrm/call-ref.js';
import { fr_en, Problem } from '../problem.js';

export type OutsideCallOptions = {
  /** Whether the PBX adapter bridges an outside leg into a call (false on FreeSWITCH today: 501). */
  canBridgeOutside: boolean;
};

/** 501: the PBX adapter cannot bridge an outside leg into a call. */
export const outsideTransferUnsupported = () =>
  new Problem(
    501,
    'outside-transfer-not-supported',
    'Not implemented on this PBX',
    fr_en(
      "Le transfert vers l'extérieur n'est pas disponible sur ce PBX (FreeSWITCH) : utilisez Asterisk",
      'an outside transfer is not supported on this PBX (FreeSWITCH); it is built for Asterisk',
    ),
  );

export function outsideCallRoutes(ctx: ApiContext, opts: OutsideCallOptions = { canBridgeOutside: true }) {
  return [
    defineRoute({
      id: 'transferOutside',
      method: 'post',
      path: '/sites/:siteId/agent/transfer-outside',
      tag: 'agent',
      summary: 'Outside transfer in one command: the number takes the call, the agent leaves when it answers',
      description:
        'The agent transfers the call it is on to an outside number (fire brigade 18/112, 115, the ' +
        "patient's GP, a partner SAS). The caller stays with the agent while the number rings; once " +
        'it answers, the agent leaves (wrap-up or available) and the caller talks to the number until ' +
        'either hangs up. A number that is busy, unreachable or does not answer ends only the outbound ' +
        'call: the caller is still with the agent. Counted as an outbound call (purpose ' +
        '`external-transfer` by default), never as an answered call. 501 on a PBX that cannot bridge ' +
        'an outside leg (FreeSWITCH today).',
      access: DESK_ROLES,
      params: siteParams,
      body: z.object({
        callId: z.string().min(1).max(200).describe('the call the agent is on'),
        number: dialNumber,
        purpose: z.enum(OUTBOUND_PURPOSES).optional().describe('default: external-transfer'),
      }),
      response: { status: 201, description: 'The outbound call', schema: outboundCallSchema },
      problems: [404, 409, 422, 501],
      handler: async ({ principal, params, body }) => {
        const site = siteOf(ctx, principal, params.siteId);
        const agentId = ownAgentId(principal);
        if (!opts.canBridgeOutside) throw outsideTransferUnsupported();
        return dialFromCall(ctx, site, agentId, body, { handOver: true });
      },
    }),
    defineRoute({
      id: 'cancelTransferOutside',
      method: 'post',
      path: '/sites/:siteId/agent/transfer-outside/cancel',
      tag: 'agent',
      summary: 'Takes back a blind outside transfer still ringing: the number is hung up, the caller stays',
      description:
        'The agent who placed the outside transfer of this call ends it before the number answers ' +
        '(wrong number, a partner who will not pick up): only the outbound leg is hung up (the outbound ' +
        'call ends, counted once by purpose); the caller stays with the agent as when the number does ' +
        'not answer, and the agent may hang up or transfer again. 409 `no-transfer-ringing` when no ' +
        'outside transfer of this call rings (never placed, or the number already answered or failed), ' +
        '`transfer-not-yours` when another agent of the call placed it.',
      access: DESK_ROLES,
      params: siteParams,
      body: z.object({ callId: z.string().min(1).max(200).describe('the call the agent is on') }),
      response: {
        status: 200,
        description: 'The caller’s call after the cancel',
        schema: z.object({
          call: callViewSchema.nullable().describe('the caller’s call, back with the agent'),
          events: z.array(eventSummarySchema),
        }),
      },
      problems: [404, 409, 422, 501],
      handler: async ({ principal, params, body }) => {
        const site = siteOf(ctx, principal, params.siteId);
        const agentId = ownAgentId(principal);
        if (!opts.canBridgeOutside) throw outsideTransferUnsupported();
        const call = findCall(site, body.callId);
        const result = await dispatch(ctx, site, { type: 'cancelOutsideTransfer', callId: call.id, agentId });
        const after = site.state.data.calls[call.id];
        return { call: after ? callView(after, site.state) : null, events: eventSummaries(result) };
      },
    }),
    defineRoute({
      id: 'dialOut',
      method: 'post',
      path: '/sites/:siteId/agent/dial',
      tag: 'agent',
      summary: 'Click-to-dial: the agent calls a number, alone or from the call it is on',
      description:
        'An outbound call, counted by purpose, never as an answered call. From a call (`fromCallId`), ' +
        'the outside party joins it; alone, the agent must be free (available, paused or in wrap-up). ' +
        'A number that does not answer, is busy or unreachable ends the outbound call and frees the agent.',
      access: DESK_ROLES,
      params: siteParams,
      body: z.object({
        number: dialNumber,
        purpose: z.enum(OUTBOUND_PURPOSES).optional().describe('default: click-to-dial'),
        fromCallId: z.string().min(1).max(200).optional().describe('the call the agent is on, if any'),
        taskId: z
          .string()
          .min(1)
          .max(200)
          .optional()
          .describe(
            'the callback task this call answers (purpose callback): it must be claimed by the agent',
          ),
      }),
      response: { status: 201, description: 'The outbound call', schema: outboundCallSchema },
      problems: [404, 409, 422],
      handler: async ({ principal, params, body }) => {
        const site = siteOf(ctx, principal, params.siteId);
        const agentId = ownAgentId(principal);
        const parent = body.fromCallId !== undefined ? findCall(site, body.fromCallId) : undefined;
        const callId = `out-${randomUUID()}`;
        const result = await dispatch(ctx, site, {
          type: 'dialOut',
          callId,
          agentId,
          number: body.number,
          purpose: body.purpose ?? 'click-to-dial',
          ...(parent ? { parentCallId: parent.id } : {}),
          ...(body.taskId !== undefined ? { taskId: body.taskId } : {}),
        });
        const call = site.state.data.calls[callId];
        return {
          callRef: callRef(site.siteId, callId),
          call: call ? callView(call) : null,
          events: eventSummaries(result),
        };
      },
    }),
  ];
}
