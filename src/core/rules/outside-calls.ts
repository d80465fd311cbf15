// An agent calls out (a callback, a doctor on duty, a partner): an outbound leg tied to the agent.
import { reject, type Ctx, type Rejection } from '../context.js';
import { roleFor } from '../distribution.js';
import { OUTBOUND_PURPOSES } from '../model.js';
import { type Cmd } from './party.js';

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
