// What the telephony should look like for the engine's current state: for each live call, the
// caller's line, the agents on it, the agent it is offered to (with the ring that offer needs) and,
// for a caller waiting alone, the hold it needs. A telephony adapter that takes over the PBX from
// another process (fail-over) compares this with what the PBX shows and re-adopts, so that no call
// in progress is orphaned by the change of leader.
import type { Effect } from './effects.js';
import type { ListenMode } from './listen-in.js';
import type { State } from './state.js';

export type CallPlan = {
  callId: string;
  direction: 'inbound' | 'outbound';
  /** An outbound call placed from another call (external transfer or conference): that call. */
  parentCallId?: string | null;
  /** A consultation's outbound call (../core/consultation.ts): the consulting agent, in its own bridge. */
  consultFrom?: string;
  line: string;
  /** Agents bridged with the caller. */
  agents: string[];
  /** The ring the pending offer needs, if the phone never rang (timeout = what is left of it). */
  ring: Extract<Effect, { type: 'ringAgent' }> | null;
  /** The hold a caller waiting alone needs. */
  hold: Extract<Effect, { type: 'holdCaller' }> | null;
  /** Supervisors listening in (their phone and snoop channels are kept at a take-over); absent: none. */
  listeners?: { supervisorId: string; agentId: string; mode: ListenMode }[];
};

export function telephonyPlan(state: State, now: number): CallPlan[] {
  const plans: CallPlan[] = [];
  for (const call of Object.values(state.data.calls)) {
    const p = call.pending;
    const offer = p?.offer ?? null;
    const agentCfg = offer ? state.idx.agentConfigs.get(offer.agentId) : undefined;
    const queue = p ? state.idx.queues.get(p.queueId) : undefined;
    plans.push({
      callId: call.id,
      direction: call.direction,
      parentCallId: call.parentCallId ?? null,
      ...(call.consultFrom !== undefined ? { consultFrom: call.consultFrom } : {}),
      line: call.line,
      agents: call.parties.map((x) => x.agentId),
      ring:
        offer && agentCfg
          ? {
              type: 'ringAgent',
              callId: call.id,
              agentId: offer.agentId,
              autoAnswer: agentCfg.autoAnswer,
              timeoutSeconds:
                offer.until === null ? null : Math.max(1, Math.ceil((offer.until - now) / 1000)),
            }
          : null,
      hold:
        p && queue && call.parties.length === 0
          ? { type: 'holdCaller', callId: call.id, queueId: queue.id, music: queue.music }
          : null,
      ...(call.listeners?.length
        ? {
            listeners: call.listeners.map((l) => ({
              supervisorId: l.supervisorId,
              agentId: l.agentId,
              mode: l.mode,
            })),
          }
        : {}),
    });
  }
  return plans;
}
