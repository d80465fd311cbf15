// An agent hangs up: leaves the call, and ends it when nobody else stays with the caller.
import { endCall } from '../call-end.js';
import { isConsulting } from '../consultation.js';
import { reject, type Ctx, type Rejection } from '../context.js';
import { afterCall, leaveCall } from '../distribution.js';
import { ringingHandOver } from './outside-calls.js';
import { isRejection, partyOf, type Cmd } from './party.js';

export function hangUp(ctx: Ctx, cmd: Cmd<'hangUp'>): Rejection | void {
  const found = partyOf(ctx, cmd.callId, cmd.agentId);
  if (isRejection(found)) return found;
  const { call } = found;
  if (isConsulting(ctx, call, cmd.agentId))
    return reject(
      'consultation-in-progress',
      `agent ${cmd.agentId} is consulting an outside number: complete or cancel first`,
    );
  // Its blind outside transfer still rings: hanging up would cut the caller promised to the number.
  if (ringingHandOver(ctx, call) === cmd.agentId)
    return reject(
      'transfer-in-progress',
      `agent ${cmd.agentId} is transferring call ${call.id} outside: wait for the number (the caller stays with the agent if it does not answer)`,
    );
  if (cmd.disposition !== undefined && !ctx.data.config.dispositions.includes(cmd.disposition)) {
    return reject(
      'unknown-disposition',
      `disposition must be one of ${ctx.data.config.dispositions.join(', ')}`,
    );
  }
  if (call.parties.length > 1 || call.pending) {
    leaveCall(ctx, call, cmd.agentId, 'hangup');
    const p = call.pending;
    if (p && call.parties.length === 0) {
      ctx.effect({
        type: 'holdCaller',
        callId: call.id,
        queueId: p.queueId,
        music: ctx.idx.queues.get(p.queueId)!.music,
      });
    }
    afterCall(ctx, cmd.agentId);
    return;
  }
  endCall(ctx, call, 'agent', { disposition: cmd.disposition ?? null, agentId: cmd.agentId });
}
