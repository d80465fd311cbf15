// Agent presence: log in and out, ready, pause with a reason (never while on a call).
import { syncAllUnstaffedAlarms, syncPresenceAlarms } from '../alarms.js';
import { reject, type Ctx, type Rejection } from '../context.js';
import { dispatchAgent, dispatchCall, withdrawOffer } from '../distribution.js';
import { type Call } from '../model.js';
import { isRejection, type Cmd } from './party.js';

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
