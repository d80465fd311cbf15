// The regulation software (LRM) as a client of the API (P63, no double typing), with its own
// credentials (a user with the role `lrm`, scoped to its sites) and its own routes: the live calls
// with their public references, link a file, qualify with the two DRM fields, transfer, end,
// click-to-dial. The LRM names calls by their public reference (src/lrm/call-ref.ts) or their id,
// and acts for the agent on the call (the ARM for a qualification) unless it names one.
// Both sides may write a call's file: the last valid command wins, recorded with its source
// (`FileLinked.source`, `CallQualified.source`); see docs/lrm.md.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Command } from '../../core/commands.js';
import type { Call } from '../../core/model.js';
import { OUTBOUND_PURPOSES, QUALIFICATIONS } from '../../core/model.js';
import { FILE_ID } from '../../core/rules/file-link.js';
import type { SiteHandle } from '../../ports/site-handle.js';
import type { UserRole } from '../../auth/index.js';
import { callRef } from '../../lrm/call-ref.js';
import { callView, callViewSchema, eventSummarySchema } from '../../read-models/views.js';
import { actingAgent, findCall, siteOf } from '../access.js';
import type { ApiContext } from '../context.js';
import { dispatch, eventSummaries } from '../dispatch.js';
import { callParams, onBehalf, plainText, siteParams } from '../params.js';
import { forbidden, notFound } from '../problem.js';
import { defineRoute } from '../route.js';
import { DESK_ROLES } from './agent-desk.js';
import { dialNumber } from './outbound-schemas.js';
import { outsideTransferUnsupported, type OutsideCallOptions } from './outside-calls.js';

export const LRM_ROLES: readonly UserRole[] = ['lrm'];

const refParams = siteParams.extend({
  callRef: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, 'expected a call reference (SAS44-XXXX-…) or a call id'),
});

export const fileId = z
  .string()
  .regex(FILE_ID, 'expected a file id: 1 to 100 letters, digits, ".", "_", ":" or "-"')
  .describe("the LRM's file (DRM) id");

const phone = z
  .string()
  .trim()
  .regex(/^[+0-9 .()-]{0,30}$/, 'expected a phone number (digits, spaces, + . ( ) -)');

const agentField = z
  .string()
  .min(1)
  .max(200)
  .optional()
  .describe("the agent to act for (default: the call's ARM to qualify, its only agent otherwise)");

const lrmCallSchema = z.object({
  callRef: z.string(),
  call: callViewSchema,
});

export const lrmActionSchema = z.object({
  callRef: z.string(),
  call: callViewSchema.nullable().describe('the call after the command (null once it has ended)'),
  events: z.array(eventSummarySchema),
});

/** The live call a reference (or an id) names. */
export function callByRef(site: SiteHandle, ref: string): Call {
  const calls = site.state.data.calls;
  const call =
    (Object.hasOwn(calls, ref) ? calls[ref] : undefined) ??
    Object.values(calls).find((c) => callRef(site.siteId, c.id) === ref);
  if (!call)
    throw notFound('unknown-call', `Appel ${ref} inconnu ou terminé`, `call ${ref} is unknown or has ended`);
  return call;
}

/** The agent the LRM acts for: the one it names, else the call's ARM (qualify) or its only agent. */
function agentFor(call: Call, requested: string | undefined, arm = false): string {
  if (requested) return requested; // the engine refuses an agent who is not on the call
  const parties = arm ? call.parties.filter((p) => p.role === 'arm') : call.parties;
  if (parties.length === 1) return parties[0]!.agentId;
  throw forbidden(
    'agent-required',
    `Précisez « agentId » : l'appel ${call.id} a ${parties.length} agent(s) ${arm ? 'ARM ' : ''}en ligne`,
    `give "agentId": call ${call.id} has ${parties.length} ${arm ? 'ARM ' : ''}agent(s) on it`,
  );
}

