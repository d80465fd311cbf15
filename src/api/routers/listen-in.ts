// Supervisor listen-in (écoute, chuchotement, intervention; docs/supervision.md): a supervisor of
// the room listens to a live call, whispers to its agent, or barges in, from the console, and
// stops. The engine decides (src/core/rules/listen-in.ts) and records every start and end
// (ListenStarted / ListenEnded: who, which call, which agent, which mode, when): that is the audit
// log, read back by GET …/listen-ins from the site's history. Only the supervisor role; on a PBX
// whose adapter cannot listen in (FreeSWITCH, today) the API answers 501 and changes nothing.
import { z } from 'zod';
import type { Event } from '../../core/events.js';
import { LISTEN_END_REASONS, LISTEN_MODES } from '../../core/listen-in.js';
import type { HistorySource } from '../../ports/history.js';
import type { Principal } from '../../auth/index.js';
import { findCall, siteOf } from '../access.js';
import type { ApiContext } from '../context.js';
import { dispatch, eventSummaries } from '../dispatch.js';
import { callParams, siteParams } from '../params.js';
import { fr_en, Problem } from '../problem.js';
import { defineRoute } from '../route.js';
import { eventSummarySchema } from '../../read-models/views.js';

/** Who may listen: the room supervisor (DOMAIN.md; instruction annex 1; report P43), nobody else. */
export const LISTEN_ROLES = ['supervisor'] as const;

const listenerSchema = z.object({
  supervisorId: z.string(),
  agentId: z.string().describe("the agent whose leg is listened to (barge: the agent's call)"),
  mode: z.enum(LISTEN_MODES),
  since: z.number().describe('epoch ms'),
});

const listenAnswer = z.object({
  callId: z.string(),
  listeners: z.array(listenerSchema).describe('who listens to the call now'),
  events: z.array(eventSummarySchema),
});

const auditEntrySchema = z.object({
  callId: z.string(),
  supervisorId: z.string(),
  agentId: z.string(),
  mode: z.enum(LISTEN_MODES),
  startedAt: z.number(),
  endedAt: z.number().nullable().describe('null: still listening'),
  reason: z.enum(LISTEN_END_REASONS).nullable().describe('why it ended; null: still listening'),
});

/** The supervisor the principal is: the agent id its account is linked to, else its user name. */
const supervisorOf = (p: Principal) => p.agentId ?? p.username;

export type ListenInApiOptions = {
  history(siteId: string): HistorySource;
  /** Whether the site's PBX adapter can listen in (false: 501). */
  canListenIn: boolean;
};

/** Calls this process saw end, so that a late request says "ended" rather than "unknown". */
class RecentlyEnded {
  private readonly ids = new Set<string>();
  add(events: readonly Event[]): void {
    for (const e of events) {
      if (e.type !== 'CallEnded') continue;
      this.ids.add(e.callId);
      if (this.ids.size > 10_000) this.ids.delete(this.ids.values().next().value!);
    }
  }
  has = (id: string) => this.ids.has(id);
}

