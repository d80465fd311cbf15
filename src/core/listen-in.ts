// Supervisor listen-in (écoute, chuchotement, intervention): a supervisor of the room listens to a
// live call through the agent's leg, whispers to the agent alone, or barges into the call. It is an
// engine matter, not a shell one, so that it is in the call's history (who listened, which call,
// which agent, in which mode, from when to when: the audit trail) and every process and console
// sees it; and so that it ends with the agent's part of the call or with the call, decided once.
// Nothing here counts in the indicators: a listener is never a party of the call.
import type { Ctx } from './context.js';
import type { Call } from './model.js';

/** listen = spy on the agent's leg; whisper = spy, and speak to the agent alone; barge = join the call. */
export const LISTEN_MODES = ['listen', 'whisper', 'barge'] as const;
export type ListenMode = (typeof LISTEN_MODES)[number];

/** One supervisor listening to a call, through the leg of one agent of it. */
export type Listener = { supervisorId: string; agentId: string; mode: ListenMode; since: number };

/**
 * stopped: the supervisor stopped from the console; supervisor-hung-up: its phone hung up;
 * unreachable: its phone never answered; agent-left: the agent's part of the call ended (transfer,
 * hang-up, leg lost); call-ended: the call ended; unsupported: the PBX cannot listen in.
 */
export const LISTEN_END_REASONS = [
  'stopped',
  'supervisor-hung-up',
  'unreachable',
  'agent-left',
  'call-ended',
  'unsupported',
] as const;
export type ListenEndReason = (typeof LISTEN_END_REASONS)[number];

export type ListenStarted = {
  type: 'ListenStarted';
  at: number;
  callId: string;
  supervisorId: string;
  agentId: string;
  mode: ListenMode;
};

export type ListenEnded = {
  type: 'ListenEnded';
  at: number;
  callId: string;
  supervisorId: string;
  agentId: string;
  mode: ListenMode;
  startedAt: number;
  reason: ListenEndReason;
};

/** The call (if any) a supervisor listens to now. */
export function listeningTo(calls: Record<string, Call>, supervisorId: string): Call | undefined {
  return Object.values(calls).find((c) => c.listeners?.some((l) => l.supervisorId === supervisorId));
}

/**
 * Ends the listen-ins of a call (only those through one agent's leg, or of one supervisor, when
 * given): an event and a telephony clean-up each, before the legs they hang on are released.
 */
export function endListening(
  ctx: Ctx,
  call: Call,
  reason: ListenEndReason,
  only: { agentId?: string; supervisorId?: string } = {},
): void {
  for (const l of [...(call.listeners ?? [])]) {
    if (only.agentId !== undefined && l.agentId !== only.agentId) continue;
    if (only.supervisorId !== undefined && l.supervisorId !== only.supervisorId) continue;
    ctx.emit({
      type: 'ListenEnded',
      at: ctx.now,
      callId: call.id,
      supervisorId: l.supervisorId,
      agentId: l.agentId,
      mode: l.mode,
      startedAt: l.since,
      reason,
    });
    ctx.effect({ type: 'stopListening', callId: call.id, supervisorId: l.supervisorId });
  }
}