export function lrmRoutes(ctx: ApiContext, opts: OutsideCallOptions = { canBridgeOutside: true }) {
  const after = (site: SiteHandle, call: Call, events: { type: string; at: number }[]) => {
    const now = site.state.data.calls[call.id];
    return { callRef: callRef(site.siteId, call.id), call: now ? callView(now) : null, events };
  };
  const action = <B extends z.ZodType>(
    id: string,
    path: string,
    summary: string,
    body: B,
    commands: (call: Call, b: z.output<B>) => Command[],
  ) =>
    defineRoute({
      id,
      method: 'post',
      path: `/sites/:siteId/lrm/calls/:callRef/${path}`,
      tag: 'lrm',
      summary,
      access: LRM_ROLES,
      params: refParams,
      body,
      response: { description: 'The call after the command', schema: lrmActionSchema },
      problems: [404, 409, 422],
      handler: async ({ principal, params, body: b }) => {
        const site = siteOf(ctx, principal, params.siteId);
        const call = callByRef(site, params.callRef);
        const events: { type: string; at: number }[] = [];
        for (const command of commands(call, b))
          events.push(...eventSummaries(await dispatch(ctx, site, command)));
        return after(site, call, events);
      },
    });

  return [
    defineRoute({
      id: 'linkFile',
      method: 'post',
      path: '/sites/:siteId/calls/:callId/file',
      tag: 'calls',
      summary: 'The panel links the call to the LRM file the agent created there (when the LRM did not)',
      access: DESK_ROLES,
      params: callParams,
      body: z.object({ fileId, agentId: onBehalf }),
      response: { description: 'The call after the command', schema: lrmActionSchema },
      problems: [404, 409, 422],
      handler: async ({ principal, params, body }) => {
        const site = siteOf(ctx, principal, params.siteId);
        const call = findCall(site, params.callId);
        const agentId = actingAgent(principal, call, body.agentId);
        const result = await dispatch(ctx, site, {
          type: 'linkFile',
          callId: call.id,
          fileId: body.fileId,
          source: 'panel',
          agentId,
        });
        return after(site, call, eventSummaries(result));
      },
    }),
    defineRoute({
      id: 'lrmListCalls',
      method: 'get',
      path: '/sites/:siteId/lrm/calls',
      tag: 'lrm',
      summary: 'The live calls of the site with their public references (an LRM that reconnects)',
      access: LRM_ROLES,
      params: siteParams,
      response: { description: 'Live calls, oldest first', schema: z.array(lrmCallSchema) },
      handler: ({ principal, params }) => {
        const site = siteOf(ctx, principal, params.siteId);
        return Object.values(site.state.data.calls)
          .sort((a, b) => a.arrivedAt - b.arrivedAt)
          .map((c) => ({ callRef: callRef(site.siteId, c.id), call: callView(c) }));
      },
    }),
    defineRoute({
      id: 'lrmGetCall',
      method: 'get',
      path: '/sites/:siteId/lrm/calls/:callRef',
      tag: 'lrm',
      summary: 'One live call by its public reference (or id)',
      access: LRM_ROLES,
      params: refParams,
      response: { description: 'The call', schema: lrmCallSchema },
      problems: [404],
      handler: ({ principal, params }) => {
        const site = siteOf(ctx, principal, params.siteId);
        const call = callByRef(site, params.callRef);
        return { callRef: callRef(site.siteId, call.id), call: callView(call) };
      },
    }),
    action(
      'lrmLinkFile',
      'file',
      "Link the call to the LRM's file (created in the LRM): no double typing",
      z.object({ fileId }),
      (call, b) => [{ type: 'linkFile', callId: call.id, fileId: b.fileId, source: 'lrm' }],
    ),
    action(
      'lrmQualifyCall',
      'qualify',
      'Qualify the call from the LRM (P0/P1/P2/DR) with the two DRM fields; shown on the panel at once',
      z.object({
        qualification: z.enum(QUALIFICATIONS).describe('P0 urgence vitale, P1 AMU, P2 MG, DR'),
        name: plainText(200).optional().describe("DRM: the patient's or caller's name"),
        phone: phone.optional().describe('DRM: the number to call back'),
        fileId: fileId.optional().describe('links the file first when given'),
        agentId: agentField,
      }),
      (call, b) => {
        const agentId = agentFor(call, b.agentId, true);
        const link: Command[] =
          b.fileId !== undefined && b.fileId !== call.drm?.id
            ? [{ type: 'linkFile', callId: call.id, fileId: b.fileId, source: 'lrm', agentId }]
            : [];
        return [
          ...link,
          {
            type: 'qualifyCall',
            callId: call.id,
            agentId,
            qualification: b.qualification,
            source: 'lrm',
            ...(b.name !== undefined ? { name: b.name } : {}),
            ...(b.phone !== undefined ? { phone: b.phone } : {}),
          },
        ];
      },
    ),
    action(
      'lrmTransferCall',
      'transfer',
      'Transfer the call (default or named queue, blind or warm); the caller is never cut',
      z.object({
        to: z.string().min(1).max(100).optional().describe('target queue (default: as from the panel)'),
        mode: z.enum(['blind', 'warm']).optional(),
        agentId: agentField,
      }),
      (call, b) => [
        {
          type: 'transferCall',
          callId: call.id,
          agentId: agentFor(call, b.agentId),
          ...(b.to !== undefined ? { to: b.to } : {}),
          ...(b.mode !== undefined ? { mode: b.mode } : {}),
        },
      ],
    ),
    action(
      'lrmEndCall',
      'end',
      "The agent leaves or ends the call, with the site's disposition",
      z.object({
        disposition: z.string().min(1).max(100).optional().describe("one of the site's dispositions"),
        agentId: agentField,
      }),
      (call, b) => [
        {
          type: 'hangUp',
          callId: call.id,
          agentId: agentFor(call, b.agentId),
          ...(b.disposition !== undefined ? { disposition: b.disposition } : {}),
        },
      ],
    ),
    defineRoute({
      id: 'lrmDial',
      method: 'post',
      path: '/sites/:siteId/lrm/dial',
      tag: 'lrm',
      summary: 'Click-to-dial from the LRM: the agent calls a number (alone, or from the call it is on)',
      description:
        'An outbound call, never counted as an answered call. From a call (`fromCallRef`), the outside ' +
        'party joins that call; alone, the agent must be free. A failed dial frees the agent. With ' +
        '`transfer: true` and `fromCallRef`, an outside transfer: the agent leaves once the number ' +
        'answers (as `POST /agent/transfer-outside`; 501 on a PBX that cannot bridge an outside leg).',
      access: LRM_ROLES,
      params: siteParams,
      body: z.object({
        agentId: z.string().min(1).max(200).describe('the agent who calls'),
        number: dialNumber,
        purpose: z.enum(OUTBOUND_PURPOSES).optional().describe('default: click-to-dial'),
        fromCallRef: refParams.shape.callRef.optional().describe('the call the agent is on, if any'),
        transfer: z
          .boolean()
          .optional()
          .describe('with fromCallRef: the agent leaves the call to the number once it answers'),
      }),
      response: { status: 201, description: 'The outbound call', schema: lrmActionSchema },
      problems: [404, 409, 422, 501],
      handler: async ({ principal, params, body }) => {
        const site = siteOf(ctx, principal, params.siteId);
        if (body.transfer && !opts.canBridgeOutside) throw outsideTransferUnsupported();
        const parent = body.fromCallRef !== undefined ? callByRef(site, body.fromCallRef) : undefined;
        const callId = `out-${randomUUID()}`;
        const result = await dispatch(ctx, site, {
          type: 'dialOut',
          callId,
          agentId: body.agentId,
          number: body.number,
          purpose: body.purpose ?? (body.transfer ? 'external-transfer' : 'click-to-dial'),
          ...(parent ? { parentCallId: parent.id } : {}),
          ...(body.transfer ? { handOver: true } : {}),
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
