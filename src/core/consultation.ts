// A consultative outside transfer (docs/lrm.md): the agent puts the caller on hold (music in the
// call's own bridge), talks to an outside number first, then hands the caller over, makes it a
// three-way call, or takes the caller back. The consultation is an outbound call placed from the
// caller's call with `consultFrom` (the consulting agent); the agent stays a party of the caller's
// call all along (the hold is its talk time, as in a warm transfer). Its events and the one place
// that ends it whatever the way out (`consultationEnded`, called when the outbound call ends).
import type { Ctx } from './context.js';
import type { Call, Role } from './model.js';
import type { State } from './state.js';

/**
 * cancelled: the agent takes the caller back; outside-ended: the number was busy, unreachable, did
 * not answer, or hung up; call-ended: the caller's call ended otherwise (the agent ended it);
 * leg-lost: the agent's phone dropped (the caller goes back to the queue, never to the number).
 */
export const CONSULTATION_END_REASONS = ['cancelled', 'outside-ended', 'call-ended', 'leg-lost'] as const;
export type ConsultationEndReason = (typeof CONSULTATION_END_REASONS)[number];

/** transfer: the caller and the number together, the agent released; conference: all three. */
export const CONSULTATION_COMPLETIONS = ['transfer', 'conference'] as const;
export type ConsultationCompletion = (typeof CONSULTATION_COMPLETIONS)[number];

/** The outside number answered the consulting agent (`callId` is the caller's call). */
export type ConsultationAnswered = {
  type: 'ConsultationAnswered';
  at: number;
  callId: string;
  outCallId: string;
  agentId: string;
};

/** The agent completed: handed the caller over (the outbound call now `handOverFrom`) or joined all three. */
export type ConsultationCompleted = {
  type: 'ConsultationCompleted';
  at: number;
  callId: string;
  outCallId: string;
  agentId: string;
  mode: ConsultationCompletion;
};

/** The consultation ended without completion; the outbound call's own CallEnded follows. */
export type ConsultationEnded = {
  type: 'ConsultationEnded';
  at: number;
  callId: string;
  outCallId: string;
  agentId: string;
  reason: ConsultationEndReason;
};

/**
 * The caller hung up during the consultation: the agent goes on with the number as a plain
 * outbound call of its own (no parent any more). Emitted after the agent's AgentLeftCall of the
 * caller's call, before that call's CallEnded.
 */
export type ConsultationKept = {
  type: 'ConsultationKept';
  at: number;
  callId: string;
  outCallId: string;
  agentId: string;
  role: Role;
  queueId: string;
};

/** The consultation running from this call (its live outbound call with `consultFrom`), if any. */
export function consultationOf(ctx: Pick<Ctx, 'data'>, call: Call): Call | undefined {
  for (const id of call.dialOuts ?? []) {
    const out = ctx.data.calls[id];
    if (out?.consultFrom !== undefined) return out;
  }
  return undefined;
}

/** Whether this agent is consulting from this call (so it may not leave it by another way). */
export function isConsulting(ctx: Pick<Ctx, 'data'>, call: Call, agentId: string): boolean {
  return consultationOf(ctx, call)?.consultFrom === agentId;
}

/**
 * A consultation's outbound call is ending (called by endCall before its CallEnded): the event, and
 * the telephony's way back — the agent rejoins the caller (music stops) when it is still on the
 * call and the end is the number's or the agent's own cancel; otherwise the consult bridge and the
 * hold music just go (the call is over, or the agent's phone dropped and the caller is requeued).
 */
export function consultationEnded(ctx: Ctx, out: Call, reason: ConsultationEndReason): void {
  const agentId = out.consultFrom!;
  const parent = out.parentCallId ? ctx.data.calls[out.parentCallId] : undefined;
  if (!parent) return;
  ctx.emit({
    type: 'ConsultationEnded',
    at: ctx.now,
    callId: parent.id,
    outCallId: out.id,
    agentId,
    reason,
  });
  const back =
    (reason === 'cancelled' || reason === 'outside-ended') &&
    parent.parties.some((p) => p.agentId === agentId);
  ctx.effect({
    type: 'consultation',
    callId: parent.id,
    outCallId: out.id,
    agentId,
    action: back ? 'resume' : 'drop',
  });
}

/** How the consultation's events change the state (called by evolve). */
export function evolveConsultation(
  s: State,
  e: ConsultationAnswered | ConsultationCompleted | ConsultationKept,
): void {
  const d = s.data;
  const out = d.calls[e.outCallId]!;
  switch (e.type) {
    case 'ConsultationAnswered':
      out.consultAnsweredAt = e.at;
      return;
    case 'ConsultationCompleted':
      delete out.consultFrom;
      delete out.consultAnsweredAt;
      // From here a handed-over caller is exactly a blind outside transfer after its answer.
      if (e.mode === 'transfer') out.handOverFrom = e.agentId;
      return;
    case 'ConsultationKept': {
      const parent = d.calls[e.callId];
      if (parent?.dialOuts) {
        parent.dialOuts = parent.dialOuts.filter((id) => id !== out.id);
        if (parent.dialOuts.length === 0) delete parent.dialOuts;
      }
      delete out.parentCallId;
      delete out.consultFrom;
      delete out.consultAnsweredAt;
      out.parties = [{ agentId: e.agentId, role: e.role, queueId: e.queueId, since: e.at, kept: false }];
      const agent = d.agents[e.agentId]!;
      agent.status = 'on-call';
      agent.callId = out.id;
      agent.since = e.at;
      agent.wrapUntil = null;
      return;
    }
  }
}
