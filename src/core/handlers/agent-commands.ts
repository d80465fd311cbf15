// Commands from an agent's panel: the call (qualify, transfer, doctor, hang up, dial out,
// callbacks) and the agent's own state (log in/out, ready, pause).
import { raiseP0, clearP0, syncAllUnstaffedAlarms, syncPresenceAlarms } from '../alarms.js';
import { afterCall, dispatchAgent, dispatchCall, leaveCall, roleFor, withdrawOffer } from '../dispatch.js';
import { endCall, enqueue, p2Target } from '../call-flow.js';
import type { Command } from '../commands.js';
import { reject, type Ctx, type Rejection } from '../context.js';
import { OUTBOUND_PURPOSES, QUALIFICATIONS, type Call, type Party } from '../model.js';

type Cmd<T extends Command['type']> = Extract<Command, { type: T }>;

function partyOf(ctx: Ctx, callId: string, agentId: string): { call: Call; party: Party } | Rejection {
  const call = ctx.data.calls[callId];
  if (!call) return reject('unknown-call', `no call ${callId}`);
  const party = call.parties.find((p) => p.agentId === agentId);
  if (!party) return reject('agent-not-on-call', `agent ${agentId} is not connected to call ${callId}`);
  return { call, party };
}

const isRejection = (x: object): x is Rejection => 'ok' in x;

export function qualifyCall(ctx: Ctx, cmd: Cmd<'qualifyCall'>): Rejection | void {
  const found = partyOf(ctx, cmd.callId, cmd.agentId);
  if (isRejection(found)) return found;
  const { call, party } = found;
  if (!QUALIFICATIONS.includes(cmd.qualification)) {
    return reject('bad-qualification', `qualification must be one of ${QUALIFICATIONS.join(', ')}`);
  }
  const stage = ctx.idx.queues.get(party.queueId)!.stage;
  // Only an ARM qualifies, at N1 (or on a call it keeps, or on a call that entered N2 directly).
  if (party.role !== 'arm') return reject('role-cannot-qualify', `a ${party.role} does not qualify calls`);
  if (stage !== 'n1' && !party.kept && call.qualification !== null) {
    return reject('already-qualified', `call ${call.id} was qualified ${call.qualification} at N1`);
  }
  if (call.pending) return reject('transfer-in-progress', `call ${call.id} is already being transferred`);
  const wasP0 = call.qualification === 'P0';
  ctx.emit({
    type: 'CallQualified',
    at: ctx.now,
    callId: call.id,
    agentId: cmd.agentId,
    qualification: cmd.qualification,
    drmId: call.drm?.id ?? `drm-${call.id}`,
    name: cmd.name ?? call.drm?.name ?? call.callerName ?? '',
    phone: cmd.phone ?? call.drm?.phone ?? call.callerNumber ?? '',
    stage,
  });
  if (cmd.qualification === 'P0') raiseP0(ctx, call.id);
  else if (wasP0) clearP0(ctx, call.id);
  const keeps = cmd.qualification === 'P0' || (call.mode === 'one-level' && cmd.qualification !== 'DR');
  if (keeps && stage === 'n1' && !party.kept) {
    ctx.emit({
      type: 'CallKept',
      at: ctx.now,
      callId: call.id,
      agentId: cmd.agentId,
      asQueueId: ctx.data.config.routing.keptAsQueue,
    });
  }
  // P0 keeps the call and brings the doctor in: at once when the site's policy says so.
  if (cmd.qualification === 'P0' && !wasP0 && ctx.data.config.routing.p0Doctor === 'at-once')
    return bringInDoctor(ctx, { type: 'bringInDoctor', callId: call.id, agentId: cmd.agentId });
}