export function listenInRoutes(ctx: ApiContext, opts: ListenInApiOptions) {
  const ended = new Map<string, RecentlyEnded>();
  for (const [id, site] of ctx.sites) {
    const r = new RecentlyEnded();
    site.onEvents((events) => r.add(events));
    ended.set(id, r);
  }
  const unsupported = () =>
    new Problem(
      501,
      'listen-not-supported',
      'Not implemented on this PBX',
      fr_en(
        "L'écoute des appels n'est pas disponible sur ce PBX (FreeSWITCH) : utilisez Asterisk",
        'supervisor listen-in is not supported on this PBX (FreeSWITCH); it is built for Asterisk',
      ),
    );
  const liveCall = (siteId: string, site: Parameters<typeof findCall>[0], callId: string) => {
    if (!site.state.data.calls[callId] && ended.get(siteId)?.has(callId))
      throw new Problem(
        410,
        'call-ended',
        'Gone',
        fr_en(`L'appel ${callId} est terminé`, `call ${callId} has ended`),
      );
    return findCall(site, callId);
  };
  const answer = (
    site: Parameters<typeof findCall>[0],
    callId: string,
    result: Parameters<typeof eventSummaries>[0],
  ) => ({
    callId,
    listeners: (site.state.data.calls[callId]?.listeners ?? []).map((l) => ({ ...l })),
    events: eventSummaries(result),
  });

  return [
    defineRoute({
      id: 'startListening',
      method: 'post',
      path: '/sites/:siteId/calls/:callId/listen',
      tag: 'supervision',
      summary: 'Listen to a live call, whisper to its agent, or barge in (supervisor)',
      description:
        "The supervisor's phone (its endpoint in the site configuration) rings; once answered it " +
        "hears the agent's leg (listen), also speaks to the agent alone (whisper), or joins the call " +
        '(barge). It ends with DELETE, when the phone hangs up, when the agent leaves the call ' +
        '(transfer, hang-up) or when the call ends. Every start and end is in the audit log ' +
        '(GET /sites/{siteId}/listen-ins). 410 for a call that has ended, 409 when already ' +
        'listening (to this or another call) or no agent is on the call yet, 501 on FreeSWITCH.',
      access: LISTEN_ROLES,
      params: callParams,
      body: z.object({
        mode: z.enum(LISTEN_MODES).describe('listen (écoute), whisper (chuchotement), barge (intervention)'),
        agentId: z
          .string()
          .min(1)
          .max(100)
          .optional()
          .describe("whose leg to listen to; default: the call's first agent"),
      }),
      response: { status: 201, description: 'Listening (the phone rings)', schema: listenAnswer },
      problems: [404, 409, 410, 422, 501],
      handler: async ({ principal, params, body }) => {
        const site = siteOf(ctx, principal, params.siteId);
        if (!opts.canListenIn) throw unsupported();
        const call = liveCall(params.siteId, site, params.callId);
        const result = await dispatch(ctx, site, {
          type: 'startListening',
          callId: call.id,
          supervisorId: supervisorOf(principal),
          mode: body.mode,
          ...(body.agentId ? { agentId: body.agentId } : {}),
        });
        ctx.logger.info(
          { site: site.siteId, callId: call.id, supervisor: principal.username, mode: body.mode },
          'listen-in started',
        );
        return answer(site, call.id, result);
      },
    }),
    defineRoute({
      id: 'stopListening',
      method: 'delete',
      path: '/sites/:siteId/calls/:callId/listen',
      tag: 'supervision',
      summary: 'Stop listening to a call (supervisor)',
      description: "Hangs up the supervisor's phone; the call goes on. 409 when not listening to it.",
      access: LISTEN_ROLES,
      params: callParams,
      response: { description: 'Stopped', schema: listenAnswer },
      problems: [404, 409, 410],
      handler: async ({ principal, params }) => {
        const site = siteOf(ctx, principal, params.siteId);
        const call = liveCall(params.siteId, site, params.callId);
        const result = await dispatch(ctx, site, {
          type: 'stopListening',
          callId: call.id,
          supervisorId: supervisorOf(principal),
        });
        return answer(site, call.id, result);
      },
    }),
    defineRoute({
      id: 'listListenIns',
      method: 'get',
      path: '/sites/:siteId/listen-ins',
      tag: 'supervision',
      summary: 'Audit log of the listen-ins: who listened to which call, how, from when to when',
      description:
        "From the site's history (ListenStarted / ListenEnded events): every listen-in that started " +
        'or ended in [from, to); `endedAt` null for one still running. Supervisors and admins.',
      access: ['supervisor', 'admin'],
      params: siteParams,
      query: z.object({
        from: z.coerce.number().int().nonnegative().describe('epoch ms'),
        to: z.coerce.number().int().positive().describe('epoch ms, after from'),
      }),
      response: {
        description: 'The entries, oldest first',
        schema: z.object({ entries: z.array(auditEntrySchema) }),
      },
      problems: [404, 422],
      handler: async ({ principal, params, query }) => {
        const site = siteOf(ctx, principal, params.siteId);
        if (query.to <= query.from)
          throw new Problem(
            422,
            'bad-span',
            'Invalid span',
            fr_en('« to » doit suivre « from »', 'to must be after from'),
          );
        const open = new Map<string, z.infer<typeof auditEntrySchema>>();
        const entries: z.infer<typeof auditEntrySchema>[] = [];
        await opts.history(site.siteId).read(query.from, query.to, (e) => {
          if (e.type === 'ListenStarted') {
            const entry = {
              callId: e.callId,
              supervisorId: e.supervisorId,
              agentId: e.agentId,
              mode: e.mode,
              startedAt: e.at,
              endedAt: null,
              reason: null,
            };
            open.set(`${e.callId}|${e.supervisorId}`, entry);
            entries.push(entry);
          } else if (e.type === 'ListenEnded') {
            const key = `${e.callId}|${e.supervisorId}`;
            const entry = open.get(key);
            open.delete(key);
            if (entry) Object.assign(entry, { endedAt: e.at, reason: e.reason });
            // Started before the span: the end event carries its start.
            else
              entries.push({
                callId: e.callId,
                supervisorId: e.supervisorId,
                agentId: e.agentId,
                mode: e.mode,
                startedAt: e.startedAt,
                endedAt: e.at,
                reason: e.reason,
              });
          }
        });
        return { entries };
      },
    }),
  ];
}
