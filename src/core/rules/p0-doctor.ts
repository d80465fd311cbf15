// P0 brings the doctor in: the ARM keeps the caller and a doctor joins the call.
import { consultationOf } from '../consultation.js';
import { reject, type Ctx, type Rejection } from '../context.js';
import { enqueue } from '../queueing.js';
import { rejectDuringHandOver } from './outside-calls.js';
import { isRejection, partyOf, type Cmd } from './party.js';

export function bringInDoctor(ctx: Ctx, cmd: Cmd<'bringInDoctor'>): Rejection | void {
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
  if (party.queueId === r.doctorQueue) return reject('already-doctor', 'the doctor is already on the call');
  enqueue(
    ctx,
    call,
    r.doctorQueue,
    'conference',
    'conference',
    Math.max(call.priority, r.conferencePriority),
  );
}
