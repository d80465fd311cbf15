// A call enters a queue: overflow to the partner SAS by queue length, the unstaffed rule, hold
// with music when alone, then distribution.
import { queueIsStaffed, syncUnstaffedAlarm } from './alarms.js';
import { type Ctx } from './context.js';
import { dispatchCall } from './distribution.js';
import { type QueueReason } from './events.js';
import { type Call, type PendingKind } from './model.js';
import { mayRedirectTo } from './partner-bar.js';
import { redirect } from './partner-redirect.js';

/** Puts the call in a queue (the caller is held with music unless an agent stays with it). */
export function enqueue(
  ctx: Ctx,
  call: Call,
  queueId: string,
  kind: PendingKind,
  reason: QueueReason,
  priority: number,
  depth = 0,
): void {
  const q = ctx.idx.queues.get(queueId)!;
  const alone = call.parties.length === 0;
  if (alone && kind === 'queue') {
    const partner = q.overflow.partner;
    const length = ctx.idx.waiting.get(queueId)!.length;
    // Never back to the SAS it came from, nor to one that refused it.
    const barred = partner !== undefined && !mayRedirectTo(call, partner.partnerId);
    if (!barred && partner?.whenWaitingAtLeast !== undefined && length >= partner.whenWaitingAtLeast) {
      redirect(ctx, call, partner.partnerId, 'overflow-length', queueId);
      return;
    }
    if (depth < 3 && !queueIsStaffed(ctx, queueId)) {
      const action = q.whenUnstaffed;
      if (action.action === 'partner' && mayRedirectTo(call, action.partnerId)) {
        redirect(ctx, call, action.partnerId, 'unstaffed', queueId);
        return;
      }
      if (action.action === 'queue') {
        enqueue(ctx, call, action.queueId, kind, 'unstaffed', priority, depth + 1);
        return;
      }
    }
  }
  ctx.emit({
    type: 'CallQueued',
    at: ctx.now,
    callId: call.id,
    queueId,
    stage: q.stage,
    branch: q.branch,
    kind,
    reason,
    priority,
  });
  if (alone) ctx.effect({ type: 'holdCaller', callId: call.id, queueId, music: q.music });
  dispatchCall(ctx, call);
  syncUnstaffedAlarm(ctx, queueId);
}
