// The call's path between agents: entering a queue (with the overflow and unstaffed rules),
// ending, redirecting to a partner SAS, and where a transfer may go.
import { queueIsStaffed, clearP0, syncQueueWaitAlarm, syncUnstaffedAlarm } from './alarms.js';
import { periodAt } from './calendar.js';
import type { Ctx } from './context.js';
import { afterCall, dispatchAgent, dispatchCall, leaveCall, withdrawOffer } from './dispatch.js';
import type { CallRedirected, QueueReason } from './events.js';
import type { Call, CallOutcome, PendingKind } from './model.js';

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
    const back = partner?.partnerId === call.originSite; // never back to the SAS it came from
    if (!back && partner?.whenWaitingAtLeast !== undefined && length >= partner.whenWaitingAtLeast) {
      redirect(ctx, call, partner.partnerId, 'overflow-length', queueId);
      return;
    }
    if (depth < 3 && !queueIsStaffed(ctx, queueId)) {
      const action = q.whenUnstaffed;
      if (action.action === 'partner' && action.partnerId !== call.originSite) {
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

function outcomeOf(ctx: Ctx, call: Call): CallOutcome {
  if (call.qualification === 'DR') return 'dr';
  if (
    call.qualification === null &&
    call.direction === 'inbound' &&
    ctx.idx.queues.get(call.lastQueueId)?.stage === 'n1'
  )
    return 'no-file';
  return 'completed';
}

/**
 * Ends a call: takes back any offer, releases every agent still on it, and frees them.
 * `by` says who ended it; an inbound call ended before any answer is an abandon.
 */
export function endCall(
  ctx: Ctx,
  call: Call,
  by: 'caller' | 'agent' | 'system',
  opts: { outcome?: CallOutcome; disposition?: string | null; agentId?: string | null } = {},
): void {
  const p = call.pending;
  const offeredTo = p?.offer ? withdrawOffer(ctx, call, 'call-ended') : null;
  const parties = [...call.parties];
  for (const party of parties)
    leaveCall(ctx, call, party.agentId, by === 'caller' ? 'caller-hangup' : 'hangup');
  const abandoned = by === 'caller' && call.direction === 'inbound' && parties.length === 0 && p !== null;
  const lastQueue =
    ctx.idx.queues.get(p?.queueId ?? call.lastQueueId) ?? ctx.idx.queues.values().next().value!;
  ctx.emit({
    type: 'CallEnded',
    at: ctx.now,
    callId: call.id,
    by,
    outcome: opts.outcome ?? (abandoned ? 'abandoned' : outcomeOf(ctx, call)),
    qualification: call.qualification,
    disposition: opts.disposition ?? null,
    agentId: opts.agentId ?? null,
    last: { queueId: lastQueue.id, stage: lastQueue.stage, branch: lastQueue.branch },
    waitedMs: p ? ctx.now - p.enteredAt : null,
    sinceArrivalMs: ctx.now - call.arrivedAt,
    answered: call.firstAnsweredAt !== null,
  });
  if (by !== 'caller')
    ctx.effect({
      type: 'hangUp',
      callId: call.id,
      reason: opts.outcome === 'callback' ? 'callback-accepted' : 'normal',
    });
  if (call.qualification === 'P0') clearP0(ctx, call.id);
  if (p) {
    syncQueueWaitAlarm(ctx, p.queueId);
    syncUnstaffedAlarm(ctx, p.queueId);
  }
  if (offeredTo) {
    ctx.emit({ type: 'AgentBecameAvailable', at: ctx.now, agentId: offeredTo });
    dispatchAgent(ctx, offeredTo);
  }
  for (const party of parties) afterCall(ctx, party.agentId);
  // A dial-out placed from this call (external transfer or conference) has no reason to outlive it.
  for (const id of call.dialOuts ?? []) {
    const child = ctx.data.calls[id];
    if (child) endCall(ctx, child, 'system');
  }
}

/** Sends the caller to a partner SAS (débordement or bascule); the call ends here for this site. */
export function redirect(
  ctx: Ctx,
  call: Call,
  partnerId: string,
  reason: CallRedirected['reason'],
  queueId: string | null,
): void {
  const partner = ctx.data.config.partners.find((x) => x.id === partnerId)!;
  ctx.emit({ type: 'CallRedirected', at: ctx.now, callId: call.id, partnerId, reason, queueId });
  ctx.effect({ type: 'redirectToPartner', callId: call.id, partnerId, destination: partner.destination });
  endCall(ctx, call, 'system', { outcome: 'redirected' });
}

/** Whether MG (GP) regulation is open now: outside it, P2 goes to the site's PDSA regulation. */
function mgOpen(ctx: Ctx): boolean {
  const r = ctx.data.config.routing;
  return r.mgHours === 'always' || periodAt(ctx.data.config.calendar, ctx.now) === 'sas';
}

function gpRegulatorLoggedIn(ctx: Ctx): boolean {
  return (ctx.idx.loggedInByRole.get('mrg') ?? 0) > 0;
}

/** Where a P2 goes now: MG N2 in MG hours; the PDSA regulation outside; the AMU doctors when no GP regulator is there. */
export function p2Target(ctx: Ctx): string {
  const r = ctx.data.config.routing;
  if (!mgOpen(ctx) && r.p2OutsideMgHours) return r.p2OutsideMgHours;
  if (!gpRegulatorLoggedIn(ctx) && r.p2WithoutGpRegulator) return r.p2WithoutGpRegulator;
  return r.p2Queue;
}
