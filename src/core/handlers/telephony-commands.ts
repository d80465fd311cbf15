// Commands that come from telephony: a call arrives, the caller hangs up, an agent's phone
// answers, fails or drops, the caller accepts a callback.
import { periodAt } from '../calendar.js';
import { endCall, enqueue, redirect } from '../call-flow.js';
import type { Command } from '../commands.js';
import { reject, type Ctx, type Rejection } from '../context.js';
import { connect, failOffer, leaveCall } from '../dispatch.js';
import { currentMode } from './site-clock.js';

type Cmd<T extends Command['type']> = Extract<Command, { type: T }>;

export function arriveCall(ctx: Ctx, cmd: Cmd<'arriveCall'>): Rejection | void {
  if (!cmd.callId) return reject('bad-call-id', 'a call needs an id');
  if (ctx.data.calls[cmd.callId]) return reject('duplicate-call', `call ${cmd.callId} is already known`);
  const config = ctx.data.config;
  // An unknown line never loses the call: it is routed as the site's first line, its label kept.
  const line = ctx.idx.lines.get(cmd.line) ?? config.lines[0]!;
  let entry = cmd.queue ?? line.entryQueue;
  if (entry !== line.entryQueue && !line.directQueues.includes(entry)) {
    if (!cmd.orEntryQueue)
      return reject('queue-not-allowed-for-line', `line ${line.id} may not enter queue ${entry} directly`);
    entry = line.entryQueue; // the site configuration decides; the call the PBX holds is kept
  }
  const department =
    cmd.department && config.departments.includes(cmd.department) ? cmd.department : line.department;
  ctx.emit({
    type: 'CallArrived',
    at: ctx.now,
    callId: cmd.callId,
    line: cmd.line,
    department,
    originSite: cmd.originSite ?? line.originSite ?? config.id,
    callerNumber: cmd.callerNumber || null,
    callerName: cmd.callerName || null,
    mode: currentMode(ctx),
    period: periodAt(config.calendar, ctx.now),
    priority: line.priority,
  });
  const call = ctx.data.calls[cmd.callId]!;
  const sw = ctx.data.lineSwitches[cmd.line];
  // A call received from a partner SAS is never switched back to it (it would loop).
  if (
    sw &&
    sw.partnerId !== call.originSite &&
    sw.from <= ctx.now &&
    (sw.until === null || sw.until > ctx.now) &&
    sw.credit >= 1 - 1e-9
  ) {
    redirect(ctx, call, sw.partnerId, 'line-switched', null);
    return;
  }
  enqueue(ctx, call, entry, 'queue', 'arrival', call.priority);
}

export function callerHungUp(ctx: Ctx, cmd: Cmd<'callerHungUp'>): Rejection | void {
  const call = ctx.data.calls[cmd.callId];
  if (!call) return reject('unknown-call', `no call ${cmd.callId}`);
  endCall(ctx, call, 'caller');
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

export function acceptCallback(ctx: Ctx, cmd: Cmd<'acceptCallback'>): Rejection | void {
  const call = ctx.data.calls[cmd.callId];
  if (!call) return reject('unknown-call', `no call ${cmd.callId}`);
  const p = call.pending;
  if (!p || call.parties.length > 0)
    return reject('call-not-waiting', `call ${cmd.callId} is not waiting in a queue`);
  if (ctx.idx.queues.get(p.queueId)!.branch !== 'mg') {
    return reject('callback-not-offered', 'a callback is offered only in the MG branch');
  }
  ctx.emit({
    type: 'CallbackTaskCreated',
    at: ctx.now,
    taskId: `cb-${call.id}`,
    callId: call.id,
    queueId: p.queueId,
    callerNumber: call.drm?.phone || call.callerNumber,
    name: call.drm?.name ?? call.callerName ?? '',
    department: call.department,
  });
  endCall(ctx, call, 'system', { outcome: 'callback' });
}

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
