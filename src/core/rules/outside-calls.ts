// An agent calls out (a callback, a doctor on duty, a partner): an outbound leg tied to the agent.
// From a call, the number joins it (conference) or, with handOver, takes the agent's place once it
// answers (outside transfer in one command): the caller is never left alone with a number that may
// fail, and a failed number leaves the caller with the agent.
import { endCall } from '../call-end.js';
import { reject, type Ctx, type Rejection } from '../context.js';
import { afterCall, leaveCall, roleFor } from '../distribution.js';
import { OUTBOUND_PURPOSES, type Call } from '../model.js';
import { consultationOf } from '../consultation.js';
import { consultationAnswered } from './consult-outside.js';
import { isRejection, partyOf, type Cmd } from './party.js';

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
  if ((cmd.handOver || cmd.consult) && !parent)
    return reject('no-call-to-transfer', 'an outside transfer is made from a call');
  if (cmd.handOver && cmd.consult)
    return reject('bad-command', 'an outside transfer is either blind (handOver) or consultative (consult)');
  if (parent?.dialOuts?.some((id) => ctx.data.calls[id]?.handOverFrom))
    return reject('transfer-in-progress', `call ${parent.id} is already being transferred outside`);
  if (cmd.consult && parent?.pending)
    return reject(
      'transfer-in-progress',
      `call ${parent.id} is already waiting in ${parent.pending.queueId}`,
    );
  if (parent && consultationOf(ctx, parent))
    return reject('consultation-in-progress', `an outside number is being consulted from call ${parent.id}`);
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
    ...(cmd.handOver && parent ? { handOver: true as const } : {}),
    ...(cmd.consult && parent ? { consult: true as const } : {}),
  });
  ctx.effect({
    type: 'dialOut',
    callId: cmd.callId,
    agentId: cmd.agentId,
    number: cmd.number,
    purpose: cmd.purpose,
    parentCallId: cmd.parentCallId ?? null,
    ...(cmd.consult && parent ? { consult: true as const, music: q.music } : {}),
  });
}

/** The far end of an outbound call answered: an outside transfer's agent leaves the caller to it. */
export function outsideAnswered(ctx: Ctx, cmd: Cmd<'outsideAnswered'>): Rejection | void {
  const out = ctx.data.calls[cmd.callId];
  if (!out) return reject('unknown-call', `no call ${cmd.callId}`);
  if (out.direction !== 'outbound')
    return reject('not-outbound', `call ${cmd.callId} is not an outbound call`);
  if (out.consultFrom !== undefined) return consultationAnswered(ctx, out); // the caller stays on hold
  const agentId = out.handOverFrom;
  const parent = out.parentCallId ? ctx.data.calls[out.parentCallId] : undefined;
  // A conference or a click-to-dial, or an agent who left meanwhile: nothing changes.
  if (!agentId || !parent?.parties.some((p) => p.agentId === agentId)) return;
  leaveCall(ctx, parent, agentId, 'transfer');
  afterCall(ctx, agentId);
}

/**
 * The agent takes back its blind outside transfer before the number answers (wrong number, a
 * partner who will not pick up): the number's leg alone is hung up (the outbound call ends, by the
 * agent); the caller stays with the agent exactly as when the number does not answer.
 */
export function cancelOutsideTransfer(ctx: Ctx, cmd: Cmd<'cancelOutsideTransfer'>): Rejection | void {
  const found = partyOf(ctx, cmd.callId, cmd.agentId);
  if (isRejection(found)) return found;
  const { call } = found;
  // Ringing: its agent is still on the call (it leaves once the number answers).
  const out = (call.dialOuts ?? [])
    .map((id) => ctx.data.calls[id])
    .find((o) => o?.handOverFrom !== undefined && call.parties.some((p) => p.agentId === o.handOverFrom));
  if (!out) return reject('no-transfer-ringing', `no outside transfer of call ${call.id} is ringing`);
  if (out.handOverFrom !== cmd.agentId)
    return reject(
      'transfer-not-yours',
      `the outside transfer of call ${call.id} was placed by ${out.handOverFrom}, not ${cmd.agentId}`,
    );
  ctx.emit({
    type: 'OutsideTransferCancelled',
    at: ctx.now,
    callId: call.id,
    outCallId: out.id,
    agentId: cmd.agentId,
  });
  // The outbound call's end and its hangUp (its leg only: the caller is another call's channel).
  endCall(ctx, out, 'agent', { agentId: cmd.agentId });
}

/**
 * An outside transfer's number hung up after taking the call: the caller, with nobody left on its
 * side, is hung up too (the call ends, by the system).
 */
export function afterOutsideEnded(ctx: Ctx, parentId: string | undefined): void {
  const parent = parentId ? ctx.data.calls[parentId] : undefined;
  if (parent && parent.parties.length === 0 && !parent.pending) endCall(ctx, parent, 'system');
}

/**
 * A blind outside transfer of this call still ringing: the agent who will leave once the number
 * answers (absent: none). Meanwhile the caller is promised to that number: its agent's hang-up
 * would cut the caller, and a queue or a doctor would take a caller the number may answer.
 */
export function ringingHandOver(ctx: Ctx, call: Call): string | undefined {
  for (const id of call.dialOuts ?? []) {
    const agentId = ctx.data.calls[id]?.handOverFrom;
    if (agentId && call.parties.some((p) => p.agentId === agentId)) return agentId;
  }
  return undefined;
}

export function rejectDuringHandOver(ctx: Ctx, call: Call): Rejection | undefined {
  const agentId = ringingHandOver(ctx, call);
  if (agentId === undefined) return undefined;
  return reject(
    'transfer-in-progress',
    `call ${call.id} is being transferred outside by ${agentId}: wait for the number (the caller stays with the agent if it does not answer)`,
  );
}
