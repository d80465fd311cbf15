// The consultative outside transfer's commands and the phone events that move it (docs/lrm.md,
// ../consultation.ts): started by dialOut with consult (./outside-calls.ts); the number answering;
// the agent completing (transfer or three-way) or cancelling; the caller hanging up meanwhile.
import { endCall } from '../call-end.js';
import { CONSULTATION_COMPLETIONS, consultationOf } from '../consultation.js';
import { reject, type Ctx, type Rejection } from '../context.js';
import { afterCall, leaveCall } from '../distribution.js';
import type { Call } from '../model.js';
import { isRejection, partyOf, type Cmd } from './party.js';

function consultingCall(ctx: Ctx, callId: string, agentId: string): { call: Call; out: Call } | Rejection {
  const found = partyOf(ctx, callId, agentId);
  if (isRejection(found)) return found;
  const out = consultationOf(ctx, found.call);
  if (out?.consultFrom !== agentId)
    return reject(
      'no-consultation',
      `agent ${agentId} is not consulting an outside number from call ${callId}`,
    );
  return { call: found.call, out };
}

export function completeConsultation(ctx: Ctx, cmd: Cmd<'completeConsultation'>): Rejection | void {
  const mode = cmd.mode ?? 'transfer';
  if (!CONSULTATION_COMPLETIONS.includes(mode))
    return reject('bad-consultation-mode', `mode must be one of ${CONSULTATION_COMPLETIONS.join(', ')}`);
  const found = consultingCall(ctx, cmd.callId, cmd.agentId);
  if (isRejection(found)) return found;
  const { call, out } = found;
  if (out.consultAnsweredAt === undefined)
    return reject('consultation-not-answered', `the number of ${out.id} has not answered yet`);
  ctx.emit({
    type: 'ConsultationCompleted',
    at: ctx.now,
    callId: call.id,
    outCallId: out.id,
    agentId: cmd.agentId,
    mode,
  });
  ctx.effect({
    type: 'consultation',
    callId: call.id,
    outCallId: out.id,
    agentId: cmd.agentId,
    action: mode === 'transfer' ? 'complete' : 'conference',
  });
  if (mode === 'conference') return;
  leaveCall(ctx, call, cmd.agentId, 'transfer');
  afterCall(ctx, cmd.agentId);
}

export function cancelConsultation(ctx: Ctx, cmd: Cmd<'cancelConsultation'>): Rejection | void {
  const found = consultingCall(ctx, cmd.callId, cmd.agentId);
  if (isRejection(found)) return found;
  endCall(ctx, found.out, 'agent', { agentId: cmd.agentId, consultEnd: 'cancelled' });
}

/** The consultation's number answered (outsideAnswered): recorded once; told again, nothing changes. */
export function consultationAnswered(ctx: Ctx, out: Call): void {
  if (out.consultAnsweredAt !== undefined) return;
  const parent = out.parentCallId ? ctx.data.calls[out.parentCallId] : undefined;
  if (!parent) return;
  ctx.emit({
    type: 'ConsultationAnswered',
    at: ctx.now,
    callId: parent.id,
    outCallId: out.id,
    agentId: out.consultFrom!,
  });
}

/**
 * The caller hung up while its agent consults (called before the call ends): the agent goes on
 * with the number as its own outbound call, never freed for a new call while still talking.
 */
export function keepConsultation(ctx: Ctx, call: Call): void {
  const out = consultationOf(ctx, call);
  const agentId = out?.consultFrom;
  const party = agentId !== undefined ? call.parties.find((p) => p.agentId === agentId) : undefined;
  if (!out || !party) return;
  // Before the agent's release for the caller's call: its leg now belongs to the outbound call.
  ctx.effect({
    type: 'consultation',
    callId: call.id,
    outCallId: out.id,
    agentId: party.agentId,
    action: 'keep',
  });
  leaveCall(ctx, call, party.agentId, 'caller-hangup');
  ctx.emit({
    type: 'ConsultationKept',
    at: ctx.now,
    callId: call.id,
    outCallId: out.id,
    agentId: party.agentId,
    role: party.role,
    queueId: party.queueId,
  });
}
