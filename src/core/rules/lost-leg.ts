// A lost agent leg never ends the call: the agent leaves it, is paused "ligne perdue", and a caller
// left alone goes back to the queue of its step with its arrival, qualification and file.
import { endCall } from '../call-end.js';
import { consultationOf } from '../consultation.js';
import { reject, type Ctx, type Rejection } from '../context.js';
import { failOffer, leaveCall } from '../distribution.js';
import { enqueue } from '../queueing.js';
import { type Cmd } from './party.js';

/** What the supervisor sees on an agent whose phone dropped during a call. */
export const LEG_LOST_PAUSE_REASON = 'ligne perdue';

/**
 * An agent's answered leg dropped: only the caller or an agent's explicit hang-up ends a call.
 * The agent leaves it and is paused as unreachable; the others on the call stay connected; a
 * caller left alone waits again, in the queue it was already waiting in (a transfer under way) or
 * back in the queue of the step it was served in, with its original arrival (so ahead of every
 * later call of its priority class), its qualification and DRM kept.
 */
export function agentLegLost(ctx: Ctx, cmd: Cmd<'agentLegLost'>): Rejection | void {
  const call = ctx.data.calls[cmd.callId];
  if (!call) return reject('unknown-call', `no call ${cmd.callId}`);
  const party = call.parties.find((p) => p.agentId === cmd.agentId);
  if (!party) {
    // Lost before the engine heard of its answer: the offer failed, the phone is unreachable.
    if (call.pending?.offer?.agentId === cmd.agentId) return failOffer(ctx, call, 'unreachable');
    return reject('agent-not-on-call', `agent ${cmd.agentId} is not connected to call ${cmd.callId}`);
  }
  // Consulting a number: it is hung up, never left alone with the caller without the agent's word.
  const consult = consultationOf(ctx, call);
  if (consult?.consultFrom === cmd.agentId) endCall(ctx, consult, 'system', { consultEnd: 'leg-lost' });
  leaveCall(ctx, call, cmd.agentId, 'leg-lost');
  ctx.emit({ type: 'AgentPaused', at: ctx.now, agentId: cmd.agentId, reason: LEG_LOST_PAUSE_REASON });
  if (call.parties.length > 0) return;
  const p = call.pending;
  if (p) {
    const music = ctx.idx.queues.get(p.queueId)!.music;
    ctx.effect({ type: 'holdCaller', callId: call.id, queueId: p.queueId, music });
    return;
  }
  enqueue(ctx, call, party.queueId, 'queue', 'leg-lost', call.priority);
}
