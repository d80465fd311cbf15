// A supervisor listens to a live call, whispers to its agent or barges in, and stops (../listen-in.ts).
// Who may: an agent of the site's configuration with the supervisor role (its phone is its
// endpoint). The seeds give the room supervisor the coordination and support of the operators
// (instruction annex 1; report P43); none gives a doctor the right to listen live, so no other role.
import { reject, type Ctx, type Rejection } from '../context.js';
import { endListening, LISTEN_MODES, listeningTo } from '../listen-in.js';
import { type Cmd } from './party.js';

export function startListening(ctx: Ctx, cmd: Cmd<'startListening'>): Rejection | void {
  if (!LISTEN_MODES.includes(cmd.mode))
    return reject('bad-listen-mode', `mode must be one of ${LISTEN_MODES.join(', ')}`);
  const sup = ctx.idx.agentConfigs.get(cmd.supervisorId);
  if (!sup?.roles.includes('supervisor'))
    return reject('not-a-supervisor', `${cmd.supervisorId} is not a supervisor of this site`);
  const call = ctx.data.calls[cmd.callId];
  if (!call) return reject('unknown-call', `no call ${cmd.callId}`);
  if (call.listeners?.some((l) => l.supervisorId === cmd.supervisorId))
    return reject('already-listening', `${cmd.supervisorId} already listens to call ${call.id}`);
  const elsewhere = listeningTo(ctx.data.calls, cmd.supervisorId);
  if (elsewhere || ctx.data.agents[cmd.supervisorId]?.callId)
    return reject(
      'supervisor-busy',
      `${cmd.supervisorId} is already on call ${elsewhere?.id ?? 'another call'}`,
    );
  const agentId = cmd.agentId ?? call.parties[0]?.agentId;
  if (!agentId) return reject('no-agent-on-call', `no agent is connected to call ${call.id} yet`);
  if (!call.parties.some((p) => p.agentId === agentId))
    return reject('agent-not-on-call', `agent ${agentId} is not connected to call ${call.id}`);
  ctx.emit({
    type: 'ListenStarted',
    at: ctx.now,
    callId: call.id,
    supervisorId: cmd.supervisorId,
    agentId,
    mode: cmd.mode,
  });
  ctx.effect({
    type: 'listenIn',
    callId: call.id,
    supervisorId: cmd.supervisorId,
    agentId,
    mode: cmd.mode,
    autoAnswer: sup.autoAnswer,
  });
}

export function stopListening(ctx: Ctx, cmd: Cmd<'stopListening'>): Rejection | void {
  const reason = cmd.reason ?? 'stopped';
  if (!['stopped', 'supervisor-hung-up', 'unreachable', 'unsupported'].includes(reason))
    return reject('bad-reason', 'reason must be stopped, supervisor-hung-up, unreachable or unsupported');
  const call = ctx.data.calls[cmd.callId];
  if (!call) return reject('unknown-call', `no call ${cmd.callId}`);
  const l = call.listeners?.find((x) => x.supervisorId === cmd.supervisorId);
  if (!l) return reject('not-listening', `${cmd.supervisorId} does not listen to call ${call.id}`);
  endListening(ctx, call, reason, { supervisorId: l.supervisorId });
}
