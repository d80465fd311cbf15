// Callbacks (rappel) in the MG branch: the waiting caller accepts one, an agent claims and completes it.
import { endCall } from '../call-end.js';
import { reject, type Ctx, type Rejection } from '../context.js';
import { roleFor } from '../distribution.js';
import { type Cmd } from './party.js';

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
