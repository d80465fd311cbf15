// Every call ends once, with one outcome (no file, DR, P0/P1/P2, abandoned, redirected).
import { clearP0, syncQueueWaitAlarm, syncUnstaffedAlarm } from './alarms.js';
import { type Ctx } from './context.js';
import { afterCall, dispatchAgent, leaveCall, withdrawOffer } from './distribution.js';
import { consultationEnded, type ConsultationEndReason } from './consultation.js';
import { endListening } from './listen-in.js';
import { type Call, type CallOutcome } from './model.js';

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
  opts: {
    outcome?: CallOutcome;
    disposition?: string | null;
    agentId?: string | null;
    /** A consultation's outbound call: why it ends (default: the number's end, or its call's). */
    consultEnd?: ConsultationEndReason;
  } = {},
): void {
  if (call.consultFrom !== undefined)
    consultationEnded(ctx, call, opts.consultEnd ?? (by === 'caller' ? 'outside-ended' : 'call-ended'));
  const p = call.pending;
  const offeredTo = p?.offer ? withdrawOffer(ctx, call, 'call-ended') : null;
  const parties = [...call.parties];
  endListening(ctx, call, 'call-ended'); // before the legs the listen-ins hang on are released
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