export function transferCall(ctx: Ctx, cmd: Cmd<'transferCall'>): Rejection | void {
  const found = partyOf(ctx, cmd.callId, cmd.agentId);
  if (isRejection(found)) return found;
  const { call, party } = found;
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

export function bringInDoctor(ctx: Ctx, cmd: Cmd<'bringInDoctor'>): Rejection | void {
  const found = partyOf(ctx, cmd.callId, cmd.agentId);
  if (isRejection(found)) return found;
  const { call, party } = found;
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

export function hangUp(ctx: Ctx, cmd: Cmd<'hangUp'>): Rejection | void {
  const found = partyOf(ctx, cmd.callId, cmd.agentId);
  if (isRejection(found)) return found;
  const { call } = found;
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

export function dialOut(ctx: Ctx, cmd: Cmd<'dialOut'>): Rejection | void {
  const agent = ctx.data.agents[cmd.agentId];
  if (!agent) return reject('unknown-agent', `no agent ${cmd.agentId}`);
  if (!cmd.callId || ctx.data.calls[cmd.callId])
    return reject('duplicate-call', `call id "${cmd.callId}" is taken`);
  if (!cmd.number) return reject('bad-number', 'a number to dial is required');
  if (!OUTBOUND_PURPOSES.includes(cmd.purpose))
    return reject('bad-purpose', `purpose must be one of ${OUTBOUND_PURPOSES.join(', ')}`);
  const task = cmd.taskId ? ctx.data.callbacks[cmd.taskId] : undefined;
  if (cmd.taskId && task?.claimedBy !== cmd.agentId)
    return reject('task-not-claimed-by-agent', `task ${cmd.taskId} is not claimed by ${cmd.agentId}`);
  const parent = cmd.parentCallId ? ctx.data.calls[cmd.parentCallId] : undefined;
  if (cmd.parentCallId && !parent?.parties.some((p) => p.agentId === cmd.agentId)) {
    return reject('agent-not-on-call', `agent ${cmd.agentId} is not on call ${cmd.parentCallId}`);
  }
  if (!parent && agent.status !== 'available' && agent.status !== 'paused' && agent.status !== 'wrap-up') {
    return reject('agent-busy', `agent ${cmd.agentId} is ${agent.status}`);
  }
  const queueId =
    task?.queueId ??
    parent?.parties.find((p) => p.agentId === cmd.agentId)?.queueId ??
    agent.skills[0]?.queue ??
    ctx.data.config.queues[0]!.id;
  const q = ctx.idx.queues.get(queueId)!;
  const roles = ctx.idx.agentConfigs.get(cmd.agentId)!.roles;
  ctx.emit({
    type: 'OutboundCallPlaced',
    at: ctx.now,
    callId: cmd.callId,
    agentId: cmd.agentId,
    role: roleFor(ctx, cmd.agentId, queueId) ?? roles[0]!,
    number: cmd.number,
    purpose: cmd.purpose,
    parentCallId: cmd.parentCallId ?? null,
    taskId: cmd.taskId ?? null,
    department: parent?.department ?? task?.department ?? ctx.data.config.departments[0]!,
    queueId,
    stage: q.stage,
    branch: q.branch,
  });
  ctx.effect({
    type: 'dialOut',
    callId: cmd.callId,
    agentId: cmd.agentId,
    number: cmd.number,
    purpose: cmd.purpose,
    parentCallId: cmd.parentCallId ?? null,
  });
}

export function claimCallback(ctx: Ctx, cmd: Cmd<'claimCallback'>): Rejection | void {
  const task = ctx.data.callbacks[cmd.taskId];
  if (!task) return reject('unknown-task', `no callback task ${cmd.taskId}`);
  if (task.claimedBy)
    return reject('task-already-claimed', `task ${cmd.taskId} is claimed by ${task.claimedBy}`);
  const agent = ctx.data.agents[cmd.agentId];
  if (!agent || agent.status === 'logged-out')
    return reject('agent-not-logged-in', `agent ${cmd.agentId} is not logged in`);
  if (!roleFor(ctx, cmd.agentId, task.queueId))
    return reject('role-cannot-serve', `agent ${cmd.agentId} does not serve ${task.queueId}`);
  ctx.emit({ type: 'CallbackTaskClaimed', at: ctx.now, taskId: task.id, agentId: cmd.agentId });
}

export function completeCallback(ctx: Ctx, cmd: Cmd<'completeCallback'>): Rejection | void {
  const task = ctx.data.callbacks[cmd.taskId];
  if (!task) return reject('unknown-task', `no callback task ${cmd.taskId}`);
  if (task.claimedBy !== cmd.agentId)
    return reject('task-not-claimed-by-agent', `task ${cmd.taskId} is not claimed by ${cmd.agentId}`);
  ctx.emit({
    type: 'CallbackTaskCompleted',
    at: ctx.now,
    taskId: task.id,
    agentId: cmd.agentId,
    outcome: cmd.outcome || 'done',
  });
}

function knownAgent(ctx: Ctx, agentId: string) {
  return ctx.data.agents[agentId] ?? reject('unknown-agent', `no agent ${agentId}`);
}

export function agentLogin(ctx: Ctx, cmd: Cmd<'agentLogin'>): Rejection | void {
  const a = knownAgent(ctx, cmd.agentId);
  if (isRejection(a)) return a;
  if (a.status !== 'logged-out') return reject('already-logged-in', `agent ${a.id} is already logged in`);
  ctx.emit({ type: 'AgentLoggedIn', at: ctx.now, agentId: a.id });
  syncPresenceAlarms(ctx);
  dispatchAgent(ctx, a.id);
  syncAllUnstaffedAlarms(ctx);
}

/** Takes back a ringing offer when its agent leaves; the call is offered to someone else. */
function takeBackOffer(
  ctx: Ctx,
  agentId: string,
  reason: 'agent-paused' | 'agent-logged-out',
): Call | undefined {
  const a = ctx.data.agents[agentId]!;
  if (a.status !== 'offered' || !a.callId) return undefined;
  const call = ctx.data.calls[a.callId]!;
  withdrawOffer(ctx, call, reason);
  return call;
}

export function agentLogout(ctx: Ctx, cmd: Cmd<'agentLogout'>): Rejection | void {
  const a = knownAgent(ctx, cmd.agentId);
  if (isRejection(a)) return a;
  if (a.status === 'logged-out') return reject('not-logged-in', `agent ${a.id} is not logged in`);
  if (a.status === 'on-call') return reject('agent-on-call', `agent ${a.id} is on a call`);
  const call = takeBackOffer(ctx, a.id, 'agent-logged-out');
  ctx.emit({ type: 'AgentLoggedOut', at: ctx.now, agentId: a.id, by: cmd.by ?? 'agent' });
  if (call) dispatchCall(ctx, call);
  syncPresenceAlarms(ctx);
  syncAllUnstaffedAlarms(ctx);
}

export function agentReady(ctx: Ctx, cmd: Cmd<'agentReady'>): Rejection | void {
  const a = knownAgent(ctx, cmd.agentId);
  if (isRejection(a)) return a;
  if (a.status === 'logged-out') return reject('not-logged-in', `agent ${a.id} is not logged in`);
  if (a.status === 'on-call' || a.status === 'offered')
    return reject('agent-on-call', `agent ${a.id} is ${a.status}`);
  if (a.status === 'available') return;
  ctx.emit({ type: 'AgentBecameAvailable', at: ctx.now, agentId: a.id });
  dispatchAgent(ctx, a.id);
}

export function agentPause(ctx: Ctx, cmd: Cmd<'agentPause'>): Rejection | void {
  const a = knownAgent(ctx, cmd.agentId);
  if (isRejection(a)) return a;
  if (!cmd.reason?.trim()) return reject('reason-required', 'a pause needs a reason');
  if (a.status === 'logged-out') return reject('not-logged-in', `agent ${a.id} is not logged in`);
  if (a.status === 'on-call') return reject('agent-on-call', `agent ${a.id} is on a call`);
  const call = takeBackOffer(ctx, a.id, 'agent-paused');
  ctx.emit({ type: 'AgentPaused', at: ctx.now, agentId: a.id, reason: cmd.reason.trim() });
  if (call) dispatchCall(ctx, call);
}
