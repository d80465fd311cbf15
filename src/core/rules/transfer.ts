// Transfer without cutting the call: P1 to N2 AMU, P2 to its target, a DR ends at N1, never back
// to N1; blind (the agent leaves) or warm (the agent stays until the next one answers).
import { consultationOf } from '../consultation.js';
import { reject, type Ctx, type Rejection } from '../context.js';
import { afterCall, leaveCall } from '../distribution.js';
import { enqueue } from '../queueing.js';
import { p2Target } from './p2-target.js';
import { rejectDuringHandOver } from './outside-calls.js';
import { isRejection, partyOf, type Cmd } from './party.js';

export function transferCall(ctx: Ctx, cmd: Cmd<'transferCall'>): Rejection | void {
  const found = partyOf(ctx, cmd.callId, cmd.agentId);
  if (isRejection(found)) return found;
  const { call, party } = found;
  if (consultationOf(ctx, call))
    return reject('consultation-in-progress', `an outside number is being consulted on call ${call.id}`);
  const handingOver = rejectDuringHandOver(ctx, call);
  if (handingOver) return handingOver;
  if (call.pending)
    return reject('transfer-in-progress', `call ${call.id} is already waiting in ${call.pending.queueId}`);
  const r = ctx.data.config.routing;
  const from = ctx.idx.queues.get(party.queueId)!;
  let to = cmd.to;
  if (from.stage === 'n1') {
    if (call.qualification === null)
      return reject('not-qualified', 'qualify the call (P0/P1/P2) before transferring it');
    if (call.qualification === 'DR') return reject('dr-not-transferred', 'a DR call ends at N1');
    to ??= call.qualification === 'P1' ? r.p1Queue : p2Target(ctx);
  } else if (from.stage === 'n2' && from.branch === 'amu') {
    to ??= r.doctorQueue;
  }
  if (!to) return reject('target-required', `say where to transfer the call from ${from.id}`);
  const target = ctx.idx.queues.get(to);
  if (!target) return reject('unknown-queue', `no queue ${to}`);
  if (target.id === from.id) return reject('same-queue', `the call is already served in ${to}`);
  if (target.stage === 'n1') return reject('cannot-return-to-n1', 'a call is never sent back to N1');
  const mode = cmd.mode ?? r.transferMode;
  if (mode !== 'blind' && mode !== 'warm') return reject('bad-mode', 'transfer mode is blind or warm');
  const reorientation =
    from.stage === 'n1'
      ? null
      : from.branch === 'mg' && target.branch === 'amu'
        ? 'mg-to-amu'
        : from.branch === 'amu' && target.branch === 'mg'
          ? 'amu-to-mg'
          : null;
  ctx.emit({
    type: 'CallTransferred',
    at: ctx.now,
    callId: call.id,
    agentId: cmd.agentId,
    fromQueueId: from.id,
    toQueueId: target.id,
    mode,
    reorientation,
  });
  const priority =
    reorientation === 'mg-to-amu' ? Math.max(call.priority, r.reorientationPriority) : call.priority;
  const reason = reorientation ? 'reorientation' : 'transfer';
  if (mode === 'warm') {
    enqueue(ctx, call, target.id, 'warm', reason, priority);
    return;
  }
  leaveCall(ctx, call, cmd.agentId, 'transfer');
  enqueue(ctx, call, target.id, 'queue', reason, priority);
  afterCall(ctx, cmd.agentId);
}
