// What the PBX reports about a call: the caller hung up, the agent answered, the offer failed
// (ring-no-answer, busy, unreachable: the call goes back to its place).
import { endCall } from '../call-end.js';
import { reject, type Ctx, type Rejection } from '../context.js';
import { connect, failOffer } from '../distribution.js';
import { keepConsultation } from './consult-outside.js';
import { afterOutsideEnded } from './outside-calls.js';
import { type Cmd } from './party.js';

export function callerHungUp(ctx: Ctx, cmd: Cmd<'callerHungUp'>): Rejection | void {
  const call = ctx.data.calls[cmd.callId];
  if (!call) return reject('unknown-call', `no call ${cmd.callId}`);
  const handedTo = call.handOverFrom ? call.parentCallId : undefined;
  keepConsultation(ctx, call); // a consultation under way goes on as the agent's own call
  endCall(ctx, call, 'caller');
  afterOutsideEnded(ctx, handedTo);
}

function offeredCall(ctx: Ctx, callId: string, agentId: string) {
  const call = ctx.data.calls[callId];
  if (!call) return reject('unknown-call', `no call ${callId}`);
  if (call.pending?.offer?.agentId !== agentId) {
    return reject('not-offered-to-agent', `call ${callId} is not offered to agent ${agentId}`);
  }
  return call;
}

export function answerOffer(ctx: Ctx, cmd: Cmd<'answerOffer'>): Rejection | void {
  const call = offeredCall(ctx, cmd.callId, cmd.agentId);
  if ('ok' in call) return call;
  connect(ctx, call, cmd.agentId);
}

export function offerFailed(ctx: Ctx, cmd: Cmd<'offerFailed'>): Rejection | void {
  if (!['no-answer', 'busy', 'unreachable', 'rejected'].includes(cmd.reason)) {
    return reject('bad-reason', `unknown offer failure "${cmd.reason}"`);
  }
  const call = offeredCall(ctx, cmd.callId, cmd.agentId);
  if ('ok' in call) return call;
  failOffer(ctx, call, cmd.reason);
}
