// Outside calls from the agent's panel (click-to-dial): the agent calls a number alone, or from the
// call it is on (external transfer or conference with the fire brigade, 115, the patient's GP, a
// partner SAS). Counted by purpose, never as an answered call; a failed or ended outside leg frees
// the agent (src/telephony/ari/ari-adapter.ts). The LRM's own route is in ./lrm.ts.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { OUTBOUND_PURPOSES } from '../../core/model.js';
import { callView } from '../../read-models/views.js';
import { findCall, ownAgentId, siteOf } from '../access.js';
import type { ApiContext } from '../context.js';
import { dispatch, eventSummaries } from '../dispatch.js';
import { siteParams } from '../params.js';
import { defineRoute } from '../route.js';
import { DESK_ROLES } from './agent-desk.js';
import { dialNumber, outboundCallSchema } from './outbound-schemas.js';
import { callRef } from '../../lrm/call-ref.js';

export function outsideCallRoutes(ctx: ApiContext) {
  return [
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
