// Which effects left pending at a take-over (decided by a leader that died, or while the PBX link
// was down) must still be carried out once the PBX has been re-adopted from the engine's plan
// (src/core/telephony-plan.ts). Re-adoption already makes the PBX match the plan for everything the
// plan describes — who is on hold, who is rung, who is bridged, which legs must go — so repeating
// those effects would do them twice (ring an agent again, bridge again). What the plan cannot say
// is still carried out: hanging a caller up (idempotent), a redirect to a partner, a callback offer
// and a dial-out for a call still live (the adapter never places a dial-out twice).
import type { Effect } from '../core/effects.js';
import type { CallPlan } from '../core/telephony-plan.js';

const COVERED_BY_ADOPTION = new Set<Effect['type']>([
  'holdCaller',
  'ringAgent',
  'cancelRing',
  'connectAgent',
  'releaseAgent',
]);

export function effectsAfterAdoption(pending: readonly Effect[], plans: readonly CallPlan[]): Effect[] {
  const live = new Set(plans.map((p) => p.callId));
  return pending.filter((effect) => {
    if (COVERED_BY_ADOPTION.has(effect.type)) return false;
    if (effect.type === 'offerCallback' || effect.type === 'dialOut') return live.has(effect.callId);
    return true;
  });
}

/** Callers that a pending redirect still has to send away: re-adoption must leave them alone. */
export function redirectsPending(pending: readonly Effect[]): Set<string> {
  return new Set(pending.filter((e) => e.type === 'redirectToPartner').map((e) => e.callId));
}

/** Outbound calls whose dial-out is still to be placed: their far end is not gone, just not there yet. */
export function dialOutsPending(pending: readonly Effect[]): Set<string> {
  return new Set(pending.filter((e) => e.type === 'dialOut').map((e) => e.callId));
}

/** Calls whose hang-up is pending: their caller, if still there, is no new arrival. */
export function hangUpsPending(pending: readonly Effect[]): Set<string> {
  return new Set(pending.filter((e) => e.type === 'hangUp').map((e) => e.callId));
}
